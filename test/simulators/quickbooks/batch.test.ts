/**
 * POST /batch: mixed items answered together and matched by bId, per-item Faults, the size limit,
 * bId rules, metering per item and requestid replay of a whole batch.
 */
import { describe, expect, it } from 'vitest'
import { startQuickBooksSimulator } from '../../../src/simulators/quickbooks/index.js'
import { Client, type Json, REALM, SEED, salesReceipt, useSimulator } from './helpers.js'

const client = useSimulator()
const byBId = (answer: { body: Json }) =>
  Object.fromEntries((answer.body.BatchItemResponse as Json[]).map((item) => [item.bId, item]))

describe('batch', () => {
  it('creates, queries, updates and fails item by item in one 200', async () => {
    const existing = await client().create('SalesReceipt', salesReceipt('B-0'))
    const answer = await client().post('batch?minorversion=75', {
      BatchItemRequest: [
        { bId: 'sr1', operation: 'create', SalesReceipt: salesReceipt('B-1') },
        { bId: 'q1', Query: "select * from Customer where DisplayName = 'Ana Ruiz'" },
        {
          bId: 'v1',
          operation: 'update',
          optionsData: 'void',
          SalesReceipt: { Id: existing.Id, SyncToken: '7' },
        },
        { bId: 'dup', operation: 'create', SalesReceipt: salesReceipt('B-0') },
        { bId: 'c1', operation: 'create', Customer: { DisplayName: 'Batch Buyer' } },
        { bId: 'd1', operation: 'delete', SalesReceipt: { Id: existing.Id, SyncToken: '0' } },
      ],
    })
    expect(answer.status).toBe(200)
    const items = byBId(answer)
    expect(answer.body.BatchItemResponse.map((i: Json) => i.bId)).toEqual([
      'sr1',
      'q1',
      'v1',
      'dup',
      'c1',
      'd1',
    ])
    expect(items.sr1.SalesReceipt).toMatchObject({ DocNumber: 'B-1', SyncToken: '0', TotalAmt: 50.78 })
    expect(items.q1.QueryResponse).toMatchObject({
      Customer: [{ Id: SEED.customer }],
      startPosition: 1,
      maxResults: 1,
    })
    expect(items.v1.Fault).toMatchObject({
      type: 'ValidationFault',
      Error: [{ code: '5010', Message: 'Stale Object Error' }],
    })
    expect(items.dup.Fault.Error[0].code).toBe('6140')
    expect(items.c1.Customer.DisplayName).toBe('Batch Buyer')
    expect(items.d1.SalesReceipt).toEqual({ Id: existing.Id, status: 'Deleted', domain: 'QBO' })
    expect(client().sim.read.usage(REALM)).toMatchObject({ reads: 1, writes: 6 })
  })

  it('an item without operation or entity fails alone', async () => {
    const answer = await client().post('batch', {
      BatchItemRequest: [
        { bId: 'a', Customer: { DisplayName: 'No Operation' } },
        { bId: 'b', operation: 'merge', Customer: { DisplayName: 'Merge' } },
        { bId: 'c', operation: 'create' },
        { bId: 'd', operation: 'create', Customer: { DisplayName: 'Fine' } },
      ],
    })
    const items = byBId(answer)
    expect(items.a.Fault.Error[0]).toMatchObject({
      code: '2020',
      Detail: 'Required parameter operation is missing in the request',
    })
    expect(items.b.Fault.Error[0]).toMatchObject({ code: '500', Detail: 'Operation merge is not supported.' })
    expect(items.c.Fault.Error[0].code).toBe('500')
    expect(items.d.Customer).toBeDefined()
  })

  it('more than 30 items → 1040 for the whole request, nothing done', async () => {
    const items = Array.from({ length: 31 }, (_, i) => ({
      bId: `c${i}`,
      operation: 'create',
      Customer: { DisplayName: `Many ${i}` },
    }))
    const answer = await client().post('batch', { BatchItemRequest: items })
    expect(answer.status).toBe(400)
    expect(answer.body.Fault.Error[0]).toMatchObject({
      code: '1040',
      Message: 'Batch size exceeds allowed limit',
    })
    expect(client().sim.read.counts(REALM).Customer).toBe(2)
    expect((await client().post('batch', { BatchItemRequest: items.slice(0, 30) })).status).toBe(200)
  })

  it('bIds are required and unique; a body without BatchItemRequest is refused', async () => {
    const missing = await client().post('batch', { BatchItemRequest: [{ Query: 'select * from Item' }] })
    expect(missing.body.Fault.Error[0].Detail).toBe('Required parameter bId is missing in the request')
    const twice = await client().post('batch', {
      BatchItemRequest: [
        { bId: 'x', Query: 'select * from Item' },
        { bId: 'x', Query: 'select * from Item' },
      ],
    })
    expect(twice.body.Fault.Error[0].code).toBe('6000')
    for (const body of [{}, { BatchItemRequest: [] }, { BatchItemRequest: 'all' }, []]) {
      expect((await client().post('batch', body)).body.Fault.Error[0].code).toBe('2020')
    }
  })

  it('a batch with a requestid is replayed whole; then bIds may have at most 10 characters', async () => {
    const body = {
      BatchItemRequest: [{ bId: 'sr', operation: 'create', SalesReceipt: salesReceipt('RB-1') }],
    }
    const first = await client().post('batch?requestid=batch-1', body)
    const again = await client().post('batch?requestid=batch-1', body)
    expect(again.text).toBe(first.text)
    expect(client().sim.read.counts(REALM).SalesReceipt).toBe(1)
    const long = await client().post('batch?requestid=batch-2', {
      BatchItemRequest: [{ bId: 'eleven-char', Query: 'select * from Item' }],
    })
    expect(long.body.Fault.Error[0]).toMatchObject({ code: '2050', element: 'bId' })
    const longId = await client().post(`batch?requestid=${'b'.repeat(37)}`, body)
    expect(longId.body.Fault.Error[0]).toMatchObject({ code: '2050', element: 'requestid' })
  })

  it('shuffleBatch answers out of order; bIds still match', async () => {
    const sim = await startQuickBooksSimulator({ shuffleBatch: true, seed: 3 })
    try {
      const other = new Client(sim)
      other.token = sim.tokens.issue().access_token
      const items = Array.from({ length: 10 }, (_, i) => ({
        bId: `q${i}`,
        Query: `select * from Item where Id = '${(i % 5) + 1}'`,
      }))
      const answer = await other.post('batch', { BatchItemRequest: items })
      const order = answer.body.BatchItemResponse.map((i: Json) => i.bId)
      expect(order).not.toEqual(items.map((i) => i.bId))
      expect([...order].sort()).toEqual(items.map((i) => i.bId).sort())
      for (const item of answer.body.BatchItemResponse) {
        expect(item.QueryResponse.Item[0].Id).toBe(String((Number(item.bId.slice(1)) % 5) + 1))
      }
    } finally {
      await sim.close()
    }
  })
})
