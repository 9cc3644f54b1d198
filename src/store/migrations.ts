/**
 * Schema migrations, written with Kysely's schema builder so one definition serves SQLite and
 * PostgreSQL. Kept in code (not .sql files) so the package never reads files at run time.
 * Append new migrations; never edit a released one.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely'

type Dialect = 'sqlite' | 'postgres'

function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_init': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('account_state')
          .addColumn('account_id', 'text', (c) => c.primaryKey())
          .addColumn('phase', 'text', (c) => c.notNull())
          .addColumn('backfill_from', 'bigint', (c) => c.notNull())
          .addColumn('orders_cursor', 'bigint')
          .addColumn('shipments_cursor', 'bigint')
          .addColumn('fulfillments_cursor', 'bigint')
          .addColumn('stores_refreshed_at', 'bigint')
          .addColumn('last_sync_at', 'bigint')
          .addColumn('last_sync_error', 'text')
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('stores')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('store_id', 'bigint', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('marketplace', 'text')
          .addPrimaryKeyConstraint('stores_pk', ['account_id', 'store_id'])
          .execute()
        await db.schema
          .createTable('orders')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('order_id', 'bigint', (c) => c.notNull())
          .addColumn('order_number', 'text', (c) => c.notNull())
          .addColumn('store_id', 'bigint')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('modify_ms', 'bigint', (c) => c.notNull())
          .addColumn('parent_id', 'bigint')
          .addColumn('email', 'text')
          .addColumn('facts', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('orders_pk', ['account_id', 'order_id'])
          .execute()
        await db.schema
          .createTable('shipping')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('shipping_id', 'text', (c) => c.notNull())
          .addColumn('order_id', 'bigint', (c) => c.notNull())
          .addColumn('created_ms', 'bigint', (c) => c.notNull())
          .addColumn('voided', 'integer', (c) => c.notNull())
          .addColumn('facts', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('shipping_pk', ['account_id', 'shipping_id'])
          .execute()
        await db.schema
          .createIndex('shipping_by_order')
          .on('shipping')
          .columns(['account_id', 'order_id'])
          .execute()
        await db.schema
          .createTable('merged_orders')
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('order_id', 'bigint', (c) => c.notNull())
          .addColumn('into_order_id', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('merged_orders_pk', ['account_id', 'order_id'])
          .execute()
        await db.schema
          .createTable('events')
          .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('account_id', 'text', (c) => c.notNull())
          .addColumn('order_id', 'bigint', (c) => c.notNull())
          .addColumn('order_number', 'text', (c) => c.notNull())
          .addColumn('store_name', 'text')
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('occurred_at', 'bigint', (c) => c.notNull())
          .addColumn('historical', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex('events_by_account_order')
          .on('events')
          .columns(['account_id', 'order_id'])
          .execute()
        await db.schema
          .createTable('deliveries')
          .addColumn('event_id', 'text', (c) => c.notNull())
          .addColumn('destination_id', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
          .addColumn('reason', 'text')
          .addColumn('receipt', 'text')
          .addColumn('event_seq', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('deliveries_pk', ['event_id', 'destination_id'])
          .execute()
        await db.schema
          .createIndex('deliveries_due')
          .on('deliveries')
          .columns(['destination_id', 'state', 'next_attempt_at', 'event_seq'])
          .execute()
      },
    },
    '0002_quickbooks': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('quickbooks_tokens')
          .addColumn('realm_id', 'text', (c) => c.primaryKey())
          .addColumn('sealed', 'text', (c) => c.notNull())
          .addColumn('reconnect_reason', 'text')
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('quickbooks_documents')
          .addColumn('destination_id', 'text', (c) => c.notNull())
          .addColumn('order_key', 'text', (c) => c.notNull())
          .addColumn('order_id', 'bigint', (c) => c.notNull())
          .addColumn('doc_type', 'text', (c) => c.notNull())
          .addColumn('doc_id', 'text', (c) => c.notNull())
          .addColumn('sync_token', 'text', (c) => c.notNull())
          .addColumn('doc_number', 'text')
          .addColumn('total_cents', 'bigint', (c) => c.notNull())
          .addColumn('payment_id', 'text')
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('quickbooks_documents_pk', ['destination_id', 'order_key'])
          .execute()
      },
    },
    '0003_quickbooks_summary': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('quickbooks_summary_entries')
          .addColumn('destination_id', 'text', (c) => c.notNull())
          .addColumn('event_id', 'text', (c) => c.notNull())
          .addColumn('order_key', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('store_key', 'text', (c) => c.notNull())
          .addColumn('store_name', 'text')
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('section', 'text', (c) => c.notNull())
          .addColumn('content', 'text', (c) => c.notNull())
          .addColumn('total_cents', 'bigint', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('quickbooks_summary_entries_pk', ['destination_id', 'event_id'])
          .execute()
        await db.schema
          .createIndex('quickbooks_summary_entries_by_day')
          .on('quickbooks_summary_entries')
          .columns(['destination_id', 'store_key', 'day'])
          .execute()
        await db.schema
          .createIndex('quickbooks_summary_entries_by_order')
          .on('quickbooks_summary_entries')
          .columns(['destination_id', 'order_key'])
          .execute()
        await db.schema
          .createTable('quickbooks_summary_days')
          .addColumn('destination_id', 'text', (c) => c.notNull())
          .addColumn('store_key', 'text', (c) => c.notNull())
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('doc_type', 'text')
          .addColumn('doc_id', 'text')
          .addColumn('doc_number', 'text')
          .addColumn('total_cents', 'bigint', (c) => c.notNull())
          .addColumn('entries', 'integer', (c) => c.notNull())
          .addColumn('posted_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('quickbooks_summary_days_pk', ['destination_id', 'store_key', 'day'])
          .execute()
      },
    },
    '0004_quickbooks_parts': {
      async up(db: Kysely<unknown>) {
        // Split parts merged into one document, the shipping last written on it, and a credit's id.
        for (const column of ['parts', 'shipping', 'credit_id']) {
          await db.schema.alterTable('quickbooks_documents').addColumn(column, 'text').execute()
        }
        // Bumped when QuickBooks answered an event's write with a fault: its next try needs new requestids.
        await db.schema
          .createTable('quickbooks_request_generations')
          .addColumn('destination_id', 'text', (c) => c.notNull())
          .addColumn('event_id', 'text', (c) => c.notNull())
          .addColumn('generation', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('quickbooks_request_generations_pk', ['destination_id', 'event_id'])
          .execute()
      },
    },
  }
}

class InlineProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.dialect)
  }
}

/** Brings the schema up to date; safe to call on every start and from several processes. */
export async function migrate(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const migrator = new Migrator({ db, provider: new InlineProvider(dialect) })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error || failed) {
    const cause = error instanceof Error ? error : new Error(String(error))
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${cause.message}`, { cause })
  }
}
