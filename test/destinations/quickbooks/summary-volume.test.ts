/**
 * 1,000 orders across 3 stores and 2 days in summary mode, through the event log and the delivery loop
 * (deliverBatch) into the QuickBooks simulator over real HTTP: six documents, each the sum of its orders
 * to the cent, lines grouped by SKU with summed quantities, the tax line; a crash right after QuickBooks
 * created a document and a restart, then every event re-sent, create no second document.
 */
import { sql } from 'kysely'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { lineCents, toCents } from '../../../src/destinations/quickbooks/money.js'
import type { OrderEvent } from '../../../src/events/model.js'
import { deliverBatch } from '../../../src/runtime/deliver.js'
import { SeededRandom } from '../../../src/simulators/common/seeded-random.js'
import type { QuickBooksSimulator } from '../../../src/simulators/quickbooks/index.js'
import { appendEvents } from '../../../src/store/event-log.js'
import { documentCounts } from '../../../src/store/quickbooks-status.js'
import type { MemoryTokenStore } from '../../../src/store/quickbooks-tokens.js'
import { forEachDatabase, freshStore } from '../../helpers/databases.js'
import { orderEvent } from '../order-event.js'
import { docs, eventId, issuedTokens, REALM, type SimDoc, simulator } from './helpers.js'
import { pacific, STORES, summaryDestination, TestClock } from './summary-helpers.js'

const DAYS = ['2026-11-23', '2026-11-24'] as const
const SKUS = ['MUG-BLUE', 'MUG-RED', 'TEE-S', 'TEE-M', 'TEE-L', 'CAP', 'POSTER', 'STICKER'] as const
const ROUTES = [{ id: 'qbo', skipReason: () => undefined }]

interface Expected {
  totalCents: number
  taxCents: number
  shippingCents: number
  /** SKU (or '' for none) → [quantity, cents]. */
  skus: Map<string, [number, number]>
}

/** Orders with 1–3 items at varying prices (so grouped averages are fractional), tax, shipping, discounts. */
function generate(count: number): { events: OrderEvent[]; expected: Map<string, Expected> } {
  const random = new SeededRandom(2026)
  const events: OrderEvent[] = []
  const expected = new Map<string, Expected>()
  for (let n = 1; n <= count; n++) {
    const store = STORES[n % 3]!
    const day = DAYS[n % 2]!
    const minute = random.int(0, 24 * 60 - 1)
    const wall = `${day}T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`
    const items = Array.from({ length: random.int(1, 3) }, () => ({
      name: null,
      sku: random.chance(0.08) ? null : random.pick(SKUS),
      quantity: random.int(1, 3),
      unitPrice: random.int(199, 4999) / 100,
      imageUrl: null,
    }))
    const itemCents = items.reduce((sum, i) => sum + lineCents(i.quantity, i.unitPrice), 0)
    const taxCents = random.int(0, 400)
    const shippingCents = random.chance(0.5) ? random.int(0, 900) : 0
    const discountCents = random.chance(0.2) ? random.int(1, Math.floor(itemCents / 5)) : 0
    const valueCents = itemCents + shippingCents + taxCents - discountCents
    events.push(
      orderEvent({
        id: eventId(`volume:${n}`),
        occurredAt: pacific(wall),
        customer: { email: `buyer${n}@example.com` },
        order: {
          orderId: 900_000 + n,
          orderNumber: `V${n}`,
          ...store,
          items,
          value: valueCents / 100,
          amountPaid: valueCents / 100,
          taxAmount: taxCents / 100,
          shippingAmount: shippingCents / 100,
        },
      }),
    )
    const key = `${store.storeId} ${day}`
    const day$ = expected.get(key) ?? { totalCents: 0, taxCents: 0, shippingCents: 0, skus: new Map() }
    day$.totalCents += valueCents
    day$.taxCents += taxCents
    day$.shippingCents += shippingCents
    for (const i of items) {
      const [q, c] = day$.skus.get(i.sku ?? '') ?? [0, 0]
      day$.skus.set(i.sku ?? '', [q + i.quantity, c + lineCents(i.quantity, i.unitPrice)])
    }
    expected.set(key, day$)
  }
  return { events, expected }
}

forEachDatabase('QuickBooks daily summary at volume', (database) => {
  let dispose: () => Promise<void>
  let db: Awaited<ReturnType<typeof freshStore>>['store']['db']
  let sim: QuickBooksSimulator
  let tokens: MemoryTokenStore
  beforeEach(async () => {
    const fresh = await freshStore(database)
    db = fresh.store.db
    dispose = fresh.dispose
    sim = await simulator()
    tokens = await issuedTokens(sim)
  })
  afterEach(async () => dispose())

  it('books 1,000 orders of 3 stores and 2 days as 6 documents, exactly once across a crash and a re-send', async () => {
    const { events, expected } = generate(1000)
    const clock = new TestClock(pacific('2026-11-23T23:59'))
    let destination = summaryDestination(sim, db, tokens, clock)
    const drain = async () => {
      for (let r = await deliverBatch(db, destination, { now: clock.now }); r.sent > 0; ) {
        r = await deliverBatch(db, destination, { now: clock.now })
      }
    }
    const states = async () =>
      Object.fromEntries(
        (
          await db
            .selectFrom('deliveries')
            .select(['state'])
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .groupBy('state')
            .execute()
        ).map((r) => [r.state, Number(r.n)]),
      )

    // The 23rd: filed, pending until it closes.
    await appendEvents(
      db,
      events.filter((e) => e.occurredAt < pacific('2026-11-24T00:00')),
      ROUTES,
      clock.ms,
    )
    await drain()
    expect(await states()).toEqual({ pending: 500 })
    expect(docs(sim, 'SalesReceipt')).toHaveLength(0)

    // The 24th: its orders are filed; the 23rd (closed at 02:00) comes due and posts.
    clock.set('2026-11-24T23:59')
    await appendEvents(
      db,
      events.filter((e) => e.occurredAt >= pacific('2026-11-24T00:00')),
      ROUTES,
      clock.ms,
    )
    await drain()
    expect(await states()).toEqual({ delivered: 500, pending: 500 })
    expect(docs(sim, 'SalesReceipt')).toHaveLength(3)

    // The 24th closes; the process dies right after QuickBooks created the first document of the day.
    clock.set('2026-11-25T02:30')
    let crashed = false
    const crashing: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      if (!crashed && init?.method === 'POST' && String(input).includes('/salesreceipt?')) {
        crashed = true
        throw new TypeError('fetch failed (process killed)')
      }
      return response
    }
    destination = summaryDestination(sim, db, tokens, clock, { retries: 0 }, crashing)
    const postedDays = async () =>
      Number(
        (await sql<{ n: number }>`select count(*) as n from quickbooks_summary_days`.execute(db)).rows[0]!.n,
      )
    await deliverBatch(db, destination, { now: clock.now })
    expect(crashed).toBe(true)
    // QuickBooks holds all six; shiprelay knows five (the sixth's answer was lost with the process).
    expect(docs(sim, 'SalesReceipt')).toHaveLength(6)
    expect(await postedDays()).toBe(5)

    // Restart: a new destination on the same database posts the day; the cut-short write replays.
    clock.set('2026-11-25T03:30')
    destination = summaryDestination(sim, db, tokens, clock)
    const before = sim.requests().length
    await drain()
    expect(await states()).toEqual({ delivered: 1000 })
    const receipts = docs(sim, 'SalesReceipt')
    expect(receipts).toHaveLength(6)
    expect(await postedDays()).toBe(6)
    expect(sim.read.usage(REALM).replays).toBeGreaterThanOrEqual(1)

    const items = new Map(docs(sim, 'Item').map((i) => [i.Id, String(i.Name)]))
    for (const receipt of receipts) {
      const [, yyyymmdd, storeId] = /^S(\d{8})-(\d+)$/.exec(receipt.DocNumber!)!
      const day = `${yyyymmdd!.slice(0, 4)}-${yyyymmdd!.slice(4, 6)}-${yyyymmdd!.slice(6)}`
      const want = expected.get(`${storeId} ${day}`)!
      expect(receipt.TxnDate).toBe(day)
      expect(toCents(receipt.TotalAmt!)).toBe(want.totalCents)
      const got = new Map<string, [number, number]>()
      let taxCents = 0
      let shippingCents = 0
      for (const line of receipt.Line as (SimDoc['Line'][number] & { Description?: string })[]) {
        const detail = line.SalesItemLineDetail as { ItemRef?: { value: string }; Qty?: number } | undefined
        if (line.DetailType !== 'SalesItemLineDetail') continue
        if (detail?.ItemRef?.value === 'SHIPPING_ITEM_ID') shippingCents += toCents(line.Amount)
        else if (line.Description === 'Sales tax collected') taxCents += toCents(line.Amount)
        else {
          const name = items.get(detail!.ItemRef!.value)!
          got.set(name === 'unknown_do_not_delete' ? '' : name, [detail!.Qty!, toCents(line.Amount)])
        }
      }
      expect(got).toEqual(want.skus)
      expect(taxCents).toBe(want.taxCents)
      expect(shippingCents).toBe(want.shippingCents)
    }

    // Every event again (a lost settlement, an operator's requeue): nothing new is written.
    const writes = sim.read.usage(REALM).writes
    for (let i = 0; i < events.length; i += 25) {
      const outcomes = await destination.send(events.slice(i, i + 25))
      expect([...outcomes.values()].every((o) => o.kind === 'delivered')).toBe(true)
    }
    expect(sim.read.usage(REALM).writes).toBe(writes)
    expect(docs(sim, 'SalesReceipt')).toHaveLength(6)
    // `shiprelay status` counts them: summary days are documents too.
    expect(await documentCounts(db, 'qbo')).toEqual([
      { docType: 'SalesReceipt', state: 'daily summary', count: 6 },
    ])

    const usage = sim.read.usage(REALM)
    const operations: Record<string, number> = {}
    for (const r of sim.requests())
      operations[r.operation ?? r.url] = (operations[r.operation ?? r.url] ?? 0) + 1
    console.info(`[summary volume ${database.name}] requests by operation ${JSON.stringify(operations)}`)
    console.info(
      `[summary volume ${database.name}] documents ${receipts.length}, requests ${sim.requests().length} ` +
        `(after restart ${sim.requests().length - before}), reads ${usage.reads}, writes ${usage.writes}, ` +
        `replays ${usage.replays}`,
    )
    // Warm-up reads only (customers, items, income account, per process), none per order or per day.
    expect(usage.reads).toBeLessThanOrEqual(8)
  })
})
