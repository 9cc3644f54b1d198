/**
 * The event log and per-destination delivery state. Events are appended in the same transaction as
 * the snapshot change that produced them (design invariant 5); an event id that already exists is
 * ignored, which makes re-running a cycle harmless.
 */
import type { Kysely, Transaction } from 'kysely'
import type { OrderEvent } from '../events/model.js'
import type { Database } from './schema.js'
import { chunks } from './snapshots.js'

type Db = Kysely<Database> | Transaction<Database>

/** Where events go, and which ones each destination does not want (with the reason). */
export interface DeliveryRoute {
  id: string
  skipReason(event: OrderEvent): string | undefined
}

/**
 * Appends events (ignoring ids already logged) and a delivery row per route. Returns the ids that were new.
 * Events in `held` get `held` deliveries: logged, but not sent until resolveHeldCancellations decides.
 */
export async function appendEvents(
  db: Db,
  events: readonly OrderEvent[],
  routes: readonly DeliveryRoute[],
  now: number,
  held: ReadonlySet<string> = new Set(),
): Promise<string[]> {
  const added: string[] = []
  for (const part of chunks(events, 200)) {
    const inserted = await db
      .insertInto('events')
      .values(
        part.map((e) => ({
          id: e.id,
          account_id: e.accountId,
          order_id: e.order.orderId,
          order_number: e.order.orderNumber,
          store_name: e.order.storeName,
          name: e.name,
          occurred_at: e.occurredAt,
          historical: e.historical ? 1 : 0,
          created_at: now,
          payload: JSON.stringify(e),
        })),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .returning(['seq', 'id'])
      .execute()
    for (const row of inserted) added.push(row.id)
    const byId = new Map(part.map((e) => [e.id, e]))
    const deliveries = inserted.flatMap(({ seq, id }) => {
      const event = byId.get(id)!
      return routes.map((route) => {
        const reason = route.skipReason(event)
        return {
          event_id: id,
          destination_id: route.id,
          state: reason ? 'skipped' : held.has(id) ? 'held' : 'pending',
          attempts: 0,
          next_attempt_at: now,
          reason: reason ?? null,
          receipt: null,
          event_seq: Number(seq),
          updated_at: now,
        }
      })
    })
    for (const rows of chunks(deliveries, 200)) await db.insertInto('deliveries').values(rows).execute()
  }
  return added
}

/**
 * Gives a destination that was added to the config after events were logged a delivery row for each
 * of them, so nothing already in the log is silently never sent there.
 */
export async function backfillDeliveryRows(
  db: Kysely<Database>,
  route: DeliveryRoute,
  now: number,
): Promise<number> {
  let added = 0
  let after = 0
  for (;;) {
    const rows = await db
      .selectFrom('events')
      .select(['seq', 'id', 'payload'])
      .where('seq', '>', after)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('deliveries')
              .select('deliveries.event_id')
              .whereRef('deliveries.event_id', '=', 'events.id')
              .where('deliveries.destination_id', '=', route.id),
          ),
        ),
      )
      .orderBy('seq')
      .limit(500)
      .execute()
    if (rows.length === 0) return added
    const values = rows.map((row) => {
      const reason = route.skipReason(JSON.parse(row.payload) as OrderEvent)
      return {
        event_id: row.id,
        destination_id: route.id,
        state: reason ? 'skipped' : 'pending',
        attempts: 0,
        next_attempt_at: now,
        reason: reason ?? null,
        receipt: null,
        event_seq: Number(row.seq),
        updated_at: now,
      }
    })
    for (const part of chunks(values, 200)) await db.insertInto('deliveries').values(part).execute()
    added += rows.length
    after = Number(rows.at(-1)!.seq)
  }
}

/**
 * Decides held cancellations at the end of an orders pass: a cancelled order that the pass found in
 * another order's mergedIds was merged, not canceled, so its deliveries are skipped with that reason;
 * any other held cancellation is released for delivery.
 */
export async function resolveHeldCancellations(
  db: Kysely<Database>,
  accountId: string,
  now: number,
): Promise<{ merged: number; released: number }> {
  const held = await db
    .selectFrom('deliveries')
    .innerJoin('events', 'events.id', 'deliveries.event_id')
    .leftJoin('merged_orders', (join) =>
      join
        .onRef('merged_orders.account_id', '=', 'events.account_id')
        .onRef('merged_orders.order_id', '=', 'events.order_id'),
    )
    .select(['deliveries.event_id', 'deliveries.destination_id', 'merged_orders.into_order_id'])
    .where('deliveries.state', '=', 'held')
    .where('events.account_id', '=', accountId)
    .execute()
  if (held.length === 0) return { merged: 0, released: 0 }
  let merged = 0
  await db.transaction().execute(async (trx) => {
    for (const row of held) {
      const into = row.into_order_id
      if (into != null) merged++
      await trx
        .updateTable('deliveries')
        .set(
          into == null
            ? { state: 'pending', next_attempt_at: now, updated_at: now }
            : { state: 'skipped', reason: `merged into order ${into}`, updated_at: now },
        )
        .where('event_id', '=', row.event_id)
        .where('destination_id', '=', row.destination_id)
        .where('state', '=', 'held')
        .execute()
    }
  })
  return { merged, released: held.length - merged }
}
