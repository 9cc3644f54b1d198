import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ShipStationSimulator } from '../../../src/simulators/shipstation/index.js'
import { api, control, start, type Target, webhookTarget } from './helpers.js'

let sim: ShipStationSimulator
let target: Target
beforeAll(async () => {
  sim = await start({ orders: 50 })
})
afterAll(async () => {
  await sim.close()
})
beforeEach(async () => {
  target = await webhookTarget()
  for (const event of ['ORDER_NOTIFY', 'SHIP_NOTIFY', 'FULFILLMENT_SHIPPED']) {
    const answer = await api(sim, '/webhooks/subscribe', {
      method: 'POST',
      body: { target_url: target.url, event, store_id: null, friendly_name: `test ${event}` },
    })
    expect(answer.body).toEqual({ id: expect.any(Number) })
  }
})
afterEach(async () => {
  const { body } = await api(sim, '/webhooks')
  for (const hook of body.webhooks) await api(sim, `/webhooks/${hook.WebHookID}`, { method: 'DELETE' })
  await target.close()
})

const flush = () => control(sim, 'POST', '/webhooks/flush')
const historyOf = async (orderId: number) =>
  (await control(sim, 'GET', `/history?orderId=${orderId}`)).body.history

describe('webhook management (reference §10.1)', () => {
  it('lists subscriptions in PascalCase and deletes them', async () => {
    const { body } = await api(sim, '/webhooks')
    expect(body.webhooks).toHaveLength(3)
    expect(Object.keys(body.webhooks[0])).toEqual([
      'IsLabelAPIHook',
      'WebHookID',
      'SellerID',
      'StoreID',
      'HookType',
      'MessageFormat',
      'Url',
      'Name',
      'BulkCopyBatchID',
      'BulkCopyRecordID',
      'Active',
      'WebhookLogs',
      'Seller',
      'Store',
    ])
    expect(body.webhooks[0]).toMatchObject({
      HookType: 'ORDER_NOTIFY',
      Url: target.url,
      MessageFormat: 'Json',
      StoreID: null,
    })
    const deleted = await api(sim, `/webhooks/${body.webhooks[0].WebHookID}`, { method: 'DELETE' })
    expect(deleted.status).toBe(200)
    expect((await api(sim, '/webhooks')).body.webhooks).toHaveLength(2)
    const again = await api(sim, `/webhooks/${body.webhooks[0].WebHookID}`, { method: 'DELETE' })
    expect(again.status).toBe(404)
  })

  it('rejects a bad subscription with ModelState', async () => {
    const bad = await api(sim, '/webhooks/subscribe', {
      method: 'POST',
      body: { target_url: 'not a url', event: 'NOPE' },
    })
    expect(bad.status).toBe(400)
    expect(Object.keys(bad.body.ModelState).sort()).toEqual(['request.event', 'request.target_url'])
  })
})

describe('control mutations and their side effects', () => {
  it('creates an order (ORDER_NOTIFY with an importBatch list URL served by the simulator)', async () => {
    const created = await control(sim, 'POST', '/orders', {
      status: 'awaiting_shipment',
      email: 'ann@example.com',
    })
    expect(created.status).toBe(201)
    expect(created.body.customerEmail).toBe('ann@example.com')
    await flush()
    expect(target.received).toHaveLength(1)
    const [hook] = target.received
    expect(hook!.resource_type).toBe('ORDER_NOTIFY')
    expect(hook!.resource_url).toMatch(
      new RegExp(`^${sim.url}/orders\\?storeID=\\d+&importBatch=[0-9a-f-]{36}$`),
    )
    const listed = await api(sim, hook!.resource_url.slice(sim.url.length))
    expect(listed.body.orders.map((o: { orderId: number }) => o.orderId)).toEqual([created.body.orderId])
    expect(await historyOf(created.body.orderId)).toEqual([
      expect.objectContaining({
        status: 'awaiting_shipment',
        via: 'created',
        orderNumber: created.body.orderNumber,
      }),
    ])
  })

  it('fires nothing for a new awaiting_payment order, then ORDER_NOTIFY when it is paid', async () => {
    const created = await control(sim, 'POST', '/orders', { status: 'awaiting_payment', email: null })
    expect(created.body.customerEmail).toBeNull()
    await flush()
    expect(target.received).toHaveLength(0)
    await sim.clock.advance(60_000)
    const paid = await control(sim, 'POST', `/orders/${created.body.orderId}/pay`)
    expect(paid.body.orderStatus).toBe('awaiting_shipment')
    expect(paid.body.modifyDate).not.toBe(created.body.modifyDate)
    await flush()
    expect(target.received.map((r) => r.resource_type)).toEqual(['ORDER_NOTIFY'])
  })

  it('ships with a label: shipment row, order shipped, SHIP_NOTIFY whose URL lists that shipment', async () => {
    const order = (await control(sim, 'POST', '/orders', {})).body
    await flush()
    target.received.length = 0
    const shipment = await control(sim, 'POST', `/orders/${order.orderId}/label`, {
      carrierCode: 'ups',
      serviceCode: 'ups_ground',
    })
    expect(shipment.body.trackingNumber).toMatch(/^1Z/)
    const after = await api(sim, `/orders/${order.orderId}`)
    expect(after.body.orderStatus).toBe('shipped')
    expect(after.body.carrierCode).toBe('ups')
    await flush()
    expect(target.received).toHaveLength(1)
    const hook = target.received[0]!
    expect(hook.resource_type).toBe('SHIP_NOTIFY')
    expect(hook.resource_url).toMatch(/\/shipments\?storeID=\d+&batchId=\d+&includeShipmentItems=False$/)
    const listed = await api(sim, hook.resource_url.slice(sim.url.length))
    expect(listed.body.shipments.map((s: { shipmentId: number }) => s.shipmentId)).toEqual([
      shipment.body.shipmentId,
    ])
    expect(listed.body.shipments[0].shipmentItems).toBeNull()
    const byOrder = await api(sim, `/shipments?orderId=${order.orderId}`)
    expect(byOrder.body.total).toBe(1)
    expect((await historyOf(order.orderId)).map((h: { via: string }) => h.via)).toEqual(['created', 'label'])
  })

  it('marks shipped by hand: a fulfillment, no shipment, no SHIP_NOTIFY', async () => {
    const order = (await control(sim, 'POST', '/orders', {})).body
    await flush()
    target.received.length = 0
    const fulfillment = await control(sim, 'POST', `/orders/${order.orderId}/mark-shipped`, {
      carrierCode: 'USPS',
      trackingNumber: '9400111',
    })
    expect(fulfillment.body).toMatchObject({
      orderId: order.orderId,
      carrierCode: 'USPS',
      trackingNumber: '9400111',
      sellerFillProviderId: null,
    })
    expect((await api(sim, `/shipments?orderId=${order.orderId}`)).body.total).toBe(0)
    expect((await api(sim, `/fulfillments?orderId=${order.orderId}`)).body.total).toBe(1)
    expect((await api(sim, `/orders/${order.orderId}`)).body.orderStatus).toBe('shipped')
    await flush()
    expect(target.received).toHaveLength(0)
    expect((await historyOf(order.orderId)).at(-1)).toMatchObject({ status: 'shipped', via: 'manual' })
  })

  it('fulfils externally: externallyFulfilled fields, provider fulfillment, FULFILLMENT_SHIPPED', async () => {
    const order = (await control(sim, 'POST', '/orders', {})).body
    await control(sim, 'POST', `/orders/${order.orderId}/send-to-provider`)
    await flush()
    target.received.length = 0
    const fulfillment = await control(sim, 'POST', `/orders/${order.orderId}/fulfil-externally`, {
      provider: 'shipbob',
    })
    expect(fulfillment.body).toMatchObject({
      sellerFillProviderName: 'ShipBob',
      fulfillmentProviderCode: 'shipbob',
    })
    const after = (await api(sim, `/orders/${order.orderId}`)).body
    expect(after).toMatchObject({
      orderStatus: 'shipped',
      externallyFulfilled: true,
      externallyFulfilledByName: 'ShipBob',
    })
    await flush()
    expect(target.received.map((r) => r.resource_type)).toEqual(['FULFILLMENT_SHIPPED'])
    const listed = await api(sim, target.received[0]!.resource_url.slice(sim.url.length))
    expect(listed.body.fulfillments.map((f: { fulfillmentId: number }) => f.fulfillmentId)).toEqual([
      fulfillment.body.fulfillmentId,
    ])
    expect(
      (await historyOf(order.orderId)).map((h: { status: string; via: string }) => `${h.status}/${h.via}`),
    ).toEqual(['awaiting_shipment/created', 'pending_fulfillment/provider', 'shipped/external'])
  })

  it('voids the only label: shipment voided, order back to awaiting_shipment, no webhook', async () => {
    const order = (await control(sim, 'POST', '/orders', {})).body
    const shipment = (await control(sim, 'POST', `/orders/${order.orderId}/label`, {})).body
    await flush()
    target.received.length = 0
    await sim.clock.advance(1000)
    const voided = await api(sim, '/shipments/voidlabel', {
      method: 'POST',
      body: { shipmentId: shipment.shipmentId },
    })
    expect(voided.body).toEqual({ approved: true, message: 'Label voided successfully' })
    const listed = (await api(sim, `/shipments?orderId=${order.orderId}`)).body.shipments[0]
    expect(listed.voided).toBe(true)
    expect(listed.voidDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$/)
    expect((await api(sim, `/orders/${order.orderId}`)).body.orderStatus).toBe('awaiting_shipment')
    await flush()
    expect(target.received).toHaveLength(0)
    expect((await historyOf(order.orderId)).at(-1)).toMatchObject({
      status: 'awaiting_shipment',
      via: 'void',
    })
  })

  it('holds until a date and releases automatically when the clock passes it', async () => {
    const order = (await control(sim, 'POST', '/orders', {})).body
    const until = sim.clock.now() + 3 * 86_400_000
    const held = await control(sim, 'POST', `/orders/${order.orderId}/hold`, { until })
    expect(held.body.orderStatus).toBe('on_hold')
    expect(held.body.holdUntilDate).toMatch(/T\d{2}:\d{2}:\d{2}\.\d{7}$/)
    await control(sim, 'POST', '/clock/advance', { ms: 4 * 86_400_000 })
    const after = (await api(sim, `/orders/${order.orderId}`)).body
    expect(after.orderStatus).toBe('awaiting_shipment')
    expect(after.holdUntilDate).toBeNull()
    const history = await historyOf(order.orderId)
    expect(history.at(-1)).toMatchObject({ status: 'awaiting_shipment', via: 'release', at: until })
  })

  it('releases due holds for in-process readers too, without any HTTP request', async () => {
    const order = sim.world.createOrder({ status: 'awaiting_shipment' })
    const until = sim.clock.now() + 86_400_000
    sim.world.hold(order.orderId, until)
    sim.clock.advance(2 * 86_400_000)
    expect(sim.world.orders.get(order.orderId)!.orderStatus).toBe('awaiting_shipment')
    const mine = sim.world.history.filter((h) => h.orderId === order.orderId)
    expect(mine.at(-1)).toMatchObject({ status: 'awaiting_shipment', via: 'release', at: until })
  })

  it('reports request stats over HTTP', async () => {
    await api(sim, '/orders/1')
    const { body } = await control(sim, 'GET', '/stats')
    expect(body.requests.byEndpoint['GET /orders/:orderId']['404']).toBeGreaterThanOrEqual(1)
    expect(body.requests.byEndpoint['POST /webhooks/subscribe']['200']).toBeGreaterThanOrEqual(3)
    expect(body.faults).toMatchObject({ errors: 0, dropped: 0 })
    expect(Object.keys(body.requests.byEndpoint).some((k) => k.includes('_sim'))).toBe(false)
  })

  it('holds, releases and cancels through the documented write endpoints', async () => {
    const order = (await control(sim, 'POST', '/orders', {})).body
    const hold = await api(sim, '/orders/holduntil', {
      method: 'POST',
      body: { orderId: order.orderId, holdUntilDate: '2030-01-01' },
    })
    expect(hold.body).toEqual({ success: true, message: 'Order held successfully.' })
    const restore = await api(sim, '/orders/restorefromhold', {
      method: 'POST',
      body: { orderId: order.orderId },
    })
    expect(restore.body).toEqual({ success: true, message: 'The requested order has been restored' })
    const cancelled = await control(sim, 'POST', `/orders/${order.orderId}/cancel`)
    expect(cancelled.body.orderStatus).toBe('cancelled')
    const refused = await control(sim, 'POST', `/orders/${order.orderId}/pay`)
    expect(refused.status).toBe(400)
    expect((await historyOf(order.orderId)).map((h: { status: string }) => h.status)).toEqual([
      'awaiting_shipment',
      'on_hold',
      'awaiting_shipment',
      'cancelled',
    ])
  })

  it('splits an order into <number>-1 with mergedOrSplit and parentId', async () => {
    const order = (
      await control(sim, 'POST', '/orders', {
        items: [
          { sku: 'A-1', name: 'A', quantity: 1, unitPrice: 5 },
          { sku: 'B-1', name: 'B', quantity: 1, unitPrice: 7 },
        ],
      })
    ).body
    const child = (await control(sim, 'POST', `/orders/${order.orderId}/split`)).body
    expect(child.orderNumber).toBe(`${order.orderNumber}-1`)
    expect(child.advancedOptions).toMatchObject({ mergedOrSplit: true, parentId: order.orderId })
    expect(child.items.map((i: { sku: string }) => i.sku)).toEqual(['B-1'])
    const parent = (await api(sim, `/orders/${order.orderId}`)).body
    expect(parent.advancedOptions).toMatchObject({ mergedOrSplit: true, parentId: null })
    expect(parent.items.map((i: { sku: string }) => i.sku)).toEqual(['A-1'])
    expect(child.orderKey).not.toBe(parent.orderKey)
    expect((await control(sim, 'POST', `/orders/${order.orderId}/split`)).status).toBe(400)
  })

  it('merges orders: survivor lists mergedIds, absorbed orders are cancelled with parentId', async () => {
    const storeId = sim.world.stores[0]!.storeId
    const a = (await control(sim, 'POST', '/orders', { storeId })).body
    const b = (await control(sim, 'POST', '/orders', { storeId })).body
    const merged = (await control(sim, 'POST', '/orders/merge', { orderIds: [a.orderId, b.orderId] })).body
    expect(merged.orderId).toBe(a.orderId)
    expect(merged.advancedOptions).toMatchObject({ mergedOrSplit: true, mergedIds: [b.orderId] })
    expect(merged.items.length).toBe(a.items.length + b.items.length)
    const absorbed = (await api(sim, `/orders/${b.orderId}`)).body
    expect(absorbed).toMatchObject({
      orderStatus: 'cancelled',
      advancedOptions: { mergedOrSplit: true, parentId: a.orderId },
    })
    expect((await historyOf(b.orderId)).at(-1)).toMatchObject({ status: 'cancelled', via: 'merge' })
  })

  it('honours store_id on subscriptions', async () => {
    const [first, second] = sim.world.stores
    const scoped = await webhookTarget()
    try {
      await api(sim, '/webhooks/subscribe', {
        method: 'POST',
        body: { target_url: scoped.url, event: 'ORDER_NOTIFY', store_id: first!.storeId },
      })
      await control(sim, 'POST', '/orders', { storeId: second!.storeId })
      await control(sim, 'POST', '/orders', { storeId: first!.storeId })
      await flush()
      expect(scoped.received).toHaveLength(1)
      expect(scoped.received[0]!.resource_url).toContain(`storeID=${first!.storeId}&`)
    } finally {
      await scoped.close()
    }
  })

  it('lets many orders share one modifyDate with a frozen clock', async () => {
    await control(sim, 'POST', '/clock/freeze', {})
    const made = []
    for (let i = 0; i < 30; i++) made.push((await control(sim, 'POST', '/orders', {})).body)
    await control(sim, 'POST', '/clock/unfreeze')
    expect(new Set(made.map((o) => o.modifyDate)).size).toBe(1)
    const { body } = await api(
      sim,
      `/orders?modifyDateStart=${encodeURIComponent(made[0].modifyDate.replace('T', ' '))}&modifyDateEnd=${encodeURIComponent(made[0].modifyDate.replace('T', ' '))}`,
    )
    expect(body.total).toBe(30)
  })

  it('applies random realistic changes, each recorded in history', async () => {
    const before = sim.world.history.length
    const { body } = await control(sim, 'POST', '/random-change', { count: 200 })
    expect(body.changes).toHaveLength(200)
    const kinds = new Set(body.changes.map((c: { kind: string }) => c.kind))
    expect(kinds.size).toBeGreaterThanOrEqual(5)
    expect(sim.world.history.length).toBeGreaterThan(before + 100)
    const last = new Map(sim.world.history.map((h) => [h.orderId, h.status]))
    for (const o of sim.world.orders.values()) expect(last.get(o.orderId)).toBe(o.orderStatus)
  })

  it('rejects bad control input with 400 and a clear message, and unknown orders with 404', async () => {
    const bad = await control(sim, 'POST', '/orders', { status: 'shipped', bogus: 1 })
    expect(bad.status).toBe(400)
    expect(bad.body.error).toMatch(/status/)
    expect((await control(sim, 'POST', '/clock/advance', { ms: -5 })).status).toBe(400)
    expect((await control(sim, 'POST', '/orders/999/pay')).status).toBe(404)
    expect((await control(sim, 'PUT', '/faults', { errorRate: 7 })).status).toBe(400)
    expect((await control(sim, 'GET', '/history?account=nobody')).status).toBe(404)
  })
})

describe('webhook delivery knobs', () => {
  it('drops, duplicates and survives unreachable targets', async () => {
    await control(sim, 'PUT', '/webhooks', { duplicateRate: 1 })
    await control(sim, 'POST', '/orders', {})
    await flush()
    expect(target.received).toHaveLength(2)
    await control(sim, 'PUT', '/webhooks', { dropRate: 1 })
    await control(sim, 'POST', '/orders', {})
    await flush()
    expect(target.received).toHaveLength(2)
    await control(sim, 'PUT', '/webhooks', {})
    await api(sim, '/webhooks/subscribe', {
      method: 'POST',
      body: { target_url: 'http://127.0.0.1:1/unreachable', event: 'ORDER_NOTIFY' },
    })
    await control(sim, 'POST', '/orders', {})
    await flush()
    const { body } = await control(sim, 'GET', '/webhooks')
    expect(body.counts.failed).toBeGreaterThanOrEqual(1)
    expect(body.counts.dropped).toBeGreaterThanOrEqual(1)
    expect(body.counts.duplicated).toBeGreaterThanOrEqual(1)
    expect((await api(sim, '/stores')).status).toBe(200)
  })

  it('delays deliveries', async () => {
    await control(sim, 'PUT', '/webhooks', { delayMs: 300 })
    const started = Date.now()
    await control(sim, 'POST', '/orders', {})
    await flush()
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    expect(target.received).toHaveLength(1)
    await control(sim, 'PUT', '/webhooks', {})
  })
})
