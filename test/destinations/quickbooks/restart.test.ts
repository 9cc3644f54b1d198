/**
 * Killed while booking: the real CLI (`shiprelay sync --once`) books a seeded world into the QuickBooks
 * simulator, which answers slowly so the work is spread out; it is SIGKILLed twice while documents are
 * being created (a create in flight each time), restarted each time, and the last run drains. The
 * simulator then holds exactly one document per shipped order: none twice (its duplicate-DocNumber check
 * is off, so a second create would show up as a second document), none missing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { QuickBooksSimulator } from '../../../src/simulators/quickbooks/index.js'
import { quickBooksDb } from '../../../src/store/quickbooks-tables.js'
import { type CliRun, startCli } from '../../helpers/cli.js'
import { forEachDatabase } from '../../helpers/databases.js'
import { type Pipeline, startPipeline } from '../../helpers/pipeline.js'
import { connectDatabase, REALM, simulator } from './helpers.js'
import {
  backfillFrom,
  expectBookedOnce,
  quickBooksYaml,
  salesDocuments,
  shippedRoots,
} from './through-pipeline.js'

const KEY = '5e'.repeat(32)
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** A create of a sales document that the simulator has received and not yet answered. */
const createInFlight = (qb: QuickBooksSimulator) =>
  qb
    .requests({ realmId: REALM })
    .some((r) => r.status === null && r.method === 'POST' && /\/(salesreceipt|invoice)\b/.test(r.url))

forEachDatabase('QuickBooks: SIGKILL while booking, restart', (database) => {
  let pipeline: Pipeline | undefined
  let run: CliRun | undefined
  let saved: string | undefined
  beforeEach(() => {
    saved = process.env.SHIPRELAY_SECRET_KEY
    process.env.SHIPRELAY_SECRET_KEY = KEY
  })
  afterEach(async () => {
    run?.child.kill('SIGKILL')
    await run?.done
    run = undefined
    await pipeline?.dispose()
    pipeline = undefined
    if (saved === undefined) delete process.env.SHIPRELAY_SECRET_KEY
    else process.env.SHIPRELAY_SECRET_KEY = saved
  })

  it('books every shipped order exactly once across two kills mid-batch', async () => {
    const qb = await simulator({
      realms: [{ realmId: REALM, settings: { duplicateDocNumberCheck: false } }],
      faults: { latencyMs: 100 },
    })
    const p = await startPipeline(database, {
      shipstation: { orders: 40, seed: 23 },
      destinationYaml: quickBooksYaml(qb),
    })
    pipeline = p
    await connectDatabase(p.relay.store.db, qb, Date.now())
    const file = join(mkdtempSync(join(tmpdir(), 'shiprelay-qbo-restart-')), 'shiprelay.yaml')
    writeFileSync(file, p.yaml)

    const killedAt: number[] = []
    for (const atLeast of [3, 10]) {
      run = startCli(['sync', '--once', '-c', file], p.env)
      const deadline = Date.now() + 15_000
      while (!(salesDocuments(qb).length >= atLeast && createInFlight(qb))) {
        if (Date.now() > deadline) throw new Error(`no create in flight after ${atLeast} documents`)
        await sleep(5)
      }
      run.child.kill('SIGKILL')
      expect((await run.done).signal).toBe('SIGKILL')
      run = undefined
      killedAt.push(salesDocuments(qb).length)
    }

    const expected = shippedRoots(p.ss, await backfillFrom(p))
    // Both kills landed mid-batch: some documents booked, not all.
    expect(killedAt[0]).toBeGreaterThanOrEqual(3)
    expect(killedAt[1]).toBeLessThan(expected.size)

    qb.faults.set({})
    const last = await startCli(['sync', '--once', '--wait', '20s', '-c', file], p.env).done
    expect(last.stderr).toBe('')
    expect(last.code).toBe(0)
    expect(last.stdout).toMatch(/destination books: \d+ delivered, \d+ skipped, 0 pending, 0 dead/)

    expect(expectBookedOnce(qb, expected)).toBe(expected.size)
    // shiprelay's own map agrees with the company: one row per document, the same ids.
    const rows = await quickBooksDb(p.relay.store.db)
      .selectFrom('quickbooks_documents')
      .select('doc_id')
      .where('destination_id', '=', 'books')
      .execute()
    const booked = salesDocuments(qb).map((d) => d.Id)
    expect(rows.map((r) => r.doc_id).sort()).toEqual(booked.sort())
  }, 120_000)
})
