/**
 * Exactly once at the simulator: documents are counted there, after repeats, crashes between send and
 * settle, lost answers, and documents booked by someone else.
 */
import { describe, expect, it } from 'vitest'
import { MemoryDocumentStore } from '../../../src/store/quickbooks-documents.js'
import { docs, harness, paidOrder, REALM, simulator } from './helpers.js'

describe('QuickBooks destination: no duplicate documents', () => {
  it('sending the same events twice creates each document once', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim, { document: 'invoice' })
    const events = [paidOrder(1), paidOrder(2), paidOrder(3)]
    await destination.send(events)
    const again = await destination.send(events)
    expect([...again.values()].map((o) => o.kind)).toEqual(['delivered', 'delivered', 'delivered'])
    expect(docs(sim, 'Invoice')).toHaveLength(3)
    expect(docs(sim, 'Payment')).toHaveLength(3)
  })

  it('a crash after the write, before the outcome and the mapping were saved, books nothing twice', async () => {
    const sim = await simulator()
    const before = await harness(sim)
    const events = [paidOrder(4), paidOrder(5)]
    await before.destination.send(events)
    // Restart with the mapping lost: the DocNumber index (one read per type) finds both documents.
    const after = await harness(sim, {}, { tokens: before.tokens, documents: new MemoryDocumentStore() })
    const writes = sim.read.usage(REALM).writes
    const outcomes = await after.destination.send(events)
    expect(sim.read.usage(REALM).writes).toBe(writes)
    expect(outcomes.get(events[0]!.id)).toEqual({
      kind: 'delivered',
      receipt: 'already in QuickBooks: SalesReceipt 1 #1004',
    })
    expect(docs(sim, 'SalesReceipt')).toHaveLength(2)
  })

  it('with QuickBooks numbering, the requestid replays the original answer after a crash', async () => {
    const sim = await simulator()
    sim.read.setSettings(REALM, { customTxnNumbers: false })
    const before = await harness(sim, { numbering: 'quickbooks' })
    const event = paidOrder(6)
    await before.destination.send([event])
    const after = await harness(
      sim,
      { numbering: 'quickbooks' },
      { tokens: before.tokens, documents: new MemoryDocumentStore() },
    )
    expect((await after.destination.send([event])).get(event.id)).toEqual({
      kind: 'delivered',
      receipt: 'SalesReceipt 1 #1001',
    })
    expect(docs(sim, 'SalesReceipt')).toHaveLength(1)
    // The DocNumber QuickBooks chose is not the order's, so only the replay can have found it.
    expect(docs(sim, 'SalesReceipt')[0]!.DocNumber).not.toBe('1006')
    expect(sim.read.usage(REALM).replays).toBeGreaterThan(0)
  })

  it('lost answers are retried with the same requestid and create nothing twice', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim, { document: 'invoice' })
    await destination.send([paidOrder(99)]) // warm caches, so only writes meet the fault
    sim.faults.set({ lostResponseRate: 0.4, seed: 7 })
    const events = Array.from({ length: 8 }, (_, i) => paidOrder(10 + i))
    const outcomes = await destination.send(events)
    const kinds = [...outcomes.values()].map((o) => o.kind)
    // A write lost on every try surfaces as retry; its redelivery must still not duplicate.
    sim.faults.set({})
    const retried = events.filter((e) => outcomes.get(e.id)?.kind === 'retry')
    if (retried.length) await destination.send(retried)
    expect(sim.faults.counts.lostResponses).toBeGreaterThan(0)
    expect(kinds.every((k) => k === 'delivered' || k === 'retry')).toBe(true)
    expect(docs(sim, 'Invoice')).toHaveLength(9)
    expect(docs(sim, 'Payment')).toHaveLength(9)
    const byRequestId = new Map<string, Set<string>>()
    for (const r of sim.requests({ realmId: REALM })) {
      if (r.requestId) byRequestId.set(r.requestId, (byRequestId.get(r.requestId) ?? new Set()).add(r.url))
    }
    expect([...byRequestId.values()].every((urls) => urls.size === 1)).toBe(true)
  })

  it('6140 with the same totals is already synced; with other totals it is dead with the reason', async () => {
    const sim = await simulator()
    const ours = await harness(sim)
    await ours.destination.send([paidOrder(20)]) // the DocNumber index is now loaded
    const someoneElse = await harness(sim, { id: 'other' })
    const same = paidOrder(21)
    const clash = paidOrder(22)
    await someoneElse.destination.send([
      same,
      paidOrder(22, {
        order: {
          value: 99,
          amountPaid: 99,
          items: [{ name: 'Big', sku: 'BIG', quantity: 1, unitPrice: 99, imageUrl: null }],
        },
      }),
    ])
    const outcomes = await ours.destination.send([same, clash])
    expect(outcomes.get(same.id)).toEqual({
      kind: 'delivered',
      receipt: 'already in QuickBooks: SalesReceipt 2 #1021',
    })
    expect(outcomes.get(clash.id)).toMatchObject({ kind: 'dead' })
    expect(outcomes.get(clash.id)?.kind === 'dead' && outcomes.get(clash.id)).toMatchObject({
      reason: expect.stringContaining('DocNumber 1022 is already used by SalesReceipt 3 with total 99.00'),
    })
    expect(docs(sim, 'SalesReceipt')).toHaveLength(3)
  })
})
