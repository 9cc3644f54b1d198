/**
 * Pipeline throughput with the rate limits off, on SQLite and on PostgreSQL: orders per second from
 * API page to event log, events per second delivered into the Klaviyo simulator, CPU seconds per 1,000
 * orders, each against a bound measured in the same run (the simulators alone serving the same pages
 * and accepting the same bodies). shiprelay runs in a child process (bench/workers/throughput.ts);
 * the simulators run here, and their CPU during each phase is measured too.
 *
 *   npx tsx bench/throughput.ts --orders 20000 --databases sqlite,postgres
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startKlaviyoSimulator } from '../src/simulators/klaviyo/index.js'
import { type RunWorker, workers } from './lib/child.js'
import { DEFAULT_POSTGRES_URL, postgresAvailable, withScratchDatabase } from './lib/postgres.js'
import { BENCH_CREDENTIALS, unthrottledShipStation } from './lib/shipstation.js'
import { cpuSeconds, median } from './lib/stats.js'
import type { ThroughputWorkerInput, ThroughputWorkerOutput } from './workers/throughput.js'

export type DatabaseKind = 'sqlite' | 'postgres'

export interface ThroughputOptions {
  orders: number
  seed: number
  repetitions: number
  databases: DatabaseKind[]
  postgresUrl: string
}

export interface ThroughputRun {
  orders: number
  events: number
  requests: number
  syncMs: number
  ordersPerSecond: number
  /** Pages fetched and committed per second: the most the one-request-at-a-time client can ask for. */
  requestsPerSecond: number
  cpuSecondsPer1000Orders: number
  /** The simulator's CPU while serving the sync, per 1,000 orders. */
  simulatorCpuSecondsPer1000Orders: number
  boundOrdersPerSecond: number
  boundCpuSecondsPer1000Orders: number
  /** ordersPerSecond ÷ boundOrdersPerSecond. */
  ordersOfBound: number
  delivered: number
  deliverMs: number
  eventsPerSecond: number
  deliverCpuSecondsPer1000Events: number
  boundEventsPerSecond: number
  /** eventsPerSecond ÷ boundEventsPerSecond. */
  eventsOfBound: number
  baselineRssMb: number
  peakRssMb: number
}

export interface ThroughputResult {
  options: ThroughputOptions
  /** Databases asked for but not measured, with the reason. */
  skipped: Partial<Record<DatabaseKind, string>>
  runs: Partial<Record<DatabaseKind, ThroughputRun[]>>
  median: Partial<Record<DatabaseKind, ThroughputRun>>
}

export async function benchThroughput(
  options: ThroughputOptions,
  runWorker: RunWorker,
): Promise<ThroughputResult> {
  const ss = await unthrottledShipStation(options.orders, options.seed)
  const kl = await startKlaviyoSimulator({ apiKeys: ['pk_bench'], rateScale: 1000 })
  const result: ThroughputResult = { options, skipped: {}, runs: {}, median: {} }
  try {
    for (const kind of options.databases) {
      if (kind === 'postgres' && !(await postgresAvailable(options.postgresUrl))) {
        result.skipped.postgres = `no PostgreSQL answering at ${options.postgresUrl}`
        continue
      }
      const runs: ThroughputRun[] = []
      for (let i = 0; i < options.repetitions; i++) {
        kl.reset()
        const simulatorCpu = new Map<string, number>()
        let phaseCpu = process.cpuUsage()
        const input = (database: string): ThroughputWorkerInput => ({
          shipstationUrl: ss.url,
          klaviyoUrl: kl.url,
          database,
          ...BENCH_CREDENTIALS,
        })
        const run = (database: string) =>
          runWorker<ThroughputWorkerInput, ThroughputWorkerOutput>('throughput', input(database), {
            onMessage: (m) => {
              if (m.type !== 'phase') return
              if (m.edge === 'start') phaseCpu = process.cpuUsage()
              else simulatorCpu.set(String(m.phase), cpuSeconds(phaseCpu))
            },
          })
        const out =
          kind === 'sqlite'
            ? await withTempDir((dir) => run(`sqlite:${join(dir, 'bench.db')}`))
            : await withScratchDatabase(options.postgresUrl, run)
        runs.push(summarise(out, simulatorCpu.get('sync') ?? Number.NaN))
      }
      result.runs[kind] = runs
      result.median[kind] = medianRun(runs)
    }
  } finally {
    await Promise.all([ss.close(), kl.close()])
  }
  return result
}

function summarise(out: ThroughputWorkerOutput, simulatorSyncCpu: number): ThroughputRun {
  const perSecond = (n: number, ms: number) => n / (ms / 1000)
  const per1000 = (seconds: number, n: number) => (seconds / n) * 1000
  const ordersPerSecond = perSecond(out.orders, out.sync.ms)
  const boundOrdersPerSecond = perSecond(out.orders, out.pagesBound.ms)
  const eventsPerSecond = perSecond(out.delivered, out.deliver.ms)
  const boundEventsPerSecond = perSecond(out.deliverBound.events, out.deliverBound.ms)
  return {
    orders: out.orders,
    events: out.events,
    requests: out.requests,
    syncMs: out.sync.ms,
    ordersPerSecond,
    requestsPerSecond: perSecond(out.requests, out.sync.ms),
    cpuSecondsPer1000Orders: per1000(out.sync.cpuSeconds, out.orders),
    simulatorCpuSecondsPer1000Orders: per1000(simulatorSyncCpu, out.orders),
    boundOrdersPerSecond,
    boundCpuSecondsPer1000Orders: per1000(out.pagesBound.cpuSeconds, out.orders),
    ordersOfBound: ordersPerSecond / boundOrdersPerSecond,
    delivered: out.delivered,
    deliverMs: out.deliver.ms,
    eventsPerSecond,
    deliverCpuSecondsPer1000Events: per1000(out.deliver.cpuSeconds, out.delivered),
    boundEventsPerSecond,
    eventsOfBound: eventsPerSecond / boundEventsPerSecond,
    baselineRssMb: out.baselineRssMb,
    peakRssMb: out.peakRssMb,
  }
}

function medianRun(runs: readonly ThroughputRun[]): ThroughputRun {
  const first = runs[0]
  if (!first) throw new Error('no runs')
  const keys = Object.keys(first) as (keyof ThroughputRun)[]
  return Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k]))])) as unknown as ThroughputRun
}

async function withTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'shiprelay-bench-'))
  try {
    return await use(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string', default: '20000' },
      seed: { type: 'string', default: '1' },
      repetitions: { type: 'string', default: '1' },
      databases: { type: 'string', default: 'sqlite,postgres' },
      'postgres-url': { type: 'string', default: DEFAULT_POSTGRES_URL },
    },
  })
  const result = await benchThroughput(
    {
      orders: Number(values.orders),
      seed: Number(values.seed),
      repetitions: Number(values.repetitions),
      databases: values.databases.split(',') as DatabaseKind[],
      postgresUrl: values['postgres-url'],
    },
    workers(),
  )
  console.log(JSON.stringify(result.median, null, 2), result.skipped)
}
