/**
 * Fault knobs: what each one does to API and token requests, that control routes are never faulted,
 * and the two exactly-once cases: an answer lost after the write (retry with the same requestid gets
 * the original) and a refresh answer lost after rotation (retry with the old token inside the grace).
 */
import { describe, expect, it } from 'vitest'
import { CLIENT, REALM, salesReceipt, useSimulator } from './helpers.js'

const client = useSimulator()
const read = () => client().get('companyinfo/1')

describe('shared knobs', () => {
  it('errorRate/errorStatus: SystemFault bodies with the chosen status', async () => {
    client().sim.faults.set({ errorRate: 1, errorStatus: 503 })
    const answer = await read()
    expect(answer.status).toBe(503)
    expect(answer.body.Fault).toMatchObject({ type: 'SystemFault', Error: [{ code: '10000' }] })
    expect(client().sim.faults.counts.errors).toBe(1)
    expect(client().sim.read.usage(REALM).reads).toBe(0)
  })

  it('burst429: the next N requests get the 3001 fault', async () => {
    client().sim.faults.set({ burst429: 2 })
    expect([(await read()).status, (await read()).status, (await read()).status]).toEqual([429, 429, 200])
    expect(client().sim.faults.counts.throttled).toBe(2)
  })

  it('latencyMs delays the answer', async () => {
    client().sim.faults.set({ latencyMs: 120 })
    const started = Date.now()
    expect((await read()).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(110)
  })

  it('dropRate: the connection closes without an answer and nothing is written', async () => {
    client().sim.faults.set({ dropRate: 1 })
    await expect(client().post('salesreceipt', salesReceipt())).rejects.toThrow()
    expect(client().sim.read.counts(REALM).SalesReceipt).toBe(0)
    expect(client().sim.faults.counts.dropped).toBe(1)
  })

  it('malformedRate and truncateRate spoil success bodies only', async () => {
    client().sim.faults.set({ malformedRate: 1 })
    const html = await read()
    expect(html.status).toBe(200)
    expect(html.body).toBeUndefined()
    expect(html.text).toContain('<html>')
    expect((await client().get('invoice/999')).body.Fault.Error[0].code).toBe('610')
    client().sim.faults.set({ truncateRate: 1 })
    const cut = await read()
    expect(cut.body).toBeUndefined()
    expect(cut.text.length).toBeGreaterThan(10)
  })

  it('control routes are never faulted', async () => {
    client().sim.faults.set({ errorRate: 1, dropRate: 1, latencyMs: 0 })
    expect((await client().request('GET', '/_sim/stats')).status).toBe(200)
    const faults = await client().request('PUT', '/_sim/faults', {})
    expect(faults.body).toMatchObject({ errorRate: 0, dropRate: 0, lostResponseRate: 0, okFaultRate: 0 })
    expect((await read()).status).toBe(200)
  })

  it('the same fault seed fails the same requests', async () => {
    const run = async () => {
      client().sim.faults.set({ errorRate: 0.5, seed: 42 })
      const statuses: number[] = []
      for (let i = 0; i < 12; i++) statuses.push((await read()).status)
      return statuses
    }
    const first = await run()
    expect(first).toContain(500)
    expect(first).toContain(200)
    expect(await run()).toEqual(first)
  })
})

describe('QuickBooks knobs', () => {
  it('okFaultRate: HTTP 200 whose body is a Fault, and nothing is done', async () => {
    client().sim.faults.set({ okFaultRate: 1 })
    const answer = await client().post('salesreceipt?requestid=ok-1', salesReceipt())
    expect(answer.status).toBe(200)
    expect(answer.body.Fault).toMatchObject({ type: 'SystemFault', Error: [{ code: '10000' }] })
    expect(client().sim.read.counts(REALM).SalesReceipt).toBe(0)
    client().sim.faults.set({})
    const retry = await client().post('salesreceipt?requestid=ok-1', salesReceipt())
    expect(retry.body.SalesReceipt.DocNumber).toBe('100234')
    expect(client().sim.requests({ requestId: 'ok-1' })[0]!.faultCode).toBe('10000')
  })

  it('lostResponseRate: the write happens, the answer is lost, the same requestid gets it back', async () => {
    client().sim.faults.set({ lostResponseRate: 1 })
    await expect(client().post('salesreceipt?requestid=lost-1', salesReceipt())).rejects.toThrow()
    expect(client().sim.read.counts(REALM).SalesReceipt).toBe(1)
    expect(client().sim.faults.counts.lostResponses).toBe(1)
    client().sim.faults.set({})
    const retry = await client().post('salesreceipt?requestid=lost-1', salesReceipt())
    expect(retry.status).toBe(200)
    expect(retry.body.SalesReceipt.Id).toBe(client().sim.read.entities(REALM, 'SalesReceipt')[0]!.Id)
    expect(client().sim.read.counts(REALM).SalesReceipt).toBe(1)
    // Without the requestid the retry would have hit the duplicate number.
    expect((await client().post('salesreceipt', salesReceipt())).body.Fault.Error[0].code).toBe('6140')
  })

  it('a lost refresh answer: the old refresh token still works inside the grace period', async () => {
    const tokens = client().sim.tokens.issue()
    const refresh = (token: string) =>
      client().request(
        'POST',
        '/oauth2/v1/tokens/bearer',
        `grant_type=refresh_token&refresh_token=${token}`,
        {
          headers: {
            authorization: `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
          },
        },
      )
    client().sim.faults.set({ lostResponseRate: 1 })
    await expect(refresh(tokens.refresh_token)).rejects.toThrow()
    client().sim.faults.set({})
    const retry = await refresh(tokens.refresh_token)
    expect(retry.status).toBe(200)
    expect(
      client()
        .sim.tokens.list()
        .filter((t) => t.kind === 'refresh' && t.state === 'active').length,
    ).toBeGreaterThan(1)
  })

  it('token endpoint errors are OAuth JSON, not Faults', async () => {
    client().sim.faults.set({ errorRate: 1 })
    const answer = await client().request('POST', '/oauth2/v1/tokens/bearer', 'grant_type=refresh_token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(answer.status).toBe(500)
    expect(answer.body).toEqual({ error: 'server_error' })
  })

  it('reset zeroes fault counts but keeps the knobs', async () => {
    client().sim.faults.set({ burst429: 5 })
    await read()
    client().sim.reset()
    expect(client().sim.faults.counts.throttled).toBe(0)
    expect(client().sim.faults.settings.burst429).toBe(4)
  })
})
