/** Rate limits (reference §6): burst and steady fixed windows per account and endpoint, headers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SimClock } from '../../../src/simulators/common/sim-clock.js'
import { type KlaviyoSimulator, startKlaviyoSimulator } from '../../../src/simulators/klaviyo/index.js'
import { apiHeaders, bulkBody, call, eventBody, post } from './helpers.js'

const MINUTE_START = Date.UTC(2026, 8, 1, 12, 0, 0)
const RATE_HEADERS = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset']

function rateHeaders(headers: Headers): Record<string, string | null> {
  return Object.fromEntries(RATE_HEADERS.map((h) => [h, headers.get(h)]))
}

describe('burst and steady windows (scaled, on a frozen clock)', () => {
  const clock = new SimClock()
  let sim: KlaviyoSimulator
  beforeAll(async () => {
    sim = await startKlaviyoSimulator({
      clock,
      apiKeys: [
        'pk_test',
        { key: 'pk_same_account', account: 'default' },
        { key: 'pk_other', account: 'other' },
      ],
      rateLimits: { events: { burst: 2, steady: 3 } },
    })
  })
  afterAll(async () => {
    await sim.close()
  })

  it('counts per window, answers 429 with Retry-After only, and recovers when the window ends', async () => {
    clock.freeze(MINUTE_START + 100)
    const first = await post(sim, '/api/events', eventBody({ uniqueId: '1' }))
    expect(first.status).toBe(202)
    expect(rateHeaders(first.headers)).toEqual({
      'ratelimit-limit': '3',
      'ratelimit-remaining': '2',
      'ratelimit-reset': '60',
    })
    // A 400 counts too and also carries the headers.
    const invalid = await post(sim, '/api/events', { data: null })
    expect(invalid.status).toBe(400)
    expect(invalid.headers.get('ratelimit-remaining')).toBe('1')

    const burst = await post(sim, '/api/events', eventBody({ uniqueId: '3' }))
    expect(burst.status).toBe(429)
    expect(burst.headers.get('retry-after')).toBe('1')
    expect(rateHeaders(burst.headers)).toEqual({
      'ratelimit-limit': null,
      'ratelimit-remaining': null,
      'ratelimit-reset': null,
    })
    expect(burst.json.errors[0]).toMatchObject({ status: 429, code: 'throttled' })

    clock.advance(1000)
    const next = await post(sim, '/api/events', eventBody({ uniqueId: '4' }))
    expect(next.status).toBe(202)
    expect(next.headers.get('ratelimit-remaining')).toBe('0')

    clock.advance(1000)
    const steady = await post(sim, '/api/events', eventBody({ uniqueId: '5' }))
    expect(steady.status).toBe(429)
    expect(steady.headers.get('retry-after')).toBe('58')
    expect(steady.json.errors[0].detail).toBe('Request was throttled. Expected available in 58 seconds.')

    // A key of the same account shares the quota; another account has its own.
    const sameAccount = apiHeaders({ authorization: 'Klaviyo-API-Key pk_same_account' })
    expect((await post(sim, '/api/events', eventBody({ uniqueId: '6' }), sameAccount)).status).toBe(429)
    const otherAccount = apiHeaders({ authorization: 'Klaviyo-API-Key pk_other' })
    expect((await post(sim, '/api/events', eventBody({ uniqueId: '7' }), otherAccount)).status).toBe(202)
    // Other endpoints have their own windows.
    expect(
      (
        await post(
          sim,
          '/api/event-bulk-create-jobs',
          bulkBody([{ profile: { email: 'a@example.com' }, events: [{}] }]),
        )
      ).status,
    ).toBe(202)

    clock.advance(58_000)
    expect((await post(sim, '/api/events', eventBody({ uniqueId: '8' }))).status).toBe(202)
    expect(sim.store.events().map((e) => e.uniqueId)).toEqual(['1', '4', '7', null, '8'])
    expect(sim.stats().throttled).toBe(3)
    expect(sim.stats().requests['POST /api/events']?.byStatus).toEqual({ '202': 4, '400': 1, '429': 3 })
  })

  it('unauthenticated requests (401) do not use the quota', async () => {
    clock.freeze(MINUTE_START + 3 * 60_000)
    sim.reset()
    for (let i = 0; i < 5; i++) {
      expect(
        (await post(sim, '/api/events', eventBody(), apiHeaders({ authorization: 'nope' }))).status,
      ).toBe(401)
    }
    expect((await post(sim, '/api/events', eventBody())).headers.get('ratelimit-remaining')).toBe('2')
  })
})

describe('rateScale', () => {
  let sim: KlaviyoSimulator
  beforeAll(async () => {
    sim = await startKlaviyoSimulator({ rateScale: 0.01 })
  })
  afterAll(async () => {
    await sim.close()
  })

  it('scales every tier number, keeping at least 1', async () => {
    expect((await post(sim, '/api/events', eventBody())).headers.get('ratelimit-limit')).toBe('35')
    const bulk = await post(
      sim,
      '/api/event-bulk-create-jobs',
      bulkBody([{ profile: { email: 'a@example.com' }, events: [{}] }]),
    )
    expect(bulk.headers.get('ratelimit-limit')).toBe('2')
    const profile = await post(sim, '/api/profile-import', {
      data: { type: 'profile', attributes: { email: 'a@example.com' } },
    })
    expect(profile.headers.get('ratelimit-limit')).toBe('8')
    const accounts = await call(sim, 'GET', '/api/accounts')
    expect(accounts.status).toBe(200)
    expect(accounts.headers.get('ratelimit-limit')).toBe('1')
    const again = await call(sim, 'GET', '/api/accounts')
    expect(again.status).toBe(429)
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
  })
})

describe('default tiers', () => {
  let sim: KlaviyoSimulator
  beforeAll(async () => {
    sim = await startKlaviyoSimulator()
  })
  afterAll(async () => {
    await sim.close()
  })

  it('use the §6 steady numbers', async () => {
    expect((await post(sim, '/api/events', eventBody())).headers.get('ratelimit-limit')).toBe('3500')
    const bulk = await post(
      sim,
      '/api/event-bulk-create-jobs',
      bulkBody([{ profile: { email: 'a@example.com' }, events: [{}] }]),
    )
    expect(bulk.headers.get('ratelimit-limit')).toBe('150')
    const profile = await post(sim, '/api/profile-import', {
      data: { type: 'profile', attributes: { email: 'a@example.com' } },
    })
    expect(profile.headers.get('ratelimit-limit')).toBe('750')
    expect((await call(sim, 'GET', '/api/accounts')).headers.get('ratelimit-limit')).toBe('15')
    expect((await call(sim, 'GET', '/api/metrics')).headers.get('ratelimit-limit')).toBe('150')
  })
})

describe('short windows on the real clock', () => {
  let sim: KlaviyoSimulator
  beforeAll(async () => {
    sim = await startKlaviyoSimulator({
      rateLimits: { events: { burst: 100, steady: 2 } },
      steadyWindowMs: 400,
    })
  })
  afterAll(async () => {
    await sim.close()
  })

  it('trip a 429 and let the next window through', async () => {
    // Start just after a window boundary so the three requests share one window.
    await new Promise((r) => setTimeout(r, 400 - (Date.now() % 400) + 5))
    const statuses = []
    for (let i = 0; i < 3; i++)
      statuses.push((await post(sim, '/api/events', eventBody({ uniqueId: `${i}` }))).status)
    expect(statuses).toEqual([202, 202, 429])
    await new Promise((r) => setTimeout(r, 450))
    expect((await post(sim, '/api/events', eventBody({ uniqueId: 'later' }))).status).toBe(202)
  })
})
