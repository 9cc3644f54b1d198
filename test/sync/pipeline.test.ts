/**
 * The core promise, end to end through real HTTP: ShipStation simulator → shiprelay → Klaviyo
 * simulator, on every database.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import { rawOrderSchema } from '../../src/source/shipstation/raw-types.js'
import { processOrderPage } from '../../src/sync/account-sync.js'
import { forEachDatabase } from '../helpers/databases.js'
import { type Pipeline, startPipeline } from '../helpers/pipeline.js'

const byOrder = (p: Pipeline, orderId: number) =>
  p.stored().filter((e) => (e.attributes.properties as Record<string, unknown>).OrderId === String(orderId))
const props = (e: { attributes: Record<string, unknown> }) =>
  e.attributes.properties as Record<string, unknown>

forEachDatabase('pipeline', (database) => {
  let p: Pipeline
  beforeEach(async () => {
    p = await startPipeline(database, { shipstation: { orders: 60, seed: 7 } })
  })
  afterEach(async () => p.dispose())

  it('backfills one historical event per order with email, through the bulk endpoint, and re-running adds nothing', async () => {
    await p.cycle()
    const orders = [...p.ss.world.orders.values()].filter((o) => !o.deleted)
    const mergedAway = new Set(orders.flatMap((o) => o.advancedOptions.mergedIds))
    const expected = orders.filter((o) => o.customerEmail && !mergedAway.has(o.orderId))
    const stored = p.stored()
    expect(stored).toHaveLength(expected.length)
    expect(stored.every((e) => e.backfill && e.source === 'bulk-create')).toBe(true)
    expect(new Set(stored.map((e) => e.uniqueId)).size).toBe(stored.length)
    for (const o of expected) {
      const events = byOrder(p, o.orderId)
      expect(events, `order ${o.orderNumber}`).toHaveLength(1)
    }
    const status = await p.relay.store.db.selectFrom('deliveries').select(['state', 'reason']).execute()
    const noEmail = orders.filter((o) => !o.customerEmail && !mergedAway.has(o.orderId)).length
    expect(status.filter((d) => d.reason === 'no email')).toHaveLength(noEmail)

    const requestsBefore = p.kl.requests().length
    await p.cycle()
    await p.restart()
    await p.cycle()
    expect(p.stored()).toHaveLength(expected.length)
    expect(p.kl.requests().length).toBe(requestsBefore)
  })

  it('follows an order through payment, hold, release and a label, live, one event per status', async () => {
    await p.cycle()
    const w = p.ss.world
    const order = w.createOrder({ status: 'awaiting_payment', email: 'jane@example.com' })
    await p.cycle()
    w.pay(order.orderId)
    await p.cycle()
    w.hold(order.orderId, w.now() + 86_400_000)
    await p.cycle()
    w.release(order.orderId)
    await p.cycle()
    const label = w.createLabel(order.orderId, { carrierCode: 'ups', serviceCode: 'ups_ground' })
    await p.cycle()
    await p.cycle()
    const events = byOrder(p, order.orderId)
    expect(events.map((e) => e.metric)).toEqual([
      'Order Awaiting Payment',
      'Order Awaiting Shipment',
      'Order On Hold',
      'Order Awaiting Shipment',
      'Order Shipped',
    ])
    expect(events.every((e) => !e.backfill && e.source === 'create-event')).toBe(true)
    expect(new Set(events.map((e) => e.uniqueId)).size).toBe(5)
    const shipped = props(events[4]!)
    expect(shipped).toMatchObject({
      ShippedVia: 'label',
      Carrier: 'ups',
      TrackingNumber: label.trackingNumber,
    })
    expect(String(shipped.TrackingUrl)).toContain(label.trackingNumber)
    expect(events[0]!.profile?.email).toBe('jane@example.com')
    // Event time is when it happened in ShipStation: the label's createDate, to the second.
    expect(Date.parse(events[4]!.time)).toBe(Math.floor(label.createDate / 1000) * 1000)
  })

  it('sends Order Shipped for orders marked shipped by hand and fulfilled externally, saying how', async () => {
    await p.cycle()
    const w = p.ss.world
    const manual = w.createOrder({ status: 'awaiting_shipment', email: 'm@example.com' })
    const external = w.createOrder({ status: 'awaiting_shipment', email: 'x@example.com' })
    await p.cycle()
    w.markShipped(manual.orderId, { carrierCode: 'USPS', trackingNumber: '9400111899223197428490' })
    w.fulfilExternally(external.orderId, { provider: 'amazon_fba' })
    await p.cycle()
    const m = byOrder(p, manual.orderId).find((e) => e.metric === 'Order Shipped')
    const x = byOrder(p, external.orderId).find((e) => e.metric === 'Order Shipped')
    expect(props(m!)).toMatchObject({ ShippedVia: 'manual', TrackingNumber: '9400111899223197428490' })
    expect(props(x!)).toMatchObject({ ShippedVia: 'external' })
    expect(props(x!).FulfillmentProvider).toBeTruthy()
  })

  it('announces a cancellation, but not the cancellation of orders merged into another', async () => {
    await p.cycle()
    const w = p.ss.world
    const a = w.createOrder({ status: 'awaiting_shipment', email: 'a@example.com' })
    const b = w.createOrder({
      status: 'awaiting_shipment',
      email: 'a@example.com',
      storeId: a.advancedOptions.storeId,
    })
    const c = w.createOrder({ status: 'awaiting_shipment', email: 'c@example.com' })
    await p.cycle()
    w.merge([a.orderId, b.orderId])
    w.cancel(c.orderId)
    await p.cycle()
    expect(byOrder(p, b.orderId).map((e) => e.metric)).toEqual(['Order Awaiting Shipment'])
    expect(byOrder(p, c.orderId).map((e) => e.metric)).toEqual(['Order Awaiting Shipment', 'Order Canceled'])
    const suppressed = await p.relay.store.db.selectFrom('merged_orders').selectAll().execute()
    expect(suppressed.map((m) => [m.order_id, m.into_order_id])).toContainEqual([b.orderId, a.orderId])
  })

  it('holds a cancellation until the pass shows whether it was a merge, even when read apart from the survivor', async () => {
    await p.cycle()
    const w = p.ss.world
    const a = w.createOrder({ status: 'awaiting_shipment', email: 'a@example.com' })
    const b = w.createOrder({
      status: 'awaiting_shipment',
      email: 'b@example.com',
      storeId: a.advancedOptions.storeId,
    })
    await p.cycle()
    w.merge([a.orderId, b.orderId])
    const account = p.relay.accounts[0]!
    const absorbed = rawOrderSchema.parse(await account.client.getJson(`/orders/${b.orderId}`))
    expect(absorbed.orderStatus).toBe('cancelled')
    // The absorbed order alone on a page, as when the survivor sorts onto a later one.
    const options = {
      accountId: 'main',
      backfillDays: 90,
      client: account.client,
      db: p.relay.store.db,
      routes: p.relay.routes,
    }
    expect(await processOrderPage(options, [absorbed], undefined, new Map(), false)).toBe(1)
    const deliveryOf = () =>
      p.relay.store.db
        .selectFrom('deliveries')
        .innerJoin('events', 'events.id', 'deliveries.event_id')
        .select(['deliveries.state', 'deliveries.reason'])
        .where('events.order_id', '=', b.orderId)
        .where('events.name', '=', 'Order Canceled')
        .executeTakeFirstOrThrow()
    expect(await deliveryOf()).toEqual({ state: 'held', reason: null })
    await p.relay.deliverAll()
    expect(byOrder(p, b.orderId).map((e) => e.metric)).toEqual(['Order Awaiting Shipment'])
    await p.cycle() // the pass reads the survivor, sees the merge, and resolves the held cancellation
    expect(await deliveryOf()).toEqual({ state: 'skipped', reason: `merged into order ${a.orderId}` })
    expect(byOrder(p, b.orderId).map((e) => e.metric)).toEqual(['Order Awaiting Shipment'])
  })

  it('gives split orders their own events carrying the parent order number', async () => {
    await p.cycle()
    const w = p.ss.world
    const parent = w.createOrder({
      status: 'awaiting_shipment',
      email: 's@example.com',
      items: [
        { sku: 'A-1', name: 'A', quantity: 1, unitPrice: 10 },
        { sku: 'B-1', name: 'B', quantity: 1, unitPrice: 12 },
      ],
    })
    await p.cycle()
    const child = w.split(parent.orderId)
    w.createLabel(child.orderId)
    await p.cycle()
    const events = byOrder(p, child.orderId)
    expect(events.map((e) => e.metric)).toEqual(['Order Shipped'])
    expect(props(events[0]!)).toMatchObject({
      ParentOrderId: String(parent.orderId),
      ParentOrderNumber: parent.orderNumber,
    })
    expect(child.orderNumber).toBe(`${parent.orderNumber}-1`)
    // The parent is flagged mergedOrSplit too; its cancellation is held for the merge check, then released.
    w.cancel(parent.orderId)
    await p.cycle()
    expect(byOrder(p, parent.orderId).map((e) => e.metric)).toEqual([
      'Order Awaiting Shipment',
      'Order Canceled',
    ])
  })
})
