/**
 * One ShipStation account: its stores, orders, labels, fulfilments, webhooks and the status history a
 * test compares deliveries against. Every mutation (API write, control call, random change, generator
 * step) goes through the methods here, so they all bump modifyDate, record history and fire the
 * webhooks the real service fires in the same way.
 */
import type { SeededRandom } from '../common/seeded-random.js'
import { FULFILLMENT_PROVIDERS } from './catalog.js'
import { notFound, rejected } from './errors.js'
import { Factory, type IdCounters, type LabelInput, type NewOrderInput, orderTotal } from './factory.js'
import { PickableSet, TimedQueue } from './heap.js'
import {
  type Carrier,
  type Fulfillment,
  type HistoryEntry,
  OPEN_STATUSES,
  type Order,
  type OrderStatus,
  type Shipment,
  type StatusVia,
  type Store,
  type Warehouse,
  type Webhook,
  type WebhookEvent,
} from './model.js'
import { SortedIndex } from './sorted-index.js'
import { type CreateOrderInput, orderFieldsFromWire } from './wire.js'

/** A webhook the world wants delivered; `path` is the list query the resource_url points at. */
export interface WorldEvent {
  event: WebhookEvent
  storeId: number
  path: string
}

export interface WorldSetup {
  apiKey: string
  seed: number
  random: SeededRandom
  ids: IdCounters
  stores: Store[]
  warehouses: Warehouse[]
  carriers: Carrier[]
  now: () => number
}

const ORDER_NOTIFY_PATH = (storeId: number, batch: string) =>
  `/orders?storeID=${storeId}&importBatch=${batch}`

export type RandomChangeKind =
  | 'new_order'
  | 'pay'
  | 'hold'
  | 'release'
  | 'label'
  | 'manual_ship'
  | 'send_to_provider'
  | 'external_fulfil'
  | 'cancel'
  | 'void'

export interface RandomChange {
  kind: RandomChangeKind
  orderId: number
}

export class World {
  readonly apiKey: string
  readonly seed: number
  readonly random: SeededRandom
  readonly factory: Factory
  readonly stores: Store[]
  readonly warehouses: Warehouse[]
  readonly carriers: Carrier[]
  readonly #history: HistoryEntry[] = []
  readonly webhooks = new Map<number, Webhook>()
  /** importBatch GUID → order ids, what ORDER_NOTIFY resource URLs list. */
  readonly importBatches = new Map<string, Set<number>>()

  readonly #orders = new Map<number, Order>()
  readonly ordersById = new SortedIndex<Order>(
    (o) => o.orderId,
    (o) => o.orderId,
  )
  readonly ordersByCreate = new SortedIndex<Order>(
    (o) => o.createDate,
    (o) => o.orderId,
  )
  readonly ordersByModify = new SortedIndex<Order>(
    (o) => o.modifyDate,
    (o) => o.orderId,
  )
  readonly ordersByOrderDate = new SortedIndex<Order>(
    (o) => o.orderDate,
    (o) => o.orderId,
  )
  readonly #byKey = new Map<string, Order>()

  readonly shipments = new Map<number, Shipment>()
  readonly shipmentsByCreate = new SortedIndex<Shipment>(
    (s) => s.createDate,
    (s) => s.shipmentId,
  )
  readonly shipmentsByShipDate = new SortedIndex<Shipment>(
    (s) => s.shipDate,
    (s) => s.shipmentId,
  )
  readonly #shipmentsOf = new Map<number, Shipment[]>()

  readonly fulfillments = new Map<number, Fulfillment>()
  readonly fulfillmentsByCreate = new SortedIndex<Fulfillment>(
    (f) => f.createDate,
    (f) => f.fulfillmentId,
  )
  readonly fulfillmentsByShipDate = new SortedIndex<Fulfillment>(
    (f) => f.shipDate,
    (f) => f.fulfillmentId,
  )
  readonly #fulfillmentsOf = new Map<number, Fulfillment[]>()

  readonly #byStatus = new Map<OrderStatus, PickableSet<Order>>()
  /** Pending hold releases; an entry is stale once the order's holdUntilDate changed. */
  /** Children split off each order so far, for the `-n` suffix of the next child's number. */
  readonly #splitCount = new Map<number, number>()
  readonly #holds = new TimedQueue<{ order: Order; until: number }>()
  readonly #ids: IdCounters
  /** While true (generation), indexes are rebuilt once at the end and no webhooks fire. */
  #bulk = false
  now: () => number
  onEvent: (event: WorldEvent) => void = () => {}

  constructor(setup: WorldSetup) {
    this.apiKey = setup.apiKey
    this.seed = setup.seed
    this.random = setup.random
    this.#ids = setup.ids
    this.stores = setup.stores
    this.warehouses = setup.warehouses
    this.carriers = setup.carriers
    this.now = setup.now
    this.factory = new Factory(setup.random, setup.ids, setup.stores, setup.warehouses[0]!, setup.now())
  }

  /**
   * Every order ever created, soft-deleted ones included. Reading it (or {@link history}) first
   * releases due holds, so in-process callers see the same world an HTTP client would.
   */
  get orders(): ReadonlyMap<number, Order> {
    this.tick()
    return this.#orders
  }

  /** Every status each order entered, in time order (the ground truth for delivery checks). */
  get history(): readonly HistoryEntry[] {
    this.tick()
    return this.#history
  }

  get customers() {
    return this.factory.customers
  }

  get products() {
    return this.factory.products
  }

  /** Orders visible through the API (soft-deleted ones excluded), ascending orderId. */
  get liveOrderCount(): number {
    return this.ordersById.items.length
  }

  /** Starts a bulk load: mutations skip index upkeep and webhooks until {@link endBulk}. */
  beginBulk(): void {
    this.#bulk = true
  }

  endBulk(): void {
    this.#bulk = false
    const live = [...this.#orders.values()].filter((o) => !o.deleted)
    for (const index of [this.ordersById, this.ordersByCreate, this.ordersByModify, this.ordersByOrderDate]) {
      index.load(live)
    }
    this.shipmentsByCreate.load([...this.shipments.values()])
    this.shipmentsByShipDate.load([...this.shipments.values()])
    this.fulfillmentsByCreate.load([...this.fulfillments.values()])
    this.fulfillmentsByShipDate.load([...this.fulfillments.values()])
  }

  // ----- reads -----------------------------------------------------------------------------------

  order(orderId: number): Order {
    this.tick()
    const order = this.#orders.get(orderId)
    if (!order || order.deleted) throw notFound(`Order not found with id ${orderId}`)
    return order
  }

  shipmentsOf(orderId: number): readonly Shipment[] {
    return this.#shipmentsOf.get(orderId) ?? []
  }

  fulfillmentsOf(orderId: number): readonly Fulfillment[] {
    return this.#fulfillmentsOf.get(orderId) ?? []
  }

  orderByKey(orderKey: string): Order | undefined {
    const order = this.#byKey.get(orderKey)
    return order && !order.deleted ? order : undefined
  }

  store(storeId: number): Store | undefined {
    return this.stores.find((s) => s.storeId === storeId)
  }

  /** The store orders go to when none is named: the first manual ("ShipStation") store. */
  get defaultStore(): Store {
    return this.stores.find((s) => s.marketplaceId === 0) ?? this.stores[0]!
  }

  // ----- time ------------------------------------------------------------------------------------

  /**
   * Releases holds whose date has come, each at its own due time (never before the hold was set).
   * Called before every request and control call, so no response can show a world where a due hold
   * is still on.
   */
  tick(now = this.now()): void {
    for (let due = this.#holds.peekAt(); due !== undefined && due <= now; due = this.#holds.peekAt()) {
      const { order, until } = this.#holds.pop()!.value
      if (order.orderStatus !== 'on_hold' || order.holdUntilDate !== until || order.deleted) continue
      const at = Math.max(due, order.modifyDate)
      this.#change(order, at, () => {
        order.holdUntilDate = null
        this.#setStatus(order, 'awaiting_shipment', 'release', at)
      })
    }
  }

  // ----- mutations -------------------------------------------------------------------------------

  /** Stores a new order (control API, createorder, generator, random change). */
  addOrder(order: Order, via: StatusVia = 'created', batch?: string): Order {
    this.tick()
    const at = order.createDate
    if (this.#byKey.has(order.orderKey)) order.orderKey = `${order.orderKey}-${order.orderId}`
    this.#orders.set(order.orderId, order)
    this.#byKey.set(order.orderKey, order)
    if (!this.#bulk) {
      this.ordersById.insert(order)
      this.ordersByCreate.insert(order)
      this.ordersByModify.insert(order)
      this.ordersByOrderDate.insert(order)
    }
    this.#statusSet(order.orderStatus).add(order)
    if (order.orderStatus === 'on_hold' && order.holdUntilDate !== null) this.#scheduleRelease(order)
    this.#record(order, order.orderStatus, via, at)
    if (order.orderStatus !== 'awaiting_payment' && via !== 'split') {
      this.#notifyOrders([order], batch)
    }
    return order
  }

  nextId(kind: keyof IdCounters): number {
    return this.#ids[kind]++
  }

  /**
   * createorder: upsert by orderKey (reference §6.4). A known key replaces the open order's content; an
   * unknown or missing key creates an order (with a generated key when none was sent).
   */
  upsertOrder(input: CreateOrderInput, batch?: string): { order: Order; created: boolean } {
    this.tick()
    const at = this.now()
    const existing = input.orderKey ? this.orderByKey(input.orderKey) : undefined
    if (existing) {
      const update = (o: Order) => Object.assign(o, orderFieldsFromWire(input, this, at, o.items))
      return { order: this.updateOrder(existing, update, batch), created: false }
    }
    const fields = orderFieldsFromWire(input, this, at)
    if (!this.store(fields.advancedOptions.storeId)) {
      throw rejected(`Store not found with id ${fields.advancedOptions.storeId}`)
    }
    const order: Order = {
      ...fields,
      orderId: this.nextId('order'),
      orderKey: input.orderKey ?? this.factory.guid(),
      createDate: at,
      modifyDate: at,
      customerId: null,
      deleted: false,
    }
    return { order: this.addOrder(order, 'created', batch), created: true }
  }

  createOrder(input: NewOrderInput & { holdUntil?: number }): Order {
    if (input.storeId !== undefined && !this.store(input.storeId))
      throw notFound(`Store not found with id ${input.storeId}`)
    const at = this.now()
    const order = this.factory.order(at, input)
    if (input.status === 'on_hold') order.holdUntilDate = input.holdUntil ?? this.factory.midnightAfter(at, 3)
    return this.addOrder(order)
  }

  /** Replaces an open order's content (createorder upsert); status changes are recorded as 'updated'. */
  updateOrder(order: Order, apply: (order: Order) => void, batch?: string): Order {
    if (!OPEN_STATUSES.includes(order.orderStatus)) {
      throw rejected(
        `The order with orderKey '${order.orderKey}' is ${order.orderStatus} and can no longer be updated.`,
      )
    }
    const at = this.now()
    const before = order.orderStatus
    this.#change(order, at, () => {
      const { orderId, orderKey, createDate, advancedOptions } = order
      apply(order)
      Object.assign(order, { orderId, orderKey, createDate })
      order.advancedOptions = {
        ...order.advancedOptions,
        storeId: advancedOptions.storeId,
        mergedOrSplit: advancedOptions.mergedOrSplit,
        mergedIds: advancedOptions.mergedIds,
        parentId: advancedOptions.parentId,
      }
      const after = order.orderStatus
      order.orderStatus = before
      if (after !== before) this.#setStatus(order, after, 'updated', at, batch)
    })
    if (order.orderStatus === 'on_hold') this.#scheduleRelease(order)
    return order
  }

  pay(orderId: number): Order {
    const order = this.#expect(orderId, ['awaiting_payment'], 'paid')
    const at = this.now()
    this.#change(order, at, () => {
      order.paymentDate = at
      order.amountPaid = orderTotal(order)
      this.#setStatus(order, 'awaiting_shipment', 'paid', at)
    })
    return order
  }

  hold(orderId: number, until: number): Order {
    const order = this.#expect(orderId, ['awaiting_payment', 'awaiting_shipment', 'on_hold'], 'held')
    const at = this.now()
    this.#change(order, at, () => {
      order.holdUntilDate = until
      this.#setStatus(order, 'on_hold', 'hold', at)
    })
    this.#scheduleRelease(order)
    return order
  }

  release(orderId: number): Order {
    const order = this.#expect(orderId, ['on_hold'], 'restored from hold')
    const at = this.now()
    this.#change(order, at, () => {
      order.holdUntilDate = null
      this.#setStatus(order, 'awaiting_shipment', 'release', at)
    })
    return order
  }

  cancel(orderId: number): Order {
    const order = this.#expect(orderId, OPEN_STATUSES, 'cancelled')
    const at = this.now()
    this.#change(order, at, () => {
      order.holdUntilDate = null
      this.#setStatus(order, 'cancelled', 'cancel', at)
    })
    return order
  }

  /**
   * Buys a label: a shipment row, the order shipped (a second label on a shipped order adds a
   * shipment only), and SHIP_NOTIFY for the label's batch. A test label creates nothing.
   */
  createLabel(orderId: number, input: LabelInput & { testLabel?: boolean } = {}): Shipment {
    const order = this.#expect(
      orderId,
      ['awaiting_shipment', 'on_hold', 'pending_fulfillment', 'shipped'],
      'shipped',
    )
    const at = this.now()
    const shipment = this.factory.label(order, at, input)
    if (input.testLabel) return shipment
    this.shipments.set(shipment.shipmentId, shipment)
    this.#push(this.#shipmentsOf, orderId, shipment)
    if (!this.#bulk) {
      this.shipmentsByCreate.insert(shipment)
      this.shipmentsByShipDate.insert(shipment)
    }
    this.#change(order, at, () => {
      order.carrierCode = shipment.carrierCode
      order.serviceCode = shipment.serviceCode
      order.packageCode = shipment.packageCode
      order.confirmation = shipment.confirmation
      order.shipDate = shipment.shipDate
      order.holdUntilDate = null
      if (order.orderStatus !== 'shipped') this.#setStatus(order, 'shipped', 'label', at)
    })
    const query = `storeID=${shipment.storeId}&batchId=${shipment.batchId}`
    this.#emit('SHIP_NOTIFY', shipment.storeId, `/shipments?${query}&includeShipmentItems=False`)
    this.#emit('ITEM_SHIP_NOTIFY', shipment.storeId, `/shipments?${query}&includeShipmentItems=True`)
    return shipment
  }

  /**
   * Voids a label. When the order has no other live label and no fulfilment it goes back to
   * awaiting_shipment (unconfirmed in the reference; documented choice). No webhook exists for voids.
   */
  voidLabel(shipmentId: number): { approved: boolean; message: string } {
    this.tick()
    const shipment = this.shipments.get(shipmentId)
    if (!shipment) throw notFound(`Shipment not found with id ${shipmentId}`)
    if (shipment.voided) return { approved: false, message: 'Label has already been voided.' }
    const at = this.now()
    shipment.voided = true
    shipment.voidDate = at
    const order = this.#orders.get(shipment.orderId)
    if (order && !order.deleted) {
      const live = this.shipmentsOf(order.orderId).some((s) => !s.voided)
      const fulfilled = this.fulfillmentsOf(order.orderId).some((f) => !f.voided)
      this.#change(order, at, () => {
        if (order.orderStatus === 'shipped' && !live && !fulfilled) {
          order.shipDate = null
          this.#setStatus(order, 'awaiting_shipment', 'void', at)
        }
      })
    }
    return { approved: true, message: 'Label voided successfully' }
  }

  /** Mark as shipped by hand: a fulfilment row, no shipment, no SHIP_NOTIFY (reference §6.5). */
  markShipped(
    orderId: number,
    input: { carrierCode?: string | null; trackingNumber?: string | null; shipDate?: number } = {},
  ): Fulfillment {
    const order = this.#expect(
      orderId,
      ['awaiting_shipment', 'on_hold', 'pending_fulfillment'],
      'marked as shipped',
    )
    const at = this.now()
    const fulfillment = this.factory.fulfillment(order, at, {
      carrierCode: input.carrierCode ?? null,
      trackingNumber: input.trackingNumber ?? null,
      shipDate: input.shipDate ?? at,
      marketplaceNotified: false,
    })
    this.#addFulfillment(fulfillment)
    this.#change(order, at, () => {
      order.shipDate = fulfillment.shipDate
      order.holdUntilDate = null
      this.#setStatus(order, 'shipped', 'manual', at)
    })
    return fulfillment
  }

  /** Hands an order to a fulfilment provider: pending_fulfillment. */
  sendToProvider(orderId: number): Order {
    const order = this.#expect(orderId, ['awaiting_shipment'], 'sent to a fulfillment provider')
    const at = this.now()
    this.#change(order, at, () => this.#setStatus(order, 'pending_fulfillment', 'provider', at))
    return order
  }

  /** The provider shipped it: externallyFulfilled* fields, a fulfilment, FULFILLMENT_SHIPPED. */
  fulfilExternally(orderId: number, input: { provider?: string } = {}): Fulfillment {
    const order = this.#expect(
      orderId,
      ['awaiting_shipment', 'pending_fulfillment', 'on_hold'],
      'fulfilled externally',
    )
    const provider =
      FULFILLMENT_PROVIDERS.find((p) => p.code === input.provider || p.by === input.provider) ??
      FULFILLMENT_PROVIDERS[
        this.stores.find((s) => s.storeId === order.advancedOptions.storeId)?.marketplaceName === 'Amazon'
          ? 0
          : 1
      ]
    const at = this.now()
    const carrierCode = this.random.pick(['stamps_com', 'ups', 'fedex'])
    const fulfillment = this.factory.fulfillment(order, at, {
      carrierCode,
      trackingNumber: this.factory.trackingNumber(carrierCode),
      sellerFillProviderId: provider.id,
      sellerFillProviderName: provider.name,
      fulfillmentProviderCode: provider.code,
      fulfillmentServiceCode: provider.service,
      fulfillmentFee: 3.5,
    })
    this.#addFulfillment(fulfillment)
    this.#change(order, at, () => {
      order.externallyFulfilled = true
      order.externallyFulfilledBy = provider.by
      order.externallyFulfilledById = provider.id
      order.externallyFulfilledByName = provider.name
      order.shipDate = at
      order.holdUntilDate = null
      this.#setStatus(order, 'shipped', 'external', at)
    })
    this.#emit(
      'FULFILLMENT_SHIPPED',
      order.advancedOptions.storeId,
      `/fulfillments?fulfillmentId=${fulfillment.fulfillmentId}`,
    )
    return fulfillment
  }

  /**
   * Splits an open order: the later half of its lines (or half the quantity of a single line) move to a
   * new order numbered `<parent>-<n>`, both flagged mergedOrSplit, the child's parentId = the parent.
   */
  split(orderId: number): Order {
    const parent = this.#expect(orderId, ['awaiting_payment', 'awaiting_shipment', 'on_hold'], 'split')
    const lines = parent.items.filter((i) => !i.adjustment)
    if (lines.length < 2 && (lines[0]?.quantity ?? 0) < 2) {
      throw rejected('An order needs two items or a quantity of two to be split.')
    }
    const at = this.now()
    const moved =
      lines.length >= 2
        ? lines.slice(Math.ceil(lines.length / 2))
        : [{ ...lines[0]!, orderItemId: this.#ids.item++, quantity: Math.floor(lines[0]!.quantity / 2) }]
    const siblings = this.#splitCount.get(parent.orderId) ?? 0
    this.#splitCount.set(parent.orderId, siblings + 1)
    const child: Order = {
      ...structuredClone(parent),
      orderId: this.#ids.order++,
      orderNumber: `${parent.orderNumber}-${siblings + 1}`,
      orderKey: this.factory.guid(),
      createDate: at,
      modifyDate: at,
      items: moved.map((i) => ({ ...i, createDate: at, modifyDate: at })),
      taxAmount: 0,
      shippingAmount: 0,
    }
    child.advancedOptions.mergedOrSplit = true
    child.advancedOptions.parentId = parent.orderId
    child.advancedOptions.mergedIds = []
    child.amountPaid = parent.orderStatus === 'awaiting_payment' ? 0 : orderTotal(child)
    this.#change(parent, at, () => {
      if (lines.length >= 2)
        parent.items = parent.items.filter((i) => !moved.some((m) => m.orderItemId === i.orderItemId))
      else
        parent.items = parent.items.map((i) =>
          i === lines[0] ? { ...i, quantity: i.quantity - moved[0]!.quantity, modifyDate: at } : i,
        )
      parent.advancedOptions.mergedOrSplit = true
      parent.amountPaid = Math.max(0, Math.round((parent.amountPaid - child.amountPaid) * 100) / 100)
    })
    return this.addOrder(child, 'split')
  }

  /**
   * Merges open orders of one store into the first: it takes their lines and lists them in mergedIds;
   * the absorbed orders become cancelled with mergedOrSplit and parentId = the survivor (a documented
   * choice; the reference leaves the details unconfirmed).
   */
  merge(orderIds: readonly number[]): Order {
    const distinct = [...new Set(orderIds)]
    if (distinct.length < 2) throw rejected('At least two different orders are needed to merge.')
    const allowed: OrderStatus[] = ['awaiting_payment', 'awaiting_shipment', 'on_hold']
    const [survivor, ...absorbed] = distinct.map((id) => this.#expect(id, allowed, 'merged'))
    if (absorbed.some((o) => o.advancedOptions.storeId !== survivor!.advancedOptions.storeId)) {
      throw rejected('Only orders from the same store can be merged.')
    }
    const at = this.now()
    for (const order of absorbed) {
      this.#change(order, at, () => {
        order.advancedOptions.mergedOrSplit = true
        order.advancedOptions.parentId = survivor!.orderId
        order.holdUntilDate = null
        this.#setStatus(order, 'cancelled', 'merge', at)
      })
    }
    this.#change(survivor!, at, () => {
      const o = survivor!
      o.items = [
        ...o.items,
        ...absorbed.flatMap((a) =>
          a.items.map((i) => ({ ...i, orderItemId: this.#ids.item++, modifyDate: at })),
        ),
      ]
      o.amountPaid = Math.round(absorbed.reduce((sum, a) => sum + a.amountPaid, o.amountPaid) * 100) / 100
      o.weight = { ...o.weight, value: o.weight.value + absorbed.reduce((sum, a) => sum + a.weight.value, 0) }
      o.advancedOptions.mergedOrSplit = true
      o.advancedOptions.mergedIds = [...o.advancedOptions.mergedIds, ...absorbed.map((a) => a.orderId)]
    })
    return survivor!
  }

  /** DELETE /orders/{id}: a soft delete; the order disappears from every read. Not a status change. */
  deleteOrder(orderId: number): void {
    const order = this.order(orderId)
    this.ordersById.remove(order)
    this.ordersByCreate.remove(order)
    this.ordersByModify.remove(order)
    this.ordersByOrderDate.remove(order)
    this.#statusSet(order.orderStatus).delete(order)
    order.deleted = true
  }

  /** One realistic change, picked with the seeded generator (demo traffic and the fault harness). */
  randomChange(): RandomChange {
    this.tick()
    const r = this.random
    const some = (status: OrderStatus) => this.#statusSet(status).size > 0
    const recentLabels = this.shipmentsByCreate.items.slice(-50).filter((s) => !s.voided)
    const candidates: [RandomChangeKind, boolean, number][] = [
      ['new_order', true, 30],
      ['pay', some('awaiting_payment'), 8],
      ['hold', some('awaiting_shipment'), 4],
      ['release', some('on_hold'), 5],
      ['label', some('awaiting_shipment'), 25],
      ['manual_ship', some('awaiting_shipment'), 5],
      ['send_to_provider', some('awaiting_shipment'), 2],
      ['external_fulfil', some('pending_fulfillment'), 3],
      ['cancel', some('awaiting_shipment'), 4],
      ['void', recentLabels.length > 0, 2],
    ]
    const kind = r.weighted(candidates.filter(([, ok]) => ok).map(([k, , w]) => [k, w] as const))
    const pick = (status: OrderStatus) => this.#statusSet(status).at(r.next())!.orderId
    switch (kind) {
      case 'new_order':
        return {
          kind,
          orderId: this.createOrder({ status: r.chance(0.2) ? 'awaiting_payment' : 'awaiting_shipment' })
            .orderId,
        }
      case 'pay':
        return { kind, orderId: this.pay(pick('awaiting_payment')).orderId }
      case 'hold':
        return {
          kind,
          orderId: this.hold(pick('awaiting_shipment'), this.factory.midnightAfter(this.now(), r.int(1, 5)))
            .orderId,
        }
      case 'release':
        return { kind, orderId: this.release(pick('on_hold')).orderId }
      case 'label':
        return { kind, orderId: this.createLabel(pick('awaiting_shipment')).orderId }
      case 'manual_ship':
        return { kind, orderId: this.markShipped(pick('awaiting_shipment'), { carrierCode: 'USPS' }).orderId }
      case 'send_to_provider':
        return { kind, orderId: this.sendToProvider(pick('awaiting_shipment')).orderId }
      case 'external_fulfil':
        return { kind, orderId: this.fulfilExternally(pick('pending_fulfillment')).orderId }
      case 'cancel':
        return { kind, orderId: this.cancel(pick('awaiting_shipment')).orderId }
      case 'void': {
        const label = recentLabels[r.int(0, recentLabels.length - 1)]!
        this.voidLabel(label.shipmentId)
        return { kind, orderId: label.orderId }
      }
    }
  }

  // ----- webhooks --------------------------------------------------------------------------------

  subscribe(input: {
    url: string
    event: WebhookEvent
    storeId: number | null
    name: string | null
  }): Webhook {
    const hook: Webhook = { webHookId: this.#ids.webhook++, ...input }
    this.webhooks.set(hook.webHookId, hook)
    return hook
  }

  unsubscribe(webHookId: number): void {
    if (!this.webhooks.delete(webHookId)) throw notFound(`Webhook not found with id ${webHookId}`)
  }

  // ----- internals -------------------------------------------------------------------------------

  #expect(orderId: number, statuses: readonly OrderStatus[], action: string): Order {
    const order = this.order(orderId)
    if (!statuses.includes(order.orderStatus)) {
      throw rejected(`Order ${orderId} is ${order.orderStatus} and cannot be ${action}.`)
    }
    return order
  }

  /** Applies `fn` to an order, then sets modifyDate and re-sorts the indexes it moved in. */
  #change(order: Order, at: number, fn: () => void): void {
    if (this.#bulk) {
      fn()
      order.modifyDate = at
      return
    }
    this.ordersByModify.remove(order)
    this.ordersByOrderDate.remove(order)
    fn()
    order.modifyDate = at
    this.ordersByModify.insert(order)
    this.ordersByOrderDate.insert(order)
  }

  #setStatus(order: Order, status: OrderStatus, via: StatusVia, at: number, batch?: string): void {
    const before = order.orderStatus
    if (before === status) return
    this.#statusSet(before).delete(order)
    this.#statusSet(status).add(order)
    order.orderStatus = status
    this.#record(order, status, via, at)
    if (before === 'awaiting_payment' && status !== 'cancelled') this.#notifyOrders([order], batch)
  }

  #record(order: Order, status: OrderStatus, via: StatusVia, at: number): void {
    const { orderId, orderNumber } = order
    this.#history.push({ orderId, orderNumber, storeId: order.advancedOptions.storeId, status, at, via })
  }

  #statusSet(status: OrderStatus): PickableSet<Order> {
    const set = this.#byStatus.get(status) ?? new PickableSet<Order>()
    this.#byStatus.set(status, set)
    return set
  }

  #scheduleRelease(order: Order): void {
    const until = order.holdUntilDate
    if (until !== null) this.#holds.push(Math.max(until, order.modifyDate), { order, until })
  }

  #addFulfillment(fulfillment: Fulfillment): void {
    this.fulfillments.set(fulfillment.fulfillmentId, fulfillment)
    this.#push(this.#fulfillmentsOf, fulfillment.orderId, fulfillment)
    if (!this.#bulk) {
      this.fulfillmentsByCreate.insert(fulfillment)
      this.fulfillmentsByShipDate.insert(fulfillment)
    }
  }

  #push<T>(map: Map<number, T[]>, key: number, value: T): void {
    const list = map.get(key)
    if (list) list.push(value)
    else map.set(key, [value])
  }

  /** ORDER_NOTIFY (and the item variant) for an import batch, one payload per store in it. */
  #notifyOrders(orders: Order[], batchId?: string): void {
    if (this.#bulk) return
    const batch = batchId ?? this.factory.guid()
    const ids = this.importBatches.get(batch) ?? new Set<number>()
    this.importBatches.set(batch, ids)
    // One payload per store per batch: createorders adds its orders one by one to the same batch.
    const known = new Set([...ids].map((id) => this.#orders.get(id)?.advancedOptions.storeId))
    const fresh = new Set<number>()
    for (const order of orders) {
      ids.add(order.orderId)
      const storeId = order.advancedOptions.storeId
      if (!known.has(storeId)) fresh.add(storeId)
      known.add(storeId)
    }
    for (const storeId of fresh) {
      this.#emit('ORDER_NOTIFY', storeId, ORDER_NOTIFY_PATH(storeId, batch))
      this.#emit('ITEM_ORDER_NOTIFY', storeId, `${ORDER_NOTIFY_PATH(storeId, batch)}&includeOrderItems=True`)
    }
  }

  #emit(event: WebhookEvent, storeId: number, path: string): void {
    if (!this.#bulk) this.onEvent({ event, storeId, path })
  }
}
