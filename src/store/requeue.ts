/**
 * Puts dead deliveries back in the queue (`shiprelay retry`), once a person fixed what the destination
 * refused (an item mapped in QuickBooks, a subscription renewed). Only `dead` rows move, and only to
 * `pending`: a delivered, skipped, held or pending row is never touched, so exactly once rests on what it
 * always rested on, the destination's own de-duplication of a re-sent event.
 */
import type { Kysely } from 'kysely'
import type { Database } from './schema.js'
import { chunks } from './snapshots.js'

export interface RequeueFilter {
  destinationId: string
  accountId?: string
  orderNumber?: string
  /** A piece of the dead reason, matched as typed (case too), the same on SQLite and PostgreSQL. */
  reason?: string
  eventId?: string
}

export interface RequeueResult {
  /** Deliveries moved from dead to pending (with `dryRun`: that would move). */
  count: number
  /** Their order numbers, each once, oldest event first. */
  orders: string[]
}

/** What a requeued delivery shows in `status` and `events` until its next attempt settles it. */
export function requeuedReason(deadReason: string | null): string {
  return deadReason ? `retry requested (was: ${deadReason})` : 'retry requested'
}

/**
 * Moves the matching dead deliveries to pending, due at `now`, attempts back to 0 (the backoff starts
 * afresh). A running `shiprelay run` finds them on its next look for due deliveries.
 */
export async function requeueDeadDeliveries(
  db: Kysely<Database>,
  filter: RequeueFilter,
  now: number,
  options: { dryRun?: boolean } = {},
): Promise<RequeueResult> {
  return db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('deliveries')
      .innerJoin('events', 'events.id', 'deliveries.event_id')
      .select(['deliveries.event_id', 'deliveries.reason', 'events.order_number'])
      .where('deliveries.destination_id', '=', filter.destinationId)
      .where('deliveries.state', '=', 'dead')
      .orderBy('deliveries.event_seq')
    if (filter.accountId !== undefined) query = query.where('events.account_id', '=', filter.accountId)
    if (filter.orderNumber !== undefined) query = query.where('events.order_number', '=', filter.orderNumber)
    if (filter.eventId !== undefined) query = query.where('events.id', '=', filter.eventId)
    // LIKE differs (case, escapes) between SQLite and PostgreSQL; the dead rows are few, so filter here.
    const piece = filter.reason
    const rows = (await query.execute()).filter((r) => piece === undefined || r.reason?.includes(piece))
    const orders = [...new Set(rows.map((r) => r.order_number))]
    if (options.dryRun) return { count: rows.length, orders }

    const byReason = new Map<string | null, string[]>()
    for (const row of rows) {
      const ids = byReason.get(row.reason)
      if (ids) ids.push(row.event_id)
      else byReason.set(row.reason, [row.event_id])
    }
    let count = 0
    for (const [reason, eventIds] of byReason) {
      for (const ids of chunks(eventIds)) {
        const result = await trx
          .updateTable('deliveries')
          .set({
            state: 'pending',
            attempts: 0,
            next_attempt_at: now,
            reason: requeuedReason(reason),
            receipt: null,
            updated_at: now,
          })
          .where('destination_id', '=', filter.destinationId)
          .where('event_id', 'in', ids)
          // Settled differently in the meantime (another retry): left as it is.
          .where('state', '=', 'dead')
          .executeTakeFirst()
        count += Number(result.numUpdatedRows)
      }
    }
    return { count, orders }
  })
}
