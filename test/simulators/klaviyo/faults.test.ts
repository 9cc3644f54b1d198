/** Every fault knob, set through the handle, PUT /_sim/faults or start options. */
import { describe, expect, it } from 'vitest'
import { startKlaviyoSimulator } from '../../../src/simulators/klaviyo/index.js'
import { apiHeaders, call, eventBody, type Json, post, useSimulator } from './helpers.js'

const sim = useSimulator()
const PROFILE = { data: { type: 'profile', attributes: { email: 'jane@example.com' } } }

describe('5xx', () => {
  it.each([
    [500, 'error', 'A server error occurred.'],
    [503, 'service_unavailable', 'Service temporarily unavailable, try again later.'],
  ])('%i from the API tier is a JSON:API document', async (status, code, title) => {
    sim().faults.set({ errorRate: 1, errorStatus: status })
    const answer = await post(sim(), '/api/events', eventBody())
    expect(answer.status).toBe(status)
    expect(answer.headers.get('content-type')).toMatch(/^application\/vnd\.api\+json/)
    expect(answer.json.errors[0]).toMatchObject({ status, code, title })
    expect(sim().store.events({ status: 'all' })).toHaveLength(0)
    expect(sim().faults.counts.errors).toBe(1)
  })

  it.each([504, 524])('%i comes from the edge as HTML', async (status) => {
    sim().faults.set({ errorRate: 1, errorStatus: status })
    const answer = await post(sim(), '/api/events', eventBody())
    expect(answer.status).toBe(status)
    expect(answer.headers.get('content-type')).toBe('text/html')
    expect(answer.text).toContain('cloudflare')
  })

  it('a seeded rate fails the same requests on every run, and retries show in the stats', async () => {
    const statuses = async () => {
      const s = await startKlaviyoSimulator({ faults: { errorRate: 0.5, errorStatus: 503, seed: 42 } })
      try {
        const seen = []
        for (let i = 0; i < 20; i++)
          seen.push((await post(s, '/api/events', eventBody({ uniqueId: 'same' }))).status)
        expect(s.stats().requests['POST /api/events']?.total).toBe(20)
        expect(s.stats().eventsStored).toBe(1)
        return seen
      } finally {
        await s.close()
      }
    }
    const first = await statuses()
    expect(first).toContain(503)
    expect(first).toContain(202)
    expect(await statuses()).toEqual(first)
  })
})

it('latency delays every API answer but not control routes', async () => {
  sim().faults.set({ latencyMs: 250 })
  let started = performance.now()
  expect((await post(sim(), '/api/events', eventBody())).status).toBe(202)
  expect(performance.now() - started).toBeGreaterThanOrEqual(245)
  started = performance.now()
  await call(sim(), 'GET', '/_sim/stats')
  expect(performance.now() - started).toBeLessThan(200)
})

it('a 429 burst answers the next N requests with throttled, Retry-After and no RateLimit-*', async () => {
  sim().faults.set({ burst429: 2 })
  for (let i = 0; i < 2; i++) {
    const answer = await post(sim(), '/api/events', eventBody())
    expect(answer.status).toBe(429)
    expect(answer.headers.get('retry-after')).toBe('1')
    expect(answer.headers.get('ratelimit-limit')).toBeNull()
    expect(answer.json.errors[0].code).toBe('throttled')
  }
  const after = await post(sim(), '/api/events', eventBody())
  expect(after.status).toBe(202)
  expect(after.headers.get('ratelimit-limit')).toBe('3500')
  expect(sim().stats()).toMatchObject({ throttled: 2, faults: { throttled: 2 } })
})

describe('Cloudflare edge pages', () => {
  it('403 challenge with cf-mitigated, before authentication', async () => {
    sim().faults.set({ cloudflareRate: 1, cloudflareStatus: 403 })
    const answer = await post(sim(), '/api/events', eventBody(), apiHeaders({ authorization: 'garbage' }))
    expect(answer.status).toBe(403)
    expect(answer.headers.get('cf-mitigated')).toBe('challenge')
    expect(answer.headers.get('server')).toBe('cloudflare')
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/)
    expect(answer.json).toBeUndefined()
    expect(sim().faults.counts.cloudflare).toBe(1)
  })

  it('400 Bad Request page', async () => {
    sim().faults.set({ cloudflareRate: 1, cloudflareStatus: 400 })
    const answer = await post(sim(), '/api/profile-import', PROFILE)
    expect(answer.status).toBe(400)
    expect(answer.text).toContain('<title>400 Bad Request</title>')
  })
})

describe('bodies', () => {
  it('truncated: a JSON success body cut in half', async () => {
    sim().faults.set({ truncateRate: 1 })
    const answer = await post(sim(), '/api/profile-import', PROFILE)
    expect(answer.status).toBe(201)
    expect(answer.text.length).toBeGreaterThan(10)
    expect(() => JSON.parse(answer.text)).toThrow()
    expect(sim().faults.counts.truncated).toBe(1)
  })

  it('malformed: a JSON success body replaced by text that is not JSON', async () => {
    sim().faults.set({ malformedRate: 1 })
    const answer = await call(sim(), 'GET', '/api/accounts')
    expect(answer.status).toBe(200)
    expect(answer.text).toContain('<html>')
    expect(answer.json).toBeUndefined()
  })

  it('202s have no body to spoil: events are still accepted', async () => {
    sim().faults.set({ truncateRate: 1, malformedRate: 1 })
    const answer = await post(sim(), '/api/events', eventBody())
    expect(answer.status).toBe(202)
    expect(answer.text).toBe('')
  })
})

it('dropped connections: no answer, nothing stored, visible in the request log', async () => {
  sim().faults.set({ dropRate: 1 })
  await expect(post(sim(), '/api/events', eventBody())).rejects.toThrow()
  expect(sim().store.events({ status: 'all' })).toHaveLength(0)
  expect(
    sim()
      .requests()
      .map((r) => r.status),
  ).toEqual([null])
  expect(sim().stats().requests['POST /api/events']).toEqual({ total: 1, byStatus: { none: 1 } })
  expect(sim().faults.counts.dropped).toBe(1)
})

describe('PUT /_sim/faults', () => {
  it('replaces the knobs; GET shows them; control routes are never faulted', async () => {
    const put = await call(
      sim(),
      'PUT',
      '/_sim/faults',
      { errorRate: 1, dropRate: 1, cloudflareRate: 1 },
      apiHeaders(),
    )
    expect(put.status).toBe(200)
    expect(put.json).toMatchObject({
      errorRate: 1,
      dropRate: 1,
      cloudflareRate: 1,
      cloudflareStatus: 403,
      latencyMs: 0,
    })
    const got = await call(sim(), 'GET', '/_sim/faults')
    expect(got.json).toEqual(put.json)
    expect((await call(sim(), 'GET', '/_sim/stats')).status).toBe(200)
    const cleared = await call(sim(), 'PUT', '/_sim/faults', {}, apiHeaders())
    expect(cleared.json).toMatchObject({ errorRate: 0, dropRate: 0, cloudflareRate: 0 })
    expect((await post(sim(), '/api/events', eventBody())).status).toBe(202)
  })

  it.each<[string, Json]>([
    ['a rate above 1', { errorRate: 2 }],
    ['an unknown knob', { explode: true }],
    ['a Cloudflare status other than 400/403', { cloudflareStatus: 500 }],
    ['a non-5xx error status', { errorStatus: 404 }],
  ])('rejects %s with 400 and keeps the old knobs', async (_label, body) => {
    sim().faults.set({ latencyMs: 5 })
    const answer = await call(sim(), 'PUT', '/_sim/faults', body, apiHeaders())
    expect(answer.status).toBe(400)
    expect(typeof answer.json.error).toBe('string')
    expect(sim().faults.settings.latencyMs).toBe(5)
  })
})

it('fault knobs can be given as start options', async () => {
  const s = await startKlaviyoSimulator({ faults: { errorRate: 1, errorStatus: 503 } })
  try {
    expect((await post(s, '/api/events', eventBody())).status).toBe(503)
  } finally {
    await s.close()
  }
})
