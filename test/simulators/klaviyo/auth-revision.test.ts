/** Authorization scheme, keys, accounts, scopes and the revision header. */
import { describe, expect, it } from 'vitest'
import { apiHeaders, bulkBody, call, eventBody, post, useSimulator } from './helpers.js'

const bulk = () => bulkBody([{ profile: { email: 'bulk@example.com' }, events: [{}] }])

const sim = useSimulator({
  apiKeys: [
    'pk_test',
    'pk_second',
    { key: 'pk_events_only', scopes: ['events:write'] },
    { key: 'pk_other', account: 'other' },
  ],
})

describe('Authorization', () => {
  it.each([
    ['missing header', undefined],
    ['key without scheme', 'pk_test'],
    ['lower-case scheme', 'klaviyo-api-key pk_test'],
    ['Bearer with a non-private token', 'Bearer abc123'],
    ['two spaces', 'Klaviyo-API-Key  pk_test'],
    ['scheme only', 'Klaviyo-API-Key'],
  ])('%s → 401 wrong scheme', async (_label, authorization) => {
    const answer = await post(sim(), '/api/events', eventBody(), apiHeaders({ authorization }))
    expect(answer.status).toBe(401)
    expect(answer.json.errors[0]).toMatchObject({
      code: 'not_authenticated',
      detail: 'Missing or invalid authorization scheme. Please use Klaviyo-API-Key.',
    })
    expect(answer.headers.get('ratelimit-limit')).toBeNull()
  })

  it('an unknown key → 401 not_authenticated', async () => {
    const answer = await post(
      sim(),
      '/api/events',
      eventBody(),
      apiHeaders({ authorization: 'Klaviyo-API-Key pk_nope' }),
    )
    expect(answer.status).toBe(401)
    expect(answer.json.errors[0]).toMatchObject({
      code: 'not_authenticated',
      detail: 'Incorrect authentication credentials.',
    })
  })

  it('every configured key is accepted', async () => {
    for (const key of ['pk_test', 'pk_second', 'pk_other']) {
      const answer = await post(
        sim(),
        '/api/events',
        eventBody(),
        apiHeaders({ authorization: `Klaviyo-API-Key ${key}` }),
      )
      expect(answer.status).toBe(202)
    }
    expect(
      sim()
        .store.events({ status: 'all' })
        .map((e) => e.account),
    ).toEqual(['default', 'default', 'other'])
  })

  it('a scoped key gets 403 permission_denied outside its scopes', async () => {
    const headers = apiHeaders({ authorization: 'Klaviyo-API-Key pk_events_only' })
    expect((await post(sim(), '/api/events', eventBody(), headers)).status).toBe(202)
    const denied = await post(
      sim(),
      '/api/profile-import',
      { data: { type: 'profile', attributes: {} } },
      headers,
    )
    expect(denied.status).toBe(403)
    expect(denied.json.errors[0]).toMatchObject({
      status: 403,
      code: 'permission_denied',
      detail: "This API key is missing the required scope 'profiles:write'.",
    })
    expect((await call(sim(), 'GET', '/api/accounts', undefined, headers)).status).toBe(403)
  })

  it('authentication comes before the revision check and the body', async () => {
    const answer = await post(
      sim(),
      '/api/events',
      'garbage',
      apiHeaders({ authorization: 'x', revision: undefined }),
    )
    expect(answer.status).toBe(401)
  })
})

describe('revision header', () => {
  it.each([
    '2024-05-15',
    '2024-06-15',
    '2024-07-15',
    '2024-10-15',
    '2025-01-15',
    '2025-04-15',
    '2025-07-15',
    '2025-10-15',
    '2026-01-15',
    '2026-04-15',
    '2026-07-15',
    '2026-07-15.pre',
  ])('%s is served', async (revision) => {
    expect((await post(sim(), '/api/events', eventBody(), apiHeaders({ revision }))).status).toBe(202)
    expect((await post(sim(), '/api/event-bulk-create-jobs', bulk(), apiHeaders({ revision }))).status).toBe(
      202,
    )
    expect(sim().store.events()[0]?.revision).toBe(revision.slice(0, 10))
  })

  it.each([
    ['missing', undefined, 'Missing required header: revision.'],
    ['empty', '', 'Missing required header: revision.'],
    ['not a date', 'latest', "Invalid revision header 'latest'. Expected the format YYYY-MM-DD."],
    [
      'impossible date',
      '2025-02-30',
      "Invalid revision header '2025-02-30'. Expected the format YYYY-MM-DD.",
    ],
    ['compact date', '20260715', "Invalid revision header '20260715'. Expected the format YYYY-MM-DD."],
    ['not a released revision', '2025-03-01', "'2025-03-01' is not a valid revision."],
    ['a future revision', '2026-10-15', "'2026-10-15' is not a valid revision."],
    ['before the first revision', '2021-01-01', "'2021-01-01' is not a valid revision."],
  ])('%s → 400 on the revision parameter', async (_label, revision, detail) => {
    const answer = await post(sim(), '/api/events', eventBody(), apiHeaders({ revision }))
    expect(answer.status).toBe(400)
    expect(answer.json.errors[0]).toMatchObject({
      code: 'invalid',
      detail,
      source: { parameter: 'revision' },
    })
  })

  it.each(['2022-10-17', '2023-12-15', '2024-02-15'])('retired revision %s → 410 gone', async (revision) => {
    const answer = await post(sim(), '/api/events', eventBody(), apiHeaders({ revision }))
    expect(answer.status).toBe(410)
    expect(answer.json.errors[0]).toMatchObject({
      status: 410,
      code: 'gone',
      source: { parameter: 'revision' },
    })
  })

  it('backfill is an unknown event field before 2026-04-15', async () => {
    const old = await post(
      sim(),
      '/api/events',
      eventBody({ backfill: true }),
      apiHeaders({ revision: '2026-01-15' }),
    )
    expect(old.status).toBe(400)
    expect(old.json.errors[0]).toMatchObject({
      detail: "'backfill' is not a valid field for the resource 'event'.",
      source: { pointer: '/data/attributes/backfill' },
    })
    const current = await post(
      sim(),
      '/api/events',
      eventBody({ backfill: true }),
      apiHeaders({ revision: '2026-04-15' }),
    )
    expect(current.status).toBe(202)
    expect(sim().store.events()[0]?.backfill).toBe(true)
  })

  it('backfill on a bulk entry or inner event is unknown before 2026-04-15', async () => {
    const headers = apiHeaders({ revision: '2025-10-15' })
    const onEntry = bulk()
    onEntry.data.attributes['events-bulk-create'].data[0].attributes.backfill = true
    const entryAnswer = await post(sim(), '/api/event-bulk-create-jobs', onEntry, headers)
    expect(entryAnswer.status).toBe(400)
    expect(entryAnswer.json.errors[0]).toMatchObject({
      detail: "'backfill' is not a valid field for the resource 'event-bulk-create'.",
      source: { pointer: '/data/attributes/events-bulk-create/data/0/attributes/backfill' },
    })
    const onEvent = bulk()
    onEvent.data.attributes['events-bulk-create'].data[0].attributes.events.data[0].attributes.backfill =
      false
    const eventAnswer = await post(sim(), '/api/event-bulk-create-jobs', onEvent, headers)
    expect(eventAnswer.json.errors[0].source.pointer).toBe(
      '/data/attributes/events-bulk-create/data/0/attributes/events/data/0/attributes/backfill',
    )
  })

  it('anonymous_id is accepted by profile-import before 2026-01-15 only', async () => {
    const body = { data: { type: 'profile', attributes: { anonymous_id: 'anon-1' } } }
    expect(
      (await post(sim(), '/api/profile-import', body, apiHeaders({ revision: '2025-10-15' }))).status,
    ).toBe(201)
    const answer = await post(sim(), '/api/profile-import', body, apiHeaders({ revision: '2026-01-15' }))
    expect(answer.status).toBe(400)
    expect(answer.json.errors[0].detail).toBe(
      "'anonymous_id' is not a valid field for the resource 'profile'.",
    )
  })
})
