/**
 * QuickBooks for a newcomer: `shiprelay demo --quickbooks` connects to the QuickBooks simulator by
 * itself (no SHIPRELAY_SECRET_KEY set: a throwaway key, announced) and books the demo world; and
 * examples/quickbooks.yaml, the documented config for `shiprelay run` against the simulators, is valid
 * and points where the simulators listen by default.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { loadConfig } from '../../src/config/load.js'
import { DEFAULT_CLIENT, DEFAULT_REALM_ID, PATHS } from '../../src/simulators/quickbooks/index.js'
import { openStore } from '../../src/store/open-database.js'
import { quickBooksDb } from '../../src/store/quickbooks-tables.js'
import { runCli } from '../helpers/cli.js'

const EXAMPLE = 'examples/quickbooks.yaml'

/** Every key name used anywhere in `value`. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf)
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)])
}

describe('QuickBooks against the simulators', () => {
  it('examples/quickbooks.yaml is valid and points at the simulators as `shiprelay sim` starts them', () => {
    const config = loadConfig(EXAMPLE, {})
    const books = config.destinations[0]
    expect(books?.type).toBe('quickbooks')
    if (books?.type !== 'quickbooks') return
    const sim = 'http://127.0.0.1:4030'
    expect(books).toMatchObject({
      realmId: DEFAULT_REALM_ID,
      ...DEFAULT_CLIENT,
      sendHistory: true,
      endpoints: {
        api: sim,
        authorize: `${sim}${PATHS.authorize}`,
        bearer: `${sim}${PATHS.token}`,
        revoke: `${sim}${PATHS.revoke}`,
      },
    })
    expect(config.accounts[0]?.shipstation).toMatchObject({
      baseUrl: 'http://127.0.0.1:4010',
      apiKey: 'ShipStation',
      apiSecret: 'Rocks',
    })
    const docs = readFileSync('docs/configuration.md', 'utf8')
    const keys = new Set(keysOf(parse(readFileSync(EXAMPLE, 'utf8'))))
    expect([...keys].filter((key) => !docs.includes(`\`${key}\``))).toEqual([])
  })

  it('demo --quickbooks connects by itself and books the demo world', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'shiprelay-demo-qbo-')), 'demo')
    const ports = ['--shipstation-port', '0', '--klaviyo-port', '0', '--quickbooks-port', '0']
    const demo = await runCli(
      ['demo', '--quickbooks', '--dir', dir, '--orders', '30', ...ports, '--duration', '10s'],
      { SHIPRELAY_SECRET_KEY: '' },
    )
    expect(demo.stderr).toBe('')
    expect(demo.code).toBe(0)
    expect(demo.stdout).toMatch(/SHIPRELAY_SECRET_KEY {3}not set, so a throwaway key/)
    const booked = [...demo.stdout.matchAll(/QuickBooks has (\d+) documents/g)].map((m) => Number(m[1]))
    expect(booked.at(-1)).toBeGreaterThan(10)

    // The demo's database: the connection stored by the OAuth flow, one row per document booked.
    const store = await openStore({ kind: 'sqlite', file: join(dir, 'shiprelay.db') })
    try {
      const db = quickBooksDb(store.db)
      const tokens = await db.selectFrom('quickbooks_tokens').selectAll().execute()
      expect(tokens.map((t) => [t.realm_id, t.reconnect_reason])).toEqual([[DEFAULT_REALM_ID, null]])
      const documents = await db.selectFrom('quickbooks_documents').select('doc_id').execute()
      expect(documents.length).toBe(booked.at(-1))
    } finally {
      await store.close()
    }
  }, 120_000)
})
