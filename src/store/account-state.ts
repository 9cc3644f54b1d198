import type { Kysely } from 'kysely'
import type { AccountStateTable, Database } from './schema.js'

export type AccountState = AccountStateTable
export type Phase = 'backfill' | 'live'

/** The account's state row, created on first use with the backfill starting `backfillDays` ago. */
export async function loadAccountState(
  db: Kysely<Database>,
  accountId: string,
  backfillFrom: number,
  now: number,
): Promise<AccountState> {
  await db
    .insertInto('account_state')
    .values({
      account_id: accountId,
      phase: 'backfill',
      backfill_from: backfillFrom,
      orders_cursor: null,
      shipments_cursor: null,
      fulfillments_cursor: null,
      stores_refreshed_at: null,
      last_sync_at: null,
      last_sync_error: null,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('account_id').doNothing())
    .execute()
  return db
    .selectFrom('account_state')
    .selectAll()
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow()
}

export async function updateAccountState(
  db: Kysely<Database>,
  accountId: string,
  changes: Partial<Omit<AccountState, 'account_id'>>,
): Promise<void> {
  await db.updateTable('account_state').set(changes).where('account_id', '=', accountId).execute()
}

export function listAccountStates(db: Kysely<Database>): Promise<AccountState[]> {
  return db.selectFrom('account_state').selectAll().orderBy('account_id').execute()
}
