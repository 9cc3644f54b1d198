/**
 * The public V1 routes: reads with every documented filter, and the write endpoints a sync client may
 * call. Authentication, rate limiting and faults happen before these handlers (see server.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { parsePacific } from '../../lib/pacific-time.js'
import { ApiError, invalid, notFound } from './errors.js'
import { type Customer, ORDER_STATUSES, type Order, type Product, type Shipment } from './model.js'
import {
  dateRange,
  envelope,
  type Listed,
  listPage,
  type Paging,
  paging,
  QueryReader,
  sortDescending,
} from './params.js'
import {
  renderCarrier,
  renderCustomer,
  renderFulfillment,
  renderOrder,
  renderProduct,
  renderShipment,
  renderStore,
  renderWarehouse,
  renderWebhook,
} from './render.js'
import type { SortedIndex } from './sorted-index.js'
import {
  createLabelSchema,
  createOrderSchema,
  holdSchema,
  markShippedSchema,
  readBody,
  restoreSchema,
  subscribeSchema,
  voidLabelSchema,
} from './wire.js'
import type { World } from './world.js'

type Predicate<T> = (item: T) => boolean
type Range = { from?: number; to?: number }

const LABEL_PDF = Buffer.from('%PDF-1.4\n% ShipStation simulator label\n%%EOF\n').toString('base64')

const contains = (value: string | null, needle: string) =>
  value?.toLowerCase().includes(needle.toLowerCase()) === true
const startsWith = (value: string | null, prefix: string) =>
  value?.toLowerCase().startsWith(prefix.toLowerCase()) === true
const inRange = (ms: number | null, { from, to }: Range) =>
  ms !== null && (from === undefined || ms >= from) && (to === undefined || ms <= to)
const hasRange = (r: Range) => r.from !== undefined || r.to !== undefined

/** An id in the URL path; ASP.NET answers a non-integer with this binding error. */
function pathId(request: FastifyRequest, name: string): number {
  const raw = (request.params as Record<string, string>)[name] ?? ''
  if (/^\d{1,10}$/.test(raw) && Number(raw) <= 2_147_483_647) return Number(raw)
  throw new ApiError(400, {
    Message: 'The request is invalid.',
    MessageDetail: `The parameters dictionary contains a null entry for parameter '${name}' of non-nullable type 'System.Int32'. An optional parameter must be a reference type, a nullable type, or be declared as an optional parameter.`,
  })
}

/** A date filter: its bounds and the date of an item it applies to. */
type DateFilter<T> = [Range, (item: T) => number | null]

/**
 * Lists one page through the index for the requested sort: the date range on the sort key becomes a
 * binary search and every other date filter a predicate.
 */
function listIndexed<T>(
  indexes: Record<string, SortedIndex<T>>,
  dates: Record<string, DateFilter<T>>,
  { sortBy, descending, page }: { sortBy: string; descending: boolean; page: Paging },
  predicates: Predicate<T>[],
): Listed<T> {
  const index = indexes[sortBy]!
  const sortRange = dates[sortBy]?.[0]
  const bounds = index.range(sortRange?.from, sortRange?.to)
  for (const [key, [range, value]] of Object.entries(dates)) {
    if (key !== sortBy && hasRange(range)) predicates.push((item) => inRange(value(item), range))
  }
  return listPage(index.items, bounds, predicates, descending, page)
}

/** The sort and date parameters of /shipments and /fulfillments, read (and so reported) in the same order. */
function shipDatedQuery(q: QueryReader) {
  return {
    sortBy: q.oneOf('sortBy', ['ShipDate', 'CreateDate'] as const) ?? 'CreateDate',
    descending: sortDescending(q),
    created: dateRange(q, 'createDate'),
    shipped: dateRange(q, 'shipDate'),
  }
}

/** Shipments and fulfillments: both indexed and filtered by create and ship date. */
function listShipDated<T extends { createDate: number; shipDate: number }>(
  byCreate: SortedIndex<T>,
  byShipDate: SortedIndex<T>,
  query: ReturnType<typeof shipDatedQuery> & { page: Paging },
  predicates: Predicate<T>[],
): Listed<T> {
  return listIndexed(
    { CreateDate: byCreate, ShipDate: byShipDate },
    { CreateDate: [query.created, (x) => x.createDate], ShipDate: [query.shipped, (x) => x.shipDate] },
    query,
    predicates,
  )
}

type Compare<T> = (a: T, b: T) => number

const PRODUCT_ORDER: Record<'SKU' | 'ModifyDate' | 'CreateDate', Compare<Product>> = {
  SKU: (a, b) => a.sku.localeCompare(b.sku),
  ModifyDate: (a, b) => a.modifyDate - b.modifyDate || a.productId - b.productId,
  CreateDate: (a, b) => a.createDate - b.createDate || a.productId - b.productId,
}

/** `sortBy=CreateDate` binds for /customers but leaves them in stored order. */
const CUSTOMER_ORDER: Partial<Record<'Name' | 'ModifyDate' | 'CreateDate', Compare<Customer>>> = {
  Name: (a, b) => a.name.localeCompare(b.name) || a.customerId - b.customerId,
  ModifyDate: (a, b) => a.modifyDate - b.modifyDate || a.customerId - b.customerId,
}

/** Pages a list small enough to sort per request (products, customers); no `compare` keeps its order. */
function listSorted<T>(
  items: T[],
  compare: Compare<T> | undefined,
  descending: boolean,
  page: Paging,
): Listed<T> {
  if (compare) items.sort(compare)
  return listPage(items, [0, items.length], [], descending, page)
}

export function registerApiRoutes(app: FastifyInstance, worldOf: (request: FastifyRequest) => World): void {
  app.get('/orders', async (request) => {
    const world = worldOf(request)
    const q = new QueryReader(request.query)
    const sortBy = q.oneOf('sortBy', ['OrderDate', 'ModifyDate', 'CreateDate'] as const) ?? 'OrderId'
    const descending = sortDescending(q)
    const created = dateRange(q, 'createDate')
    const modified = dateRange(q, 'modifyDate')
    const ordered = dateRange(q, 'orderDate')
    const paid = dateRange(q, 'paymentDate')
    const status = q.oneOf('orderStatus', ORDER_STATUSES)
    const storeId = q.int('storeId')
    const orderNumber = q.string('orderNumber')
    const customerName = q.string('customerName')
    const itemKeyword = q.string('itemKeyword')
    const importBatch = q.string('importBatch')
    const page = paging(q)
    q.check()

    const predicates: Predicate<Order>[] = []
    if (status) predicates.push((o) => o.orderStatus === status)
    if (storeId !== undefined) predicates.push((o) => o.advancedOptions.storeId === storeId)
    if (orderNumber) predicates.push((o) => startsWith(o.orderNumber, orderNumber))
    if (customerName)
      predicates.push((o) => contains(o.billTo.name, customerName) || contains(o.shipTo.name, customerName))
    if (itemKeyword) {
      predicates.push((o) =>
        o.items.some(
          (i) =>
            contains(i.sku, itemKeyword) ||
            contains(i.name, itemKeyword) ||
            i.options.some((x) => contains(x.value, itemKeyword)),
        ),
      )
    }
    if (importBatch) {
      const ids = world.importBatches.get(importBatch) ?? new Set<number>()
      predicates.push((o) => ids.has(o.orderId))
    }
    const listed = listIndexed<Order>(
      {
        OrderId: world.ordersById,
        OrderDate: world.ordersByOrderDate,
        ModifyDate: world.ordersByModify,
        CreateDate: world.ordersByCreate,
      },
      {
        CreateDate: [created, (o) => o.createDate],
        ModifyDate: [modified, (o) => o.modifyDate],
        OrderDate: [ordered, (o) => o.orderDate],
        PaymentDate: [paid, (o) => o.paymentDate],
      },
      { sortBy, descending, page },
      predicates,
    )
    return envelope('orders', { items: listed.items.map(renderOrder), total: listed.total }, page)
  })

  app.get('/orders/:orderId', async (request) =>
    renderOrder(worldOf(request).order(pathId(request, 'orderId'))),
  )

  app.delete('/orders/:orderId', async (request) => {
    worldOf(request).deleteOrder(pathId(request, 'orderId'))
    return { success: true, message: 'The requested order has been deleted.' }
  })

  app.post('/orders/createorder', async (request) => {
    const world = worldOf(request)
    const input = readBody(request.body, 'apiOrder', createOrderSchema)
    return renderOrder(world.upsertOrder(input).order)
  })

  app.post('/orders/createorders', async (request) => {
    const world = worldOf(request)
    const inputs = readBody(request.body, 'apiOrders', createOrderSchema.array().max(100), 'array')
    const batch = world.factory.guid()
    const results = inputs.map((input) => {
      try {
        const { order } = world.upsertOrder(input, batch)
        return {
          orderId: order.orderId,
          orderNumber: order.orderNumber,
          orderKey: order.orderKey,
          success: true,
          errorMessage: null,
        }
      } catch (error) {
        if (!(error instanceof ApiError)) throw error
        return {
          orderId: 0,
          orderNumber: input.orderNumber,
          orderKey: input.orderKey ?? null,
          success: false,
          errorMessage: error.message,
        }
      }
    })
    return { hasErrors: results.some((r) => !r.success), results }
  })

  app.post('/orders/holduntil', async (request) => {
    const input = readBody(request.body, 'request', holdSchema)
    worldOf(request).hold(input.orderId, parsePacific(input.holdUntilDate)!)
    return { success: true, message: 'Order held successfully.' }
  })

  app.post('/orders/restorefromhold', async (request) => {
    const input = readBody(request.body, 'request', restoreSchema)
    worldOf(request).release(input.orderId)
    return { success: true, message: 'The requested order has been restored' }
  })

  app.post('/orders/markasshipped', async (request) => {
    const input = readBody(request.body, 'request', markShippedSchema)
    const world = worldOf(request)
    const fulfillment = world.markShipped(input.orderId, {
      carrierCode: input.carrierCode,
      trackingNumber: input.trackingNumber ?? null,
      ...(input.shipDate && { shipDate: parsePacific(input.shipDate)! }),
    })
    return { orderId: fulfillment.orderId, orderNumber: fulfillment.orderNumber }
  })

  app.post('/orders/createlabelfororder', async (request) => {
    const input = readBody(request.body, 'request', createLabelSchema)
    const world = worldOf(request)
    if (!world.carriers.some((c) => c.code === input.carrierCode)) {
      throw invalid({ 'request.carrierCode': [`Invalid carrierCode '${input.carrierCode}'.`] })
    }
    const shipment = world.createLabel(input.orderId, {
      carrierCode: input.carrierCode,
      serviceCode: input.serviceCode,
      ...(input.packageCode && { packageCode: input.packageCode }),
      ...(input.confirmation && { confirmation: input.confirmation }),
      shipDate: parsePacific(input.shipDate)!,
      testLabel: input.testLabel ?? false,
    })
    return {
      shipmentId: shipment.shipmentId,
      shipmentCost: shipment.shipmentCost,
      insuranceCost: shipment.insuranceCost,
      trackingNumber: shipment.trackingNumber,
      labelData: LABEL_PDF,
      formData: null,
    }
  })

  app.get('/shipments', async (request) => {
    const world = worldOf(request)
    const q = new QueryReader(request.query)
    const dated = shipDatedQuery(q)
    const voided = dateRange(q, 'voidDate')
    const recipientName = q.string('recipientName')
    const recipientCountryCode = q.string('recipientCountryCode')
    const orderNumber = q.string('orderNumber')
    const orderId = q.int('orderId')
    const carrierCode = q.string('carrierCode')
    const serviceCode = q.string('serviceCode')
    const trackingNumber = q.string('trackingNumber')
    const storeId = q.int('storeId')
    const batchId = q.int('batchId')
    const includeItems = q.bool('includeShipmentItems') ?? false
    const page = paging(q)
    q.check()

    const predicates: Predicate<Shipment>[] = []
    if (recipientName) predicates.push((s) => contains(s.shipTo.name, recipientName))
    if (recipientCountryCode)
      predicates.push((s) => s.shipTo.country?.toLowerCase() === recipientCountryCode.toLowerCase())
    if (orderNumber) predicates.push((s) => startsWith(s.orderNumber, orderNumber))
    if (orderId !== undefined) predicates.push((s) => s.orderId === orderId)
    if (carrierCode) predicates.push((s) => s.carrierCode.toLowerCase() === carrierCode.toLowerCase())
    if (serviceCode) predicates.push((s) => s.serviceCode.toLowerCase() === serviceCode.toLowerCase())
    if (trackingNumber) predicates.push((s) => s.trackingNumber === trackingNumber)
    if (storeId !== undefined) predicates.push((s) => s.storeId === storeId)
    if (batchId !== undefined) predicates.push((s) => s.batchId === batchId)
    if (hasRange(voided)) predicates.push((s) => inRange(s.voidDate, voided))
    const listed = listShipDated(
      world.shipmentsByCreate,
      world.shipmentsByShipDate,
      { ...dated, page },
      predicates,
    )
    const items = listed.items.map((s) => renderShipment(s, includeItems))
    return envelope('shipments', { items, total: listed.total }, page)
  })

  app.post('/shipments/voidlabel', async (request) => {
    const input = readBody(request.body, 'request', voidLabelSchema)
    return worldOf(request).voidLabel(input.shipmentId)
  })

  app.get('/fulfillments', async (request) => {
    const world = worldOf(request)
    const q = new QueryReader(request.query)
    const dated = shipDatedQuery(q)
    const fulfillmentId = q.int('fulfillmentId')
    const orderId = q.int('orderId')
    const orderNumber = q.string('orderNumber')
    const trackingNumber = q.string('trackingNumber')
    const recipientName = q.string('recipientName')
    const page = paging(q)
    q.check()
    const predicates: Predicate<(typeof world.fulfillmentsByCreate.items)[number]>[] = []
    if (fulfillmentId !== undefined) predicates.push((f) => f.fulfillmentId === fulfillmentId)
    if (orderId !== undefined) predicates.push((f) => f.orderId === orderId)
    if (orderNumber) predicates.push((f) => startsWith(f.orderNumber, orderNumber))
    if (trackingNumber) predicates.push((f) => f.trackingNumber === trackingNumber)
    if (recipientName) predicates.push((f) => contains(f.shipTo.name, recipientName))
    const listed = listShipDated(
      world.fulfillmentsByCreate,
      world.fulfillmentsByShipDate,
      { ...dated, page },
      predicates,
    )
    return envelope('fulfillments', { items: listed.items.map(renderFulfillment), total: listed.total }, page)
  })

  app.get('/stores', async (request) => {
    const q = new QueryReader(request.query)
    const showInactive = q.bool('showInactive') ?? false
    const marketplaceId = q.int('marketplaceId')
    q.check()
    return worldOf(request)
      .stores.filter(
        (s) =>
          (showInactive || s.active) && (marketplaceId === undefined || s.marketplaceId === marketplaceId),
      )
      .map((s) => renderStore(s, false))
  })

  app.get('/stores/:storeId', async (request) => {
    const id = pathId(request, 'storeId')
    const store = worldOf(request).store(id)
    if (!store) throw notFound(`Store not found with id ${id}`)
    return renderStore(store, true)
  })

  app.get('/warehouses', async (request) => worldOf(request).warehouses.map(renderWarehouse))
  app.get('/carriers', async (request) => worldOf(request).carriers.map(renderCarrier))

  app.get('/products', async (request) => {
    const world = worldOf(request)
    const q = new QueryReader(request.query)
    const sku = q.string('sku')
    const name = q.string('name')
    const sortBy = q.oneOf('sortBy', ['SKU', 'ModifyDate', 'CreateDate'] as const)
    const descending = sortDescending(q)
    const page = paging(q)
    q.check()
    const products = world.products.filter(
      (p) => (!sku || startsWith(p.sku, sku)) && (!name || contains(p.name, name)),
    )
    const listed = listSorted(products, sortBy && PRODUCT_ORDER[sortBy], descending, page)
    return envelope('products', { items: listed.items.map(renderProduct), total: listed.total }, page)
  })

  app.get('/customers', async (request) => {
    const world = worldOf(request)
    const q = new QueryReader(request.query)
    const stateCode = q.string('stateCode')
    const countryCode = q.string('countryCode')
    const marketplaceId = q.int('marketplaceId')
    const sortBy = q.oneOf('sortBy', ['Name', 'ModifyDate', 'CreateDate'] as const)
    const descending = sortDescending(q)
    const page = paging(q)
    q.check()
    const customers = world.customers.filter(
      (c) =>
        (!stateCode || c.address.state?.toLowerCase() === stateCode.toLowerCase()) &&
        (!countryCode || c.address.country?.toLowerCase() === countryCode.toLowerCase()) &&
        (marketplaceId === undefined || c.marketplaceId === marketplaceId),
    )
    const listed = listSorted(customers, sortBy && CUSTOMER_ORDER[sortBy], descending, page)
    return envelope('customers', { items: listed.items.map(renderCustomer), total: listed.total }, page)
  })

  app.get('/webhooks', async (request) => {
    const world = worldOf(request)
    return { webhooks: [...world.webhooks.values()].map((w) => renderWebhook(w, world.seed)) }
  })

  app.post('/webhooks/subscribe', async (request) => {
    const input = readBody(request.body, 'request', subscribeSchema)
    const world = worldOf(request)
    if (input.store_id != null && !world.store(input.store_id))
      throw notFound(`Store not found with id ${input.store_id}`)
    const hook = world.subscribe({
      url: input.target_url,
      event: input.event,
      storeId: input.store_id ?? null,
      name: input.friendly_name ?? null,
    })
    return { id: hook.webHookId }
  })

  app.delete('/webhooks/:webhookId', async (request, reply) => {
    worldOf(request).unsubscribe(pathId(request, 'webhookId'))
    return reply.code(200).send()
  })
}
