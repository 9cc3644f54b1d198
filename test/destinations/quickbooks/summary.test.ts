/**
 * Daily summary mode, rule by rule, against the QuickBooks simulator through real HTTP, on SQLite and
 * PostgreSQL: a day is filed until it closes, then posted as one document per store; late orders,
 * cancellations before and after posting, split parts, orders without SKU, the store filter and
 * untaxed stores.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { QuickBooksSimulator } from '../../../src/simulators/quickbooks/index.js'
import { SummaryStore } from '../../../src/store/quickbooks-summary.js'
import type { MemoryTokenStore } from '../../../src/store/quickbooks-tokens.js'
import { forEachDatabase, freshStore } from '../../helpers/databases.js'
import {
  configuredDestination,
  connectDatabase,
  docs,
  issuedTokens,
  REALM,
  type SimDoc,
  simulator,
} from './helpers.js'
import { canceled, outcomeKinds, STORES, shipped, summaryDestination, TestClock } from './summary-helpers.js'

const [AMAZON, ETSY, WEB] = STORES

type Line = SimDoc['Line'][number] & { Description?: string }

/** Item lines of a document: description → [Qty, Amount]. */
function itemLines(doc: SimDoc): Record<string, [number | undefined, number]> {
  const lines: Record<string, [number | undefined, number]> = {}
  for (const line of doc.Line as Line[]) {
    const detail = line.SalesItemLineDetail as { Qty?: number; ItemRef?: { value: string } } | undefined
    if (line.DetailType !== 'SalesItemLineDetail' || detail?.ItemRef?.value === 'SHIPPING_ITEM_ID') continue
    lines[String(line.Description)] = [detail?.Qty, line.Amount]
  }
  return lines
}

forEachDatabase('QuickBooks daily summary', (database) => {
  let dispose: () => Promise<void>
  let db: Awaited<ReturnType<typeof freshStore>>['store']['db']
  let sim: QuickBooksSimulator
  let tokens: MemoryTokenStore
  let clock: TestClock
  beforeEach(async () => {
    const fresh = await freshStore(database)
    db = fresh.store.db
    dispose = fresh.dispose
    sim = await simulator()
    tokens = await issuedTokens(sim)
    clock = new TestClock(0)
  })
  afterEach(async () => dispose())

  it('files an open day (deferred until it closes), then posts one document per store; redelivery is a no-op', async () => {
    const destination = summaryDestination(sim, db, tokens, clock)
    const events = [
      shipped(1, AMAZON, '2026-11-24T09:00'),
      shipped(2, AMAZON, '2026-11-24T12:00'),
      shipped(3, AMAZON, '2026-11-24T14:59'),
      shipped(4, ETSY, '2026-11-24T10:00'),
    ]
    clock.set('2026-11-24T15:00')
    const waiting = await destination.send(events)
    expect(waiting.get(events[0]!.id)).toEqual({
      kind: 'deferred',
      reason: 'in the summary of 2026-11-24, store Amazon, posted after 2026-11-25 02:00 America/Los_Angeles',
      until: Date.parse('2026-11-25T10:00:00Z') + 1000,
    })
    expect(docs(sim, 'SalesReceipt')).toHaveLength(0)
    // Redelivered before the close: still waiting, nothing filed twice.
    expect(outcomeKinds(await destination.send(events))).toEqual({ deferred: 4 })

    clock.set('2026-11-25T02:00')
    const posted = await destination.send(events)
    expect(posted.get(events[0]!.id)).toEqual({
      kind: 'delivered',
      receipt: 'in summary SalesReceipt 1 #S20261124-301 (2026-11-24, store Amazon)',
    })
    expect(outcomeKinds(posted)).toEqual({ delivered: 4 })
    const receipts = docs(sim, 'SalesReceipt')
    expect(receipts.map((d) => [d.DocNumber, d.TxnDate, d.TotalAmt])).toEqual([
      ['S20261124-301', '2026-11-24', 104.91],
      ['S20261124-302', '2026-11-24', 34.97],
    ])
    expect(itemLines(receipts[0]!)).toEqual({
      'Winnie the Pooh': [6, 59.94],
      'A Tale of Two Cities': [3, 44.97],
    })
    const customers = docs(sim, 'Customer')
    const amazon = customers.find((c) => c.DisplayName === 'Amazon')!
    expect((receipts[0]!.CustomerRef as { value: string }).value).toBe(amazon.Id)

    const writes = sim.read.usage(REALM).writes
    expect(outcomeKinds(await destination.send(events))).toEqual({ delivered: 4 })
    expect(sim.read.usage(REALM).writes).toBe(writes)
    expect(docs(sim, 'SalesReceipt')).toHaveLength(2)
  })

  it('books a late order of a closed day on the next open day, naming its day, and leaves the posted one', async () => {
    const destination = summaryDestination(sim, db, tokens, clock)
    const onTime = shipped(1, AMAZON, '2026-11-23T10:00')
    clock.set('2026-11-23T11:00')
    await destination.send([onTime])
    clock.set('2026-11-24T03:00')
    expect((await destination.send([onTime])).get(onTime.id)?.kind).toBe('delivered')

    // Shipped on the 23rd, seen after the 23rd closed (a late webhook, a poll after an outage).
    const late = shipped(2, AMAZON, '2026-11-23T22:00')
    const today = shipped(3, AMAZON, '2026-11-24T09:00')
    clock.set('2026-11-24T10:00')
    const filed = await destination.send([late, today])
    expect(filed.get(late.id)).toMatchObject({
      kind: 'deferred',
      reason: expect.stringContaining('summary of 2026-11-24'),
    })
    clock.set('2026-11-25T02:30')
    const outcomes = await destination.send([late, today])
    expect(outcomeKinds(outcomes)).toEqual({ delivered: 2 })
    const [first, second] = docs(sim, 'SalesReceipt')
    expect(first).toMatchObject({ DocNumber: 'S20261123-301', SyncToken: '0', TotalAmt: 34.97 })
    expect(second).toMatchObject({ DocNumber: 'S20261124-301', TxnDate: '2026-11-24', TotalAmt: 69.94 })
    expect(itemLines(second!)).toEqual({
      'Winnie the Pooh': [2, 19.98],
      'A Tale of Two Cities': [1, 14.99],
      'Winnie the Pooh (late orders of 2026-11-23)': [2, 19.98],
      'A Tale of Two Cities (late orders of 2026-11-23)': [1, 14.99],
    })
  })

  it('nets out an order canceled before its day closes; a day with nothing left posts no document', async () => {
    const destination = summaryDestination(sim, db, tokens, clock)
    const kept = shipped(1, AMAZON, '2026-11-24T09:00')
    const gone = shipped(2, AMAZON, '2026-11-24T10:00', {
      order: { items: [{ name: 'Mug', sku: 'MUG', quantity: 4, unitPrice: 5, imageUrl: null }], value: 20 },
    })
    const lonely = shipped(3, ETSY, '2026-11-24T11:00')
    clock.set('2026-11-24T12:00')
    await destination.send([kept, gone, lonely])
    clock.set('2026-11-24T20:00')
    const cancels = [canceled(gone, '2026-11-24T19:00'), canceled(lonely, '2026-11-24T19:30')]
    expect(outcomeKinds(await destination.send(cancels))).toEqual({ deferred: 2 })

    clock.set('2026-11-25T02:01')
    const outcomes = await destination.send([kept, gone, lonely, ...cancels])
    expect(outcomes.get(kept.id)?.kind).toBe('delivered')
    expect(outcomes.get(lonely.id)).toEqual({
      kind: 'skipped',
      reason: 'nothing booked for 2026-11-24, store Etsy: its orders were canceled before it closed',
    })
    const receipts = docs(sim, 'SalesReceipt')
    expect(receipts).toHaveLength(1)
    expect(receipts[0]!.TotalAmt).toBe(34.97)
    expect(Object.keys(itemLines(receipts[0]!))).toEqual(['A Tale of Two Cities', 'Winnie the Pooh'])
    expect(String(receipts[0]!.PrivateNote)).toContain('1 order')
  })

  it('takes a cancellation of a posted order back as negative lines on the next open day', async () => {
    const destination = summaryDestination(sim, db, tokens, clock)
    const a = shipped(1, AMAZON, '2026-11-24T09:00')
    const b = shipped(2, AMAZON, '2026-11-24T10:00')
    clock.set('2026-11-24T11:00')
    await destination.send([a, b])
    clock.set('2026-11-25T03:00')
    await destination.send([a, b])

    const cancel = canceled(a, '2026-11-25T08:00')
    const c = shipped(3, AMAZON, '2026-11-25T09:00', {
      order: { items: [{ name: 'Mug', sku: 'MUG', quantity: 10, unitPrice: 5, imageUrl: null }], value: 50 },
    })
    clock.set('2026-11-25T10:00')
    await destination.send([cancel, c])
    clock.set('2026-11-26T02:30')
    const outcomes = await destination.send([cancel, c])
    expect(outcomes.get(cancel.id)).toEqual({
      kind: 'delivered',
      receipt: 'taken back on summary SalesReceipt 2 #S20261125-301 (2026-11-25, store Amazon)',
    })
    const [posted, next] = docs(sim, 'SalesReceipt')
    expect(posted).toMatchObject({ TotalAmt: 69.94, SyncToken: '0' })
    expect(next!.TotalAmt).toBe(15.03)
    expect(itemLines(next!)).toEqual({
      Mug: [10, 50],
      'Winnie the Pooh (canceled orders of 2026-11-24)': [-2, -19.98],
      'A Tale of Two Cities (canceled orders of 2026-11-24)': [-1, -14.99],
    })
  })

  it('carries a cancellation that would make a day negative to the next day with sales', async () => {
    const destination = summaryDestination(sim, db, tokens, clock)
    const a = shipped(1, AMAZON, '2026-11-24T09:00')
    clock.set('2026-11-24T10:00')
    await destination.send([a])
    clock.set('2026-11-25T03:00')
    await destination.send([a])
    const cancel = canceled(a, '2026-11-25T08:00')
    clock.set('2026-11-25T09:00')
    await destination.send([cancel])
    // The 25th has no sales: no negative receipt, the cancellation moves on to the 26th.
    clock.set('2026-11-26T03:00')
    expect((await destination.send([cancel])).get(cancel.id)).toMatchObject({
      kind: 'deferred',
      reason: expect.stringContaining('summary of 2026-11-26'),
    })
    expect(docs(sim, 'SalesReceipt')).toHaveLength(1)
    const big = shipped(2, AMAZON, '2026-11-26T09:00', {
      order: {
        items: [{ name: 'Lamp', sku: 'LAMP', quantity: 1, unitPrice: 80, imageUrl: null }],
        value: 80,
      },
    })
    clock.set('2026-11-26T10:00')
    await destination.send([big])
    clock.set('2026-11-27T03:00')
    expect(outcomeKinds(await destination.send([cancel, big]))).toEqual({ delivered: 2 })
    const last = docs(sim, 'SalesReceipt').at(-1)!
    expect(last).toMatchObject({ DocNumber: 'S20261126-301', TotalAmt: 45.03 })
  })

  it('adds each split part with its own items, and books lines without SKU on the placeholder item', async () => {
    const destination = summaryDestination(sim, db, tokens, clock)
    const split = { parentOrderId: 777, parentOrderNumber: '1777' }
    const part1 = shipped(1, WEB, '2026-11-24T09:00', {
      order: { ...split, orderNumber: '1777-1', value: 19.98 },
    })
    part1.order.items = [part1.order.items[0]!]
    const part2 = shipped(2, WEB, '2026-11-24T10:00', {
      order: { ...split, orderNumber: '1777-2', value: 14.99 },
    })
    part2.order.items = [part2.order.items[1]!]
    const noSku = shipped(3, WEB, '2026-11-24T11:00', {
      order: {
        items: [
          { name: 'Gift wrap', sku: null, quantity: 1, unitPrice: 2.5, imageUrl: null },
          { name: 'Card', sku: '  ', quantity: 2, unitPrice: 1, imageUrl: null },
        ],
        value: 4.5,
      },
    })
    clock.set('2026-11-24T12:00')
    await destination.send([part1, part2, noSku])
    clock.set('2026-11-25T02:30')
    expect(outcomeKinds(await destination.send([part1, part2, noSku]))).toEqual({ delivered: 3 })
    const [receipt] = docs(sim, 'SalesReceipt')
    expect(receipt!.TotalAmt).toBe(39.47)
    expect(itemLines(receipt!)).toMatchObject({
      'Winnie the Pooh': [2, 19.98],
      'A Tale of Two Cities': [1, 14.99],
      'Gift wrap': [3, 4.5],
    })
    const placeholder = docs(sim, 'Item').find((i) => i.Name === 'unknown_do_not_delete')!
    const line = (receipt!.Line as Line[]).find((l) => l.Description === 'Gift wrap')!
    expect(line.SalesItemLineDetail?.ItemRef?.value).toBe(placeholder.Id)
    expect(line.SalesItemLineDetail).toMatchObject({ Qty: 3, UnitPrice: 1.5 })
  })

  it('adds nothing for a second Order Shipped, a cancellation of an order never filed, or other events', async () => {
    const destination = summaryDestination(sim, db, tokens, clock)
    const first = shipped(1, AMAZON, '2026-11-24T09:00')
    const reshipped = { ...first, id: `${first.id}:again`, occurredAt: first.occurredAt + 3_600_000 }
    const stranger = canceled(shipped(2, AMAZON, '2026-11-24T09:00'), '2026-11-24T10:00')
    const paid = { ...shipped(3, AMAZON, '2026-11-24T09:00'), name: 'Order Awaiting Shipment' as const }
    clock.set('2026-11-24T12:00')
    const outcomes = await destination.send([first, reshipped, stranger, paid])
    expect(outcomes.get(reshipped.id)?.kind).toBe('deferred')
    expect(outcomes.get(stranger.id)).toEqual({ kind: 'skipped', reason: 'not in a summary' })
    expect(outcomes.get(paid.id)).toEqual({
      kind: 'skipped',
      reason: 'summary mode: only Order Shipped and Order Canceled change a summary',
    })
    const ignoring = summaryDestination(sim, db, tokens, clock, {
      id: 'ignoring',
      onCancel: 'ignore',
      summaryPrefix: 'I',
    })
    await ignoring.send([first])
    const cancel = canceled(first, '2026-11-24T13:00')
    expect((await ignoring.send([cancel])).get(cancel.id)).toEqual({
      kind: 'skipped',
      reason: 'onCancel: ignore',
    })

    clock.set('2026-11-25T02:30')
    expect(outcomeKinds(await destination.send([first, reshipped]))).toEqual({ delivered: 2 })
    expect(outcomeKinds(await ignoring.send([first]))).toEqual({ delivered: 1 })
    // One order each: the reship added nothing, and the other destination kept its canceled order.
    expect(docs(sim, 'SalesReceipt').map((d) => [d.DocNumber, d.TotalAmt])).toEqual([
      ['S20261124-301', 34.97],
      ['I20261124-301', 34.97],
    ])
  })

  it("adopts a DocNumber QuickBooks already has with the day's total, and fails the day on another", async () => {
    // Three destinations on one company with one prefix: as if the days table were lost between runs.
    const [a, b, c] = ['a', 'b', 'c'].map((id) => summaryDestination(sim, db, tokens, clock, { id }))
    const order = shipped(1, AMAZON, '2026-11-24T09:00')
    const more = shipped(2, AMAZON, '2026-11-24T09:30', {
      order: {
        items: [{ name: 'Lamp', sku: 'LAMP', quantity: 1, unitPrice: 50, imageUrl: null }],
        value: 50,
      },
    })
    clock.set('2026-11-24T10:00')
    await a!.send([order])
    await b!.send([order, more])
    await c!.send([order])
    clock.set('2026-11-25T03:00')
    await a!.send([order])
    expect((await b!.send([order, more])).get(more.id)).toEqual({
      kind: 'dead',
      reason:
        'DocNumber S20261124-301 is already used by SalesReceipt 1 with total 34.97, ' +
        "not this summary's 84.97: set summaryPrefix or summaryStoreCodes",
    })
    expect((await c!.send([order])).get(order.id)).toEqual({
      kind: 'delivered',
      receipt: 'in summary SalesReceipt 1 #S20261124-301 (2026-11-24, store Amazon)',
    })
    expect(docs(sim, 'SalesReceipt')).toHaveLength(1)
  })

  it('is built from config by the registry, with the keys of summary mode', async () => {
    const saved = process.env.SHIPRELAY_SECRET_KEY
    process.env.SHIPRELAY_SECRET_KEY = 'ab'.repeat(32)
    try {
      await connectDatabase(db, sim, Date.now())
      const destination = configuredDestination(sim, db, {
        mode: 'summary',
        closeAfter: '30m',
        summaryPrefix: 'D',
        summaryStoreCodes: { Amazon: 'AMZ' },
      })
      // Filed now, so the day is today's: it waits, and says until when.
      const event = shipped(1, AMAZON, '2026-11-24T09:00', { occurredAt: Date.now() })
      const outcome = (await destination.send([event])).get(event.id)
      expect(outcome).toMatchObject({
        kind: 'deferred',
        reason: expect.stringMatching(/, store Amazon, posted after .* America\/Los_Angeles$/),
      })
      const filed = await new SummaryStore(db, 'books').entries([event.id])
      expect(filed.get(event.id)).toMatchObject({ storeKey: 'main:301', section: '' })
    } finally {
      if (saved === undefined) delete process.env.SHIPRELAY_SECRET_KEY
      else process.env.SHIPRELAY_SECRET_KEY = saved
    }
  })

  it('books Invoices with document: invoice, and nets a canceled discount and shipping into the next day', async () => {
    const destination = summaryDestination(sim, db, tokens, clock, { document: 'invoice' })
    // Items 34.97 + shipping 6 − discount 5 = 35.97.
    const discounted = shipped(1, ETSY, '2026-11-24T09:00', { order: { value: 35.97, shippingAmount: 6 } })
    clock.set('2026-11-24T10:00')
    await destination.send([discounted])
    clock.set('2026-11-25T03:00')
    await destination.send([discounted])
    const cancel = canceled(discounted, '2026-11-25T08:00')
    const plain = shipped(2, ETSY, '2026-11-25T09:00', {
      order: {
        items: [{ name: 'Lamp', sku: 'LAMP', quantity: 1, unitPrice: 80, imageUrl: null }],
        value: 80,
      },
    })
    clock.set('2026-11-25T10:00')
    await destination.send([cancel, plain])
    clock.set('2026-11-26T03:00')
    expect(outcomeKinds(await destination.send([cancel, plain]))).toEqual({ delivered: 2 })
    expect(docs(sim, 'SalesReceipt')).toHaveLength(0)
    const [first, second] = docs(sim, 'Invoice')
    expect(first).toMatchObject({ DocNumber: 'S20261124-302', TotalAmt: 35.97 })
    // 80 − 35.97: the canceled order's items, shipping and discount all come back off.
    expect(second).toMatchObject({ DocNumber: 'S20261125-302', TotalAmt: 44.03 })
    const amounts = (type: string) => second!.Line.filter((l) => l.DetailType === type).map((l) => l.Amount)
    expect(amounts('DiscountLineDetail')).toEqual([-5])
    expect(
      second!.Line.find((l) => l.SalesItemLineDetail?.ItemRef?.value === 'SHIPPING_ITEM_ID')?.Amount,
    ).toBe(-6)
  })

  it('posts a day refused by QuickBooks under new requestids once the cause is fixed (a fault is replayed)', async () => {
    const destination = summaryDestination(sim, db, tokens, clock)
    const order = shipped(1, AMAZON, '2026-11-24T09:00')
    clock.set('2026-11-24T10:00')
    await destination.send([order])
    sim.read.setSettings(REALM, { status: 'subscriptionEnded' })
    clock.set('2026-11-25T03:00')
    const refused = (await destination.send([order])).get(order.id)
    expect(refused).toMatchObject({ kind: 'dead', reason: expect.stringContaining('6190') })
    sim.read.setSettings(REALM, { status: 'active' })
    // Requeued by a person: the same ids would replay 6190; the day's next revision books it.
    expect((await destination.send([order])).get(order.id)?.kind).toBe('delivered')
    expect(docs(sim, 'SalesReceipt')).toHaveLength(1)
    const posts = sim.requests().filter((r) => r.method === 'POST')
    const refusedIds = posts.filter((r) => r.faultCode === '6190').map((r) => r.requestId)
    expect(refusedIds).toHaveLength(1)
    expect(posts.filter((r) => r.status === 200).map((r) => r.requestId)).not.toContain(refusedIds[0])
  })

  it('skips stores outside the filter and books no tax for untaxed stores', async () => {
    const destination = summaryDestination(sim, db, tokens, clock, {
      stores: ['Amazon', 'Etsy'],
      untaxedStores: ['amazon'],
    })
    const taxed = { value: 41.47, amountPaid: 41.47, taxAmount: 2.5, shippingAmount: 4 }
    const events = [
      shipped(1, AMAZON, '2026-11-24T09:00', { order: taxed }),
      shipped(2, ETSY, '2026-11-24T09:00', { order: taxed }),
      shipped(3, ETSY, '2026-11-24T10:00', { order: taxed }),
      shipped(4, WEB, '2026-11-24T10:00', { order: taxed }),
    ]
    clock.set('2026-11-24T12:00')
    await destination.send(events)
    clock.set('2026-11-25T02:30')
    const outcomes = await destination.send(events)
    expect(outcomes.get(events[3]!.id)).toEqual({ kind: 'skipped', reason: 'filtered: store' })
    const [amazon, etsy] = docs(sim, 'SalesReceipt')
    expect(docs(sim, 'SalesReceipt')).toHaveLength(2)
    expect(amazon).toMatchObject({
      DocNumber: 'S20261124-301',
      TotalAmt: 38.97,
      TxnTaxDetail: { TotalTax: 0 },
    })
    expect(itemLines(amazon!)['Sales tax collected']).toBeUndefined()
    expect(etsy!.TotalAmt).toBe(82.94)
    expect(itemLines(etsy!)['Sales tax collected']).toEqual([undefined, 5])
    const shipping = etsy!.Line.find((l) => l.SalesItemLineDetail?.ItemRef?.value === 'SHIPPING_ITEM_ID')
    expect(shipping?.Amount).toBe(8)
    expect(docs(sim, 'Item').some((i) => i.Name === 'Sales Tax')).toBe(true)
  })
})
