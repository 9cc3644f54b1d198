/** Read-only queries behind `shiprelay status` and `shiprelay events`. */
import type { Kysely } from 'kysely'
import type { OrderEvent } from '../events/model.js'
import type { Database } from './schema.js'

export interface AccountStatus {
  accountId: string
  phase: string
  ordersCursor: number | null
  lastSyncAt: number | null
  lastSyncError: string | null
  ordersSeen: number
  events: number
}

export interface DestinationStatus {
  destinationId: string
  pending: number
  delivered: number
  skipped: { reason: string; count: number }[]
  /** Per reason; with `deadOrders`, the newest order numbers (up to 10) so a person can look them up. */
  dead: { reason: string; count: number; orders?: string[] }[]
  /** The newest reason a pending delivery is waiting (e.g. "HTTP 503"), if any. */
  lastRetryReason: string | null
}

export async function accountStatus(db: Kysely<Database>): Promise<AccountStatus[]> {
  const states = await db.selectFrom('account_state').selectAll().orderBy('account_id').execute()
  const orders = await db
    .selectFrom('orders')
    .select(['account_id', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('account_id')
    .execute()
  const events = await db
    .selectFrom('events')
    .select(['account_id', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('account_id')
    .execute()
  const count = (rows: { account_id: string; n: number | string | bigint }[], id: string) =>
    Number(rows.find((r) => r.account_id === id)?.n ?? 0)
  return states.map((s) => ({
    accountId: s.account_id,
    phase: s.phase,
    ordersCursor: s.orders_cursor,
    lastSyncAt: s.last_sync_at,
    lastSyncError: s.last_sync_error,
    ordersSeen: count(orders, s.account_id),
    events: count(events, s.account_id),
  }))
}

export async function destinationStatus(
  db: Kysely<Database>,
  destinationIds: readonly string[],
  /** Also read which orders are dead (for people; the metrics scrape does without). */
  options: { deadOrders?: boolean } = {},
): Promise<DestinationStatus[]> {
  const rows = await db
    .selectFrom('deliveries')
    .select(['destination_id', 'state', 'reason', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy(['destination_id', 'state', 'reason'])
    .execute()
  const ids = [...new Set([...destinationIds, ...rows.map((r) => r.destination_id)])]
  const deadOrders = !options.deadOrders
    ? []
    : await db
        .selectFrom('deliveries')
        .innerJoin('events', 'events.id', 'deliveries.event_id')
        .select(['deliveries.destination_id', 'deliveries.reason', 'events.order_number'])
        .where('deliveries.state', '=', 'dead')
        .orderBy('deliveries.updated_at', 'desc')
        .limit(1000)
        .execute()
  const ordersOf = (id: string, reason: string) => [
    ...new Set(
      deadOrders
        .filter((r) => r.destination_id === id && (r.reason ?? '(none)') === reason)
        .map((r) => r.order_number),
    ),
  ]
  const statuses: DestinationStatus[] = []
  for (const id of ids) {
    const mine = rows.filter((r) => r.destination_id === id)
    const total = (state: string) =>
      mine.filter((r) => r.state === state).reduce((sum, r) => sum + Number(r.n), 0)
    const reasons = (state: string) =>
      mine
        .filter((r) => r.state === state)
        .map((r) => ({ reason: r.reason ?? '(none)', count: Number(r.n) }))
        .sort((a, b) => b.count - a.count)
    const retry = await db
      .selectFrom('deliveries')
      .select('reason')
      .where('destination_id', '=', id)
      .where('state', '=', 'pending')
      .where('reason', 'is not', null)
      .orderBy('updated_at', 'desc')
      .limit(1)
      .executeTakeFirst()
    statuses.push({
      destinationId: id,
      pending: total('pending'),
      delivered: total('delivered'),
      skipped: reasons('skipped'),
      dead: options.deadOrders
        ? reasons('dead').map((r) => ({ ...r, orders: ordersOf(id, r.reason).slice(0, 10) }))
        : reasons('dead'),
      lastRetryReason: retry?.reason ?? null,
    })
  }
  return statuses
}

export interface EventQuery {
  accountId?: string
  orderNumber?: string
  name?: string
  destinationId?: string
  state?: string
  limit: number
}

export interface EventRow {
  seq: number
  event: OrderEvent
  deliveries: { destinationId: string; state: string; reason: string | null; attempts: number }[]
}

/** Newest first. */
export async function recentEvents(db: Kysely<Database>, query: EventQuery): Promise<EventRow[]> {
  let q = db.selectFrom('events').select(['seq', 'id', 'payload']).orderBy('seq', 'desc').limit(query.limit)
  if (query.accountId) q = q.where('account_id', '=', query.accountId)
  if (query.orderNumber) q = q.where('order_number', '=', query.orderNumber)
  if (query.name) q = q.where('name', '=', query.name)
  if (query.destinationId || query.state) {
    q = q.where(({ exists, selectFrom }) => {
      let sub = selectFrom('deliveries')
        .select('deliveries.event_id')
        .whereRef('deliveries.event_id', '=', 'events.id')
      if (query.destinationId) sub = sub.where('deliveries.destination_id', '=', query.destinationId)
      if (query.state) sub = sub.where('deliveries.state', '=', query.state)
      return exists(sub)
    })
  }
  const events = await q.execute()
  if (events.length === 0) return []
  const deliveries = await db
    .selectFrom('deliveries')
    .select(['event_id', 'destination_id', 'state', 'reason', 'attempts'])
    .where(
      'event_id',
      'in',
      events.map((e) => e.id),
    )
    .execute()
  return events.map((e) => ({
    seq: Number(e.seq),
    event: JSON.parse(e.payload) as OrderEvent,
    deliveries: deliveries
      .filter((d) => d.event_id === e.id)
      .map((d) => ({
        destinationId: d.destination_id,
        state: d.state,
        reason: d.reason,
        attempts: d.attempts,
      })),
  }))
}
