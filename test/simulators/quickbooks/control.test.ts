/**
 * The /_sim control API and the in-process handle: several realms, company settings, the read side,
 * the request log, limits, token control, the clock and reset.
 */
import { describe, expect, it } from 'vitest'
import { type Json, REALM, SEED, salesReceipt, useSimulator } from './helpers.js'

const OTHER = '4620816365178226300'
const client = useSimulator({
  realms: [
    { realmId: REALM },
    { realmId: OTHER, settings: { companyName: 'Second Shop', timezone: 'America/New_York' } },
  ],
})
const sim = (method: string, path: string, body?: unknown) => client().request(method, `/_sim${path}`, body)

describe('several realms', () => {
  it('each realm is its own seeded company; a token works for its realm only (403 elsewhere)', async () => {
    const other = client().sim.tokens.issue(OTHER).access_token
    const created = await client().api(
      'POST',
      'customer',
      { DisplayName: 'Only There' },
      { realm: OTHER, token: other },
    )
    expect(created.status).toBe(200)
    expect(created.body.time).toMatch(/-0[45]:00$/) // the company's zone
    expect(client().sim.read.counts(OTHER).Customer).toBe(3)
    expect(client().sim.read.counts(REALM).Customer).toBe(2)
    const forbidden = await client().api('GET', 'customer/1', undefined, { realm: OTHER })
    expect(forbidden.status).toBe(403)
    const info = await client().api('GET', `companyinfo/${OTHER}`, undefined, { realm: OTHER, token: other })
    expect(info.body.CompanyInfo.CompanyName).toBe('Second Shop')
  })

  it('requestid is scoped to the realm', async () => {
    const other = client().sim.tokens.issue(OTHER).access_token
    await client().post('salesreceipt?requestid=same', salesReceipt())
    const there = await client().api('POST', 'salesreceipt?requestid=same', salesReceipt(), {
      realm: OTHER,
      token: other,
    })
    expect(there.status).toBe(200)
    expect(client().sim.read.counts(OTHER).SalesReceipt).toBe(1)
    expect(client().sim.read.usage(OTHER).replays).toBe(0)
  })

  it('the authorize endpoint picks the realm with realmId', async () => {
    const answer = await client().request(
      'GET',
      `/connect/oauth2?client_id=sim-client-id&response_type=code&scope=com.intuit.quickbooks.accounting&state=s&redirect_uri=http://localhost/cb&realmId=${OTHER}`,
    )
    expect(new URL(answer.headers.get('location')!).searchParams.get('realmId')).toBe(OTHER)
    const unknown = await client().request(
      'GET',
      '/connect/oauth2?client_id=sim-client-id&response_type=code&scope=com.intuit.quickbooks.accounting&state=s&redirect_uri=http://localhost/cb&realmId=1',
    )
    expect(unknown.status).toBe(400)
  })
})

describe('read side', () => {
  it('realms, entities by type, one entity, counts', async () => {
    const realms = await sim('GET', '/realms')
    expect(realms.body.map((r: Json) => r.realmId)).toEqual([REALM, OTHER])
    expect(realms.body[0].counts).toMatchObject({
      Account: 14,
      Item: 5,
      Customer: 2,
      TaxCode: 4,
      PaymentMethod: 6,
    })
    const items = await sim('GET', `/realms/${REALM}/entities/item`)
    expect(items.body.count).toBe(5)
    expect(items.body.data.map((i: Json) => i.Type)).toEqual([
      'Service',
      'NonInventory',
      'Inventory',
      'Service',
      'Service',
    ])
    const one = await sim('GET', `/realms/${REALM}/entities/Customer/${SEED.customer}`)
    expect(one.body.DisplayName).toBe('Ana Ruiz')
    expect((await sim('GET', `/realms/${REALM}/entities/Customer/77`)).status).toBe(404)
    expect((await sim('GET', `/realms/${REALM}/entities/Widget`)).status).toBe(404)
    expect((await sim('GET', '/realms/42/counts')).status).toBe(404)
    expect((await sim('GET', `/realms/${REALM}/counts`)).body.SalesReceipt).toBe(0)
  })

  it('in-process reads are copies; inactive and voided objects are listed too', async () => {
    const created = await client().create('SalesReceipt', salesReceipt())
    await client().post('salesreceipt?operation=void', { Id: created.Id, SyncToken: '0' })
    const [receipt] = client().sim.read.entities(REALM, 'SalesReceipt')
    expect(receipt!.PrivateNote).toBe('Voided')
    receipt!.PrivateNote = 'changed here'
    expect(client().sim.read.entity(REALM, 'SalesReceipt', created.Id)!.PrivateNote).toBe('Voided')
    await client().post('salesreceipt?operation=delete', { Id: created.Id, SyncToken: '1' })
    expect((await sim('GET', `/realms/${REALM}/deleted`)).body.data).toEqual([
      { entity: 'SalesReceipt', Id: created.Id, deletedAt: expect.any(Number) },
    ])
  })

  it('the request log: realm, requestid, operation, status, fault code, replays', async () => {
    await client().post('salesreceipt?requestid=log-1', salesReceipt())
    await client().post('salesreceipt?requestid=log-1', salesReceipt())
    await client().post('customer', { DisplayName: 'Ana Ruiz' })
    const all = (await sim('GET', `/requests?realmId=${REALM}`)).body.data
    expect(all.map((r: Json) => [r.operation, r.status, r.replayed, r.faultCode])).toEqual([
      ['write SalesReceipt', 200, false, undefined],
      [undefined, 200, true, undefined],
      ['write Customer', 400, false, '6240'],
    ])
    expect((await sim('GET', '/requests?requestid=log-1')).body.data).toHaveLength(2)
    const stats = (await sim('GET', '/stats')).body
    expect(stats).toMatchObject({ requests: { total: 3, byStatus: { 200: 2, 400: 1 } }, unexpectedErrors: 0 })
    expect(stats.usage[REALM]).toMatchObject({ writes: 2, replays: 1 })
  })
})

describe('control', () => {
  it('settings: read, change (validated), effect on the next request', async () => {
    expect((await sim('GET', `/realms/${REALM}/settings`)).body).toMatchObject({
      duplicateDocNumberCheck: true,
      taxModel: 'us',
      timezone: 'America/Los_Angeles',
    })
    const changed = await sim('PUT', `/realms/${REALM}/settings`, {
      duplicateDocNumberCheck: false,
      allowShipping: false,
    })
    expect(changed.body).toMatchObject({ duplicateDocNumberCheck: false, allowShipping: false })
    expect((await sim('PUT', `/realms/${REALM}/settings`, { taxModel: 'vat' })).status).toBe(400)
    expect((await sim('PUT', `/realms/${REALM}/settings`, { nope: 1 })).status).toBe(400)
    const prefs = (await client().get('preferences')).body.Preferences
    expect(prefs.SalesFormsPrefs.AllowShipping).toBe(false)
  })

  it('faults and limits: read and replace; bad values → 400', async () => {
    expect((await sim('PUT', '/faults', { errorRate: 2 })).status).toBe(400)
    expect((await sim('PUT', '/faults', { lostResponseRate: 0.5 })).body.lostResponseRate).toBe(0.5)
    expect((await sim('GET', '/faults')).body.lostResponseRate).toBe(0.5)
    expect(Object.keys((await sim('GET', '/limits')).body)).toEqual([
      'perMinute',
      'perSecond',
      'concurrent',
      'batchPerMinute',
      'minuteWindowMs',
      'secondWindowMs',
    ])
    expect((await sim('PUT', '/limits', { perMinute: 2 })).body.perMinute).toBe(2)
    expect((await sim('PUT', '/limits', { perMinute: 0 })).status).toBe(400)
    expect((await sim('PUT', '/limits', { perHour: 1 })).status).toBe(400)
  })

  it('tokens: issue for a realm, list, unknown realm → 404', async () => {
    const issued = await sim('POST', '/tokens', { realmId: OTHER })
    expect(issued.body).toMatchObject({ token_type: 'bearer', expires_in: 3600 })
    const listed = (await sim('GET', '/tokens')).body.data as Json[]
    const mine = listed.filter((t) => [issued.body.access_token, issued.body.refresh_token].includes(t.token))
    expect(mine.map((t) => [t.kind, t.realmId, t.state])).toEqual([
      ['access', OTHER, 'active'],
      ['refresh', OTHER, 'active'],
    ])
    expect((await sim('POST', '/tokens', { realmId: '999' })).status).toBe(404)
    expect((await sim('PUT', '/oauth', { autoApprove: false })).body).toEqual({ autoApprove: false })
    expect(client().sim.tokens.autoApprove).toBe(false)
  })

  it('clock: advance and freeze move token expiry and timestamps', async () => {
    const frozen = await sim('POST', '/clock', { freeze: '2027-01-02T03:04:05.000Z' })
    expect(frozen.body).toEqual({ now: '2027-01-02T03:04:05.000Z', frozen: true })
    client().token = client().sim.tokens.issue().access_token
    const created = await client().create('Customer', { DisplayName: 'Frozen Time' })
    expect(created.MetaData.CreateTime).toBe('2027-01-01T19:04:05-08:00')
    expect((await sim('POST', '/clock', { advanceMs: 3_600_000 })).body.now).toBe('2027-01-02T04:04:05.000Z')
    expect((await client().get('companyinfo/1')).status).toBe(401)
    expect((await sim('POST', '/clock', { unfreeze: true })).body.frozen).toBe(false)
    expect((await sim('POST', '/clock', { advanceMs: -1 })).status).toBe(400)
  })

  it('reset re-seeds companies and forgets logs; tokens keep working', async () => {
    await client().create('Customer', { DisplayName: 'Gone After Reset' })
    expect((await sim('POST', '/reset')).body).toEqual({ reset: true })
    expect(client().sim.read.counts(REALM).Customer).toBe(2)
    expect(client().sim.requests()).toEqual([])
    expect((await client().get('customer/1')).status).toBe(200)
  })

  it('unknown control routes → 404 JSON', async () => {
    const answer = await sim('GET', '/nothing')
    expect(answer.status).toBe(404)
    expect(answer.body.error).toContain('no control route')
  })
})
