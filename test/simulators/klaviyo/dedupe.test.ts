/** De-duplication after the 202 and profile resolution (reference §2 unique_id, §4). */
import { describe, expect, it } from 'vitest'
import { call, eventBody, type Json, post, useSimulator } from './helpers.js'

const sim = useSimulator()

async function send(spec: Parameters<typeof eventBody>[0]) {
  const answer = await post(sim(), '/api/events', eventBody(spec))
  expect(answer.status).toBe(202)
  expect(answer.text).toBe('')
}

describe('unique_id de-duplication', () => {
  it('the same unique_id, profile and metric again: 202, but only the first is kept', async () => {
    await send({ uniqueId: 'order-1:shipped', properties: { Try: 1 } })
    await send({ uniqueId: 'order-1:shipped', properties: { Try: 2 } })
    const stored = sim().store.events()
    expect(stored).toHaveLength(1)
    expect(stored[0]?.attributes.properties).toEqual({ Try: 1 })
    const [dropped] = sim().store.events({ status: 'dropped' })
    expect(dropped).toMatchObject({ dropReason: 'duplicate', duplicateOf: stored[0]?.id })
    expect(sim().stats()).toMatchObject({ eventsAccepted: 2, eventsStored: 1, duplicatesDropped: 1 })
  })

  it('the same unique_id with a different metric is kept', async () => {
    await send({ uniqueId: 'order-1', metric: 'Placed Order' })
    await send({ uniqueId: 'order-1', metric: 'Order Shipped' })
    expect(
      sim()
        .store.events()
        .map((e) => e.metric),
    ).toEqual(['Placed Order', 'Order Shipped'])
  })

  it('the same unique_id for a different profile is kept', async () => {
    await send({ uniqueId: 'order-1', email: 'a@example.com' })
    await send({ uniqueId: 'order-1', email: 'b@example.com' })
    expect(sim().store.events()).toHaveLength(2)
  })

  it('the same unique_id from a different metric source (service) is kept', async () => {
    await send({ uniqueId: 'order-1' })
    const body = eventBody({ uniqueId: 'order-1' })
    body.data.attributes.metric.data.attributes.service = 'shipstation'
    await post(sim(), '/api/events', body)
    expect(
      sim()
        .store.events()
        .map((e) => e.service),
    ).toEqual(['api', 'shipstation'])
  })

  it('without unique_id, two events in the same second keep only one', async () => {
    await send({ time: '2026-09-01T14:03:07.100Z' })
    await send({ time: '2026-09-01T14:03:07.900Z' })
    expect(sim().store.events()).toHaveLength(1)
    expect(sim().store.events({ status: 'dropped' })[0]?.dropReason).toBe('duplicate')
  })

  it('without unique_id, events one second apart are both kept', async () => {
    await send({ time: '2026-09-01T14:03:07.900Z' })
    await send({ time: '2026-09-01T14:03:08.000Z' })
    expect(sim().store.events()).toHaveLength(2)
  })

  it('the same second in a different offset notation is the same key', async () => {
    await send({ time: '2026-09-01T14:03:07Z' })
    await send({ time: '2026-09-01T16:03:07+02:00' })
    expect(sim().store.events()).toHaveLength(1)
  })

  it('a unique_id event and a time-keyed event of the same second do not collide', async () => {
    await send({ time: '2026-09-01T14:03:07Z', uniqueId: 'x' })
    await send({ time: '2026-09-01T14:03:07Z' })
    expect(sim().store.events()).toHaveLength(2)
  })

  it('duplicates are visible over HTTP under /_sim, not to the client', async () => {
    await send({ uniqueId: 'dup' })
    await send({ uniqueId: 'dup' })
    const dropped = await call(sim(), 'GET', '/_sim/events?status=dropped')
    expect(dropped.json.count).toBe(1)
    expect(dropped.json.data[0]).toMatchObject({ uniqueId: 'dup', dropReason: 'duplicate' })
  })
})

describe('profile resolution', () => {
  it('the same email (any case) reaches the same profile', async () => {
    await send({ email: 'Jane@Example.com', uniqueId: '1' })
    await send({ email: 'jane@example.com', uniqueId: '2' })
    expect(
      new Set(
        sim()
          .store.events()
          .map((e) => e.profileId),
      ).size,
    ).toBe(1)
    expect(sim().store.profiles()).toHaveLength(1)
  })

  it('resolves by email, else phone, else external_id, and learns new identifiers', async () => {
    await send({ externalId: 'c-1', uniqueId: '1' })
    await send({ externalId: 'c-1', phone: '+15005550006', uniqueId: '2' })
    await send({ phone: '+15005550006', email: 'jane@example.com', uniqueId: '3' })
    await send({ email: 'jane@example.com', uniqueId: '4' })
    const ids = new Set(
      sim()
        .store.events()
        .map((e) => e.profileId),
    )
    expect(ids.size).toBe(1)
    expect(sim().store.profiles()[0]).toMatchObject({
      email: 'jane@example.com',
      phone_number: '+15005550006',
      external_id: 'c-1',
    })
  })

  it('the email wins when email and phone point at different profiles; the phone stays put', async () => {
    await send({ email: 'a@example.com', uniqueId: '1' })
    await send({ phone: '+15005550006', uniqueId: '2' })
    await send({ email: 'a@example.com', phone: '+15005550006', uniqueId: '3' })
    const [a, b, c] = sim().store.events()
    expect(c?.profileId).toBe(a?.profileId)
    expect(c?.profileId).not.toBe(b?.profileId)
    expect(
      sim()
        .store.profiles()
        .find((p) => p.id === a?.profileId)?.phone_number,
    ).toBeNull()
  })

  it('de-duplication follows the resolved profile, not the identifier sent', async () => {
    await send({ email: 'jane@example.com', phone: '+15005550006', uniqueId: 'o-1' })
    await send({ phone: '+15005550006', uniqueId: 'o-1' })
    expect(sim().store.events()).toHaveLength(1)
  })

  it('a profile id alone that does not exist: accepted, then dropped', async () => {
    const body: Json = eventBody()
    body.data.attributes.profile.data = { type: 'profile', id: '01GDDKASAP8TKDDA2GRZDSVP4H' }
    expect((await post(sim(), '/api/events', body)).status).toBe(202)
    expect(sim().store.events({ status: 'dropped' })[0]).toMatchObject({
      dropReason: 'unknown_profile',
      profileId: null,
    })
    expect(sim().stats().unknownProfilesDropped).toBe(1)
  })

  it('a known profile id resolves to that profile', async () => {
    await send({ email: 'jane@example.com', uniqueId: '1' })
    const id = sim().store.profiles()[0]?.id
    const body: Json = eventBody({ uniqueId: '2' })
    body.data.attributes.profile.data = { type: 'profile', id }
    expect((await post(sim(), '/api/events', body)).status).toBe(202)
    expect(
      sim()
        .store.events()
        .map((e) => e.profileId),
    ).toEqual([id, id])
  })

  it('profile attributes sent with events update the profile; last_event_date follows the event time', async () => {
    const body: Json = eventBody({ time: '2026-09-01T10:00:00Z' })
    Object.assign(body.data.attributes.profile.data.attributes, {
      first_name: 'Jane',
      properties: { Tier: 'gold' },
    })
    await post(sim(), '/api/events', body)
    expect(sim().store.profiles()[0]).toMatchObject({
      first_name: 'Jane',
      properties: { Tier: 'gold' },
      last_event_date: '2026-09-01T10:00:00+00:00',
    })
  })
})
