/**
 * The store failing under a running shiprelay: SQLite locked by another process for longer than its
 * busy timeout, PostgreSQL connections killed mid-run, and the SQLite disk full. Each time the
 * failing step errors cleanly, nothing half-written remains, and once the store is usable again every
 * event reaches Klaviyo exactly once.
 */
import { execFileSync, spawn } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import SQLite from 'better-sqlite3'
import pg from 'pg'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { ShipStationClient } from '../../src/source/shipstation/http-client.js'
import { RateGovernor } from '../../src/source/shipstation/rate-governor.js'
import { openStore } from '../../src/store/open-database.js'
import { runSyncCycle } from '../../src/sync/account-sync.js'
import { type CliRun, runCli, startCli } from '../helpers/cli.js'
import { DATABASES, type TestDatabase } from '../helpers/databases.js'
import { type Pipeline, startPipeline } from '../helpers/pipeline.js'
import { expectExactlyOnce } from './helpers.js'

const sqlite = DATABASES.find((d) => d.name === 'sqlite')!
const postgres = DATABASES.find((d) => d.name === 'postgres')
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

let p: Pipeline | undefined
let child: CliRun | undefined
afterEach(async () => {
  child?.child.kill('SIGKILL')
  await child?.done
  child = undefined
  await p?.dispose()
  p = undefined
})

/** `shiprelay run` on the pipeline's config (which puts its HTTP server on a free port), logging at info. */
function startRun(pipeline: Pipeline, database?: (url: string) => string): CliRun {
  const dir = mkdtempSync(join(tmpdir(), 'shiprelay-dbfault-'))
  const file = join(dir, 'shiprelay.yaml')
  let yaml = pipeline.yaml.replace('log: { level: silent }', 'log: { level: info }')
  if (database)
    yaml = yaml.replace(/^database: "([^"]*)"/m, (_, url: string) => `database: "${database(url)}"`)
  writeFileSync(file, yaml)
  return startCli(['run', '-c', file], pipeline.env)
}

/** Waits until every order is stored as it is now and nothing is waiting for delivery. */
async function converged(pipeline: Pipeline, timeoutMs = 30_000): Promise<void> {
  const { db } = pipeline.relay.store
  const deadline = Date.now() + timeoutMs
  for (;;) {
    // Orders older than the 90-day backfill are never read.
    const from = Date.now() - 89 * 86_400_000
    const orders = [...pipeline.ss.world.orders.values()].filter((o) => !o.deleted && o.modifyDate > from)
    const stored = await db.selectFrom('orders').select(['order_id', 'status']).execute()
    const status = new Map(stored.map((r) => [Number(r.order_id), r.status]))
    const open = await db
      .selectFrom('deliveries')
      .select('event_id')
      .where('state', 'in', ['pending', 'held'])
      .execute()
    if (orders.every((o) => status.get(o.orderId) === o.orderStatus) && open.length === 0) return
    if (Date.now() > deadline) throw new Error(`not converged: ${open.length} deliveries open`)
    await sleep(200)
  }
}

/** Waits until the child completed a sync cycle that started after `since`. */
async function cycledSince(pipeline: Pipeline, since: number): Promise<void> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const state = await pipeline.relay.store.db
      .selectFrom('account_state')
      .select('last_sync_at')
      .executeTakeFirst()
    if (Number(state?.last_sync_at ?? 0) > since) return
    if (Date.now() > deadline) throw new Error('the child completed no sync cycle')
    await sleep(100)
  }
}

/** Log lines (pino JSON) with this message. */
function logged(output: string, msg: string): { err?: { message?: string } }[] {
  return output
    .split('\n')
    .filter((line) => line.includes(`"msg":"${msg}"`))
    .map((line) => JSON.parse(line))
}

async function stop(run: CliRun) {
  run.child.kill('SIGTERM')
  const end = await run.done
  child = undefined
  return end
}

function changeSome(pipeline: Pipeline, n: number, tag: string): void {
  const w = pipeline.ss.world
  for (let i = 0; i < n; i++) w.createOrder({ status: 'awaiting_shipment', email: `${tag}${i}@example.com` })
  for (let i = 0; i < n; i++) w.randomChange()
}

/** Another process (a backup, a second shiprelay, a DB browser) holds SQLite's write lock for `ms`. */
async function holdWriteLock(file: string, ms: number): Promise<{ released: Promise<unknown> }> {
  const script = `import SQLite from 'better-sqlite3'
const db = new SQLite(process.argv[1])
db.exec('BEGIN IMMEDIATE')
console.log('locked')
setTimeout(() => { db.exec('COMMIT'); db.close() }, Number(process.argv[2]))`
  const holder = spawn(process.execPath, ['--input-type=module', '-e', script, file, String(ms)], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const released = new Promise((resolve) => holder.on('exit', resolve))
  await new Promise<void>((resolve) => holder.stdout?.once('data', () => resolve()))
  return { released }
}

describe('SQLite locked by another process [sqlite]', () => {
  it('fails the cycle cleanly while the lock outlasts the busy timeout, then catches up: nothing lost', async () => {
    const pipeline = await startPipeline(sqlite, { shipstation: { orders: 40, seed: 51 } })
    p = pipeline
    await pipeline.cycle()
    const file = pipeline.config.database.kind === 'sqlite' ? pipeline.config.database.file : ''
    changeSome(pipeline, 5, 'locked')
    // Held 6.5 s: longer than shiprelay's 5-second busy timeout.
    const lock = await holdWriteLock(file, 6500)
    const started = Date.now()
    const [result] = await pipeline.relay.syncAll()
    expect(result!.status).toBe('rejected')
    expect(String((result as PromiseRejectedResult).reason)).toMatch(/database is locked/)
    expect(Date.now() - started).toBeGreaterThanOrEqual(4900) // it waited, then gave up
    await lock.released

    changeSome(pipeline, 5, 'after')
    await pipeline.cycle()
    await pipeline.drain()
    await expectExactlyOnce(pipeline)
    const emails = pipeline.stored().map((e) => String(e.profile?.email))
    expect(new Set(emails.filter((e) => /^(locked|after)\d@/.test(e))).size).toBe(10)
    const check = new SQLite(file, { readonly: true })
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok')
    check.close()
  })
})

describe('a sync cycle whose very first write fails [sqlite]', () => {
  it('records why in account_state, so `shiprelay status` shows it', async () => {
    const pipeline = await startPipeline(sqlite, { shipstation: { orders: 10, seed: 54 } })
    p = pipeline
    await pipeline.cycle()
    const file = pipeline.config.database.kind === 'sqlite' ? pipeline.config.database.file : ''
    // Longer than the busy timeout, so the cycle's first write (the account_state row) fails; shorter
    // than two, so recording the failure afterwards gets through.
    const lock = await holdWriteLock(file, 6500)
    const [result] = await pipeline.relay.syncAll()
    expect(String((result as PromiseRejectedResult).reason)).toMatch(/database is locked/)
    await lock.released
    const config = join(mkdtempSync(join(tmpdir(), 'shiprelay-dbfault-')), 'shiprelay.yaml')
    writeFileSync(config, pipeline.yaml)
    const status = await runCli(['status', '-c', config], pipeline.env)
    expect(status.code).toBe(0)
    expect(status.stdout).toMatch(/last sync .* FAILED: database is locked/)
  })

  it('logs that the error could not be recorded when the store is gone, and throws the original', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shiprelay-dbfault-'))
    const store = await openStore({ kind: 'sqlite', file: join(dir, 'shiprelay.db') })
    await store.close()
    const lines: string[] = []
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) })
    const cycle = runSyncCycle({
      accountId: 'main',
      backfillDays: 1,
      client: new ShipStationClient({
        baseUrl: 'http://127.0.0.1:9',
        apiKey: 'k',
        apiSecret: 's',
        governor: new RateGovernor({ reserve: 0 }),
      }),
      db: store.db,
      routes: [],
      logger,
    })
    await expect(cycle).rejects.toThrow('driver has already been destroyed')
    const warned = lines.map(
      (l) => JSON.parse(l) as { msg: string; account: string; err?: { message?: string } },
    )
    expect(warned).toMatchObject([{ msg: 'could not record the sync error', account: 'main' }])
  })
})

describe.skipIf(!postgres)('PostgreSQL connections dropped mid-run [postgres]', () => {
  it('keeps running when its connections are terminated again and again, and loses nothing', async () => {
    const pipeline = await startPipeline(postgres!, {
      shipstation: { orders: 40, seed: 52, faults: { latencyMs: 20 } },
    })
    p = pipeline
    await pipeline.cycle()
    const app = 'shiprelay_under_test'
    child = startRun(pipeline, (url) => `${url}${url.includes('?') ? '&' : '?'}application_name=${app}`)
    await cycledSince(pipeline, Date.now())
    const admin = new pg.Client({ connectionString: process.env.SHIPRELAY_TEST_DATABASE_URL })
    await admin.connect()
    const kill = async (states: string[]) =>
      (
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE application_name = $1 AND state = ANY($2::text[])`,
          [app, states],
        )
      ).rowCount ?? 0
    let idle = 0
    let busy = 0
    let rounds = 0
    // A backend killed as it finishes its query fails nothing (the pool drops it): go on, up to 8
    // rounds, until a cut-off query has failed a cycle or a delivery.
    const run = child
    const failures = () =>
      run
        .output()
        .stderr.split('\n')
        .filter((l) => /"msg":"(sync cycle|delivery) failed; will retry"/.test(l))
    try {
      for (let round = 0; round < 8 && (round < 3 || failures().length === 0); round++) {
        rounds++
        changeSome(pipeline, 2, `drop${round}-`)
        // Catch shiprelay inside a query or a transaction (polled every few ms), else kill it idle.
        const deadline = Date.now() + 1500
        let hit = 0
        while (hit === 0 && Date.now() < deadline) {
          hit = await kill(['active', 'idle in transaction'])
          if (hit === 0) await sleep(2)
        }
        busy += hit
        idle += await kill(['idle'])
        await sleep(200)
        if (child.child.exitCode !== null) {
          const end = await child.done
          throw new Error(`shiprelay exited with ${end.code}: ${end.stderr.slice(-3000)}`)
        }
      }
    } finally {
      await admin.end()
    }
    expect(busy).toBeGreaterThan(0)
    expect(idle).toBeGreaterThan(0)
    await converged(pipeline)
    const end = await stop(child)
    expect(end.code).toBe(0)
    // Queries cut off mid-cycle or mid-delivery failed and were retried.
    const retried = [
      ...logged(end.stderr, 'sync cycle failed; will retry'),
      ...logged(end.stderr, 'delivery failed; will retry'),
    ]
    expect(retried.length).toBeGreaterThan(0)
    await expectExactlyOnce(pipeline)
    const emails = pipeline.stored().map((e) => String(e.profile?.email))
    expect(new Set(emails.filter((e) => e.startsWith('drop'))).size).toBe(2 * rounds)
  }, 90_000)
})

/** Mounts a tmpfs of `size` on a fresh directory (needs root); undefined where that is not allowed. */
function mountTmpfs(size: string): string | undefined {
  const mountPoint = mkdtempSync(join(tmpdir(), 'shiprelay-full-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mountPoint], { stdio: 'ignore' })
    return mountPoint
  } catch {
    rmSync(mountPoint, { recursive: true, force: true })
    return undefined
  }
}

function unmount(mountPoint: string): void {
  execFileSync('umount', ['-l', mountPoint])
  rmSync(mountPoint, { recursive: true, force: true })
}

/** A SQLite file alone on a 3 MB tmpfs, so the test can fill its disk. */
const onSmallDisk: TestDatabase & { mountPoint?: string } = {
  name: 'sqlite',
  async create() {
    const mountPoint = mountTmpfs('3m')
    if (!mountPoint) throw new Error('cannot mount a tmpfs')
    onSmallDisk.mountPoint = mountPoint
    return {
      config: { kind: 'sqlite', file: join(mountPoint, 'shiprelay.db') },
      drop: async () => unmount(mountPoint),
    }
  },
}

/** Fills the file system of `dir` until it refuses; returns the filler's path. */
function fill(dir: string): string {
  const filler = join(dir, 'filler')
  const fd = openSync(filler, 'w')
  const chunk = Buffer.alloc(16 * 1024, 1)
  try {
    for (;;) writeSync(fd, chunk)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
  } finally {
    closeSync(fd)
  }
  return filler
}

const probe = process.platform === 'linux' ? mountTmpfs('64k') : undefined
if (probe) unmount(probe)
else console.warn('[shiprelay tests] cannot mount a tmpfs (needs root): the disk-full test is SKIPPED')

describe.skipIf(!probe)('SQLite disk full [sqlite on a 3 MB tmpfs]', () => {
  it('fails cleanly while the disk is full, keeps the file intact, and recovers when space returns', async () => {
    const pipeline = await startPipeline(onSmallDisk, { shipstation: { orders: 40, seed: 53 } })
    p = pipeline
    await pipeline.cycle()
    const disk = onSmallDisk.mountPoint!
    const file = join(disk, 'shiprelay.db')

    // Sync while full: the page cannot be written; the error says why; nothing half-written.
    let filler = fill(disk)
    changeSome(pipeline, 150, 'full')
    const results = await pipeline.relay.syncAll()
    expect(results[0]!.status).toBe('rejected')
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/database or disk is full/)
    const check = () => {
      const db = new SQLite(file, { readonly: true })
      try {
        return db.pragma('integrity_check', { simple: true })
      } finally {
        db.close()
      }
    }
    expect(check()).toBe('ok')
    unlinkSync(filler)

    // Space back: the next cycle catches up.
    await pipeline.cycle()
    await pipeline.drain()
    await expectExactlyOnce(pipeline)

    // Deliver while full: Klaviyo accepts, the settlement cannot be written; the events go again
    // later and Klaviyo drops the copies by unique_id.
    changeSome(pipeline, 40, 'settle')
    await pipeline.relay.syncAll()
    filler = fill(disk)
    const delivered = await pipeline.relay.deliverAll().then(
      () => 'settled',
      (error: unknown) => String(error),
    )
    expect(delivered).toMatch(/database or disk is full/)
    const accepted = pipeline.stored().length
    unlinkSync(filler)
    await pipeline.drain()
    await expectExactlyOnce(pipeline)
    expect(pipeline.stored().length).toBe(accepted)
    expect(pipeline.kl.stats().duplicatesDropped).toBeGreaterThan(0)
    expect(check()).toBe('ok')
  }, 60_000)
})
