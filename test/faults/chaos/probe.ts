/**
 * Reads shiprelay's store from outside while a `shiprelay run` child writes it: when sync cycles
 * complete, whether the backfill is over, new events, delivery states and cursors. A plain driver
 * connection, read only (never Kysely's openStore, which would migrate).
 */
import SQLite from 'better-sqlite3'
import pg from 'pg'
import type { DatabaseConfig } from '../../../src/config/database-url.js'

export interface StoreReading {
  phase: string | null
  lastSyncAt: number | null
  ordersCursor: number | null
  shipmentsCursor: number | null
  fulfillmentsCursor: number | null
  /** Highest event seq (0 when none): grows when a cycle commits new events. */
  lastEventSeq: number
  /** Delivery rows per state (pending, held, delivered, skipped, dead). */
  deliveries: Record<string, number>
  /** When the last pending delivery is due (epoch ms), null when none is pending. */
  lastDueAt: number | null
}

export interface StoreProbe {
  /** The current state; an empty reading while the schema does not exist yet. */
  read(): Promise<StoreReading>
  /** Delivery rows that are not delivered or skipped, with their reason (for reports). */
  unsettled(): Promise<{ state: string; reason: string | null; n: number }[]>
  close(): Promise<void>
}

const EMPTY: StoreReading = {
  phase: null,
  lastSyncAt: null,
  ordersCursor: null,
  shipmentsCursor: null,
  fulfillmentsCursor: null,
  lastEventSeq: 0,
  deliveries: {},
  lastDueAt: null,
}

const STATE_SQL = `SELECT phase, last_sync_at, orders_cursor, shipments_cursor, fulfillments_cursor
  FROM account_state WHERE account_id = 'main'`
const SEQ_SQL = 'SELECT COALESCE(MAX(seq), 0) AS seq FROM events'
const DELIVERIES_SQL = `SELECT state, COUNT(*) AS n, MAX(next_attempt_at) AS due FROM deliveries GROUP BY state`
const UNSETTLED_SQL = `SELECT state, reason, COUNT(*) AS n FROM deliveries
  WHERE state NOT IN ('delivered', 'skipped') GROUP BY state, reason`

interface Row {
  phase: string
  last_sync_at: number | string | null
  orders_cursor: number | string | null
  shipments_cursor: number | string | null
  fulfillments_cursor: number | string | null
}

function reading(
  state: Row | undefined,
  seq: unknown,
  rows: { state: string; n: unknown; due: unknown }[],
): StoreReading {
  const num = (v: number | string | null | undefined) => (v == null ? null : Number(v))
  return {
    phase: state?.phase ?? null,
    lastSyncAt: num(state?.last_sync_at),
    ordersCursor: num(state?.orders_cursor),
    shipmentsCursor: num(state?.shipments_cursor),
    fulfillmentsCursor: num(state?.fulfillments_cursor),
    lastEventSeq: Number(seq ?? 0),
    deliveries: Object.fromEntries(rows.map((r) => [r.state, Number(r.n)])),
    lastDueAt: num(rows.find((r) => r.state === 'pending')?.due as string | null | undefined),
  }
}

export async function openProbe(config: DatabaseConfig): Promise<StoreProbe> {
  return config.kind === 'sqlite' ? sqliteProbe(config.file) : postgresProbe(config.url)
}

function sqliteProbe(file: string): StoreProbe {
  let db: SQLite.Database | undefined
  const open = () => {
    if (!db) {
      db = new SQLite(file, { readonly: true, fileMustExist: true })
      // A read can meet the writer's checkpoint or a recovery after a kill: wait, as shiprelay does.
      db.pragma('busy_timeout = 5000')
    }
    return db
  }
  const guarded = <T>(query: (db: SQLite.Database) => T, fallback: T): T => {
    try {
      return query(open())
    } catch (error) {
      // Before the first run created the file and its tables there is nothing to read yet.
      if (/no such table|unable to open|does not exist/i.test(String(error))) return fallback
      throw error
    }
  }
  return {
    async read() {
      return guarded((d) => {
        const state = d.prepare(STATE_SQL).get() as Row | undefined
        const seq = (d.prepare(SEQ_SQL).get() as { seq: number }).seq
        const rows = d.prepare(DELIVERIES_SQL).all() as { state: string; n: number; due: number }[]
        return reading(state, seq, rows)
      }, EMPTY)
    },
    async unsettled() {
      return guarded(
        (d) => d.prepare(UNSETTLED_SQL).all() as { state: string; reason: string; n: number }[],
        [],
      )
    },
    async close() {
      db?.close()
    },
  }
}

async function postgresProbe(url: string): Promise<StoreProbe> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const guarded = async <T>(query: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await query()
    } catch (error) {
      if ((error as { code?: string }).code === '42P01') return fallback // undefined_table
      throw error
    }
  }
  return {
    read: () =>
      guarded(async () => {
        const state = (await client.query<Row>(STATE_SQL)).rows[0]
        const seq = (await client.query<{ seq: string }>(SEQ_SQL)).rows[0]?.seq
        const rows = (await client.query<{ state: string; n: string; due: string }>(DELIVERIES_SQL)).rows
        return reading(state, seq, rows)
      }, EMPTY),
    unsettled: () =>
      guarded(async () => {
        const rows = (await client.query<{ state: string; reason: string; n: string }>(UNSETTLED_SQL)).rows
        return rows.map((r) => ({ ...r, n: Number(r.n) }))
      }, []),
    close: () => client.end(),
  }
}
