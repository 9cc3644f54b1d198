/**
 * Backfill at the rate-limit bound: a seeded account (orders, labels and fulfilments over 90 days)
 * behind a ShipStation simulator enforcing 40 requests per window, the window scaled down so the run
 * takes minutes. Reports requests made against the minimum (pages of 500 for orders, shipments and
 * fulfilments in the backfill window, plus the stores lookup), the request rate achieved in the windows
 * the run fully spans against the allowed rate, 429s, the scaled-back real-world duration, and
 * shiprelay's memory as the orders go by. shiprelay runs in a child process (bench/workers/backfill.ts).
 *
 * Scaling is honest only if every rate-limit time scales together: the window, the precision of
 * X-Rate-Limit-Reset (whole seconds at ShipStation, so 1/scale s here) and the governor's margin.
 * The per-page work does not scale, so the window must stay long enough for 40 pages of work.
 *
 *   npx tsx bench/backfill.ts --orders 100000 --window-ms 8000
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startKlaviyoSimulator } from '../src/simulators/klaviyo/index.js'
import { type ShipStationSimulator, startShipStationSimulator } from '../src/simulators/shipstation/index.js'
import { type RunWorker, workers } from './lib/child.js'
import { BENCH_CREDENTIALS } from './lib/shipstation.js'
import { median } from './lib/stats.js'
import type { BackfillWorkerInput, BackfillWorkerOutput, MemoryMark } from './workers/backfill.js'

const PAGE = 500
const REAL_WINDOW_MS = 60_000
/** The governor's wait after a window's announced end, before scaling (rate-governor.ts default). */
const GOVERNOR_MARGIN_MS = 100

export interface BackfillOptions {
  orders: number
  windowMs: number
  limit: number
  seed: number
  repetitions: number
}

export interface BackfillRun {
  requests: number
  minimumRequests: number
  requestsPerMinimum: number
  throttled: number
  /** Requests per window in the windows the run fully spans, over the allowed 40. */
  rateOfAllowed: number
  completeWindows: number
  /** Median time from one request to the next within a window: a page fetched and committed. */
  perRequestMs: number
  /** Share of a window the allowed requests keep the pipeline busy; near 1 the bench measures the pipeline. */
  busyShare: number
  rateLimitWaits: number
  syncMs: number
  /** syncMs had the window been ShipStation's 60 s. */
  realWorldMs: number
  syncCpuSeconds: number
  orders: number
  events: number
  deliverMs: number
  delivered: number
  baselineRssMb: number
  peakRssMb: number
  marks: MemoryMark[]
}

export interface BackfillResult {
  options: BackfillOptions
  scale: number
  resetResolutionMs: number
  governorMarginMs: number
  ordersInWindow: number
  runs: BackfillRun[]
  median: Omit<BackfillRun, 'marks'> & { marks: MemoryMark[] }
}

export async function benchBackfill(options: BackfillOptions, runWorker: RunWorker): Promise<BackfillResult> {
  const scale = REAL_WINDOW_MS / options.windowMs
  const resetResolutionMs = Math.max(1, Math.round(1000 / scale))
  const marginMs = GOVERNOR_MARGIN_MS / scale
  const ss = await startShipStationSimulator({
    orders: options.orders,
    seed: options.seed,
    ...BENCH_CREDENTIALS,
    rateLimit: options.limit,
    rateWindowMs: options.windowMs,
    rateResetResolutionMs: resetResolutionMs,
  })
  const kl = await startKlaviyoSimulator({ apiKeys: ['pk_bench'] })
  const runs: BackfillRun[] = []
  let ordersInWindow = 0
  try {
    for (let i = 0; i < options.repetitions; i++) {
      kl.reset()
      const dir = mkdtempSync(join(tmpdir(), 'shiprelay-bench-'))
      const before = ss.stats().requests
      try {
        const checkpoints = [10_000, 50_000, 100_000].filter((n) => n < options.orders)
        const out = await runWorker<BackfillWorkerInput, BackfillWorkerOutput>('backfill', {
          shipstationUrl: ss.url,
          klaviyoUrl: kl.url,
          database: `sqlite:${join(dir, 'bench.db')}`,
          ...BENCH_CREDENTIALS,
          marginMs,
          checkpoints: [...checkpoints, options.orders],
        })
        const after = ss.stats().requests
        const minimum = minimumRequests(ss, out.backfillFrom)
        ordersInWindow = minimum.orders
        const requests = after.total - before.total
        const windows = windowUse(out.sent, options.windowMs, options.limit)
        runs.push({
          requests,
          minimumRequests: minimum.requests,
          requestsPerMinimum: requests / minimum.requests,
          throttled: after.throttled - before.throttled,
          rateOfAllowed: windows.rateOfAllowed,
          completeWindows: windows.complete,
          perRequestMs: windows.perRequestMs,
          busyShare: (options.limit * windows.perRequestMs) / options.windowMs,
          rateLimitWaits: out.rateLimitWaits,
          syncMs: out.syncMs,
          realWorldMs: out.syncMs * scale,
          syncCpuSeconds: out.syncCpuSeconds,
          orders: out.orders,
          events: out.events,
          deliverMs: out.deliverMs,
          delivered: out.delivered,
          baselineRssMb: out.baselineRssMb,
          peakRssMb: out.peakRssMb,
          marks: out.marks,
        })
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    }
  } finally {
    await Promise.all([ss.close(), kl.close()])
  }
  return {
    options,
    scale,
    resetResolutionMs,
    governorMarginMs: marginMs,
    ordersInWindow,
    runs,
    median: medianRun(runs),
  }
}

/** Pages of 500 for each stream over the backfill window, plus the stores lookup. */
function minimumRequests(ss: ShipStationSimulator, since: number): { requests: number; orders: number } {
  const world = ss.world
  const count = <T>(items: Iterable<T>, keep: (item: T) => boolean) => {
    let n = 0
    for (const item of items) if (keep(item)) n++
    return n
  }
  const orders = count(world.orders.values(), (o) => !o.deleted && o.modifyDate >= since)
  const shipments = count(world.shipments.values(), (s) => s.createDate >= since)
  const fulfillments = count(world.fulfillments.values(), (f) => f.createDate >= since)
  const pages = (n: number) => Math.max(1, Math.ceil(n / PAGE))
  return { requests: 1 + pages(orders) + pages(shipments) + pages(fulfillments), orders }
}

/**
 * Requests per window over the windows strictly between the first and the last request's (the first
 * starts at a random phase, the last is cut short), against the allowed `limit`; and the median gap
 * between two requests in one window, the time one page takes to fetch and commit.
 */
export function windowUse(
  sent: readonly number[],
  windowMs: number,
  limit: number,
): { rateOfAllowed: number; complete: number; perRequestMs: number } {
  const perWindow = new Map<number, number[]>()
  for (const at of sent) {
    const w = Math.floor(at / windowMs)
    const list = perWindow.get(w) ?? []
    list.push(at)
    perWindow.set(w, list)
  }
  const indexes = [...perWindow.keys()].sort((a, b) => a - b)
  const first = indexes[0] ?? 0
  const last = indexes.at(-1) ?? 0
  let used = 0
  for (let w = first + 1; w < last; w++) used += perWindow.get(w)?.length ?? 0
  const complete = Math.max(0, last - first - 1)
  const gaps: number[] = []
  for (const list of perWindow.values())
    for (let i = 1; i < list.length; i++) gaps.push(list[i]! - list[i - 1]!)
  return {
    rateOfAllowed: complete === 0 ? Number.NaN : used / (complete * limit),
    complete,
    perRequestMs: median(gaps),
  }
}

function medianRun(runs: readonly BackfillRun[]): BackfillResult['median'] {
  const pick = (f: (r: BackfillRun) => number) => median(runs.map(f))
  const checkpoints = runs[0]?.marks.map((m) => m.orders) ?? []
  return {
    requests: pick((r) => r.requests),
    minimumRequests: pick((r) => r.minimumRequests),
    requestsPerMinimum: pick((r) => r.requestsPerMinimum),
    throttled: pick((r) => r.throttled),
    rateOfAllowed: pick((r) => r.rateOfAllowed),
    completeWindows: pick((r) => r.completeWindows),
    perRequestMs: pick((r) => r.perRequestMs),
    busyShare: pick((r) => r.busyShare),
    rateLimitWaits: pick((r) => r.rateLimitWaits),
    syncMs: pick((r) => r.syncMs),
    realWorldMs: pick((r) => r.realWorldMs),
    syncCpuSeconds: pick((r) => r.syncCpuSeconds),
    orders: pick((r) => r.orders),
    events: pick((r) => r.events),
    deliverMs: pick((r) => r.deliverMs),
    delivered: pick((r) => r.delivered),
    baselineRssMb: pick((r) => r.baselineRssMb),
    peakRssMb: pick((r) => r.peakRssMb),
    marks: checkpoints.map((orders) => ({
      orders,
      rssMb: median(runs.map((r) => r.marks.find((m) => m.orders === orders)?.rssMb)),
      peakRssMb: median(runs.map((r) => r.marks.find((m) => m.orders === orders)?.peakRssMb)),
    })),
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string', default: '100000' },
      'window-ms': { type: 'string', default: '8000' },
      limit: { type: 'string', default: '40' },
      seed: { type: 'string', default: '1' },
      repetitions: { type: 'string', default: '1' },
    },
  })
  const result = await benchBackfill(
    {
      orders: Number(values.orders),
      windowMs: Number(values['window-ms']),
      limit: Number(values.limit),
      seed: Number(values.seed),
      repetitions: Number(values.repetitions),
    },
    workers(),
  )
  console.log(JSON.stringify({ ...result, runs: undefined }, null, 2))
}
