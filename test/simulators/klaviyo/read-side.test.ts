/** The read side, in process and under /_sim: filters, daily counts, late events, stats, reset, clock. */
import { describe, expect, it } from 'vitest'
import { SimClock } from '../../../src/simulators/common/sim-clock.js'
import { apiHeaders, bulkBody, call, eventBody, type Json, post, useSimulator } from './helpers.js'

const NOW = Date.UTC(2026, 8, 2, 12, 0, 0)
const clock = new SimClock()
clock.freeze(NOW)
const sim = useSimulator({ clock })

async function send(spec: Parameters<typeof eventBody>[0]) {
  expect((await post(sim(), '/api/events', eventBody(spec))).status).toBe(202)
}

describe('daily counts in a time zone', () => {
  // 03:59:59Z on Sep 2 is 23:59:59 on Sep 1 in New York (EDT, UTC-4); 04:00:00Z is midnight Sep 2.
  const beforeMidnight = '2026-09-02T03:59:59Z'
  const atMidnight = '2026-09-02T04:00:00Z'

  it('splits around the zone’s midnight, in process and over HTTP', async () => {
    await send({ time: beforeMidnight, uniqueId: 'a' })
    await send({ time: atMidnight, uniqueId: 'b' })
    await send({ time: '2026-09-02T10:00:00-04:00', uniqueId: 'c', metric: 'Order Cancelled' })
    expect(sim().store.counts('America/New_York')).toEqual({
      'Order Shipped': { '2026-09-01': 1, '2026-09-02': 1 },
      'Order Cancelled': { '2026-09-02': 1 },
    })
    expect(sim().store.counts('UTC')).toEqual({
      'Order Shipped': { '2026-09-02': 2 },
      'Order Cancelled': { '2026-09-02': 1 },
    })
    const http = await call(sim(), 'GET', '/_sim/counts?tz=America/New_York&metric=Order%20Shipped')
    expect(http.status).toBe(200)
    expect(http.json).toEqual({
      tz: 'America/New_York',
      counts: { 'Order Shipped': { '2026-09-01': 1, '2026-09-02': 1 } },
    })
    const tokyo = await call(sim(), 'GET', '/_sim/counts?tz=Asia/Tokyo')
    expect(tokyo.json.counts['Order Shipped']).toEqual({ '2026-09-02': 2 })
  })

  it('defaults to the account time zone and does not count duplicates', async () => {
    await send({ time: beforeMidnight, uniqueId: 'a' })
    await send({ time: beforeMidnight, uniqueId: 'a' })
    const http = await call(sim(), 'GET', '/_sim/counts')
    expect(http.json).toEqual({ tz: 'America/New_York', counts: { 'Order Shipped': { '2026-09-01': 1 } } })
  })

  it('rejects an unknown zone', async () => {
    expect((await call(sim(), 'GET', '/_sim/counts?tz=Mars/Olympus')).status).toBe(400)
    expect(() => sim().store.counts('Mars/Olympus')).toThrow(RangeError)
  })
})

describe('events that would skip flows', () => {
  it('flags events received more than 4 h after their time, unless backfill', async () => {
    await send({ time: new Date(NOW - 4 * 3_600_000).toISOString(), uniqueId: 'exactly-4h' })
    await send({ time: new Date(NOW - 4 * 3_600_000 - 1000).toISOString(), uniqueId: 'late' })
    await send({ time: new Date(NOW - 48 * 3_600_000).toISOString(), uniqueId: 'history', backfill: true })
    await send({ uniqueId: 'now' })
    const flags = Object.fromEntries(
      sim()
        .store.events()
        .map((e) => [e.uniqueId, e.skipsFlows]),
    )
    expect(flags).toEqual({ 'exactly-4h': false, late: true, history: false, now: false })
    const http = await call(sim(), 'GET', '/_sim/events?skips_flows=true')
    expect(http.json.data.map((e: Json) => e.uniqueId)).toEqual(['late'])
    expect(sim().stats().eventsSkippingFlows).toBe(1)
  })
})

describe('/_sim/events filters', () => {
  it('by metric, email, unique_id, profile and status', async () => {
    await send({ email: 'a@example.com', uniqueId: '1', metric: 'Placed Order' })
    await send({ email: 'a@example.com', uniqueId: '2', metric: 'Order Shipped' })
    await send({ email: 'b@example.com', uniqueId: '1', metric: 'Order Shipped' })
    await send({ email: 'b@example.com', uniqueId: '1', metric: 'Order Shipped' })
    const ids = async (query: string) =>
      (await call(sim(), 'GET', `/_sim/events?${query}`)).json.data.map(
        (e: Json) => `${e.profile.email}/${e.uniqueId}`,
      )
    expect(await ids('metric=Order%20Shipped')).toEqual(['a@example.com/2', 'b@example.com/1'])
    expect(await ids('email=A@EXAMPLE.COM')).toEqual(['a@example.com/1', 'a@example.com/2'])
    expect(await ids('unique_id=1')).toEqual(['a@example.com/1', 'b@example.com/1'])
    expect(await ids('status=all&email=b@example.com')).toEqual(['b@example.com/1', 'b@example.com/1'])
    const profileId = sim().store.events({ email: 'b@example.com' })[0]?.profileId
    expect(await ids(`profile_id=${profileId}`)).toEqual(['b@example.com/1'])
    expect((await call(sim(), 'GET', '/_sim/events?status=gone')).status).toBe(400)
  })

  it('each event carries its attributes, profile, receipt time and backfill flag', async () => {
    await post(
      sim(),
      '/api/event-bulk-create-jobs',
      bulkBody([{ profile: { email: 'a@example.com' }, events: [{ uniqueId: 'x', backfill: true }] }]),
    )
    const [event] = (await call(sim(), 'GET', '/_sim/events')).json.data
    expect(event).toMatchObject({
      metric: 'Order Shipped',
      profile: { email: 'a@example.com', phone_number: null, external_id: null },
      receivedAt: new Date(NOW).toISOString(),
      backfill: true,
      source: 'bulk-create',
      account: 'default',
      revision: '2026-07-15',
      attributes: { unique_id: 'x', backfill: true, properties: { OrderId: '100234' } },
    })
    const profiles = (await call(sim(), 'GET', '/_sim/profiles')).json
    expect(profiles.data[0]).toMatchObject({ id: event.profileId, email: 'a@example.com' })
  })
})

describe('stats, request log and reset', () => {
  it('counts raw requests per endpoint and status so retries show', async () => {
    await send({ uniqueId: 'r' })
    await send({ uniqueId: 'r' })
    await post(sim(), '/api/events/', 'not json')
    await post(sim(), '/api/nothing', {})
    const stats = (await call(sim(), 'GET', '/_sim/stats')).json
    expect(stats.requests).toEqual({
      'POST /api/events': { total: 3, byStatus: { '202': 2, '400': 1 } },
      'POST (unmatched)': { total: 1, byStatus: { '404': 1 } },
    })
    expect(stats).toMatchObject({
      eventsAccepted: 2,
      eventsStored: 1,
      duplicatesDropped: 1,
      throttled: 0,
      unexpectedErrors: 0,
    })
    const log = (await call(sim(), 'GET', '/_sim/requests')).json.data
    expect(log.map((r: Json) => `${r.method} ${r.url} ${r.status}`)).toEqual([
      'POST /api/events 202',
      'POST /api/events 202',
      'POST /api/events/ 400',
      'POST /api/nothing 404',
    ])
  })

  it('POST /_sim/reset forgets events, profiles and stats but keeps faults', async () => {
    await send({ uniqueId: 'r' })
    await call(sim(), 'PUT', '/_sim/faults', { latencyMs: 1 }, apiHeaders())
    expect((await call(sim(), 'POST', '/_sim/reset', {}, apiHeaders())).status).toBe(200)
    expect(sim().store.events({ status: 'all' })).toEqual([])
    expect(sim().store.profiles()).toEqual([])
    expect(sim().stats().requests).toEqual({})
    expect(sim().faults.settings.latencyMs).toBe(1)
    // The same unique_id is new again after a reset.
    await send({ uniqueId: 'r' })
    expect(sim().store.events()).toHaveLength(1)
  })

  it('GET /api/metrics lists the metrics events created', async () => {
    await send({ metric: 'Order Shipped' })
    await send({ metric: 'Order Cancelled', uniqueId: 'c' })
    const metrics = await call(sim(), 'GET', '/api/metrics')
    expect(metrics.status).toBe(200)
    expect(metrics.json.data.map((m: Json) => m.attributes.name)).toEqual([
      'Order Shipped',
      'Order Cancelled',
    ])
    expect(metrics.json.data[0]).toMatchObject({
      type: 'metric',
      attributes: { integration: { key: 'api' } },
    })
    expect(metrics.json.data[0].id).toMatch(/^[A-Za-z0-9]{6}$/)
  })
})

describe('/_sim/clock', () => {
  it('moves the simulated clock, which time validation and receipt times follow', async () => {
    const sixMonths = 183 * 24 * 3_600_000
    const farTime = new Date(NOW + 400 * 24 * 3_600_000).toISOString()
    expect((await post(sim(), '/api/events', eventBody({ time: farTime }))).status).toBe(400)
    const moved = await call(sim(), 'POST', '/_sim/clock', { advanceMs: sixMonths }, apiHeaders())
    expect(moved.json).toEqual({ now: new Date(NOW + sixMonths).toISOString(), frozen: true })
    try {
      expect((await post(sim(), '/api/events', eventBody({ time: farTime }))).status).toBe(202)
      expect(sim().store.events()[0]?.receivedAt).toBe(new Date(NOW + sixMonths).toISOString())
    } finally {
      clock.freeze(NOW)
    }
    const frozen = await call(sim(), 'POST', '/_sim/clock', { freeze: '2026-09-02T12:00:00Z' }, apiHeaders())
    expect(frozen.json.now).toBe(new Date(NOW).toISOString())
    expect((await call(sim(), 'POST', '/_sim/clock', { advanceMs: -1 }, apiHeaders())).status).toBe(400)
  })
})
