/**
 * Daily summary mode of the QuickBooks destination (migration 0003_quickbooks_summary): what each
 * event added to a store's day (one entry per event id, so a redelivered event finds its entry and adds
 * nothing) and which days are posted. A day's entries stop changing once the day closes, so posting it
 * again after a crash sends the same document with the same requestid.
 */
import type { Kysely } from 'kysely'
import { type QuickBooksTables, quickBooksDb } from './quickbooks-tables.js'
import type { Database } from './schema.js'
import { chunks } from './snapshots.js'

export interface QuickBooksSummaryEntryTable {
  destination_id: string
  event_id: string
  /** account id + ShipStation order id: each split part is its own order. */
  order_key: string
  /** sale | cancel (the sale's amounts, negated) */
  kind: string
  /** account id + store id (or name). */
  store_key: string
  store_name: string | null
  /** yyyy-MM-dd: the day whose document the entry is on. */
  day: string
  /** Line group: '' for the day's own orders, `late <day>`, `canceled <day>`. */
  section: string
  /** JSON of SummaryContent. */
  content: string
  total_cents: number
  created_at: number
}

export interface QuickBooksSummaryDayTable {
  destination_id: string
  store_key: string
  day: string
  /** Null when nothing was left to book (every order of the day canceled). */
  doc_type: string | null
  doc_id: string | null
  doc_number: string | null
  total_cents: number
  entries: number
  posted_at: number
}

export interface SummaryTables {
  quickbooks_summary_entries: QuickBooksSummaryEntryTable
  quickbooks_summary_days: QuickBooksSummaryDayTable
}

/** What one order adds to a day, in cents (negative for a cancellation). */
export interface SummaryContent {
  /** One per order item; `sku` null or blank books on the placeholder item. */
  items: { sku: string | null; name: string | null; quantity: number; cents: number }[]
  shippingCents: number
  taxCents: number
  discountCents: number
}

export interface SummaryEntry {
  eventId: string
  orderKey: string
  kind: 'sale' | 'cancel'
  storeKey: string
  storeName: string | null
  day: string
  section: string
  content: SummaryContent
  totalCents: number
  createdAt: number
}

export interface PostedDay {
  storeKey: string
  day: string
  docType: 'SalesReceipt' | 'Invoice' | null
  docId: string | null
  docNumber: string | null
  totalCents: number
  entries: number
}

export class SummaryStore {
  readonly #db: Kysely<QuickBooksTables>

  constructor(
    db: Kysely<Database>,
    private readonly destinationId: string,
    private readonly now: () => number = Date.now,
  ) {
    this.#db = quickBooksDb(db)
  }

  async entries(eventIds: readonly string[]): Promise<Map<string, SummaryEntry>> {
    const found = new Map<string, SummaryEntry>()
    for (const ids of chunks(eventIds)) {
      const rows = await this.#entries().where('event_id', 'in', ids).execute()
      for (const row of rows) found.set(row.event_id, fromRow(row))
    }
    return found
  }

  /** Every entry of an order, oldest first. */
  async ofOrder(orderKey: string): Promise<SummaryEntry[]> {
    const rows = await this.#entries()
      .where('order_key', '=', orderKey)
      .orderBy('created_at')
      .orderBy('event_id')
      .execute()
    return rows.map(fromRow)
  }

  async ofDay(storeKey: string, day: string): Promise<SummaryEntry[]> {
    const rows = await this.#entries()
      .where('store_key', '=', storeKey)
      .where('day', '=', day)
      .orderBy('event_id')
      .execute()
    return rows.map(fromRow)
  }

  /** Records an entry unless its event already has one; true when it was new. */
  async add(entry: Omit<SummaryEntry, 'createdAt'>): Promise<boolean> {
    const result = await this.#db
      .insertInto('quickbooks_summary_entries')
      .values({
        destination_id: this.destinationId,
        event_id: entry.eventId,
        order_key: entry.orderKey,
        kind: entry.kind,
        store_key: entry.storeKey,
        store_name: entry.storeName,
        day: entry.day,
        section: entry.section,
        content: JSON.stringify(entry.content),
        total_cents: entry.totalCents,
        created_at: this.now(),
      })
      .onConflict((oc) => oc.columns(['destination_id', 'event_id']).doNothing())
      .executeTakeFirst()
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
  }

  /** Moves entries to another (open) day: cancellations carried past a day they would make negative. */
  async move(eventIds: readonly string[], day: string): Promise<void> {
    for (const ids of chunks(eventIds)) {
      await this.#db
        .updateTable('quickbooks_summary_entries')
        .set({ day })
        .where('destination_id', '=', this.destinationId)
        .where('event_id', 'in', ids)
        .execute()
    }
  }

  async posted(storeKey: string, day: string): Promise<PostedDay | undefined> {
    const row = await this.#db
      .selectFrom('quickbooks_summary_days')
      .selectAll()
      .where('destination_id', '=', this.destinationId)
      .where('store_key', '=', storeKey)
      .where('day', '=', day)
      .executeTakeFirst()
    return (
      row && {
        storeKey: row.store_key,
        day: row.day,
        docType: row.doc_type as PostedDay['docType'],
        docId: row.doc_id,
        docNumber: row.doc_number,
        totalCents: Number(row.total_cents),
        entries: Number(row.entries),
      }
    )
  }

  async markPosted(day: PostedDay): Promise<void> {
    await this.#db
      .insertInto('quickbooks_summary_days')
      .values({
        destination_id: this.destinationId,
        store_key: day.storeKey,
        day: day.day,
        doc_type: day.docType,
        doc_id: day.docId,
        doc_number: day.docNumber,
        total_cents: day.totalCents,
        entries: day.entries,
        posted_at: this.now(),
      })
      .onConflict((oc) => oc.columns(['destination_id', 'store_key', 'day']).doNothing())
      .execute()
  }

  #entries() {
    return this.#db
      .selectFrom('quickbooks_summary_entries')
      .selectAll()
      .where('destination_id', '=', this.destinationId)
  }
}

function fromRow(row: QuickBooksSummaryEntryTable): SummaryEntry {
  return {
    eventId: row.event_id,
    orderKey: row.order_key,
    kind: row.kind as SummaryEntry['kind'],
    storeKey: row.store_key,
    storeName: row.store_name,
    day: row.day,
    section: row.section,
    content: JSON.parse(row.content) as SummaryContent,
    totalCents: Number(row.total_cents),
    createdAt: Number(row.created_at),
  }
}
