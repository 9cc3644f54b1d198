/**
 * Read-only queries behind the QuickBooks parts of `status`, `quickbooks documents` and `reconcile`.
 * Only the columns every version of the QuickBooks tables has are read, and document types and states
 * are passed through as stored (SalesReceipt, Invoice, … ; booked, voided, …), so a new kind of
 * document or state shows up instead of breaking these views.
 */
import type { Kysely } from 'kysely'
import { quickBooksDb } from './quickbooks-tables.js'
import type { Database } from './schema.js'

export type QuickBooksConnection =
  | { state: 'connected' }
  | { state: 'reconnect needed'; reason: string }
  | { state: 'not connected' }

export interface DocumentCount {
  docType: string
  state: string
  count: number
}

export interface DocumentRow {
  destinationId: string
  /** `<accountId>:<root order number>` (a split part's root is its parent's number). */
  orderKey: string
  /** The ShipStation order (part) that created the document. */
  orderId: number
  docType: string
  docId: string
  docNumber: string | null
  totalCents: number
  state: string
  updatedAt: number
}

/** Where a realm's connection stands; the sealed tokens are never read. */
export async function quickBooksConnection(
  db: Kysely<Database>,
  realmId: string,
): Promise<QuickBooksConnection> {
  const row = await quickBooksDb(db)
    .selectFrom('quickbooks_tokens')
    .select('reconnect_reason')
    .where('realm_id', '=', realmId)
    .executeTakeFirst()
  if (!row) return { state: 'not connected' }
  if (row.reconnect_reason === null) return { state: 'connected' }
  // Stored reasons already start with "reconnect needed: "; kept once.
  return { state: 'reconnect needed', reason: row.reconnect_reason.replace(/^reconnect needed:\s*/, '') }
}

export async function documentCounts(db: Kysely<Database>, destinationId: string): Promise<DocumentCount[]> {
  const rows = await quickBooksDb(db)
    .selectFrom('quickbooks_documents')
    .select(['doc_type', 'state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('destination_id', '=', destinationId)
    .groupBy(['doc_type', 'state'])
    .execute()
  // Daily summaries (mode: summary) live in their own table: one document per store and day.
  const summaries = await quickBooksDb(db)
    .selectFrom('quickbooks_summary_days')
    .select(['doc_type', (eb) => eb.fn.countAll<number>().as('n')])
    .where('destination_id', '=', destinationId)
    .where('doc_type', 'is not', null)
    .groupBy('doc_type')
    .execute()
  return [
    ...rows.map((r) => ({ docType: r.doc_type, state: r.state, count: Number(r.n) })),
    ...summaries.map((r) => ({ docType: r.doc_type ?? '', state: 'daily summary', count: Number(r.n) })),
  ].sort((a, b) => a.docType.localeCompare(b.docType) || a.state.localeCompare(b.state))
}

export interface DocumentQuery {
  destinationIds: readonly string[]
  /** Only these order keys, or documents created by these order ids (either matches). */
  orderKeys?: readonly string[]
  orderIds?: readonly number[]
  state?: string
  limit?: number
}

/** Newest first. */
export async function listDocuments(db: Kysely<Database>, query: DocumentQuery): Promise<DocumentRow[]> {
  if (query.destinationIds.length === 0) return []
  const keys = query.orderKeys ?? []
  const ids = query.orderIds ?? []
  const byOrder = query.orderKeys !== undefined || query.orderIds !== undefined
  if (byOrder && keys.length === 0 && ids.length === 0) return []
  const rows: DocumentRow[] = []
  // Long key lists (a year of orders) go in slices that stay under every driver's parameter limit.
  const slices = byOrder ? zipSlices(keys, ids, 500) : [{ keys: [], ids: [] }]
  for (const slice of slices) {
    let q = quickBooksDb(db)
      .selectFrom('quickbooks_documents')
      .select([
        'destination_id',
        'order_key',
        'order_id',
        'doc_type',
        'doc_id',
        'doc_number',
        'total_cents',
        'state',
        'updated_at',
      ])
      .where('destination_id', 'in', [...query.destinationIds])
      .orderBy('updated_at', 'desc')
    if (byOrder) {
      q = q.where((eb) =>
        eb.or([
          ...(slice.keys.length > 0 ? [eb('order_key', 'in', slice.keys)] : []),
          ...(slice.ids.length > 0 ? [eb('order_id', 'in', slice.ids)] : []),
        ]),
      )
    }
    if (query.state) q = q.where('state', '=', query.state)
    if (query.limit !== undefined) q = q.limit(query.limit)
    for (const r of await q.execute()) {
      rows.push({
        destinationId: r.destination_id,
        orderKey: r.order_key,
        orderId: Number(r.order_id),
        docType: r.doc_type,
        docId: r.doc_id,
        docNumber: r.doc_number,
        totalCents: Number(r.total_cents),
        state: r.state,
        updatedAt: Number(r.updated_at),
      })
    }
  }
  const unique = new Map(rows.map((r) => [`${r.destinationId}\n${r.orderKey}`, r]))
  return [...unique.values()].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, query.limit)
}

function zipSlices(
  keys: readonly string[],
  ids: readonly number[],
  size: number,
): { keys: string[]; ids: number[] }[] {
  const slices: { keys: string[]; ids: number[] }[] = []
  for (let i = 0; i < Math.max(keys.length, ids.length); i += size)
    slices.push({ keys: keys.slice(i, i + size), ids: ids.slice(i, i + size) })
  return slices
}

export interface OrderRef {
  accountId: string
  orderId: number
  orderNumber: string
  /** The parent's order number for a split part, else the order's own. */
  rootNumber: string
}

/** The orders shiprelay has seen with this number (one per account, usually), with their split root. */
export async function ordersByNumber(db: Kysely<Database>, orderNumber: string): Promise<OrderRef[]> {
  const rows = await db
    .selectFrom('orders as o')
    .leftJoin('orders as p', (join) =>
      join.onRef('p.account_id', '=', 'o.account_id').onRef('p.order_id', '=', 'o.parent_id'),
    )
    .select(['o.account_id', 'o.order_id', 'o.order_number', 'p.order_number as parent_number'])
    .where('o.order_number', '=', orderNumber)
    .execute()
  return rows.map((r) => ({
    accountId: r.account_id,
    orderId: Number(r.order_id),
    orderNumber: r.order_number,
    rootNumber: r.parent_number ?? r.order_number,
  }))
}

/** Split roots of many orders of one account (orders shiprelay has not seen are left out). */
export async function rootNumbers(
  db: Kysely<Database>,
  accountId: string,
  orderIds: readonly number[],
): Promise<Map<number, string>> {
  const roots = new Map<number, string>()
  for (let i = 0; i < orderIds.length; i += 500) {
    const rows = await db
      .selectFrom('orders as o')
      .leftJoin('orders as p', (join) =>
        join.onRef('p.account_id', '=', 'o.account_id').onRef('p.order_id', '=', 'o.parent_id'),
      )
      .select(['o.order_id', 'o.order_number', 'p.order_number as parent_number'])
      .where('o.account_id', '=', accountId)
      .where('o.order_id', 'in', orderIds.slice(i, i + 500))
      .execute()
    for (const r of rows) roots.set(Number(r.order_id), r.parent_number ?? r.order_number)
  }
  return roots
}

export interface BookingDelivery {
  orderId: number
  state: string
  reason: string | null
  receipt: string | null
}

/**
 * The delivery to `destinationId` of each order's latest `bookOn` event: what the destination did
 * when it should have booked the order.
 */
export async function bookingDeliveries(
  db: Kysely<Database>,
  accountId: string,
  destinationId: string,
  bookOn: string,
  orderIds: readonly number[],
): Promise<Map<number, BookingDelivery | null>> {
  const found = new Map<number, { seq: number; delivery: BookingDelivery | null }>()
  for (let i = 0; i < orderIds.length; i += 500) {
    const rows = await db
      .selectFrom('events')
      .leftJoin('deliveries', (join) =>
        join
          .onRef('deliveries.event_id', '=', 'events.id')
          .on('deliveries.destination_id', '=', destinationId),
      )
      .select([
        'events.seq',
        'events.order_id',
        'deliveries.state',
        'deliveries.reason',
        'deliveries.receipt',
      ])
      .where('events.account_id', '=', accountId)
      .where('events.name', '=', bookOn)
      .where('events.order_id', 'in', orderIds.slice(i, i + 500))
      .execute()
    for (const r of rows) {
      const orderId = Number(r.order_id)
      const seq = Number(r.seq)
      if ((found.get(orderId)?.seq ?? -1) > seq) continue
      found.set(orderId, {
        seq,
        delivery:
          r.state === null
            ? null
            : { orderId, state: r.state, reason: r.reason ?? null, receipt: r.receipt ?? null },
      })
    }
  }
  return new Map([...found].map(([id, f]) => [id, f.delivery]))
}
