/** Bulk Create Events (reference §3): limits, all-or-nothing rejection, intra-request duplicates. */
import { describe, expect, it } from 'vitest'
import { bulkBody, type EventSpec, type Json, post, useSimulator } from './helpers.js'

const sim = useSimulator()
const PATH = '/api/event-bulk-create-jobs'
const ENTRY = '/data/attributes/events-bulk-create/data'

/** `profiles` entries with `perProfile` events each, all with distinct unique ids. */
function job(profiles: number, perProfile: number): Json {
  return bulkBody(
    Array.from({ length: profiles }, (_, p) => ({
      profile: { email: `p${p}@example.com` },
      events: Array.from({ length: perProfile }, (_, e): EventSpec => ({ uniqueId: `order-${p}-${e}` })),
    })),
  )
}

describe('Bulk Create Events', () => {
  it('1,000 events → 202, all stored', async () => {
    const answer = await post(sim(), PATH, job(100, 10))
    expect(answer.status).toBe(202)
    expect(answer.text).toBe('')
    expect(sim().store.events()).toHaveLength(1000)
    expect(sim().store.profiles()).toHaveLength(100)
    expect(
      sim()
        .store.events()
        .every((e) => e.source === 'bulk-create'),
    ).toBe(true)
  })

  it('1,001 events → 400, nothing stored', async () => {
    const body = job(100, 10)
    body.data.attributes['events-bulk-create'].data[0].attributes.events.data.push(
      job(1, 1).data.attributes['events-bulk-create'].data[0].attributes.events.data[0],
    )
    body.data.attributes['events-bulk-create'].data[0].attributes.events.data[10].attributes.unique_id =
      'extra'
    const answer = await post(sim(), PATH, body)
    expect(answer.status).toBe(400)
    expect(answer.json.errors[0]).toMatchObject({
      code: 'invalid',
      detail: 'A bulk job may contain at most 1000 events; this one has 1001.',
      source: { pointer: ENTRY },
    })
    expect(sim().store.events({ status: 'all' })).toHaveLength(0)
  })

  it('one bad event rejects the whole job, pointing at its index', async () => {
    const body = job(3, 2)
    body.data.attributes['events-bulk-create'].data[2].attributes.events.data[1].attributes.value = 'ten'
    const answer = await post(sim(), PATH, body)
    expect(answer.status).toBe(400)
    expect(answer.json.errors).toHaveLength(1)
    expect(answer.json.errors[0].source.pointer).toBe(`${ENTRY}/2/attributes/events/data/1/attributes/value`)
    expect(sim().store.events({ status: 'all' })).toHaveLength(0)
    expect(sim().store.profiles()).toHaveLength(0)
  })

  it('an inner event may not carry a profile', async () => {
    const body = job(1, 1)
    body.data.attributes['events-bulk-create'].data[0].attributes.events.data[0].attributes.profile = {
      data: { type: 'profile', attributes: { email: 'x@example.com' } },
    }
    const answer = await post(sim(), PATH, body)
    expect(answer.json.errors[0]).toMatchObject({
      detail: "'profile' is not a valid field for the resource 'event'.",
      source: { pointer: `${ENTRY}/0/attributes/events/data/0/attributes/profile` },
    })
  })

  it('a repeated unique_id for the same profile and metric fails the whole request', async () => {
    const body = bulkBody([
      { profile: { email: 'a@example.com' }, events: [{ uniqueId: 'o-1' }, { uniqueId: 'o-2' }] },
      { profile: { email: 'b@example.com' }, events: [{ uniqueId: 'o-1' }] },
      { profile: { email: 'A@example.com' }, events: [{ uniqueId: 'o-1' }] },
    ])
    const answer = await post(sim(), PATH, body)
    expect(answer.status).toBe(400)
    expect(answer.json.errors).toHaveLength(1)
    expect(answer.json.errors[0]).toMatchObject({
      detail: "Duplicate unique_id 'o-1' for the same profile and metric in this request.",
      source: { pointer: `${ENTRY}/2/attributes/events/data/0/attributes/unique_id` },
    })
    expect(sim().store.events({ status: 'all' })).toHaveLength(0)
  })

  it('a repeated unique_id for an existing profile reached through another identifier also fails', async () => {
    await post(
      sim(),
      PATH,
      bulkBody([{ profile: { email: 'a@example.com', phone: '+15005550006' }, events: [{}] }]),
    )
    const body = bulkBody([
      { profile: { email: 'a@example.com' }, events: [{ uniqueId: 'o-1' }] },
      { profile: { phone: '+15005550006' }, events: [{ uniqueId: 'o-1' }] },
    ])
    expect((await post(sim(), PATH, body)).status).toBe(400)
  })

  it('the same unique_id under different metrics in one request is fine', async () => {
    const body = bulkBody([
      {
        profile: { email: 'a@example.com' },
        events: [
          { uniqueId: 'o-1', metric: 'Placed Order' },
          { uniqueId: 'o-1', metric: 'Order Shipped' },
        ],
      },
    ])
    expect((await post(sim(), PATH, body)).status).toBe(202)
    expect(sim().store.events()).toHaveLength(2)
  })

  it('events without unique_id in the same second are accepted, then one is dropped', async () => {
    const time = '2026-09-01T10:00:00Z'
    const body = bulkBody([{ profile: { email: 'a@example.com' }, events: [{ time }, { time }] }])
    expect((await post(sim(), PATH, body)).status).toBe(202)
    expect(sim().stats()).toMatchObject({ eventsAccepted: 2, eventsStored: 1, duplicatesDropped: 1 })
  })

  it('a unique_id already stored by an earlier request is dropped silently, not rejected', async () => {
    await post(
      sim(),
      PATH,
      bulkBody([{ profile: { email: 'a@example.com' }, events: [{ uniqueId: 'o-1' }] }]),
    )
    const again = await post(
      sim(),
      PATH,
      bulkBody([{ profile: { email: 'a@example.com' }, events: [{ uniqueId: 'o-1' }] }]),
    )
    expect(again.status).toBe(202)
    expect(sim().stats().duplicatesDropped).toBe(1)
  })

  it('backfill on the entry applies to its events unless an event says otherwise', async () => {
    const body = bulkBody([
      {
        profile: { email: 'a@example.com' },
        backfill: true,
        events: [{ uniqueId: 'inherits' }, { uniqueId: 'overrides', backfill: false }],
      },
    ])
    expect((await post(sim(), PATH, body)).status).toBe(202)
    expect(
      Object.fromEntries(
        sim()
          .store.events()
          .map((e) => [e.uniqueId, e.backfill]),
      ),
    ).toEqual({
      inherits: true,
      overrides: false,
    })
  })

  it('an invalid phone with an email is ignored with the partial-failure header', async () => {
    const body = bulkBody([{ profile: { email: 'a@example.com', phone: 'call me' }, events: [{}] }])
    const answer = await post(sim(), PATH, body)
    expect(answer.status).toBe(202)
    expect(answer.headers.get('x-klaviyo-partial-failure')).toBe('phone_number')
  })

  it('an invalid phone as the only identifier rejects the job', async () => {
    const body = bulkBody([
      { profile: { email: 'a@example.com' }, events: [{}] },
      { profile: { phone: '555' }, events: [{}] },
    ])
    const answer = await post(sim(), PATH, body)
    expect(answer.status).toBe(400)
    expect(answer.json.errors[0].source.pointer).toBe(
      `${ENTRY}/1/attributes/profile/data/attributes/phone_number`,
    )
  })

  it.each([
    [
      'no entries',
      (b: Json) => (b.data.attributes['events-bulk-create'].data = []),
      ENTRY,
      'This list may not be empty.',
    ],
    [
      'an entry without events',
      (b: Json) => (b.data.attributes['events-bulk-create'].data[0].attributes.events.data = []),
      `${ENTRY}/0/attributes/events/data`,
      'This list may not be empty.',
    ],
    [
      'the events key missing',
      (b: Json) => delete b.data.attributes['events-bulk-create'].data[0].attributes.events,
      `${ENTRY}/0/attributes/events`,
      "'events' is a required field for the resource 'event-bulk-create'.",
    ],
    [
      'wrong entry type',
      (b: Json) => (b.data.attributes['events-bulk-create'].data[0].type = 'event'),
      `${ENTRY}/0/type`,
      'Invalid value "event"; expected \'event-bulk-create\'.',
    ],
    [
      'camelCase key',
      (b: Json) => {
        b.data.attributes.eventsBulkCreate = b.data.attributes['events-bulk-create']
        delete b.data.attributes['events-bulk-create']
      },
      '/data/attributes/eventsBulkCreate',
      "'eventsBulkCreate' is not a valid field for the resource 'event-bulk-create-job'.",
    ],
  ])('%s → 400', async (_label, change, pointer, detail) => {
    const body = job(1, 1)
    change(body)
    const answer = await post(sim(), PATH, body)
    expect(answer.status).toBe(400)
    expect(answer.json.errors).toContainEqual(expect.objectContaining({ detail, source: { pointer } }))
  })
})
