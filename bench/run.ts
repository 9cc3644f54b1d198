/**
 * `npm run bench` (`npm run bench:quick` for a small run of about a minute): pipeline throughput on
 * SQLite and PostgreSQL, the backfill at the rate-limit bound with shiprelay's memory, and many
 * accounts in one process. Writes bench/results/<mode>.json and the generated tables in
 * docs/benchmarks.md. The full run takes about 15 minutes on two cores.
 *
 * `npm run bench -- quickbooks` (`… quickbooks --quick` for a small run) instead books a seeded world
 * into the QuickBooks simulator at QBO's real limits (bench/quickbooks.ts): bench/results/quickbooks.json
 * and its table in docs/benchmarks.md.
 *
 * PostgreSQL: SHIPRELAY_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) names a
 * server where the bench may create and drop its own databases; without one, PostgreSQL is skipped.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { benchAccounts } from './accounts.js'
import { benchBackfill } from './backfill.js'
import { workers } from './lib/child.js'
import { loadNow, machine } from './lib/machine.js'
import { DEFAULT_POSTGRES_URL } from './lib/postgres.js'
import { type QuickBooksReport, quickBooksMarkdown } from './lib/quickbooks-report.js'
import { markdown, type RunReport, updateDocs } from './lib/report.js'
import { benchQuickBooks } from './quickbooks.js'
import { benchThroughput } from './throughput.js'

const { values, positionals } = parseArgs({
  options: { quick: { type: 'boolean', default: false } },
  allowPositionals: true,
})
const quick = values.quick
if (positionals.length > 1 || (positionals[0] !== undefined && positionals[0] !== 'quickbooks')) {
  console.error(`bench: unknown benchmark ${positionals.join(' ')} (the only one by name: quickbooks)`)
  process.exit(2)
}
if (positionals[0] === 'quickbooks') {
  await runQuickBooksBench(quick)
  process.exit(0)
}
const repetitions = quick ? 1 : 3
const postgresUrl = process.env.SHIPRELAY_BENCH_DATABASE_URL ?? DEFAULT_POSTGRES_URL

const started = performance.now()
const host = machine()
const log = (text: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${text}`)
log(`bench (${quick ? 'quick' : 'full'}): compiling the workers`)
const run = workers()

log('throughput, rate limits off (SQLite, PostgreSQL)')
const throughput = await benchThroughput(
  { orders: quick ? 5_000 : 20_000, seed: 1, repetitions, databases: ['sqlite', 'postgres'], postgresUrl },
  run,
)

// The window must hold the 40 pages' work (~100–200 ms each here), or the rate measures the pipeline.
log('backfill at the rate-limit bound, with memory')
const backfill = await benchBackfill(
  { orders: quick ? 30_000 : 100_000, windowMs: quick ? 5_000 : 8_000, limit: 40, seed: 1, repetitions },
  run,
)

log('the same backfill at a 600-ms window, where the serial client cannot keep up')
const backfillShortWindow = await benchBackfill(
  { orders: quick ? 10_000 : 20_000, windowMs: 600, limit: 40, seed: 1, repetitions: 1 },
  run,
)

log('many accounts')
const accounts = await benchAccounts(
  {
    accounts: quick ? 100 : 1000,
    ordersPerAccount: 20,
    intervalsMs: quick ? [4_000, 2_000] : [20_000, 10_000, 5_000],
    intervalsPerStep: quick ? 2 : 3,
    changesPerAccountPerInterval: 0.1,
    repetitions,
    seed: 1,
  },
  run,
)

host.loadAverage.end = loadNow()
const report: RunReport = {
  mode: quick ? 'quick' : 'full',
  repetitions,
  machine: host,
  throughput,
  backfill,
  backfillShortWindow,
  accounts,
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
writeFileSync(
  new URL(`./results/${report.mode}.json`, import.meta.url),
  `${JSON.stringify(report, null, 2)}\n`,
)
const tables = markdown(report)
updateDocs(new URL('../docs/benchmarks.md', import.meta.url), report.mode, tables)
console.log(`\n${tables}\n`)
log(`done: bench/results/${report.mode}.json, docs/benchmarks.md`)

/** The QuickBooks benchmark alone: a few minutes at QBO's real 500 requests a minute. */
async function runQuickBooksBench(small: boolean): Promise<void> {
  const started = performance.now()
  const host = machine()
  const log = (text: string) =>
    console.log(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${text}`)
  log(`bench quickbooks${small ? ' (quick)' : ''}: compiling the workers`)
  const run = workers()
  const orders = small ? 300 : 2_000
  log(`${orders} orders into the QuickBooks simulator at 500 requests a minute (a few minutes)`)
  const result = await benchQuickBooks({ orders, secondBatch: small ? 30 : 200, seed: 1 }, run)
  host.loadAverage.end = loadNow()
  const report: QuickBooksReport = { mode: small ? 'quickbooks-quick' : 'quickbooks', machine: host, result }
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
  writeFileSync(
    new URL(`./results/${report.mode}.json`, import.meta.url),
    `${JSON.stringify(report, null, 2)}\n`,
  )
  const table = quickBooksMarkdown(report)
  updateDocs(new URL('../docs/benchmarks.md', import.meta.url), report.mode, table)
  console.log(`\n${table}\n`)
  log(`done: bench/results/${report.mode}.json, docs/benchmarks.md`)
}
