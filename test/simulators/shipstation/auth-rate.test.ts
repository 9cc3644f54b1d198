import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ShipStationSimulator } from '../../../src/simulators/shipstation/index.js'
import { api, basic, KEY, SECRET, start } from './helpers.js'

const UNAUTHORIZED = { Message: 'Authorization has been denied for this request.' }

function rateHeaders(headers: Headers) {
  return {
    limit: headers.get('x-rate-limit-limit'),
    remaining: headers.get('x-rate-limit-remaining'),
    reset: headers.get('x-rate-limit-reset'),
  }
}

describe('Basic auth (reference §2)', () => {
  let sim: ShipStationSimulator
  beforeAll(async () => {
    sim = await start({ orders: 10 })
  })
  afterAll(async () => {
    await sim.close()
  })

  it.each([
    ['missing header', null],
    ['bad key', basic('nope', SECRET)],
    ['wrong secret', basic(KEY, 'wrong')],
    ['not Basic', 'Bearer abc'],
    ['no colon', `Basic ${Buffer.from('justakey').toString('base64')}`],
  ])('answers 401 with the ASP.NET body and rate-limit headers: %s', async (_name, auth) => {
    const answer = await api(sim, '/orders', { auth })
    expect(answer.status).toBe(401)
    expect(answer.body).toEqual(UNAUTHORIZED)
    const h = rateHeaders(answer.headers)
    expect(h.limit).toBe('100000')
    expect(Number(h.remaining)).toBeGreaterThanOrEqual(0)
    expect(Number(h.reset)).toBeGreaterThan(0)
  })

  it('accepts the configured pair, and sends the headers on 404 too', async () => {
    expect((await api(sim, '/stores')).status).toBe(200)
    const missing = await api(sim, '/orders/42')
    expect(missing.status).toBe(404)
    expect(rateHeaders(missing.headers).limit).toBe('100000')
  })
})

describe('several accounts in one server', () => {
  it('keeps one world and one rate-limit bucket per key pair', async () => {
    const sim = await start({
      rateLimit: 3,
      accounts: [
        { apiKey: 'a', apiSecret: 'sa', seed: 1, orders: 5 },
        { apiKey: 'b', apiSecret: 'sb', seed: 2, orders: 0 },
      ],
    })
    try {
      const a = await api(sim, '/orders', { auth: basic('a', 'sa') })
      const b = await api(sim, '/orders', { auth: basic('b', 'sb') })
      expect(a.body.total).toBe(sim.account('a').liveOrderCount)
      expect(b.body.total).toBe(0)
      expect(a.headers.get('x-rate-limit-remaining')).toBe('2')
      expect(b.headers.get('x-rate-limit-remaining')).toBe('2')
      expect((await api(sim, '/orders', { auth: basic('a', 'sb') })).status).toBe(401)
      expect(sim.stats().requests.byAccount).toEqual({ a: 1, b: 1 })
    } finally {
      await sim.close()
    }
  })

  it('makes an account with few orders cheap (1,000 accounts start in seconds)', async () => {
    const started = Date.now()
    const accounts = Array.from({ length: 1000 }, (_, i) => ({
      apiKey: `k${i}`,
      apiSecret: `s${i}`,
      seed: i + 1,
      orders: 5,
    }))
    const sim = await start({ accounts })
    try {
      expect(Date.now() - started).toBeLessThan(15_000)
      const answer = await api(sim, '/orders', { auth: basic('k999', 's999') })
      expect(answer.body.total).toBe(sim.account('k999').liveOrderCount)
    } finally {
      await sim.close()
    }
  })
})

describe('fixed-window rate limit (reference §3)', () => {
  it('allows 40 per window, answers the 41st with 429, and opens again in the next window', async () => {
    const windowMs = 3000
    const sim = await start({ orders: 0, rateLimit: 40, rateWindowMs: windowMs })
    try {
      // Start right after a window boundary so all 41 requests land in one window.
      await new Promise((r) => setTimeout(r, windowMs - (Date.now() % windowMs) + 20))
      const remaining: string[] = []
      for (let i = 0; i < 40; i++) {
        const answer = await api(sim, '/warehouses')
        expect(answer.status).toBe(200)
        remaining.push(answer.headers.get('x-rate-limit-remaining')!)
      }
      expect(remaining[0]).toBe('39')
      expect(remaining[39]).toBe('0')
      const limited = await api(sim, '/warehouses')
      expect(limited.status).toBe(429)
      expect(limited.body).toEqual({ message: 'Too Many Requests' })
      const h = rateHeaders(limited.headers)
      expect(h).toMatchObject({ limit: '40', remaining: '0' })
      expect(Number(h.reset)).toBeGreaterThanOrEqual(1)
      expect(Number(h.reset)).toBeLessThanOrEqual(3)
      await new Promise((r) => setTimeout(r, Number(h.reset) * 1000))
      const next = await api(sim, '/warehouses')
      expect(next.status).toBe(200)
      expect(next.headers.get('x-rate-limit-remaining')).toBe('39')
      expect(sim.stats().requests.throttled).toBe(1)
      expect(sim.stats().requests.byEndpoint['GET /warehouses']).toEqual({ 200: 41, 429: 1 })
    } finally {
      await sim.close()
    }
  })

  it('counts the Reset header down in whole seconds', async () => {
    const sim = await start({ orders: 0, rateLimit: 40, rateWindowMs: 60_000 })
    try {
      const before = Math.ceil((60_000 - (Date.now() % 60_000)) / 1000)
      const reset = Number((await api(sim, '/carriers')).headers.get('x-rate-limit-reset'))
      expect(Number.isInteger(reset)).toBe(true)
      expect(reset).toBeLessThanOrEqual(before)
      expect(reset).toBeGreaterThanOrEqual(before - 1)
    } finally {
      await sim.close()
    }
  })

  it('sends Reset at a finer resolution when a scaled-down window asks for it', async () => {
    const sim = await start({ orders: 0, rateLimit: 40, rateWindowMs: 600, rateResetResolutionMs: 10 })
    try {
      const reset = Number((await api(sim, '/carriers')).headers.get('x-rate-limit-reset'))
      expect(reset).toBeGreaterThan(0)
      expect(reset).toBeLessThanOrEqual(0.6)
      expect(Math.round(reset * 1000) % 10).toBe(0)
    } finally {
      await sim.close()
    }
  })
})
