/**
 * Child side of the many-accounts benchmark: one shiprelay process (the real Relay poll and delivery
 * loops) polling many ShipStation accounts. First every account's backfill, then one step per poll
 * interval asked for: the Relay is opened on the same database with that interval, runs for a while,
 * and every cycle's start is noted (an account's first request of the shipments stream), giving the
 * achieved interval between two cycles of one account, and the CPU the process used meanwhile.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import pino from 'pino'
import { Relay } from '../../src/runtime/relay.js'
import { rssMb } from '../lib/proc.js'
import { recordingFetch } from '../lib/recording-fetch.js'
import { type BenchAccount, relayConfig } from '../lib/relay-config.js'
import { cpuSeconds, percentile } from '../lib/stats.js'
import { mark, serve, workerInput } from './io.js'

export interface AccountsWorkerInput {
  shipstationUrl: string
  klaviyoUrl: string
  database: string
  accounts: { apiKey: string; apiSecret: string }[]
  steps: { intervalMs: number; durationMs: number }[]
}

export interface AccountsStep {
  intervalMs: number
  durationMs: number
  /** Intervals measured (two consecutive cycles of one account). */
  samples: number
  p50IntervalMs: number
  p99IntervalMs: number
  maxIntervalMs: number
  /** p99 of each account's first interval, second interval, …: how the start-up herd settles. */
  p99ByRound: number[]
  /** Accounts that started fewer than two cycles in the step: not polled at the interval at all. */
  starved: number
  /** CPU seconds per wall second: 1 is one core busy. */
  cpuShare: number
  eventLoopDelayP99Ms: number
  requests: number
  rssMb: number
}

export interface AccountsWorkerOutput {
  backfill: { ms: number; cpuSeconds: number; delivered: number }
  steps: AccountsStep[]
}

const input = workerInput<AccountsWorkerInput>()

await serve(async (): Promise<AccountsWorkerOutput> => {
  const open = (intervalMs: number, fetchImpl?: typeof fetch) =>
    Relay.open(
      relayConfig({
        database: input.database,
        shipstationUrl: input.shipstationUrl,
        klaviyoUrl: input.klaviyoUrl,
        klaviyoKey: 'pk_bench',
        accounts: input.accounts.map(
          (a, i): BenchAccount => ({ id: `a${i + 1}`, ...a, pollIntervalMs: intervalMs }),
        ),
      }),
      { logger: pino({ level: 'silent' }), fetch: fetchImpl },
    )

  const backfill = await (async () => {
    const relay = await open(input.steps[0]?.intervalMs ?? 60_000)
    try {
      const cpu = process.cpuUsage()
      const started = performance.now()
      for (const result of await relay.syncAll()) if (result.status === 'rejected') throw result.reason
      const delivered = (await relay.deliverAll()).get('klaviyo')?.delivered ?? 0
      return { ms: performance.now() - started, cpuSeconds: cpuSeconds(cpu), delivered }
    } finally {
      await relay.close()
    }
  })()

  const steps: AccountsStep[] = []
  for (const step of input.steps) {
    const recorder = recordingFetch(input.shipstationUrl)
    const relay = await open(step.intervalMs, recorder.fetch)
    const stop = new AbortController()
    const delay = monitorEventLoopDelay({ resolution: 10 })
    mark({ type: 'step', edge: 'start', intervalMs: step.intervalMs })
    delay.enable()
    const stepCpu = process.cpuUsage()
    const stepStarted = performance.now()
    const running = relay.run(stop.signal)
    await new Promise((resolve) => setTimeout(resolve, step.durationMs))
    const cpuShare = cpuSeconds(stepCpu) / ((performance.now() - stepStarted) / 1000)
    delay.disable()
    mark({ type: 'step', edge: 'end', intervalMs: step.intervalMs })
    stop.abort()
    await running
    await relay.close()

    const starts = new Map<string, number[]>()
    for (const r of recorder.sent) {
      const url = new URL(r.url)
      if (url.pathname !== '/shipments' || !url.searchParams.has('createDateStart')) continue
      const key = r.authorization ?? ''
      const list = starts.get(key) ?? []
      list.push(r.at)
      starts.set(key, list)
    }
    const intervals: number[] = []
    const rounds: number[][] = []
    for (const list of starts.values()) {
      for (let i = 1; i < list.length; i++) {
        const interval = list[i]! - list[i - 1]!
        intervals.push(interval)
        const round = rounds[i - 1] ?? []
        round.push(interval)
        rounds[i - 1] = round
      }
    }
    steps.push({
      intervalMs: step.intervalMs,
      durationMs: step.durationMs,
      samples: intervals.length,
      p50IntervalMs: percentile(intervals, 50),
      p99IntervalMs: percentile(intervals, 99),
      maxIntervalMs: percentile(intervals, 100),
      p99ByRound: rounds.map((r) => percentile(r, 99)),
      starved: input.accounts.length - [...starts.values()].filter((l) => l.length >= 2).length,
      cpuShare,
      eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
      requests: recorder.sent.length,
      rssMb: rssMb(),
    })
  }
  return { backfill, steps }
})
