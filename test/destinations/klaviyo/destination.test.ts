/**
 * The Klaviyo destination end to end, through real HTTP against the Klaviyo simulator: what arrives,
 * through which endpoint, and which outcome each Klaviyo answer becomes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { DeliveryOutcome } from '../../../src/destinations/destination.js'
import {
  createKlaviyoDestination,
  type KlaviyoDestinationOptions,
} from '../../../src/destinations/klaviyo/index.js'
import { toKlaviyoEvent } from '../../../src/destinations/klaviyo/to-klaviyo-event.js'
import type { OrderEvent } from '../../../src/events/model.js'
import { type KlaviyoSimulator, startKlaviyoSimulator } from '../../../src/simulators/klaviyo/index.js'
import { type OrderEventOverrides, orderEvent, SHIPPED_AT } from '../order-event.js'

const KEY = 'pk_4f1c2e9a7b3d5c8e0f1a2b3c4d5e6f7a8b'
const SCOPED_KEY = 'pk_accountsonly0000000000000000000000'
/** The simulated "now": one minute after the test events happened, so live events are on time. */
const NOW = SHIPPED_AT + 60_000

let sim: KlaviyoSimulator

beforeAll(async () => {
  sim = await startKlaviyoSimulator({ apiKeys: [KEY, { key: SCOPED_KEY, scopes: ['accounts:read'] }] })
})
afterAll(async () => {
  await sim.close()
})
beforeEach(() => {
  sim.reset()
  sim.faults.set({})
  sim.clock.freeze(NOW)
})

interface Captured {
  url: string
  method: string
  headers: Headers
  status?: number
  retryAfter?: string | null
}

/** Real fetch, recording what went out and what came back. */
function recordingFetch(log: Captured[]): typeof fetch {
  return async (input, init) => {
    const entry: Captured = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
    }
    log.push(entry)
    const response = await fetch(input, init)
    entry.status = response.status
    entry.retryAfter = response.headers.get('retry-after')
    return response
  }
}

function destination(options: Partial<KlaviyoDestinationOptions> = {}, fetchImpl: typeof fetch = fetch) {
  return createKlaviyoDestination(
    { id: 'klaviyo', apiKey: KEY, baseUrl: sim.url, ...options },
    { fetch: fetchImpl, now: () => sim.clock.now() },
  )
}

function historical(count: number, build: (i: number) => OrderEventOverrides = () => ({})): OrderEvent[] {
  return Array.from({ length: count }, (_, i) =>
    orderEvent({
      id: `main:${200000 + i}:shipped:h`,
      historical: true,
      occurredAt: SHIPPED_AT - 30 * 86_400_000 + i * 1000,
      customer: { email: `customer${i % 250}@example.com` },
      order: { orderId: 200000 + i, orderNumber: String(5000 + i) },
      ...build(i),
    }),
  )
}

function countByKind(outcomes: Map<string, DeliveryOutcome>): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const o of outcomes.values()) counts[o.kind] = (counts[o.kind] ?? 0) + 1
  return counts
}

function apiRequests(endpoint: string): number {
  return sim.requests().filter((r) => r.endpoint === endpoint).length
}

describe('Klaviyo destination: delivery', () => {
  it('sends a live event through Create Event with the right headers, metric, profile and properties', async () => {
    const log: Captured[] = []
    const event = orderEvent()
    const outcomes = await destination({}, recordingFetch(log)).send([event])

    expect(outcomes.get(event.id)).toEqual({ kind: 'delivered', receipt: '202 /api/events' })
    expect(log).toHaveLength(1)
    const sent = log[0]!
    expect(sent.url).toBe(`${sim.url}/api/events`)
    expect(sent.headers.get('authorization')).toBe(`Klaviyo-API-Key ${KEY}`)
    expect(sent.headers.get('revision')).toBe('2026-07-15')
    expect(sent.headers.get('content-type')).toBe('application/json')
    expect(sent.headers.get('accept')).toBe('application/vnd.api+json')

    const stored = sim.store.events({ metric: 'Order Shipped' })
    expect(stored).toHaveLength(1)
    const e = stored[0]!
    expect(e.uniqueId).toBe(event.id)
    expect(e.source).toBe('create-event')
    expect(e.backfill).toBe(false)
    expect(e.skipsFlows).toBe(false)
    expect(Date.parse(e.time)).toBe(SHIPPED_AT)
    expect(e.profile).toMatchObject({ email: 'jane@example.com', phone_number: '+15005550006' })
    const mapped = toKlaviyoEvent(event)
    if (mapped.kind !== 'mapped') throw new Error('not mapped')
    expect(e.attributes.properties).toEqual(mapped.attributes.properties)
    expect(e.attributes.value).toBe(34.97)
    expect(e.attributes.value_currency).toBe('USD')
  })

  it('sends history through Bulk Create Events, grouped by profile, with backfill true', async () => {
    const events = historical(5, (i) => ({
      customer: { email: i < 3 ? 'repeat@example.com' : `c${i}@example.com` },
    }))
    const outcomes = await destination().send(events)

    expect(countByKind(outcomes)).toEqual({ delivered: 5 })
    expect(outcomes.get(events[0]!.id)).toEqual({
      kind: 'delivered',
      receipt: '202 /api/event-bulk-create-jobs; backfill',
    })
    expect(apiRequests('POST /api/event-bulk-create-jobs')).toBe(1)
    expect(apiRequests('POST /api/events')).toBe(0)
    const stored = sim.store.events()
    expect(stored).toHaveLength(5)
    expect(stored.every((e) => e.backfill && e.source === 'bulk-create' && !e.skipsFlows)).toBe(true)
    expect(sim.store.events({ email: 'repeat@example.com' })).toHaveLength(3)
  })

  it('delivers 999 of a 1,000-event bulk job and kills the one Klaviyo rejects, with its detail', async () => {
    const events = historical(1000, (i) => (i === 617 ? { customer: { email: 'not-an-email@' } } : {}))
    const outcomes = await destination().send(events)

    expect(countByKind(outcomes)).toEqual({ delivered: 999, dead: 1 })
    const dead = outcomes.get(events[617]!.id)!
    expect(dead.kind).toBe('dead')
    expect(dead.kind === 'dead' && dead.reason).toMatch(
      /^Klaviyo 400 invalid: Invalid email address \(at \/data\/attributes\/events-bulk-create\/data\/\d+\//,
    )
    expect(sim.store.events()).toHaveLength(999)
    // One rejected job, one resend of the 999: no bisecting when the pointer names the culprit.
    expect(apiRequests('POST /api/event-bulk-create-jobs')).toBe(2)
  })

  it('bisects a rejected bulk job when no pointer names the culprit', async () => {
    const events = historical(16, (i) => (i === 11 ? { customer: { email: 'broken@@example' } } : {}))
    const withoutPointers: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      if (response.status !== 400) return response
      const body = (await response.json()) as { errors: Record<string, unknown>[] }
      for (const error of body.errors) delete error.source
      return new Response(JSON.stringify(body), { status: 400, headers: response.headers })
    }
    const outcomes = await destination({}, withoutPointers).send(events)

    expect(countByKind(outcomes)).toEqual({ delivered: 15, dead: 1 })
    expect(outcomes.get(events[11]!.id)).toMatchObject({
      kind: 'dead',
      reason: expect.stringContaining('Invalid email address'),
    })
    expect(sim.store.events()).toHaveLength(15)
    // 16 → 8+8 → 4+4 → 2+2 → 1+1: at most 1 + 2·log2(16) requests.
    expect(apiRequests('POST /api/event-bulk-create-jobs')).toBeLessThanOrEqual(9)
  })

  it('never sends the same event twice in one batch (a repeated unique_id would sink the job)', async () => {
    const [a, b] = historical(2)
    const outcomes = await destination().send([a!, b!, a!])
    expect(countByKind(outcomes)).toEqual({ delivered: 2 })
    expect(sim.store.events({ status: 'all' })).toHaveLength(2)
  })

  it('splits history into jobs of batchSize', async () => {
    const outcomes = await destination({ batchSize: 4 }).send(historical(10))
    expect(countByKind(outcomes)).toEqual({ delivered: 10 })
    expect(apiRequests('POST /api/event-bulk-create-jobs')).toBe(3)
  })

  it('applies per-destination metric renames', async () => {
    const event = orderEvent({ name: 'Order Canceled', id: 'main:100234:canceled', shipping: null })
    const outcomes = await destination({ eventNames: { 'Order Canceled': 'Order Cancelled' } }).send([event])
    expect(outcomes.get(event.id)?.kind).toBe('delivered')
    expect(sim.store.events({ metric: 'Order Cancelled' })).toHaveLength(1)
    expect(sim.store.events({ metric: 'Order Canceled' })).toHaveLength(0)
  })

  it('skips filtered events and orders without email without calling Klaviyo', async () => {
    const noEmail = orderEvent({ id: 'e1', customer: { email: null } })
    const otherStore = orderEvent({ id: 'e2', order: { storeName: 'Etsy' } })
    const history = orderEvent({ id: 'e3', historical: true })
    const outcomes = await destination({ stores: ['my shopify store'], sendHistory: false }).send([
      noEmail,
      otherStore,
      history,
    ])
    expect(outcomes.get('e1')).toEqual({ kind: 'skipped', reason: 'no email' })
    expect(outcomes.get('e2')).toEqual({ kind: 'skipped', reason: 'filtered: store' })
    expect(outcomes.get('e3')).toEqual({ kind: 'skipped', reason: 'history not sent' })
    expect(sim.requests()).toHaveLength(0)
  })

  it('kills an event that cannot be mapped without failing the rest of the batch', async () => {
    const broken = orderEvent({ id: 'broken', occurredAt: Number.NaN })
    const fine = orderEvent({ id: 'fine' })
    const outcomes = await destination().send([broken, fine])
    expect(outcomes.get('broken')).toMatchObject({
      kind: 'dead',
      reason: expect.stringMatching(/^cannot map the event/),
    })
    expect(outcomes.get('fine')?.kind).toBe('delivered')
  })

  it('flags a live event delivered more than 4 hours after it happened', async () => {
    sim.clock.freeze(SHIPPED_AT + 5 * 3_600_000)
    const event = orderEvent()
    const outcome = (await destination().send([event])).get(event.id)
    expect(outcome).toEqual({
      kind: 'delivered',
      receipt: '202 /api/events; late: 5.0 h after the event, flows skip it',
    })
    expect(sim.store.events()[0]?.skipsFlows).toBe(true)
  })
})

describe('Klaviyo destination: failures', () => {
  it('turns a 429 into retry no sooner than Retry-After, and stops sending the rest', async () => {
    sim.faults.set({ burst429: 1 })
    const log: Captured[] = []
    const events = [orderEvent({ id: 'l1' }), orderEvent({ id: 'l2' }), orderEvent({ id: 'l3' })]
    const outcomes = await destination({ concurrency: 1 }, recordingFetch(log)).send(events)

    expect(log[0]?.status).toBe(429)
    const retryAfterMs = Number(log[0]?.retryAfter) * 1000
    expect(retryAfterMs).toBeGreaterThan(0)
    for (const event of events) {
      const outcome = outcomes.get(event.id)!
      expect(outcome.kind).toBe('retry')
      expect(outcome.kind === 'retry' && outcome.retryAfterMs).toBeGreaterThanOrEqual(retryAfterMs)
    }
    expect(log).toHaveLength(1)
  })

  it('honours Retry-After from Klaviyo’s own rate limit on the bulk endpoint', async () => {
    await sim.close()
    sim = await startKlaviyoSimulator({ apiKeys: [KEY], rateLimits: { bulk: { burst: 1, steady: 1 } } })
    sim.clock.freeze(NOW)
    const log: Captured[] = []
    const events = historical(6)
    const outcomes = await destination({ batchSize: 2 }, recordingFetch(log)).send(events)

    expect(log.map((r) => r.status)).toEqual([202, 429])
    expect(countByKind(outcomes)).toEqual({ delivered: 2, retry: 4 })
    const retry = outcomes.get(events[5]!.id)!
    expect(retry.kind === 'retry' && retry.retryAfterMs).toBeGreaterThanOrEqual(
      Number(log[1]?.retryAfter) * 1000,
    )
    expect(retry.kind === 'retry' && retry.reason).toContain('429 throttled')
    await sim.close()
    sim = await startKlaviyoSimulator({ apiKeys: [KEY, { key: SCOPED_KEY, scopes: ['accounts:read'] }] })
  })

  it('turns a 503 into retry, for live events and for a whole bulk job', async () => {
    sim.faults.set({ errorRate: 1, errorStatus: 503 })
    const live = orderEvent()
    const history = historical(3)
    const outcomes = await destination().send([live, ...history])
    expect(countByKind(outcomes)).toEqual({ retry: 4 })
    expect(outcomes.get(live.id)).toMatchObject({
      kind: 'retry',
      reason: expect.stringContaining('Klaviyo 503'),
    })
    expect(apiRequests('POST /api/event-bulk-create-jobs')).toBe(1)
  })

  it('turns a dropped connection into retry', async () => {
    sim.faults.set({ dropRate: 1 })
    const event = orderEvent()
    const outcome = (await destination().send([event])).get(event.id)
    expect(outcome).toMatchObject({ kind: 'retry', reason: expect.stringMatching(/^network error/) })
  })

  it('turns a timeout into retry', async () => {
    sim.faults.set({ latencyMs: 1000 })
    const event = orderEvent()
    const outcome = (await destination({ timeoutMs: 100 }).send([event])).get(event.id)
    expect(outcome).toEqual({ kind: 'retry', reason: 'timeout after 100 ms' })
  })

  it('survives a non-JSON Cloudflare error page and does not kill or bisect on it', async () => {
    sim.faults.set({ cloudflareRate: 1, cloudflareStatus: 400 })
    const live = orderEvent()
    const history = historical(8)
    const outcomes = await destination().send([live, ...history])
    expect(countByKind(outcomes)).toEqual({ retry: 9 })
    expect(outcomes.get(live.id)).toMatchObject({
      kind: 'retry',
      reason: 'Klaviyo 400 non-JSON response (text/html, server cloudflare): 400 Bad Request',
    })
    expect(apiRequests('POST /api/event-bulk-create-jobs')).toBe(1)
  })

  it('keeps events pending with a clear reason when the key is wrong, never showing the key', async () => {
    const wrongKey = 'pk_wrongwrongwrongwrongwrongwrong00'
    const events = [orderEvent({ id: 'a' }), orderEvent({ id: 'b' }), ...historical(2)]
    const d = destination({ apiKey: wrongKey })
    const outcomes = await d.send(events)

    expect(countByKind(outcomes)).toEqual({ retry: 4 })
    for (const outcome of outcomes.values()) {
      expect(outcome.kind === 'retry' && outcome.reason).toContain('check the Klaviyo API key')
      expect(outcome.kind === 'retry' && outcome.reason).toContain('401 not_authenticated')
      expect(outcome.kind === 'retry' && outcome.retryAfterMs).toBeGreaterThanOrEqual(60_000)
      expect(JSON.stringify(outcome)).not.toContain(wrongKey)
    }
    await expect(d.check()).rejects.toThrow(/Klaviyo credentials check failed: Klaviyo 401/)
    await expect(d.check()).rejects.not.toThrow(wrongKey)
  })

  it('reports a missing scope as a setup problem, not a dead event', async () => {
    const event = orderEvent()
    const outcome = (await destination({ apiKey: SCOPED_KEY }).send([event])).get(event.id)
    expect(outcome).toMatchObject({ kind: 'retry', reason: expect.stringContaining('403 permission_denied') })
    expect(JSON.stringify(outcome)).not.toContain(SCOPED_KEY)
  })

  it('treats a revision Klaviyo does not know as a setup problem, not dead events', async () => {
    const event = orderEvent()
    const outcome = (await destination({ revision: '2026-08-01', sendHistory: false }).send([event])).get(
      event.id,
    )
    expect(outcome).toMatchObject({ kind: 'retry', reason: expect.stringContaining('parameter revision') })
  })

  it('refuses a revision without backfill while history is sent, and allows it for live events only', async () => {
    expect(() => destination({ revision: '2025-10-15' })).toThrow(/predates backfill/)
    const event = orderEvent()
    const outcomes = await destination({ revision: '2025-10-15', sendHistory: false }).send([event])
    expect(outcomes.get(event.id)?.kind).toBe('delivered')
    expect(sim.store.events()[0]?.revision).toBe('2025-10-15')
  })

  it('redacts the key even if an error body echoes it', async () => {
    const echoing: typeof fetch = async (input, init) => {
      await fetch(input, init)
      const detail = `bad header Klaviyo-API-Key ${KEY} and raw ${KEY}`
      return Response.json(
        { errors: [{ code: 'invalid', detail, source: { pointer: '/data' } }] },
        { status: 400 },
      )
    }
    const event = orderEvent()
    const outcome = (await destination({}, echoing).send([event])).get(event.id)
    expect(outcome?.kind).toBe('dead')
    expect(JSON.stringify(outcome)).not.toContain(KEY)
    expect(JSON.stringify(outcome)).toContain('[redacted]')
  })

  it('passes check() with a valid key', async () => {
    await expect(destination().check()).resolves.toBeUndefined()
    expect(apiRequests('GET /api/accounts')).toBe(1)
  })
})
