import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ShipStationSimulator } from '../../../src/simulators/shipstation/index.js'
import { api, control, start } from './helpers.js'

let sim: ShipStationSimulator
beforeAll(async () => {
  sim = await start({ orders: 30 })
})
afterAll(async () => {
  await sim.close()
})
beforeEach(async () => {
  await control(sim, 'PUT', '/faults', {})
})

describe('fault knobs (PUT /_sim/faults)', () => {
  it('injects ASP.NET 500s at the error rate, with rate-limit headers', async () => {
    await control(sim, 'PUT', '/faults', { errorRate: 1 })
    const answer = await api(sim, '/orders')
    expect(answer.status).toBe(500)
    expect(answer.body).toMatchObject({
      Message: 'An error has occurred.',
      ExceptionMessage: expect.any(String),
    })
    expect(answer.headers.get('x-rate-limit-remaining')).not.toBeNull()
    expect((await control(sim, 'GET', '/clock')).status).toBe(200)
    expect(sim.stats().faults.errors).toBeGreaterThanOrEqual(1)
  })

  it('adds latency', async () => {
    await control(sim, 'PUT', '/faults', { latencyMs: 250 })
    const started = Date.now()
    expect((await api(sim, '/carriers')).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(240)
  })

  it('answers a burst of 429s, then recovers', async () => {
    await control(sim, 'PUT', '/faults', { burst429: 2 })
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await api(sim, '/carriers')).status)
    expect(statuses).toEqual([429, 429, 200])
    expect(sim.stats().faults.throttled).toBeGreaterThanOrEqual(2)
  })

  it('truncates and corrupts JSON bodies', async () => {
    const whole = await api(sim, '/stores')
    await control(sim, 'PUT', '/faults', { truncateRate: 1 })
    const cut = await api(sim, '/stores')
    expect(cut.status).toBe(200)
    expect(cut.body).toBeUndefined()
    expect(whole.text.startsWith(cut.text)).toBe(true)
    await control(sim, 'PUT', '/faults', { malformedRate: 1 })
    const html = await api(sim, '/stores')
    expect(html.text).toMatch(/^<html>/)
    expect(sim.stats().faults).toMatchObject({ truncated: 1, malformed: 1 })
  })

  it('drops connections', async () => {
    await control(sim, 'PUT', '/faults', { dropRate: 1 })
    await expect(api(sim, '/stores')).rejects.toThrow()
    expect(sim.stats().faults.dropped).toBeGreaterThanOrEqual(1)
    await control(sim, 'PUT', '/faults', {})
    expect((await api(sim, '/stores')).status).toBe(200)
  })

  it('takes knobs from the start options too', async () => {
    const faulty = await start({ orders: 0, faults: { errorRate: 1, errorStatus: 503 } })
    try {
      expect((await api(faulty, '/stores')).status).toBe(503)
    } finally {
      await faulty.close()
    }
  })
})
