/**
 * Builds an account's world from a seed: stores, a warehouse or two, carriers, and `orders` orders
 * spread over the 90 days before `now`. Each order's life (payment, holds, splits, merges, labels,
 * voids, hand-marked and provider shipments) is replayed in time order through the world's own
 * mutations, so the status history is exact and IDs grow with creation time as in the real service.
 */
import { SeededRandom } from '../common/seeded-random.js'
import { CARRIERS, STORE_TEMPLATES, STREETS } from './catalog.js'
import type { IdCounters } from './factory.js'
import { TimedQueue } from './heap.js'
import type { Carrier, Order, Store, Warehouse } from './model.js'
import { World } from './world.js'

export interface AccountSpec {
  apiKey: string
  seed: number
  orders: number
  /** Active stores (1–8); one inactive store is always added for `showInactive`. */
  stores?: number | undefined
}

const DAY = 86_400_000
const MINUTE = 60_000

type Fate =
  | 'label'
  | 'manual'
  | 'external'
  | 'cancelled'
  | 'awaiting_shipment'
  | 'on_hold'
  | 'awaiting_payment'
  | 'pending_fulfillment'

const OLD_FATES: [Fate, number][] = [
  ['label', 74],
  ['manual', 6],
  ['external', 5],
  ['cancelled', 8],
  ['awaiting_shipment', 3],
  ['on_hold', 2],
  ['awaiting_payment', 1],
  ['pending_fulfillment', 1],
]
const RECENT_FATES: [Fate, number][] = [
  ['label', 38],
  ['manual', 4],
  ['external', 3],
  ['cancelled', 6],
  ['awaiting_shipment', 28],
  ['on_hold', 8],
  ['awaiting_payment', 8],
  ['pending_fulfillment', 5],
]

export function generateWorld(spec: AccountSpec, now: number): World {
  const random = new SeededRandom(spec.seed)
  const ids: IdCounters = {
    order: random.int(100, 199) * 1_000_000,
    item: random.int(200, 299) * 1_000_000,
    shipment: random.int(30, 39) * 1_000_000,
    fulfillment: random.int(40, 49) * 100_000,
    customer: random.int(50, 59) * 1_000_000,
    webhook: random.int(10, 99) * 1000,
    batch: random.int(100, 199) * 1_000_000,
  }
  let t = now
  const world = new World({
    apiKey: spec.apiKey,
    seed: spec.seed,
    random,
    ids,
    stores: makeStores(random, spec.stores ?? 4, now),
    warehouses: makeWarehouses(random, now),
    carriers: makeCarriers(random),
    now: () => t,
  })
  world.beginBulk()
  const timeline = new TimedQueue<() => void>()
  const creations = Array.from(
    { length: spec.orders },
    () => now - 5 * MINUTE - Math.floor(random.next() * 90 * DAY),
  )
  for (const at of creations.sort((a, b) => a - b)) timeline.push(at, () => startOrder(world, timeline, now))
  for (let next = timeline.pop(); next; next = timeline.pop()) {
    t = next.at
    world.tick(t)
    next.value()
  }
  t = now
  world.tick(now)
  world.endBulk()
  return world
}

/** Creates one order at the current timeline instant and schedules the rest of its life. */
function startOrder(world: World, timeline: TimedQueue<() => void>, now: number): void {
  const r = world.random
  const createdAt = world.now()
  const fate = r.weighted(now - createdAt < 7 * DAY ? RECENT_FATES : OLD_FATES)
  const unpaid = fate === 'awaiting_payment' || r.chance(0.1)
  const order = world.addOrder(
    world.factory.order(createdAt, { status: unpaid ? 'awaiting_payment' : 'awaiting_shipment' }),
  )
  const id = order.orderId
  const steps: [number, () => void][] = []
  const when = (ok: () => boolean, maxMs: number, fn: () => void) => steps.push([maxMs, () => ok() && fn()])
  const is = (status: string) => () => world.orders.get(id)!.orderStatus === status

  if (unpaid && fate === 'cancelled' && r.chance(0.5)) {
    when(is('awaiting_payment'), 2 * DAY, () => world.cancel(id))
  } else if (unpaid && fate !== 'awaiting_payment') {
    when(is('awaiting_payment'), 2 * DAY, () => world.pay(id))
  }
  const shipsLater = fate === 'label' || fate === 'awaiting_shipment'
  if (shipsLater && r.chance(0.08)) {
    when(is('awaiting_shipment'), DAY, () =>
      world.hold(id, world.factory.midnightAfter(world.now(), r.int(1, 3))),
    )
    when(is('on_hold'), DAY, () => world.release(id))
  }
  if (shipsLater && order.items.filter((i) => !i.adjustment).length >= 2 && r.chance(0.03)) {
    when(is('awaiting_shipment'), DAY, () => {
      const child = world.split(id)
      if (fate === 'label')
        chain(world, timeline, now, [
          [DAY, () => child.orderStatus === 'awaiting_shipment' && world.createLabel(child.orderId)],
        ])
    })
  }
  if (shipsLater && r.chance(0.015)) {
    const customer = world.factory.customerById.get(order.customerId ?? -1)
    let companion: Order | undefined
    when(
      () => true,
      30 * MINUTE,
      () => {
        const storeId = order.advancedOptions.storeId
        companion = world.addOrder(
          world.factory.order(world.now(), {
            status: 'awaiting_shipment',
            storeId,
            ...(customer && { customer }),
          }),
        )
      },
    )
    when(
      is('awaiting_shipment'),
      6 * 3_600_000,
      () => companion?.orderStatus === 'awaiting_shipment' && world.merge([id, companion.orderId]),
    )
  }
  const shippable = () => ['awaiting_shipment', 'on_hold'].includes(world.orders.get(id)!.orderStatus)
  switch (fate) {
    case 'label': {
      when(shippable, 3 * DAY, () => world.createLabel(id))
      if (r.chance(0.04)) {
        when(is('shipped'), DAY, () => world.voidLabel(world.shipmentsOf(id).at(-1)!.shipmentId))
        when(shippable, DAY, () => world.createLabel(id))
      }
      break
    }
    case 'awaiting_shipment':
      if (r.chance(0.03)) {
        when(shippable, DAY, () => world.createLabel(id))
        when(is('shipped'), DAY, () => world.voidLabel(world.shipmentsOf(id).at(-1)!.shipmentId))
      }
      break
    case 'manual':
      when(shippable, 3 * DAY, () => {
        const carrier = r.pick(CARRIERS)
        world.markShipped(id, {
          carrierCode: carrier.markedName,
          trackingNumber: r.chance(0.7) ? world.factory.trackingNumber(carrier.code) : null,
        })
      })
      break
    case 'external':
      if (r.chance(0.6)) when(is('awaiting_shipment'), DAY, () => world.sendToProvider(id))
      when(
        () => ['awaiting_shipment', 'pending_fulfillment'].includes(world.orders.get(id)!.orderStatus),
        3 * DAY,
        () => world.fulfilExternally(id),
      )
      break
    case 'pending_fulfillment':
      when(is('awaiting_shipment'), DAY, () => world.sendToProvider(id))
      break
    case 'on_hold':
      when(shippable, DAY, () => world.hold(id, world.factory.midnightAfter(now, r.int(1, 10))))
      break
    case 'cancelled':
      when(
        () =>
          ['awaiting_shipment', 'awaiting_payment', 'on_hold'].includes(world.orders.get(id)!.orderStatus),
        5 * DAY,
        () => world.cancel(id),
      )
      break
    case 'awaiting_payment':
      break
  }
  chain(world, timeline, now, steps)
}

/**
 * Schedules steps one after another, each at a random point after the previous one (at most `maxMs`
 * later, and always before `now`), so the steps of many orders interleave on one timeline.
 */
function chain(
  world: World,
  timeline: TimedQueue<() => void>,
  now: number,
  steps: [number, () => unknown][],
): void {
  const [first, ...rest] = steps
  if (!first) return
  const [maxMs, fn] = first
  const start = world.now()
  const room = Math.min(maxMs, (now - 1 - start) * 0.6)
  const at = Math.min(now - 1, start + Math.max(1, Math.floor(room * (0.1 + 0.9 * world.random.next()))))
  timeline.push(at, () => {
    fn()
    chain(world, timeline, now, rest)
  })
}

function makeStores(random: SeededRandom, count: number, now: number): Store[] {
  const base = random.int(10, 99) * 1000
  const company = random.pick(['Acme Goods', 'Northwind Supply', 'Blue Fern Co', 'Harbor & Pine'])
  const domain = company.toLowerCase().replace(/[^a-z]+/g, '')
  const templates = [
    ...Array.from({ length: count }, (_, i) => STORE_TEMPLATES[i % STORE_TEMPLATES.length]!),
    STORE_TEMPLATES[2],
  ]
  return templates.map((template, i) => {
    const manual = template.marketplaceId === 0
    const inactive = i === templates.length - 1
    const created = now - random.int(200, 900) * DAY - random.int(0, DAY)
    const refreshed = manual || inactive ? null : now - random.int(1, 60) * MINUTE - random.int(0, 59_999)
    return {
      storeId: base + i * 7 + 1,
      storeName: inactive
        ? 'Old eBay Store'
        : `${template.name}${i >= STORE_TEMPLATES.length ? ` ${Math.floor(i / STORE_TEMPLATES.length) + 1}` : ''}`,
      marketplaceId: template.marketplaceId,
      marketplaceName: template.marketplaceName,
      accountName: manual ? null : `${domain}-${template.marketplaceName.toLowerCase()}`,
      email: manual ? null : `orders@${domain}.example`,
      integrationUrl: template.marketplaceName === 'Shopify' ? `https://${domain}.myshopify.com` : null,
      active: !inactive,
      companyName: company,
      phone: '555-010-2000',
      publicEmail: `hello@${domain}.example`,
      website: `https://${domain}.example`,
      refreshDate: refreshed,
      lastRefreshAttempt: refreshed,
      createDate: created,
      modifyDate: created + random.int(1, 100) * DAY,
      autoRefresh: !manual && !inactive,
    }
  })
}

function makeWarehouses(random: SeededRandom, now: number): Warehouse[] {
  const base = random.int(100, 999) * 100
  const names = random.chance(0.5) ? ['Main Warehouse', 'East Coast DC'] : ['Main Warehouse']
  return names.map((name, i) => {
    const address = {
      name: 'Shipping Dept',
      company: name,
      street1: `${random.int(100, 9999)} ${random.pick(STREETS)}`,
      street2: '',
      street3: null,
      city: i === 0 ? 'Reno' : 'Columbus',
      state: i === 0 ? 'NV' : 'OH',
      postalCode: i === 0 ? '89502' : '43215',
      country: 'US',
      phone: '555-010-3000',
      residential: false,
      addressVerified: null,
    }
    return {
      warehouseId: base + i,
      warehouseName: name,
      originAddress: address,
      returnAddress: { ...address },
      createDate: now - random.int(300, 900) * DAY,
      isDefault: i === 0,
    }
  })
}

function makeCarriers(random: SeededRandom): Carrier[] {
  const base = random.int(10, 99) * 1000
  return CARRIERS.map((c, i) => ({
    name: c.name,
    code: c.code,
    accountNumber:
      c.code === 'stamps_com' ? `acme${random.int(1000, 9999)}` : `${random.int(100000, 999999)}`,
    requiresFundedAccount: c.code === 'stamps_com',
    balance: c.code === 'stamps_com' ? Math.round(random.int(5000, 90000)) / 100 : 0,
    nickname: null,
    shippingProviderId: base + i,
    primary: i === 0,
  }))
}
