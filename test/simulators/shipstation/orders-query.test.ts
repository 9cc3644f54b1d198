import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatPacific7 } from '../../../src/lib/pacific-time.js'
import type { Order, ShipStationSimulator } from '../../../src/simulators/shipstation/index.js'
import { api, control, start } from './helpers.js'

let sim: ShipStationSimulator
beforeAll(async () => {
  sim = await start({ orders: 1200, seed: 3 })
})
afterAll(async () => {
  await sim.close()
})

const live = () => [...sim.world.orders.values()].filter((o) => !o.deleted)
const ids = (body: { orders: { orderId: number }[] }) => body.orders.map((o) => o.orderId)
const q = (ms: number) => encodeURIComponent(formatPacific7(ms).replace('T', ' ').slice(0, 23))

describe('GET /orders pagination (reference §4.2)', () => {
  it('defaults to page 1, pageSize 100, ascending orderId', async () => {
    const { body } = await api(sim, '/orders')
    expect(body.page).toBe(1)
    expect(body.orders).toHaveLength(100)
    expect(body.total).toBe(live().length)
    expect(body.pages).toBe(Math.ceil(body.total / 100))
    const sorted = [...ids(body)].sort((a, b) => a - b)
    expect(ids(body)).toEqual(sorted)
    expect(ids(body)[0]).toBe(Math.min(...live().map((o) => o.orderId)))
  })

  it('accepts exactly 500, rejects 501 with an ASP.NET ModelState 400', async () => {
    const ok = await api(sim, '/orders?pageSize=500')
    expect(ok.body.orders).toHaveLength(500)
    expect(ok.body.pages).toBe(Math.ceil(ok.body.total / 500))
    const bad = await api(sim, '/orders?pageSize=501')
    expect(bad.status).toBe(400)
    expect(bad.body).toEqual({
      Message: 'The request is invalid.',
      ModelState: { pageSize: ['The field pageSize must be between 1 and 500.'] },
    })
  })

  it('answers a page past the end with an empty array and the real total', async () => {
    const { body } = await api(sim, '/orders?pageSize=500&page=99')
    expect(body.orders).toEqual([])
    expect(body.page).toBe(99)
    expect(body.total).toBe(live().length)
  })

  it('answers total 0 with pages 0', async () => {
    const { body } = await api(sim, '/orders?orderNumber=no-such-order')
    expect(body).toEqual({ orders: [], total: 0, page: 1, pages: 0 })
  })

  it('pages without gaps or repeats', async () => {
    const seen: number[] = []
    for (let page = 1; ; page++) {
      const { body } = await api(sim, `/orders?pageSize=250&page=${page}&sortBy=ModifyDate`)
      seen.push(...ids(body))
      if (page >= body.pages) break
    }
    expect(seen).toHaveLength(live().length)
    expect(new Set(seen).size).toBe(seen.length)
  })

  it('rejects values that do not bind, listing each parameter', async () => {
    const { status, body } = await api(sim, '/orders?page=abc&createDateStart=yesterday&orderStatus=lost')
    expect(status).toBe(400)
    expect(Object.keys(body.ModelState).sort()).toEqual(['createDateStart', 'orderStatus', 'page'])
  })
})

describe('GET /orders filters (reference §6.1)', () => {
  it('matches parameter names case-insensitively', async () => {
    const order = live()[10]!
    for (const name of ['orderNumber', 'ordernumber', 'ORDERNUMBER']) {
      const { body } = await api(sim, `/orders?${name}=${encodeURIComponent(order.orderNumber)}`)
      expect(ids(body)).toContain(order.orderId)
      expect(body.total).toBeLessThan(live().length)
    }
    const lower = await api(
      sim,
      `/orders?storeid=${order.advancedOptions.storeId}&SORTBY=modifydate&sortdir=desc`,
    )
    expect(
      lower.body.orders.every((o: Order) => o.advancedOptions.storeId === order.advancedOptions.storeId),
    ).toBe(true)
  })

  it('filters by status and store', async () => {
    for (const status of ['shipped', 'awaiting_shipment', 'cancelled', 'on_hold']) {
      const { body } = await api(sim, `/orders?orderStatus=${status}&pageSize=500`)
      expect(body.total).toBe(live().filter((o) => o.orderStatus === status).length)
      expect(body.orders.every((o: Order) => o.orderStatus === status)).toBe(true)
    }
    const storeId = sim.world.stores[1]!.storeId
    const { body } = await api(sim, `/orders?storeId=${storeId}`)
    expect(body.total).toBe(live().filter((o) => o.advancedOptions.storeId === storeId).length)
  })

  it('matches orderNumber as starts-with, customerName and itemKeyword as contains', async () => {
    const { body } = await api(sim, '/orders?orderNumber=10&pageSize=500')
    expect(body.total).toBe(live().filter((o) => o.orderNumber.startsWith('10')).length)
    expect(body.total).toBeLessThan(live().filter((o) => o.orderNumber.includes('10')).length)
    const name = live()[5]!.shipTo.name!.split(' ')[1]!
    const byName = await api(
      sim,
      `/orders?customerName=${encodeURIComponent(name.toLowerCase())}&pageSize=500`,
    )
    expect(byName.body.total).toBeGreaterThan(0)
    expect(byName.body.orders.every((o: Order) => `${o.billTo.name} ${o.shipTo.name}`.includes(name))).toBe(
      true,
    )
    const sku = live()[7]!.items[0]!.sku!
    const byItem = await api(sim, `/orders?itemKeyword=${sku}&pageSize=500`)
    expect(byItem.body.total).toBe(live().filter((o) => o.items.some((i) => i.sku === sku)).length)
  })

  it('treats date bounds as inclusive at both ends, for every date pair', async () => {
    const sample = live()[300]!
    for (const [param, field] of [
      ['createDate', 'createDate'],
      ['modifyDate', 'modifyDate'],
      ['orderDate', 'orderDate'],
    ] as const) {
      const at = sample[field]
      const exact = await api(sim, `/orders?${param}Start=${q(at)}&${param}End=${q(at)}`)
      expect(ids(exact.body)).toContain(sample.orderId)
      const after = await api(sim, `/orders?${param}Start=${q(at + 1)}&pageSize=500&sortBy=CreateDate`)
      expect(ids(after.body)).not.toContain(sample.orderId)
    }
    const paid = live().find((o) => o.paymentDate !== null)!
    const byPayment = await api(
      sim,
      `/orders?paymentDateStart=${q(paid.paymentDate!)}&paymentDateEnd=${q(paid.paymentDate!)}`,
    )
    expect(ids(byPayment.body)).toContain(paid.orderId)
  })

  it('sorts by each key in both directions with a range on the sort key', async () => {
    const from = sim.clock.now() - 30 * 86_400_000
    for (const [sortBy, field] of [
      ['ModifyDate', 'modifyDate'],
      ['CreateDate', 'createDate'],
      ['OrderDate', 'orderDate'],
    ] as const) {
      const param = field
      const asc = await api(sim, `/orders?sortBy=${sortBy}&sortDir=ASC&${param}Start=${q(from)}&pageSize=500`)
      const expected = live().filter((o) => o[field] >= from)
      expect(asc.body.total).toBe(expected.length)
      const values = asc.body.orders.map((o: Order) => sim.world.orders.get(o.orderId)![field])
      expect(values).toEqual([...values].sort((a, b) => a - b))
      const desc = await api(
        sim,
        `/orders?sortBy=${sortBy}&sortDir=DESC&${param}Start=${q(from)}&pageSize=500`,
      )
      expect(desc.body.orders[0].orderId).toBe(
        [...expected].sort((a, b) => b[field] - a[field] || b.orderId - a.orderId)[0]!.orderId,
      )
    }
  })

  it('answers GET /orders/{id} and a 404 Message for a missing id', async () => {
    const order = live()[0]!
    const found = await api(sim, `/orders/${order.orderId}`)
    expect(found.body.orderId).toBe(order.orderId)
    const missing = await api(sim, '/orders/1')
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual({ Message: 'Order not found with id 1' })
    expect(missing.headers.get('x-rate-limit-limit')).not.toBeNull()
    const garbage = await api(sim, '/orders/abc')
    expect(garbage.status).toBe(400)
    expect(garbage.body.Message).toBe('The request is invalid.')
  })
})

describe('Pacific time across daylight-saving changes (reference §4.1)', () => {
  it('renders and filters orders around fall-back, with a bound inside the repeated hour', async () => {
    const s = await start({ orders: 0, startAt: Date.parse('2024-11-02T12:00:00Z') })
    try {
      const at = async (iso: string) => {
        await control(s, 'POST', '/clock/freeze', { at: Date.parse(iso) })
        return (await control(s, 'POST', '/orders', {})).body
      }
      const pdt = await at('2024-11-03T08:30:00Z') // 01:30 PDT
      const pstEarly = await at('2024-11-03T09:10:00Z') // 01:10 PST
      const pstLate = await at('2024-11-03T09:45:00Z') // 01:45 PST
      expect(pdt.createDate).toBe('2024-11-03T01:30:00.0000000')
      expect(pstEarly.createDate).toBe('2024-11-03T01:10:00.0000000')
      expect(pstLate.createDate).toBe('2024-11-03T01:45:00.0000000')
      const start1 = await api(s, '/orders?createDateStart=2024-11-03%2001:20:00')
      expect(ids(start1.body)).toEqual([pdt.orderId, pstEarly.orderId, pstLate.orderId])
      const end1 = await api(s, '/orders?createDateEnd=2024-11-03%2001:20:00')
      expect(ids(end1.body)).toEqual([pdt.orderId, pstEarly.orderId])
      const both = await api(
        s,
        '/orders?createDateStart=2024-11-03%2001:30:00&createDateEnd=2024-11-03%2001:30:00',
      )
      expect(ids(both.body)).toEqual([pdt.orderId, pstEarly.orderId])
    } finally {
      await s.close()
    }
  })

  it('renders and filters orders around spring-forward, with a bound inside the skipped hour', async () => {
    const s = await start({ orders: 0, startAt: Date.parse('2024-03-09T12:00:00Z') })
    try {
      await control(s, 'POST', '/clock/freeze', { at: Date.parse('2024-03-10T09:59:59Z') })
      const before = (await control(s, 'POST', '/orders', {})).body
      await control(s, 'POST', '/clock/freeze', { at: Date.parse('2024-03-10T10:00:00Z') })
      const after = (await control(s, 'POST', '/orders', {})).body
      expect(before.createDate).toBe('2024-03-10T01:59:59.0000000')
      expect(after.createDate).toBe('2024-03-10T03:00:00.0000000')
      const end = await api(s, '/orders?createDateEnd=2024-03-10%2002:30:00')
      expect(ids(end.body)).toEqual([before.orderId])
      const startAt = await api(s, '/orders?createDateStart=2024-03-10%2002:30:00')
      expect(ids(startAt.body)).toEqual([after.orderId])
      const summer = await api(s, '/orders?createDateStart=2024-03-10T03:00:00&createDateEnd=2024-03-10')
      expect(summer.body.total).toBe(0)
    } finally {
      await s.close()
    }
  })
})
