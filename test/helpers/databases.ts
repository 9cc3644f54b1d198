/**
 * One test body, every database (the kysely way): `forEachDatabase` runs a describe block on SQLite
 * always, and on PostgreSQL when SHIPRELAY_TEST_DATABASE_URL is set (CI sets it). Each store is a
 * fresh database, dropped afterwards.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { describe } from 'vitest'
import type { DatabaseConfig } from '../../src/config/database-url.js'
import { openStore, type Store } from '../../src/store/open-database.js'

const PG_URL = process.env.SHIPRELAY_TEST_DATABASE_URL

export interface TestDatabase {
  name: 'sqlite' | 'postgres'
  /** A fresh, empty database location. */
  create(): Promise<{ config: DatabaseConfig; drop(): Promise<void> }>
}

const sqlite: TestDatabase = {
  name: 'sqlite',
  async create() {
    const dir = mkdtempSync(join(tmpdir(), 'shiprelay-test-'))
    return {
      config: { kind: 'sqlite', file: join(dir, 'test.db') },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    }
  },
}

const postgres: TestDatabase = {
  name: 'postgres',
  async create() {
    if (!PG_URL) throw new Error('SHIPRELAY_TEST_DATABASE_URL is not set')
    const name = `shiprelay_t_${randomBytes(6).toString('hex')}`
    const admin = new pg.Client({ connectionString: PG_URL })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${name}`)
    await admin.end()
    const url = new URL(PG_URL)
    url.pathname = `/${name}`
    return {
      config: { kind: 'postgres', url: url.toString() },
      drop: async () => {
        const c = new pg.Client({ connectionString: PG_URL })
        await c.connect()
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await c.end()
      },
    }
  },
}

export const DATABASES: TestDatabase[] = PG_URL ? [sqlite, postgres] : [sqlite]

if (!PG_URL) {
  console.warn('[shiprelay tests] SHIPRELAY_TEST_DATABASE_URL is not set: PostgreSQL variants are SKIPPED')
}

/** Runs `body` once per database. */
export function forEachDatabase(title: string, body: (db: TestDatabase) => void): void {
  for (const database of DATABASES) describe(`${title} [${database.name}]`, () => body(database))
  if (!PG_URL) describe.skip(`${title} [postgres] (skipped: SHIPRELAY_TEST_DATABASE_URL not set)`, () => {})
}

/** Opens a fresh store; the returned dispose closes and drops it. */
export async function freshStore(
  database: TestDatabase,
): Promise<{ store: Store; config: DatabaseConfig; dispose(): Promise<void> }> {
  const { config, drop } = await database.create()
  const store = await openStore(config)
  return {
    store,
    config,
    dispose: async () => {
      await store.close()
      await drop()
    },
  }
}
