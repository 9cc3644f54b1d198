/** POST /api/profile-import (reference §4) and GET /api/accounts. */
import { describe, expect, it } from 'vitest'
import { call, type Json, post, useSimulator } from './helpers.js'

const sim = useSimulator()
const PATH = '/api/profile-import'

const profile = (attributes: Json, extra: Json = {}) => ({ data: { type: 'profile', attributes, ...extra } })

describe('profile-import', () => {
  it('creates (201) then updates (200) the same profile; null clears, omitted stays', async () => {
    const created = await post(
      sim(),
      PATH,
      profile({ email: 'jane@example.com', first_name: 'Jane', title: 'CEO' }),
    )
    expect(created.status).toBe(201)
    const id = created.json.data.id
    expect(created.json.data.links.self).toBe(`${sim().url}/api/profiles/${id}/`)
    const updated = await post(
      sim(),
      PATH,
      profile({ email: 'JANE@example.com', last_name: 'Doe', title: null }),
    )
    expect(updated.status).toBe(200)
    expect(updated.json.data).toMatchObject({
      id,
      attributes: { email: 'jane@example.com', first_name: 'Jane', last_name: 'Doe', title: null },
    })
    expect(sim().store.profiles()).toHaveLength(1)
  })

  it('merges location and properties; null empties them', async () => {
    await post(
      sim(),
      PATH,
      profile({ external_id: 'c-1', location: { city: 'Boston' }, properties: { A: 1 } }),
    )
    const merged = await post(
      sim(),
      PATH,
      profile({ external_id: 'c-1', location: { zip: '02110' }, properties: { B: 2 } }),
    )
    expect(merged.json.data.attributes).toMatchObject({
      location: { city: 'Boston', zip: '02110' },
      properties: { A: 1, B: 2 },
    })
    const cleared = await post(sim(), PATH, profile({ external_id: 'c-1', location: null, properties: null }))
    expect(cleared.json.data.attributes).toMatchObject({ location: {}, properties: {} })
  })

  it('a known data.id updates that profile; an unknown one is a 400', async () => {
    const created = await post(sim(), PATH, profile({ email: 'jane@example.com' }))
    const byId = await post(sim(), PATH, profile({ first_name: 'Janet' }, { id: created.json.data.id }))
    expect(byId.status).toBe(200)
    expect(byId.json.data.attributes.first_name).toBe('Janet')
    const unknown = await post(
      sim(),
      PATH,
      profile({ first_name: 'X' }, { id: '01GDDKASAP8TKDDA2GRZDSVP4H' }),
    )
    expect(unknown.status).toBe(400)
    expect(unknown.json.errors[0].source.pointer).toBe('/data/id')
  })

  it('an invalid phone next to an email is ignored with the partial-failure header', async () => {
    const answer = await post(
      sim(),
      PATH,
      profile({ email: 'jane@example.com', phone_number: '(555) 010-0000' }),
    )
    expect(answer.status).toBe(201)
    expect(answer.headers.get('x-klaviyo-partial-failure')).toBe('phone_number')
    expect(answer.json.data.attributes.phone_number).toBeNull()
  })

  it.each<[string, Json, string, string]>([
    [
      'no identifier',
      profile({ first_name: 'Jane' }),
      '/data/attributes',
      "A profile identifier is required: one of 'id', 'email', 'phone_number', 'external_id', 'anonymous_id' or '_kx'.",
    ],
    [
      'an invalid phone alone',
      profile({ phone_number: '0100' }),
      '/data/attributes/phone_number',
      'Invalid phone number format (Example of a valid format: +12345678901)',
    ],
    ['a bad email', profile({ email: 'jane@' }), '/data/attributes/email', 'Invalid email address'],
    [
      'an unknown attribute',
      profile({ email: 'a@example.com', nickname: 'J' }),
      '/data/attributes/nickname',
      "'nickname' is not a valid field for the resource 'profile'.",
    ],
    [
      'the wrong type',
      { data: { type: 'event', attributes: { email: 'a@example.com' } } },
      '/data/type',
      'Invalid value "event"; expected \'profile\'.',
    ],
    [
      'attributes missing',
      { data: { type: 'profile' } },
      '/data',
      'One of `attributes`, `relationships` or `id` must be included in the request payload.',
    ],
  ])('%s → 400', async (_label, body, pointer, detail) => {
    const answer = await post(sim(), PATH, body)
    expect(answer.status).toBe(400)
    expect(answer.json.errors[0]).toMatchObject({ detail, source: { pointer } })
    expect(sim().store.profiles()).toHaveLength(0)
  })

  it('profiles created here are the ones events resolve to', async () => {
    const created = await post(sim(), PATH, profile({ email: 'jane@example.com', external_id: 'c-1' }))
    const event = {
      data: {
        type: 'event',
        attributes: {
          properties: {},
          metric: { data: { type: 'metric', attributes: { name: 'Order Shipped' } } },
          profile: { data: { type: 'profile', attributes: { external_id: 'c-1' } } },
        },
      },
    }
    expect((await post(sim(), '/api/events', event)).status).toBe(202)
    expect(sim().store.events()[0]?.profileId).toBe(created.json.data.id)
  })
})

describe('GET /api/accounts', () => {
  it('answers a plausible account document for the key’s account', async () => {
    const answer = await call(sim(), 'GET', '/api/accounts/')
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toMatch(/^application\/vnd\.api\+json/)
    const [account] = answer.json.data
    expect(account).toMatchObject({
      type: 'account',
      attributes: {
        timezone: 'America/New_York',
        preferred_currency: 'USD',
        contact_information: { organization_name: expect.any(String) },
      },
    })
    expect(account.id).toMatch(/^[A-Za-z0-9]{6}$/)
    // The XS tier allows one call per second.
    expect((await call(sim(), 'GET', '/api/accounts')).status).toBe(429)
    sim().reset()
    expect((await call(sim(), 'GET', '/api/accounts')).json.data[0].id).toBe(account.id)
  })

  it('wrong methods get 405 with Allow; unknown paths 404', async () => {
    const wrong = await post(sim(), '/api/accounts', {})
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET')
    const missing = await call(sim(), 'GET', '/api/profiles')
    expect(missing.status).toBe(404)
    expect(missing.json.errors[0].code).toBe('not_found')
  })
})
