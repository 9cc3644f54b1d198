/**
 * Opens the store: SQLite (one file, embedded default) or PostgreSQL, behind the same Kysely API.
 */
import SQLite from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
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
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
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
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  await migrate(db as Kysely<unknown>, 'postgres')
  return { db, dialect: 'postgres', close: () => db.destroy() }
}
