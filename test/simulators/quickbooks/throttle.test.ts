/**
 * Throttling per realm and app (per minute, per second, in flight, batch calls, batch items) with the
 * 429 3001 fault, and the read meter (reads vs writes per realm).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type Answer, CLIENT, Client, REALM, salesReceipt, useSimulator } from './helpers.js'

const client = useSimulator({
  realms: [{ realmId: REALM }, { realmId: '4620816365178226300' }],
  clients: [
    { ...CLIENT, redirectUris: [] },
    { clientId: 'second-app', clientSecret: 's' },
  ],
  // QBO's own numbers (10 a second, 500 a minute, 10 in flight, 120 batches a minute) as the baseline.
  limits: {},
})

// Windows run on the simulated clock: frozen, a slow machine cannot cross a window edge mid-test.
beforeEach(() => client().sim.clock.freeze())
afterEach(() => client().sim.clock.unfreeze())

const statuses = (answers: Answer[]) => answers.map((a) => a.status)
const batch = (n: number) =>
  client().post('batch', {
    BatchItemRequest: Array.from({ length: n }, (_, i) => ({ bId: `q${i}`, Query: 'select * from Item' })),
  })
const read = () => client().get('companyinfo/1')
const sequential = async (n: number, call: () => Promise<Answer>) => {
  const answers: Answer[] = []
  for (let i = 0; i < n; i++) answers.push(await call())
  return answers
}

function expectThrottled(answer: Answer) {
  expect(answer.status).toBe(429)
  expect(answer.body.Fault).toEqual({
    Error: [
      {
        Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429',
        Detail: 'The request limit was reached.  Try again later',
        code: '3001',
      },
    ],
    type: 'SERVICE',
  })
}

describe('limits', () => {
  it('per minute: the window refuses the rest of the minute, then opens again', async () => {
    client().sim.limits.set({ perMinute: 5 })
    const answers = await sequential(7, read)
    expect(statuses(answers)).toEqual([200, 200, 200, 200, 200, 429, 429])
    expectThrottled(answers[5]!)
    expect(client().sim.stats().throttled.perMinute).toBe(2)
    client().sim.clock.advance(60_000)
    expect((await read()).status).toBe(200)
  })

  it('per second, scaled: windows of any length for tests', async () => {
    client().sim.limits.set({ perSecond: 3, secondWindowMs: 200 })
    expect(statuses(await sequential(4, read))).toEqual([200, 200, 200, 429])
    client().sim.clock.advance(200)
    expect((await read()).status).toBe(200)
    expect(client().sim.stats().throttled.perSecond).toBe(1)
  })

  it('in flight: more than `concurrent` open requests → 429 for the extra ones', async () => {
    client().sim.limits.set({ concurrent: 2, perSecond: 100 })
    client().sim.faults.set({ latencyMs: 150 })
    const answers = await Promise.all(Array.from({ length: 5 }, read))
    expect(statuses(answers).filter((s) => s === 200)).toHaveLength(2)
    expect(statuses(answers).filter((s) => s === 429)).toHaveLength(3)
    expect(client().sim.stats().throttled.concurrent).toBe(3)
    client().sim.faults.set({})
    expect((await read()).status).toBe(200)
  })

  it('every batch item counts per minute; a batch that does not fit does nothing', async () => {
    client().sim.limits.set({ perMinute: 10 })
    expect((await batch(6)).status).toBe(200) // 6 of 10 this minute
    expectThrottled(await batch(5)) // needs 5, 4 left
    expect(client().sim.read.usage(REALM).reads).toBe(6)
    expect(client().sim.stats().throttled.perMinute).toBe(1)
  })

  it('batch calls per minute', async () => {
    client().sim.limits.set({ batchPerMinute: 2 })
    expect(statuses([await batch(1), await batch(1)])).toEqual([200, 200])
    expectThrottled(await batch(1))
    expect(client().sim.stats().throttled.batchPerMinute).toBe(1)
    expect((await read()).status).toBe(200)
  })

  it('limits are per realm and app', async () => {
    client().sim.limits.set({ perMinute: 2 })
    expect(statuses(await sequential(3, read))).toEqual([200, 200, 429])
    const otherApp = client().sim.tokens.issue(REALM, 'second-app').access_token
    expect((await client().get('companyinfo/1', { token: otherApp })).status).toBe(200)
    const otherRealm = client().sim.tokens.issue('4620816365178226300').access_token
    const answer = await client().api('GET', 'companyinfo/1', undefined, {
      token: otherRealm,
      realm: '4620816365178226300',
    })
    expect(answer.status).toBe(200)
  })

  it('401s are not throttled or metered; control routes are never throttled', async () => {
    client().sim.limits.set({ perMinute: 1 })
    for (let i = 0; i < 3; i++)
      expect((await client().get('companyinfo/1', { token: 'bad-token-123' })).status).toBe(401)
    expect((await read()).status).toBe(200)
    for (let i = 0; i < 3; i++) expect((await client().request('GET', '/_sim/stats')).status).toBe(200)
    expect(client().sim.read.usage(REALM)).toMatchObject({ reads: 1, writes: 0 })
  })
})

describe('read meter', () => {
  it('counts reads (entity reads, queries, batch queries) apart from writes, per realm', async () => {
    const created = await client().create('SalesReceipt', salesReceipt())
    await client().get(`salesreceipt/${created.Id}`)
    await client().query('select * from Item')
    await client().post('query', 'select count(*) from Customer', {
      headers: { 'content-type': 'application/text' },
    })
    await client().post('batch', {
      BatchItemRequest: [
        { bId: 'q', Query: 'select * from Item' },
        { bId: 'w', operation: 'create', Customer: { DisplayName: 'Meter' } },
      ],
    })
    await client().post('salesreceipt', { Id: created.Id, SyncToken: '0', sparse: true, PrivateNote: 'x' })
    expect(client().sim.read.usage(REALM)).toEqual({
      reads: 4,
      writes: 3,
      replays: 0,
      requestIdMismatches: 0,
    })
    const usage = await client().request('GET', '/_sim/usage')
    expect(usage.body).toEqual({ [REALM]: { reads: 4, writes: 3, replays: 0, requestIdMismatches: 0 } })
    expect(client().sim.read.usage('4620816365178226300')).toEqual({
      reads: 0,
      writes: 0,
      replays: 0,
      requestIdMismatches: 0,
    })
  })

  it('a throttled request is not metered', async () => {
    client().sim.limits.set({ perMinute: 1 })
    await read()
    expectThrottled(await read())
    expect(client().sim.read.usage(REALM).reads).toBe(1)
  })
})

describe('token endpoint', () => {
  it('is not throttled by the API limits', async () => {
    client().sim.limits.set({ perMinute: 1 })
    await read()
    const tokens = client().sim.tokens.issue()
    const basic = Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')
    const other = new Client(client().sim)
    const answer = await other.request(
      'POST',
      '/oauth2/v1/tokens/bearer',
      `grant_type=refresh_token&refresh_token=${tokens.refresh_token}`,
      {
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      },
    )
    expect(answer.status).toBe(200)
  })
})
