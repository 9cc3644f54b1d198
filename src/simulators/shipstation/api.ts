/**
 * The public V1 routes: reads with every documented filter, and the write endpoints a sync client may
 * call. Authentication, rate limiting and faults happen before these handlers (see server.ts).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { parsePacific } from '../../lib/pacific-time.js'
import { ApiError, invalid, notFound } from './errors.js'
import { ORDER_STATUSES, type Order, type Shipment } from './model.js'
import { dateRange, envelope, listPage, paging, QueryReader } from './params.js'
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

/**
 * Picks the index for the requested sort; the date range on the sort key becomes a binary search and
 * every other filter a predicate.
 */
function plan<T>(
  sorts: Record<string, { index: SortedIndex<T>; range?: Range }>,
  sortBy: string,
  predicates: Predicate<T>[],
  rangeFilters: [Range, (item: T) => number | null, string][],
) {
  const chosen = sorts[sortBy]!
  const bounds = chosen.index.range(chosen.range?.from, chosen.range?.to)
  for (const [range, value, key] of rangeFilters) {
    if (key !== sortBy && hasRange(range)) predicates.push((item) => inRange(value(item), range))
  }
  return { sorted: chosen.index.items, bounds }
}

export function registerApiRoutes(app: FastifyInstance, worldOf: (request: FastifyRequest) => World): void {
  app.get('/orders', async (request) => {
    const world = worldOf(request)
    const q = new QueryReader(request.query)
    const sortBy = q.oneOf('sortBy', ['OrderDate', 'ModifyDate', 'CreateDate'] as const) ?? 'OrderId'
    const descending = q.oneOf('sortDir', ['ASC', 'DESC'] as const) === 'DESC'
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
    const { sorted, bounds } = plan<Order>(
      {
        OrderId: { index: world.ordersById },
        OrderDate: { index: world.ordersByOrderDate, range: ordered },
        ModifyDate: { index: world.ordersByModify, range: modified },
        CreateDate: { index: world.ordersByCreate, range: created },
      },
      sortBy,
      predicates,
      [
        [created, (o) => o.createDate, 'CreateDate'],
        [modified, (o) => o.modifyDate, 'ModifyDate'],
        [ordered, (o) => o.orderDate, 'OrderDate'],
        [paid, (o) => o.paymentDate, 'PaymentDate'],
      ],
    )
    const listed = listPage(sorted, bounds, predicates, descending, page)
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
    const sortBy = q.oneOf('sortBy', ['ShipDate', 'CreateDate'] as const) ?? 'CreateDate'
    const descending = q.oneOf('sortDir', ['ASC', 'DESC'] as const) === 'DESC'
    const created = dateRange(q, 'createDate')
    const shipped = dateRange(q, 'shipDate')
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
    const { sorted, bounds } = plan<Shipment>(
      {
        CreateDate: { index: world.shipmentsByCreate, range: created },
        ShipDate: { index: world.shipmentsByShipDate, range: shipped },
      },
      sortBy,
      predicates,
      [
        [created, (s) => s.createDate, 'CreateDate'],
        [shipped, (s) => s.shipDate, 'ShipDate'],
      ],
    )
    const listed = listPage(sorted, bounds, predicates, descending, page)
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
    const sortBy = q.oneOf('sortBy', ['ShipDate', 'CreateDate'] as const) ?? 'CreateDate'
    const descending = q.oneOf('sortDir', ['ASC', 'DESC'] as const) === 'DESC'
    const created = dateRange(q, 'createDate')
    const shipped = dateRange(q, 'shipDate')
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
    const { sorted, bounds } = plan(
      {
        CreateDate: { index: world.fulfillmentsByCreate, range: created },
        ShipDate: { index: world.fulfillmentsByShipDate, range: shipped },
      },
      sortBy,
      predicates,
      [
        [created, (f) => f.createDate, 'CreateDate'],
        [shipped, (f) => f.shipDate, 'ShipDate'],
      ],
    )
    const listed = listPage(sorted, bounds, predicates, descending, page)
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
    const descending = q.oneOf('sortDir', ['ASC', 'DESC'] as const) === 'DESC'
    const page = paging(q)
    q.check()
    const products = world.products.filter(
      (p) => (!sku || startsWith(p.sku, sku)) && (!name || contains(p.name, name)),
    )
    if (sortBy === 'SKU') products.sort((a, b) => a.sku.localeCompare(b.sku))
    if (sortBy === 'ModifyDate')
      products.sort((a, b) => a.modifyDate - b.modifyDate || a.productId - b.productId)
    if (sortBy === 'CreateDate')
      products.sort((a, b) => a.createDate - b.createDate || a.productId - b.productId)
    const listed = listPage(products, [0, products.length], [], descending, page)
    return envelope('products', { items: listed.items.map(renderProduct), total: listed.total }, page)
  })

  app.get('/customers', async (request) => {
    const world = worldOf(request)
    const q = new QueryReader(request.query)
    const stateCode = q.string('stateCode')
    const countryCode = q.string('countryCode')
    const marketplaceId = q.int('marketplaceId')
    const sortBy = q.oneOf('sortBy', ['Name', 'ModifyDate', 'CreateDate'] as const)
    const descending = q.oneOf('sortDir', ['ASC', 'DESC'] as const) === 'DESC'
    const page = paging(q)
    q.check()
    const customers = world.customers.filter(
      (c) =>
        (!stateCode || c.address.state?.toLowerCase() === stateCode.toLowerCase()) &&
        (!countryCode || c.address.country?.toLowerCase() === countryCode.toLowerCase()) &&
        (marketplaceId === undefined || c.marketplaceId === marketplaceId),
    )
    if (sortBy === 'Name')
      customers.sort((a, b) => a.name.localeCompare(b.name) || a.customerId - b.customerId)
    if (sortBy === 'ModifyDate')
      customers.sort((a, b) => a.modifyDate - b.modifyDate || a.customerId - b.customerId)
    const listed = listPage(customers, [0, customers.length], [], descending, page)
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
