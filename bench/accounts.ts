/**
 * Many accounts in one process: shiprelay polls N simulated ShipStation accounts (one simulator
 * serving them all, each its own world and rate-limit bucket) while the accounts keep changing. Time is
 * scaled: a poll interval of I seconds stands for ShipStation's 60 s, so N accounts polled every I s
 * load the process like N × 60 / I accounts polled every minute. Steps shorten the interval until the
 * process stops keeping up (p99 achieved interval more than 10% over the configured one).
 * shiprelay runs in a child process (bench/workers/accounts.ts); the simulators run here.
 *
 *   npx tsx bench/accounts.ts --accounts 1000 --intervals 20000,10000,5000,2500
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startKlaviyoSimulator } from '../src/simulators/klaviyo/index.js'
import { startShipStationSimulator } from '../src/simulators/shipstation/index.js'
import { type RunWorker, workers } from './lib/child.js'
import { cpuSeconds, median } from './lib/stats.js'
import type { AccountsStep, AccountsWorkerInput, AccountsWorkerOutput } from './workers/accounts.js'

const REAL_INTERVAL_MS = 60_000
/** p99 achieved interval within this factor of the configured one counts as keeping up. */
export const KEEPING_UP = 1.1

export interface AccountsOptions {
  accounts: number
  ordersPerAccount: number
  /** Poll intervals to try, longest first; each stands for 60 s. */
  intervalsMs: number[]
  /** Intervals each step lasts. */
  intervalsPerStep: number
  /** Changes (new orders, labels, holds…) per account per interval, spread at random. */
  changesPerAccountPerInterval: number
  repetitions: number
  seed: number
}

export interface AccountsStepResult extends AccountsStep {
  /** The load in accounts polled every 60 s: accounts × 60 s ÷ interval. */
  equivalentAccountsAt60s: number
  /** The simulator's CPU per wall second during the step (it shares the machine). */
  simulatorCpuShare: number
  keepsUp: boolean
}

export interface AccountsResult {
  options: AccountsOptions
  backfill: { ms: number; cpuSeconds: number; delivered: number }
  runs: AccountsStepResult[][]
  /** Per step, the median over repetitions. */
  steps: AccountsStepResult[]
  /** Largest equivalent load (accounts every 60 s) at which the process kept up, if any. */
  keepsUpTo: number | undefined
  /** Smallest equivalent load at which it did not, if any. */
  fallsBehindAt: number | undefined
}

export async function benchAccounts(options: AccountsOptions, runWorker: RunWorker): Promise<AccountsResult> {
  const keys = Array.from({ length: options.accounts }, (_, i) => ({
    apiKey: `bench-key-${i + 1}`,
    apiSecret: `bench-secret-${i + 1}`,
  }))
  const ss = await startShipStationSimulator({
    accounts: keys.map((k, i) => ({ ...k, seed: options.seed + i, orders: options.ordersPerAccount })),
    rateLimit: 40,
    // One window for all steps: the shortest interval, so a cycle's few requests always fit.
    rateWindowMs: Math.min(...options.intervalsMs),
  })
  const kl = await startKlaviyoSimulator({ apiKeys: ['pk_bench'], rateScale: 1000 })
  // One worker: every account's backfill once, then the steps, all intervals in turn, once per repetition.
  const planned = Array.from({ length: options.repetitions }, () => options.intervalsMs).flat()
  const simulatorShare: number[] = []
  const dir = mkdtempSync(join(tmpdir(), 'shiprelay-bench-'))
  let driver: NodeJS.Timeout | undefined
  let stepCpu = process.cpuUsage()
  let stepStarted = 0
  let out: AccountsWorkerOutput
  try {
    out = await runWorker<AccountsWorkerInput, AccountsWorkerOutput>(
      'accounts',
      {
        shipstationUrl: ss.url,
        klaviyoUrl: kl.url,
        database: `sqlite:${join(dir, 'bench.db')}`,
        accounts: keys,
        steps: planned.map((intervalMs) => ({
          intervalMs,
          durationMs: intervalMs * options.intervalsPerStep + 1000,
        })),
      },
      {
        onMessage: (m) => {
          if (m.type !== 'step') return
          if (m.edge === 'start') {
            const perSecond =
              (options.accounts * options.changesPerAccountPerInterval * 1000) / Number(m.intervalMs)
            driver = changeDriver(ss.worlds, perSecond)
            stepCpu = process.cpuUsage()
            stepStarted = performance.now()
          } else {
            clearInterval(driver)
            simulatorShare.push(cpuSeconds(stepCpu) / ((performance.now() - stepStarted) / 1000))
          }
        },
      },
    )
  } finally {
    clearInterval(driver)
    rmSync(dir, { recursive: true, force: true })
    await Promise.all([ss.close(), kl.close()])
  }
  const measured = out.steps.map(
    (s, i): AccountsStepResult => ({
      ...s,
      equivalentAccountsAt60s: Math.round((options.accounts * REAL_INTERVAL_MS) / s.intervalMs),
      simulatorCpuShare: simulatorShare[i] ?? Number.NaN,
      keepsUp: s.p99IntervalMs <= s.intervalMs * KEEPING_UP && s.starved === 0,
    }),
  )
  const runs = Array.from({ length: options.repetitions }, (_, rep) =>
    measured.slice(rep * options.intervalsMs.length, (rep + 1) * options.intervalsMs.length),
  )
  const steps = options.intervalsMs.map((intervalMs, i) =>
    medianStep(
      runs.map((r) => r[i]!),
      intervalMs,
    ),
  )
  return {
    options,
    backfill: out.backfill,
    runs,
    steps,
    keepsUpTo: maxOf(steps.filter((s) => s.keepsUp).map((s) => s.equivalentAccountsAt60s)),
    fallsBehindAt: minOf(steps.filter((s) => !s.keepsUp).map((s) => s.equivalentAccountsAt60s)),
  }
}

/** Applies `perSecond` random changes a second, each to a random account, until cleared. */
function changeDriver(worlds: readonly { randomChange(): unknown }[], perSecond: number): NodeJS.Timeout {
  const tickMs = 100
  let owed = 0
  return setInterval(() => {
    owed += (perSecond * tickMs) / 1000
    for (; owed >= 1; owed--) worlds[Math.floor(Math.random() * worlds.length)]!.randomChange()
  }, tickMs)
}

function medianStep(runs: readonly AccountsStepResult[], intervalMs: number): AccountsStepResult {
  const pick = (f: (s: AccountsStepResult) => number) => median(runs.map(f))
  const step: AccountsStepResult = {
    intervalMs,
    durationMs: pick((s) => s.durationMs),
    samples: pick((s) => s.samples),
    p50IntervalMs: pick((s) => s.p50IntervalMs),
    p99IntervalMs: pick((s) => s.p99IntervalMs),
    maxIntervalMs: pick((s) => s.maxIntervalMs),
    p99ByRound: (runs[0]?.p99ByRound ?? []).map((_, i) => median(runs.map((s) => s.p99ByRound[i]))),
    starved: pick((s) => s.starved),
    cpuShare: pick((s) => s.cpuShare),
    eventLoopDelayP99Ms: pick((s) => s.eventLoopDelayP99Ms),
    requests: pick((s) => s.requests),
    rssMb: pick((s) => s.rssMb),
    equivalentAccountsAt60s: pick((s) => s.equivalentAccountsAt60s),
    simulatorCpuShare: pick((s) => s.simulatorCpuShare),
    keepsUp: false,
  }
  step.keepsUp = step.p99IntervalMs <= intervalMs * KEEPING_UP && step.starved === 0
  return step
}

const maxOf = (xs: number[]) => (xs.length === 0 ? undefined : Math.max(...xs))
const minOf = (xs: number[]) => (xs.length === 0 ? undefined : Math.min(...xs))

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      accounts: { type: 'string', default: '1000' },
      orders: { type: 'string', default: '20' },
      intervals: { type: 'string', default: '20000,10000,5000,2500' },
      'intervals-per-step': { type: 'string', default: '3' },
      changes: { type: 'string', default: '0.1' },
      repetitions: { type: 'string', default: '1' },
      seed: { type: 'string', default: '1' },
    },
  })
  const result = await benchAccounts(
    {
      accounts: Number(values.accounts),
      ordersPerAccount: Number(values.orders),
      intervalsMs: values.intervals.split(',').map(Number),
      intervalsPerStep: Number(values['intervals-per-step']),
      changesPerAccountPerInterval: Number(values.changes),
      repetitions: Number(values.repetitions),
      seed: Number(values.seed),
    },
    workers(),
  )
  console.log(JSON.stringify({ ...result, runs: undefined }, null, 2))
}
