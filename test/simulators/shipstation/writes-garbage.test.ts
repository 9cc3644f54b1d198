import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ShipStationSimulator } from '../../../src/simulators/shipstation/index.js'
import { api, control, ORDER_KEYS, start, type Target, webhookTarget } from './helpers.js'

let sim: ShipStationSimulator
let target: Target
beforeAll(async () => {
  sim = await start({ orders: 20 })
  target = await webhookTarget()
  await api(sim, '/webhooks/subscribe', {
    method: 'POST',
    body: { target_url: target.url, event: 'ORDER_NOTIFY' },
  })
})
afterAll(async () => {
  await sim.close()
  await target.close()
})

const address = {
  name: 'Ann Lee',
  street1: '1 Main St',
  city: 'Reno',
  state: 'NV',
  postalCode: '89501',
  country: 'US',
}
const newOrder = (over: Record<string, unknown> = {}) => ({
  orderNumber: 'WEB-1001',
  orderKey: 'web-1001',
  orderDate: '2024-11-19 14:05:00',
  orderStatus: 'awaiting_shipment',
  customerEmail: 'ann@example.com',
  billTo: { name: 'Ann Lee' },
  shipTo: address,
  items: [
    {
      lineItemKey: 'L1',
      sku: 'MUG-1',
      name: 'Mug',
      quantity: 2,
      unitPrice: 9.5,
      weight: { value: 12, units: 'ounces' },
    },
  ],
  taxAmount: 0,
  shippingAmount: 5,
  ...over,
})

describe('POST /orders/createorder (reference §6.4)', () => {
  it('creates, then updates by orderKey, and locks shipped orders', async () => {
    const created = await api(sim, '/orders/createorder', { method: 'POST', body: newOrder() })
    expect(created.status).toBe(200)
    expect(Object.keys(created.body)).toEqual(ORDER_KEYS)
    expect(created.body).toMatchObject({
      orderKey: 'web-1001',
      orderDate: '2024-11-19T14:05:00.0000000',
      orderTotal: 24,
      billTo: { name: 'Ann Lee', street1: null },
      advancedOptions: { storeId: sim.world.defaultStore.storeId },
    })
    expect(created.body.items[0].weight).toEqual({ value: 12, units: 'ounces', WeightUnits: 1 })
    await sim.clock.advance(1000)
    const updated = await api(sim, '/orders/createorder', {
      method: 'POST',
      body: newOrder({ orderStatus: 'on_hold', customerNotes: 'ring twice' }),
    })
    expect(updated.body.orderId).toBe(created.body.orderId)
    expect(updated.body.orderStatus).toBe('on_hold')
    expect(updated.body.items[0].orderItemId).toBe(created.body.items[0].orderItemId)
    expect(updated.body.modifyDate > created.body.modifyDate).toBe(true)
    expect(updated.body.createDate).toBe(created.body.createDate)
    await control(sim, 'POST', `/orders/${created.body.orderId}/release`)
    await control(sim, 'POST', `/orders/${created.body.orderId}/mark-shipped`)
    const locked = await api(sim, '/orders/createorder', { method: 'POST', body: newOrder() })
    expect(locked.status).toBe(400)
    expect(locked.body.Message).toMatch(/shipped/)
    await sim.webhooks.idle()
    expect(target.received.filter((r) => r.resource_type === 'ORDER_NOTIFY')).toHaveLength(1)
  })

  it('creates orders in bulk with per-order results and one import batch', async () => {
    target.received.length = 0
    const body = [
      newOrder({ orderKey: 'bulk-1', orderNumber: 'B-1' }),
      newOrder({ orderKey: 'bulk-2', orderNumber: 'B-2' }),
    ]
    const answer = await api(sim, '/orders/createorders', { method: 'POST', body })
    expect(answer.body.hasErrors).toBe(false)
    expect(
      answer.body.results.map((r: { orderKey: string; success: boolean }) => [r.orderKey, r.success]),
    ).toEqual([
      ['bulk-1', true],
      ['bulk-2', true],
    ])
    await sim.webhooks.idle()
    expect(target.received).toHaveLength(1)
    const listed = await api(sim, target.received[0]!.resource_url.slice(sim.url.length))
    expect(listed.body.total).toBe(2)
    const wrongShape = await api(sim, '/orders/createorders', { method: 'POST', body: newOrder() })
    expect(wrongShape.status).toBe(400)
    expect(wrongShape.body.ModelState.apiOrders[0]).toMatch(/Cannot deserialize the current JSON object/)
  })

  it('labels, marks shipped, voids and deletes through the API with the documented bodies', async () => {
    const order = (
      await api(sim, '/orders/createorder', {
        method: 'POST',
        body: newOrder({ orderKey: 'api-2', orderNumber: 'API-2' }),
      })
    ).body
    const label = await api(sim, '/orders/createlabelfororder', {
      method: 'POST',
      body: {
        orderId: order.orderId,
        carrierCode: 'fedex',
        serviceCode: 'fedex_ground',
        confirmation: 'none',
        shipDate: '2024-11-21',
        testLabel: false,
      },
    })
    expect(Object.keys(label.body)).toEqual([
      'shipmentId',
      'shipmentCost',
      'insuranceCost',
      'trackingNumber',
      'labelData',
      'formData',
    ])
    expect(Buffer.from(label.body.labelData, 'base64').toString()).toMatch(/^%PDF/)
    const listed = (await api(sim, `/shipments?orderId=${order.orderId}`)).body.shipments[0]
    expect(listed).toMatchObject({ carrierCode: 'fedex', shipDate: '2024-11-21' })
    const second = (
      await api(sim, '/orders/createorder', {
        method: 'POST',
        body: newOrder({ orderKey: 'api-3', orderNumber: 'API-3' }),
      })
    ).body
    const marked = await api(sim, '/orders/markasshipped', {
      method: 'POST',
      body: { orderId: second.orderId, carrierCode: 'usps', trackingNumber: '123' },
    })
    expect(marked.body).toEqual({ orderId: second.orderId, orderNumber: 'API-3' })
    const deleted = await api(sim, `/orders/${second.orderId}`, { method: 'DELETE' })
    expect(deleted.body).toEqual({ success: true, message: 'The requested order has been deleted.' })
    expect((await api(sim, `/orders/${second.orderId}`)).status).toBe(404)
    expect((await api(sim, '/orders?orderNumber=API-3')).body.total).toBe(0)
    const voided = await api(sim, '/shipments/voidlabel', {
      method: 'POST',
      body: { shipmentId: label.body.shipmentId },
    })
    expect(voided.body.approved).toBe(true)
    const twice = await api(sim, '/shipments/voidlabel', {
      method: 'POST',
      body: { shipmentId: label.body.shipmentId },
    })
    expect(twice.body.approved).toBe(false)
  })
})

describe('garbage input never crashes the simulator', () => {
  it('answers unparsable JSON with a ModelState 400 in Json.NET words', async () => {
    const answer = await api(sim, '/orders/createorder', { method: 'POST', rawBody: '{"orderNumber": ' })
    expect(answer.status).toBe(400)
    expect(answer.body.Message).toBe('The request is invalid.')
    expect(answer.body.ModelState.apiOrder[0]).toMatch(
      /^Unexpected character encountered while parsing value/,
    )
  })

  it('answers an array where an object belongs, and a missing body, with ModelState', async () => {
    const array = await api(sim, '/orders/createorder', { method: 'POST', body: [newOrder()] })
    expect(array.status).toBe(400)
    expect(array.body.ModelState.apiOrder[0]).toMatch(/Cannot deserialize the current JSON array/)
    const empty = await api(sim, '/orders/holduntil', { method: 'POST' })
    expect(empty.status).toBe(400)
    const wrongTypes = await api(sim, '/orders/createorder', {
      method: 'POST',
      body: newOrder({ orderDate: 'soon', items: 'x', gift: 0 }),
    })
    expect(Object.keys(wrongTypes.body.ModelState).sort()).toEqual([
      'apiOrder.gift',
      'apiOrder.items',
      'apiOrder.orderDate',
    ])
  })

  it('survives a barrage of random bytes, paths and queries', async () => {
    const paths = [
      '/orders',
      '/orders/createorder',
      '/shipments',
      '/webhooks/subscribe',
      '/orders/holduntil',
      '/_sim/orders',
      '/_sim/clock/advance',
      '/_sim/faults',
      '/%%%',
      '/orders/%ZZ',
      '/orders?page=%FF',
    ]
    let seed = 17
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed / 0x7fffffff
    }
    for (let i = 0; i < 150; i++) {
      const bytes = Array.from({ length: Math.floor(rand() * 200) }, () =>
        String.fromCharCode(Math.floor(rand() * 256)),
      ).join('')
      const path = paths[Math.floor(rand() * paths.length)]!
      const method = rand() < 0.5 ? 'POST' : 'PUT'
      const contentType = rand() < 0.5 ? 'application/json' : 'text/plain'
      const answer = await api(sim, path, { method, rawBody: bytes, contentType })
      expect(answer.status).toBeGreaterThanOrEqual(400)
      expect(answer.status).toBeLessThan(500)
    }
    const query = await api(sim, '/orders?pageSize=1e3&page=-1&sortBy[]=x&orderStatus=')
    expect(query.status).toBe(400)
    expect((await api(sim, '/stores')).status).toBe(200)
  })
})
