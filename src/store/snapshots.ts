/** Order snapshots, stores, shipping records and merges: what we last saw in ShipStation. */
import type { Kysely, Transaction } from 'kysely'
import type { Database, OrderTable } from './schema.js'

type Db = Kysely<Database> | Transaction<Database>

/** SQLite caps bound parameters per statement; chunks keep any list well below it. */
const CHUNK = 400

export function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

export async function loadSnapshots(
  db: Db,
  accountId: string,
  orderIds: readonly number[],
): Promise<Map<number, OrderTable>> {
  const found = new Map<number, OrderTable>()
  for (const ids of chunks([...new Set(orderIds)])) {
    const rows = await db
      .selectFrom('orders')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('order_id', 'in', ids)
      .execute()
    for (const row of rows) found.set(row.order_id, row)
  }
  return found
}

export async function upsertSnapshots(db: Db, rows: readonly OrderTable[]): Promise<void> {
  for (const part of chunks(rows, 200)) {
    await db
      .insertInto('orders')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['account_id', 'order_id']).doUpdateSet((eb) => ({
          order_number: eb.ref('excluded.order_number'),
          store_id: eb.ref('excluded.store_id'),
          status: eb.ref('excluded.status'),
          modify_ms: eb.ref('excluded.modify_ms'),
          parent_id: eb.ref('excluded.parent_id'),
          email: eb.ref('excluded.email'),
          facts: eb.ref('excluded.facts'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute()
  }
}

export async function upsertStores(
  db: Db,
  accountId: string,
  stores: readonly { storeId: number; name: string; marketplace: string | null }[],
): Promise<void> {
  for (const part of chunks(stores, 200)) {
    await db
      .insertInto('stores')
      .values(
        part.map((s) => ({
          account_id: accountId,
          store_id: s.storeId,
          name: s.name,
          marketplace: s.marketplace,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['account_id', 'store_id']).doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          marketplace: eb.ref('excluded.marketplace'),
        })),
      )
      .execute()
  }
}

export async function loadStores(
  db: Db,
  accountId: string,
): Promise<Map<number, { name: string; marketplace: string | null }>> {
  const rows = await db.selectFrom('stores').selectAll().where('account_id', '=', accountId).execute()
  return new Map(rows.map((r) => [r.store_id, { name: r.name, marketplace: r.marketplace }]))
}

export interface ShippingRow {
  shipping_id: string
  order_id: number
  created_ms: number
  voided: number
  facts: string
}

export async function upsertShipping(db: Db, accountId: string, rows: readonly ShippingRow[]): Promise<void> {
  for (const part of chunks(rows, 200)) {
    await db
      .insertInto('shipping')
      .values(part.map((r) => ({ ...r, account_id: accountId })))
      .onConflict((oc) =>
        oc.columns(['account_id', 'shipping_id']).doUpdateSet((eb) => ({
          voided: eb.ref('excluded.voided'),
          facts: eb.ref('excluded.facts'),
        })),
      )
      .execute()
  }
}

/** The newest live (not voided) label or fulfilment per order. */
export async function latestShipping(
  db: Db,
  accountId: string,
  orderIds: readonly number[],
): Promise<Map<number, ShippingRow>> {
  const found = new Map<number, ShippingRow>()
  for (const ids of chunks([...new Set(orderIds)])) {
    const rows = await db
      .selectFrom('shipping')
      .select(['shipping_id', 'order_id', 'created_ms', 'voided', 'facts'])
      .where('account_id', '=', accountId)
      .where('order_id', 'in', ids)
      .where('voided', '=', 0)
      .execute()
    for (const row of rows) {
      const seen = found.get(row.order_id)
      if (!seen || row.created_ms > seen.created_ms) found.set(row.order_id, row)
    }
  }
  return found
}

export async function recordMerges(
  db: Db,
  accountId: string,
  merges: readonly { orderId: number; into: number }[],
): Promise<void> {
  for (const part of chunks(merges, 200)) {
    await db
      .insertInto('merged_orders')
      .values(part.map((m) => ({ account_id: accountId, order_id: m.orderId, into_order_id: m.into })))
      .onConflict((oc) =>
        oc
          .columns(['account_id', 'order_id'])
          .doUpdateSet((eb) => ({ into_order_id: eb.ref('excluded.into_order_id') })),
      )
      .execute()
  }
}

export async function loadMerges(
  db: Db,
  accountId: string,
  orderIds: readonly number[],
): Promise<Map<number, number>> {
  const found = new Map<number, number>()
  for (const ids of chunks([...new Set(orderIds)])) {
    const rows = await db
      .selectFrom('merged_orders')
      .select(['order_id', 'into_order_id'])
      .where('account_id', '=', accountId)
      .where('order_id', 'in', ids)
      .execute()
    for (const row of rows) found.set(row.order_id, row.into_order_id)
  }
  return found
}
