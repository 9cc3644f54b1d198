/**
 * Golden tests against the real payloads in shared/reference/examples/klaviyo (copied to ./fixtures):
 * documented requests are accepted, and errors have the captured shapes.
 */
import { describe, expect, it } from 'vitest'
import { SimClock } from '../../../src/simulators/common/sim-clock.js'
import { startKlaviyoSimulator } from '../../../src/simulators/klaviyo/index.js'
import { apiHeaders, bulkBody, eventBody, fixture, post, UUID, useSimulator, withoutId } from './helpers.js'

const sim = useSimulator()

/** The captured error minus its id; the simulator adds `links: {}` as the 2024+ captures (08, 12, 14) show. */
function expected(name: string) {
  const error = fixture(name).response.body.errors[0]
  return { links: {}, ...withoutId(error) }
}

const ORDER_EVENTS = [
  '01-create-event-placed-order.json',
  '02-create-event-ordered-product.json',
  '03-create-event-fulfilled-order.json',
  '04-create-event-canceled-order.json',
  '05-create-event-refunded-order.json',
]

describe('documented requests are accepted', () => {
  it.each(ORDER_EVENTS)('%s → 202 with an empty body', async (name) => {
    const { request, response } = fixture(name)
    const answer = await post(sim(), request.path, request.body)
    expect(answer.status).toBe(response.status)
    expect(answer.text).toBe('')
    expect(answer.headers.get('content-length')).toBe('0')
    const [stored] = sim().store.events({ metric: request.body.data.attributes.metric.data.attributes.name })
    expect(stored?.attributes).toEqual(request.body.data.attributes)
    expect(stored?.profile?.email).toBe('sarah.mason@klaviyo-demo.com')
  })

  it('the guide’s five order events share one unique_id and all five are kept (dedupe is per metric)', async () => {
    for (const name of ORDER_EVENTS) {
      expect((await post(sim(), '/api/events/', fixture(name).request.body)).status).toBe(202)
    }
    expect(sim().store.events()).toHaveLength(5)
    expect(
      new Set(
        sim()
          .store.events()
          .map((e) => e.profileId),
      ).size,
    ).toBe(1)
  })

  it('15: the bulk job request shape → 202, its event stored as backfill', async () => {
    const { request, response } = fixture('15-bulk-create-request-shape.json')
    const answer = await post(sim(), request.path, request.body, request.headers)
    expect(answer.status).toBe(response.status)
    expect(answer.text).toBe('')
    const [stored] = sim().store.events()
    expect(stored).toMatchObject({ metric: 'Order Shipped', uniqueId: '1234:Order Shipped', backfill: true })
    expect(stored?.skipsFlows).toBe(false)
  })

  it('17: profile-import → 201 with the profile document shape', async () => {
    const { request, response } = fixture('17-profile-import.json')
    const answer = await post(sim(), request.path, request.body)
    expect(answer.status).toBe(response.status)
    expect(answer.headers.get('content-type')).toMatch(/^application\/vnd\.api\+json/)
    const shape = response.body_shape
    expect(Object.keys(answer.json).sort()).toEqual(Object.keys(shape).sort())
    expect(Object.keys(answer.json.data).sort()).toEqual(Object.keys(shape.data).sort())
    expect(Object.keys(answer.json.data.attributes)).toEqual(
      expect.arrayContaining(Object.keys(shape.data.attributes)),
    )
    expect(answer.json.data.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/)
    expect(answer.json.data.attributes).toMatchObject(request.body.data.attributes)
    expect(answer.json.data.attributes.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/)
  })
})

describe('error documents have the captured shapes', () => {
  it('06: a parameter error carries source.parameter and a numeric status', async () => {
    const captured = fixture('06-error-400-invalid-include-param.json').response.body.errors[0]
    const answer = await post(sim(), '/api/events', eventBody(), apiHeaders({ revision: '2026-13-01' }))
    const error = answer.json.errors[0]
    expect(answer.status).toBe(400)
    expect(Object.keys(error).sort()).toEqual([...Object.keys(captured), 'links'].sort())
    expect(error).toMatchObject({
      status: 400,
      code: captured.code,
      title: captured.title,
      source: { parameter: 'revision' },
    })
    expect(error.id).toMatch(UUID)
  })

  it('07: a metric without attributes', async () => {
    const body = eventBody()
    delete body.data.attributes.metric.data.attributes
    const answer = await post(sim(), '/api/events/', body)
    expect(answer.status).toBe(400)
    expect(answer.json.errors).toHaveLength(1)
    expect(withoutId(answer.json.errors[0])).toEqual(expected('07-error-400-missing-metric-attributes.json'))
    expect(answer.json.errors[0].id).toMatch(UUID)
  })

  it('08: an unknown field, same wording and pointer style for the event resource', async () => {
    const captured = expected('08-error-400-unknown-field.json')
    const body = eventBody()
    body.data.attributes.profile.data.attributes.nickname = 'J'
    const answer = await post(sim(), '/api/events', body)
    expect(answer.status).toBe(400)
    expect(withoutId(answer.json.errors[0])).toEqual({
      ...captured,
      detail: "'nickname' is not a valid field for the resource 'profile'.",
      source: { pointer: '/data/attributes/profile/data/attributes/nickname' },
    })
  })

  it('09: a profile that is not wrapped in data', async () => {
    const body = eventBody()
    body.data.attributes.profile = { email: 'jane@example.com' }
    const answer = await post(sim(), '/api/events/', body)
    expect(answer.status).toBe(400)
    expect(answer.json.errors.map(withoutId)).toEqual([expected('09-error-400-invalid-payload.json')])
  })

  it('10: a missing scheme → exactly the captured 401', async () => {
    const answer = await post(sim(), '/api/events', eventBody(), apiHeaders({ authorization: 'pk_test' }))
    expect(answer.status).toBe(401)
    const captured = fixture('10-error-401-wrong-auth-scheme.json').response.body.errors[0]
    expect(answer.json.errors.map(withoutId)).toEqual([withoutId(captured)])
  })

  it('11: a private key sent as Bearer gets the Cloudflare HTML page', async () => {
    const { response } = fixture('11-error-400-cloudflare-html.json')
    const answer = await post(
      sim(),
      '/api/events',
      eventBody(),
      apiHeaders({ authorization: 'Bearer pk_test' }),
    )
    expect(answer.status).toBe(400)
    // Same text; nginx writes CRLF, which is what makes the captured Content-Length (155) add up.
    expect(answer.text.replaceAll('\r\n', '\n')).toBe(response.body_text)
    expect(answer.headers.get('content-type')).toBe(response.headers['content-type'])
    expect(answer.headers.get('server')).toBe('cloudflare')
    expect(answer.headers.get('content-length')).toBe(response.headers['content-length'])
  })

  it('12: throttled → the captured 429 document with Retry-After', async () => {
    const clock = new SimClock()
    clock.freeze(Date.UTC(2026, 8, 1, 12, 0, 0, 100))
    const s = await startKlaviyoSimulator({ clock, rateLimits: { events: { burst: 3 } } })
    try {
      for (let i = 0; i < 3; i++)
        expect((await post(s, '/api/events', eventBody({ uniqueId: `u${i}` }))).status).toBe(202)
      const answer = await post(s, '/api/events', eventBody({ uniqueId: 'u3' }))
      expect(answer.status).toBe(429)
      expect(answer.headers.get('retry-after')).toBe(
        fixture('12-error-429-throttled.json').response.headers['Retry-After'],
      )
      expect(answer.json.errors.map(withoutId)).toEqual([expected('12-error-429-throttled.json')])
    } finally {
      await s.close()
    }
  })

  it('14: one bad event rejects the bulk job with an indexed pointer', async () => {
    const captured = expected('14-bulk-create-error-pointer.json')
    const body = bulkBody([
      { profile: { email: 'jane@example.com' }, events: [{ uniqueId: 'a' }] },
      { profile: { email: 'not-an-email' }, events: [{ uniqueId: 'b' }] },
    ])
    const answer = await post(sim(), '/api/event-bulk-create-jobs/', body)
    expect(answer.status).toBe(400)
    const [error] = answer.json.errors
    expect(Object.keys(error).sort()).toEqual(['id', ...Object.keys(captured)].sort())
    expect(error).toMatchObject({
      status: 400,
      code: captured.code,
      title: captured.title,
      links: {},
      meta: {},
    })
    // The mock abbreviates the path; the simulator points at the field itself, under the same prefix.
    expect(error.source.pointer).toBe(
      '/data/attributes/events-bulk-create/data/1/attributes/profile/data/attributes/email',
    )
    expect(captured.source.pointer.startsWith('/data/attributes/events-bulk-create/data/0/attributes/')).toBe(
      true,
    )
    expect(sim().store.events({ status: 'all' })).toHaveLength(0)
  })

  it('13: identifiers of two different profiles → 409 duplicate_profile with meta.duplicate_profile_id', async () => {
    const captured = fixture('13-error-409-duplicate-profile.json').response.body.errors[0]
    const a = await post(sim(), '/api/profile-import', {
      data: { type: 'profile', attributes: { email: 'a@example.com' } },
    })
    const b = await post(sim(), '/api/profile-import', {
      data: { type: 'profile', attributes: { phone_number: '+15005550006' } },
    })
    const answer = await post(sim(), '/api/profile-import', {
      data: { type: 'profile', attributes: { email: 'a@example.com', phone_number: '+15005550006' } },
    })
    expect(answer.status).toBe(409)
    const [error] = answer.json.errors
    expect(error).toMatchObject({
      status: 409,
      code: captured.code,
      title: captured.title,
      detail: captured.detail,
    })
    expect(error.meta.duplicate_profile_id).toBe(b.json.data.id)
    expect(error.meta.duplicate_profile_id).not.toBe(a.json.data.id)
  })
})
