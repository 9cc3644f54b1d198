/** Create Event validation (reference §2): each case breaks one thing in a valid body. */
import { describe, expect, it } from 'vitest'
import { SimClock } from '../../../src/simulators/common/sim-clock.js'
import { apiHeaders, eventBody, type Json, post, useSimulator } from './helpers.js'

const NOW = Date.UTC(2026, 8, 1, 12, 0, 0)
const clock = new SimClock()
clock.freeze(NOW)
const sim = useSimulator({ clock })

const ATTRS = '/data/attributes'
const PROFILE = `${ATTRS}/profile/data/attributes`

type Case = [label: string, change: (body: Json) => void, detail: string, pointer: string]

const rejected: Case[] = [
  ['data missing', (b) => delete b.data, 'The payload provided in the request is invalid.', '/data'],
  ['data is a list', (b) => (b.data = [b.data]), 'The payload provided in the request is invalid.', '/data'],
  [
    'wrong data.type',
    (b) => (b.data.type = 'profile'),
    'Invalid value "profile"; expected \'event\'.',
    '/data/type',
  ],
  [
    'attributes missing',
    (b) => delete b.data.attributes,
    'One of `attributes`, `relationships` or `id` must be included in the request payload.',
    '/data',
  ],
  [
    'unknown data member',
    (b) => (b.data.id = 'x'),
    "'id' is not a valid field for the resource 'event'.",
    '/data/id',
  ],
  [
    'unknown attribute',
    (b) => (b.data.attributes.x = 1),
    "'x' is not a valid field for the resource 'event'.",
    `${ATTRS}/x`,
  ],
  [
    'properties missing',
    (b) => delete b.data.attributes.properties,
    "'properties' is a required field for the resource 'event'.",
    `${ATTRS}/properties`,
  ],
  [
    'properties a list',
    (b) => (b.data.attributes.properties = []),
    'Expected a dictionary of items but got type "list".',
    `${ATTRS}/properties`,
  ],
  [
    'metric missing',
    (b) => delete b.data.attributes.metric,
    "'metric' is a required field for the resource 'event'.",
    `${ATTRS}/metric`,
  ],
  [
    'metric a string',
    (b) => (b.data.attributes.metric = 'Order Shipped'),
    'The payload provided in the request is invalid.',
    '/data',
  ],
  [
    'metric name missing',
    (b) => delete b.data.attributes.metric.data.attributes.name,
    "'name' is a required field for the resource 'metric'.",
    `${ATTRS}/metric/data/attributes/name`,
  ],
  [
    'metric name empty',
    (b) => (b.data.attributes.metric.data.attributes.name = ''),
    'Metric name must be 1 to 127 characters.',
    `${ATTRS}/metric/data/attributes/name`,
  ],
  [
    'metric name 128 chars',
    (b) => (b.data.attributes.metric.data.attributes.name = 'm'.repeat(128)),
    'Metric name must be 1 to 127 characters.',
    `${ATTRS}/metric/data/attributes/name`,
  ],
  [
    'metric name a number',
    (b) => (b.data.attributes.metric.data.attributes.name = 5),
    'Not a valid string.',
    `${ATTRS}/metric/data/attributes/name`,
  ],
  [
    'wrong metric type',
    (b) => (b.data.attributes.metric.data.type = 'event'),
    'Invalid value "event"; expected \'metric\'.',
    `${ATTRS}/metric/data/type`,
  ],
  [
    'unknown metric attribute',
    (b) => (b.data.attributes.metric.data.attributes.id = 'x'),
    "'id' is not a valid field for the resource 'metric'.",
    `${ATTRS}/metric/data/attributes/id`,
  ],
  [
    'profile missing',
    (b) => delete b.data.attributes.profile,
    "'profile' is a required field for the resource 'event'.",
    `${ATTRS}/profile`,
  ],
  [
    'profile data empty',
    (b) => (b.data.attributes.profile.data = { type: 'profile' }),
    'One of `attributes`, `relationships` or `id` must be included in the request payload.',
    '/data',
  ],
  [
    'no identifier',
    (b) => (b.data.attributes.profile.data.attributes = { first_name: 'Jane' }),
    "A profile identifier is required: one of 'id', 'email', 'phone_number', 'external_id', 'anonymous_id' or '_kx'.",
    PROFILE,
  ],
  [
    'bad email',
    (b) => (b.data.attributes.profile.data.attributes.email = 'jane.example.com'),
    'Invalid email address',
    `${PROFILE}/email`,
  ],
  [
    'email with a space',
    (b) => (b.data.attributes.profile.data.attributes.email = 'jane doe@example.com'),
    'Invalid email address',
    `${PROFILE}/email`,
  ],
  [
    'email double dot',
    (b) => (b.data.attributes.profile.data.attributes.email = 'jane..doe@example.com'),
    'Invalid email address',
    `${PROFILE}/email`,
  ],
  [
    'bad phone alone',
    (b) => (b.data.attributes.profile.data.attributes = { phone_number: '555-0100' }),
    'Invalid phone number format (Example of a valid format: +12345678901)',
    `${PROFILE}/phone_number`,
  ],
  [
    'unknown profile attribute',
    (b) => (b.data.attributes.profile.data.attributes.$email = 'x'),
    "'$email' is not a valid field for the resource 'profile'.",
    `${PROFILE}/$email`,
  ],
  [
    'unknown location field',
    (b) => (b.data.attributes.profile.data.attributes.location = { town: 'x' }),
    "'town' is not a valid field for the resource 'location'.",
    `${PROFILE}/location/town`,
  ],
  ['epoch time', (b) => (b.data.attributes.time = 1_756_728_000), 'Not a valid string.', `${ATTRS}/time`],
  [
    'epoch time as text',
    (b) => (b.data.attributes.time = '1756728000'),
    'Invalid datetime. Use an ISO 8601 date-time such as 2026-09-01T14:03:07Z.',
    `${ATTRS}/time`,
  ],
  [
    'US date',
    (b) => (b.data.attributes.time = '09/01/2026'),
    'Invalid datetime. Use an ISO 8601 date-time such as 2026-09-01T14:03:07Z.',
    `${ATTRS}/time`,
  ],
  [
    'impossible time',
    (b) => (b.data.attributes.time = '2026-02-30T10:00:00Z'),
    'Invalid datetime. Use an ISO 8601 date-time such as 2026-09-01T14:03:07Z.',
    `${ATTRS}/time`,
  ],
  [
    'time before 2000',
    (b) => (b.data.attributes.time = '1999-12-31T23:59:59Z'),
    'The event time must be after 2000-01-01 and no more than one year in the future.',
    `${ATTRS}/time`,
  ],
  [
    'time over a year ahead',
    (b) => (b.data.attributes.time = '2027-09-01T12:00:01Z'),
    'The event time must be after 2000-01-01 and no more than one year in the future.',
    `${ATTRS}/time`,
  ],
  [
    'value as text',
    (b) => (b.data.attributes.value = '9.99'),
    'A valid number is required.',
    `${ATTRS}/value`,
  ],
  [
    'currency lower case',
    (b) => (b.data.attributes.value_currency = 'usd'),
    'Invalid currency code. Use a three-letter ISO 4217 code such as USD.',
    `${ATTRS}/value_currency`,
  ],
  [
    'currency not ISO 4217',
    (b) => (b.data.attributes.value_currency = 'XYZ'),
    'Invalid currency code. Use a three-letter ISO 4217 code such as USD.',
    `${ATTRS}/value_currency`,
  ],
  [
    'unique_id a number',
    (b) => (b.data.attributes.unique_id = 100234),
    'Not a valid string.',
    `${ATTRS}/unique_id`,
  ],
  [
    'backfill as text',
    (b) => (b.data.attributes.backfill = 'true'),
    'Must be a valid boolean.',
    `${ATTRS}/backfill`,
  ],
  [
    '301 properties',
    (b) => (b.data.attributes.properties = manyKeys(301)),
    'Ensure there are no more than 300 properties.',
    `${ATTRS}/properties`,
  ],
  [
    'a string over 100 KB',
    (b) => (b.data.attributes.properties.Note = 'x'.repeat(100 * 1024 + 1)),
    'Ensure this field is no larger than 100 KB.',
    `${ATTRS}/properties/Note`,
  ],
  [
    'a multi-byte string over 100 KB',
    (b) => (b.data.attributes.properties.Note = 'é'.repeat(51_201)),
    'Ensure this field is no larger than 100 KB.',
    `${ATTRS}/properties/Note`,
  ],
  [
    'a unique_id over 100 KB',
    (b) => (b.data.attributes.unique_id = 'u'.repeat(102_401)),
    'Ensure this field is no larger than 100 KB.',
    `${ATTRS}/unique_id`,
  ],
  [
    'an array of 4001 items',
    (b) => (b.data.attributes.properties.Items = Array.from({ length: 4001 }, (_, i) => i)),
    'Ensure this list has no more than 4000 items.',
    `${ATTRS}/properties/Items`,
  ],
  [
    'nesting 11 deep',
    (b) => (b.data.attributes.properties.Deep = nested(10)),
    'Ensure objects are nested no more than 10 levels deep.',
    `${ATTRS}/properties/Deep/a/a/a/a/a/a/a/a/a`,
  ],
  [
    'a pointer with / and ~ escaped',
    (b) => (b.data.attributes['a/b~c'] = 1),
    "'a/b~c' is not a valid field for the resource 'event'.",
    `${ATTRS}/a~1b~0c`,
  ],
]

const accepted: [label: string, change: (body: Json) => void][] = [
  ['properties empty', (b) => (b.data.attributes.properties = {})],
  ['300 properties', (b) => (b.data.attributes.properties = manyKeys(300))],
  ['a string of exactly 100 KB', (b) => (b.data.attributes.properties.Note = 'x'.repeat(100 * 1024))],
  [
    'an array of 4000 items',
    (b) => (b.data.attributes.properties.Items = Array.from({ length: 4000 }, (_, i) => i)),
  ],
  ['nesting 10 deep', (b) => (b.data.attributes.properties.Deep = nested(9))],
  ['metric name of 127 chars', (b) => (b.data.attributes.metric.data.attributes.name = 'm'.repeat(127))],
  ['metric service', (b) => (b.data.attributes.metric.data.attributes.service = 'shiprelay')],
  ['time with offset', (b) => (b.data.attributes.time = '2026-09-01T14:03:07+02:00')],
  ['time with milliseconds', (b) => (b.data.attributes.time = '2026-09-01T14:03:07.710Z')],
  ['time without offset', (b) => (b.data.attributes.time = '2022-11-08T00:00:00')],
  ['date only', (b) => (b.data.attributes.time = '2026-09-01')],
  ['time exactly one year ahead', (b) => (b.data.attributes.time = '2027-09-01T12:00:00Z')],
  ['time 2000-01-01', (b) => (b.data.attributes.time = '2000-01-01T00:00:00Z')],
  [
    'nulls for nullable fields',
    (b) =>
      Object.assign(b.data.attributes, {
        time: null,
        value: null,
        value_currency: null,
        unique_id: null,
        backfill: null,
      }),
  ],
  ['value and currency', (b) => Object.assign(b.data.attributes, { value: 29.98, value_currency: 'EUR' })],
  ['external_id only', (b) => (b.data.attributes.profile.data.attributes = { external_id: 'ss-cust-991' })],
  ['anonymous_id only', (b) => (b.data.attributes.profile.data.attributes = { anonymous_id: 'anon-1' })],
  ['phone only', (b) => (b.data.attributes.profile.data.attributes = { phone_number: '+15005550006' })],
  [
    'full profile',
    (b) =>
      Object.assign(b.data.attributes.profile.data.attributes, {
        first_name: 'Jane',
        last_name: 'Doe',
        locale: 'en-US',
        location: { city: 'Boston', latitude: 42.35, longitude: '-71.06' },
        properties: { Tier: 'gold' },
      }),
  ],
  [
    'profile meta',
    (b) => (b.data.attributes.profile.data.meta = { patch_properties: { append: { Tags: 'vip' } } }),
  ],
  ['extra top-level members', (b) => (b.jsonapi = { version: '1.0' })],
  ['$extra bulky data', (b) => (b.data.attributes.properties.$extra = { html: '<p>hi</p>' })],
]

describe('Create Event rejects', () => {
  it.each(rejected)('%s', async (_label, change, detail, pointer) => {
    const body = eventBody({ uniqueId: 'u-1', time: '2026-09-01T10:00:00Z' })
    change(body)
    const answer = await post(sim(), '/api/events', body)
    expect(answer.status).toBe(400)
    expect(answer.json.errors[0]).toMatchObject({
      status: 400,
      code: 'invalid',
      title: 'Invalid input.',
      detail,
      source: { pointer },
    })
    expect(sim().store.events({ status: 'all' })).toHaveLength(0)
  })
})

describe('Create Event accepts', () => {
  it.each(accepted)('%s', async (_label, change) => {
    const body = eventBody({ uniqueId: 'u-1', time: '2026-09-01T10:00:00Z' })
    change(body)
    const answer = await post(sim(), '/api/events', body)
    expect(answer.text).toBe('')
    expect(answer.status).toBe(202)
    expect(sim().store.events()).toHaveLength(1)
  })
})

describe('stored event', () => {
  it('keeps the attributes as sent, the time truncated to the second, offsets applied', async () => {
    const body = eventBody({ time: '2026-09-01T14:03:07.710+02:00', uniqueId: 'u-9' })
    await post(sim(), '/api/events', body)
    const [event] = sim().store.events()
    expect(event).toMatchObject({ time: '2026-09-01T12:03:07.000Z', uniqueId: 'u-9', backfill: false })
    expect(event?.attributes).toEqual(body.data.attributes)
    expect(event?.receivedAt).toBe(new Date(NOW).toISOString())
  })

  it('defaults the time to the receipt time, truncated', async () => {
    clock.freeze(NOW + 1234)
    try {
      await post(sim(), '/api/events', eventBody())
      expect(sim().store.events()[0]?.time).toBe(new Date(NOW + 1000).toISOString())
    } finally {
      clock.freeze(NOW)
    }
  })

  it('reports every error of a body at once', async () => {
    const body = eventBody()
    body.data.attributes.value = 'x'
    body.data.attributes.unique_id = 7
    const answer = await post(sim(), '/api/events', body)
    expect(answer.json.errors.map((e: Json) => e.source.pointer).sort()).toEqual([
      `${ATTRS}/unique_id`,
      `${ATTRS}/value`,
    ])
  })
})

describe('invalid phone numbers', () => {
  it('are ignored with X-Klaviyo-Partial-Failure when another identifier is present', async () => {
    const answer = await post(sim(), '/api/events', eventBody({ email: 'jane@example.com', phone: '12345' }))
    expect(answer.status).toBe(202)
    expect(answer.headers.get('x-klaviyo-partial-failure')).toBe('phone_number')
    expect(sim().store.events()[0]?.profile).toEqual({
      email: 'jane@example.com',
      phone_number: null,
      external_id: null,
    })
  })

  it('a valid phone gets no partial-failure header and is stored', async () => {
    const answer = await post(
      sim(),
      '/api/events',
      eventBody({ email: 'jane@example.com', phone: '+15005550006' }),
    )
    expect(answer.headers.get('x-klaviyo-partial-failure')).toBeNull()
    expect(sim().store.events()[0]?.profile?.phone_number).toBe('+15005550006')
  })

  it('are a 400 when they are the only identifier', async () => {
    const answer = await post(sim(), '/api/events', eventBody({ phone: '+0123' }), apiHeaders())
    expect(answer.status).toBe(400)
    expect(answer.headers.get('x-klaviyo-partial-failure')).toBeNull()
  })
})

function manyKeys(n: number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, i]))
}

/** `levels` objects below the property, so the property object itself is one level deeper. */
function nested(levels: number): Json {
  let value: Json = 'leaf'
  for (let i = 0; i < levels; i++) value = { a: value }
  return value
}
