/**
 * Opens the store: SQLite (one file, embedded default) or PostgreSQL, behind the same Kysely API.
 */
import SQLite from 'better-sqlite3'
import { type Driver, Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import type { DatabaseConfig } from '../config/database-url.js'
import { migrate } from './migrations.js'
import type { Database } from './schema.js'

export interface Store {
  db: Kysely<Database>
  dialect: 'sqlite' | 'postgres'
  close(): Promise<void>
}

const INT8_OID = 20

/**
 * SQLite ends a transaction by itself on some errors (a full disk, an I/O error); Kysely's ROLLBACK then
 * fails with "no transaction is active", and that error would replace the one that says what happened
 * ("database or disk is full"). Rolling back only a transaction that is still open keeps the real error.
 */
class SqliteDialectKeepingErrors extends SqliteDialect {
  readonly #sqlite: SQLite.Database

  constructor(sqlite: SQLite.Database) {
    super({ database: sqlite })
    this.#sqlite = sqlite
  }

  override createDriver(): Driver {
    const driver = super.createDriver()
    const rollback = driver.rollbackTransaction.bind(driver)
    driver.rollbackTransaction = async (connection) => {
      if (this.#sqlite.inTransaction) await rollback(connection)
    }
    return driver
  }
}

export async function openStore(location: DatabaseConfig): Promise<Store> {
  if (location.kind === 'sqlite') {
    const sqlite = new SQLite(location.file)
    // WAL lets readers (status, dashboard) work while the sync writes; NORMAL sync is durable against
    // process crashes, which is what the exactly-once promise needs; busy_timeout rides out a second
    // process (e.g. `shiprelay status`) holding the lock briefly.
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('synchronous = NORMAL')
    sqlite.pragma('busy_timeout = 5000')
    sqlite.pragma('foreign_keys = ON')
    const db = new Kysely<Database>({ dialect: new SqliteDialectKeepingErrors(sqlite) })
    await migrate(db as Kysely<unknown>, 'sqlite')
    return { db, dialect: 'sqlite', close: () => db.destroy() }
  }
  const pool = new pg.Pool({
    connectionString: location.url,
    max: 10,
    // BIGINT columns hold epoch milliseconds, well inside Number's exact range.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  })
  // A connection dropped by the server (restart, failover, pg_terminate_backend, a proxy's idle timeout)
  // is reported as an 'error' event: on the pool when the connection was idle, on the client when it was
  // checked out between two queries. Unheard, either crashes the process. The query that needed the
  // connection fails (and its cycle or delivery is retried); the pool drops the connection and the next
  // query opens a new one.
  pool.on('error', () => undefined)
  pool.on('connect', (client) => client.on('error', () => undefined))
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  await migrate(db as Kysely<unknown>, 'postgres')
  return { db, dialect: 'postgres', close: () => db.destroy() }
}
