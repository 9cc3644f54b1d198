import { describe, expect, it } from 'vitest'
import { formatPacificQuery, parsePacific } from '../../../src/lib/pacific-time.js'
import { api, DATE_ONLY, DATE7, start } from './helpers.js'

describe('a request sequence like a real sync client', () => {
  it('lists stores, pages orders by modifyDate ASC at 500, and lists shipments of an order', async () => {
    const sim = await start({ orders: 1600, seed: 11 })
    try {
      const stores = (await api(sim, '/stores')).body
      const storeIds = new Set(stores.map((s: { storeId: number }) => s.storeId))
      const windowStart = formatPacificQuery(sim.clock.now() - 30 * 86_400_000)
      const windowEnd = formatPacificQuery(sim.clock.now() - 60_000)
      const seen = new Map<number, { modifyDate: string }>()
      let cursor = -Infinity
      for (let page = 1; ; page++) {
        const q = `sortBy=ModifyDate&sortDir=ASC&pageSize=500&page=${page}&modifyDateStart=${encodeURIComponent(windowStart)}&modifyDateEnd=${encodeURIComponent(windowEnd)}`
        const { status, body, headers } = await api(sim, `/orders?${q}`)
        expect(status).toBe(200)
        expect(Number(headers.get('x-rate-limit-remaining'))).toBeGreaterThanOrEqual(0)
        for (const order of body.orders) {
          expect(order.modifyDate).toMatch(DATE7)
          const modified = sim.world.orders.get(order.orderId)!.modifyDate
          expect(modified).toBeGreaterThanOrEqual(cursor)
          cursor = modified
          expect(storeIds.has(order.advancedOptions.storeId)).toBe(true)
          expect(typeof order.orderKey).toBe('string')
          expect(['string', 'object']).toContain(typeof order.customerEmail)
          seen.set(order.orderId, order)
        }
        if (page >= body.pages) break
      }
      const lo = parsePacific(windowStart, 'earlier')!
      const hi = parsePacific(windowEnd, 'later')!
      const expected = [...sim.world.orders.values()].filter((o) => o.modifyDate >= lo && o.modifyDate <= hi)
      expect(seen.size).toBe(expected.length)
      const shipped = expected.find((o) => sim.world.shipmentsOf(o.orderId).length > 0)!
      const shipments = (await api(sim, `/shipments?orderId=${shipped.orderId}&includeShipmentItems=true`))
        .body
      expect(shipments.total).toBe(sim.world.shipmentsOf(shipped.orderId).length)
      for (const s of shipments.shipments) {
        expect(s).toMatchObject({
          orderId: shipped.orderId,
          orderKey: shipped.orderKey,
          orderNumber: shipped.orderNumber,
        })
        expect(s.shipDate).toMatch(DATE_ONLY)
        expect(typeof s.trackingNumber).toBe('string')
        expect(s.weight.WeightUnits).toBe(1)
        expect(s.shipmentItems.length).toBeGreaterThan(0)
      }
    } finally {
      await sim.close()
    }
  })
})

describe('determinism', () => {
  it('builds identical JSON for the same seed and start, and a different world for another seed', async () => {
    const read = async (seed: number) => {
      const sim = await start({ orders: 500, seed })
      try {
        const paths = [
          '/orders?pageSize=500',
          '/shipments?pageSize=500&includeShipmentItems=true',
          '/fulfillments',
          '/stores',
          '/customers',
          '/products',
        ]
        return await Promise.all(paths.map(async (p) => (await api(sim, p)).text))
      } finally {
        await sim.close()
      }
    }
    const [a, b, c] = [await read(5), await read(5), await read(6)]
    expect(a).toEqual(b)
    expect(c[0]).not.toEqual(a[0])
  })
})

describe('performance with 100,000 orders', () => {
  it('generates in seconds and pages by modifyDate without sorting per request', async () => {
    const started = performance.now()
    const sim = await start({ orders: 100_000, seed: 2 })
    const generatedMs = performance.now() - started
    try {
      expect(sim.world.liveOrderCount).toBeGreaterThan(100_000)
      const timings: number[] = []
      for (const q of [
        'pageSize=500&page=150',
        'sortBy=ModifyDate&sortDir=DESC&pageSize=500&page=3',
        'sortBy=ModifyDate&pageSize=500&modifyDateStart=2024-11-01',
        'orderStatus=awaiting_shipment&pageSize=500',
      ]) {
        const t = performance.now()
        const { status, body } = await api(sim, `/orders?${q}`)
        timings.push(performance.now() - t)
        expect(status).toBe(200)
        expect(body.orders.length).toBeGreaterThan(0)
      }
      console.info(
        `100k orders: generated in ${Math.round(generatedMs)} ms; 500-order pages in ${timings.map((t) => Math.round(t)).join('/')} ms`,
      )
      expect(generatedMs).toBeLessThan(30_000)
      expect(Math.max(...timings)).toBeLessThan(1500)
    } finally {
      await sim.close()
    }
  }, 60_000)
})
