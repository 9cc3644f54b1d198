/**
 * The crash-and-fault harness: the real `shiprelay run` as a child process against the ShipStation and
 * Klaviyo simulators (in this process, fault knobs on), SIGKILLed again and again at seeded moments —
 * while the backfill pages, right after a cycle committed new events, in the middle of a Klaviyo batch,
 * at random — and restarted each time, while the simulated world keeps changing. At the end the faults
 * go off, one last run converges and stops cleanly, and Klaviyo's events are judged against the
 * world's history (./judge.ts says how).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatPacific7 } from '../../../src/lib/pacific-time.js'
import { SeededRandom } from '../../../src/simulators/common/seeded-random.js'
import { type KlaviyoSimulator, startKlaviyoSimulator } from '../../../src/simulators/klaviyo/index.js'
import {
  type ShipStationSimulator,
  startShipStationSimulator,
} from '../../../src/simulators/shipstation/index.js'
import { wallTime } from '../../../src/source/shipstation/streams.js'
import { type CliRun, startCli } from '../../helpers/cli.js'
import type { TestDatabase } from '../../helpers/databases.js'
import { type DeliveredEvent, judge, type OrderFacts, type Problem, type Verdict } from './judge.js'
import { openProbe, type StoreProbe, type StoreReading } from './probe.js'

export interface ChaosOptions {
  /** How many times shiprelay is SIGKILLed (one round = one run of the child, ended by a kill). */
  rounds: number
  seed: number
  /** Orders in the simulated account before the first run (the backfill). */
  orders: number
  database: TestDatabase
  /** Pause between two changes of the simulated world, drawn from [min, max] ms. */
  changeGapMs?: [number, number]
  /** Keep the config and the runs' logs even when everything held. */
  keep?: boolean
  /** The longest the last, fault-free run may take to deliver everything (default 15 minutes). */
  convergeTimeoutMs?: number
  log?: (line: string) => void
}

export type KillKind = 'backfill paging' | 'after commit' | 'Klaviyo batch' | 'random'

export interface ChaosReport {
  seed: number
  database: string
  rounds: number
  kills: Record<string, number>
  killsDuringBackfill: number
  killsLive: number
  changes: number
  changeKinds: Record<string, number>
  verdict: Verdict
  /** Delivered events that were live (not history). */
  deliveredLive: number
  /** Klaviyo events dropped as duplicates of a unique_id it had: re-sends after a kill. */
  resent: number
  /** Runs that ended other than by our signal, with the end of their output. */
  unexpectedExits: string[]
  /** Final run: stopped by SIGTERM with exit code 0. */
  cleanStop: boolean
  /** Cursor and delivery-state checks after convergence; empty when all hold. */
  storeProblems: string[]
  /** Lines logged by the runs: failed sync cycles and deliveries that were retried. */
  cycleFailuresLogged: number
  deliveryRetriesLogged: number
  shipstation: { requests: number; byStatus: Record<string, number>; faults: Record<string, number> }
  klaviyo: { requests: number; byStatus: Record<string, number>; faults: Record<string, number> }
  seconds: number
  /** Where configs and logs were kept (removed when everything held). */
  dir: string
}

const SS_FAULTS = { errorRate: 0.05, latencyMs: 15, truncateRate: 0.03 }
const KL_FAULTS = { errorRate: 0.04, errorStatus: 503, latencyMs: 40 }
const DAY = 86_400_000

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now()
  const log = options.log ?? (() => {})
  const dir = mkdtempSync(join(tmpdir(), 'shiprelay-chaos-'))
  const ss = await startShipStationSimulator({
    orders: options.orders,
    seed: options.seed,
    apiKey: 'chaos-key',
    apiSecret: 'chaos-secret',
    // ShipStation's budget is 40 a minute; a 2-second window keeps the header-paced waits short.
    rateLimit: 40,
    rateWindowMs: 2000,
    faults: { ...SS_FAULTS, seed: options.seed },
  })
  const kl = await startKlaviyoSimulator({
    apiKeys: ['pk_chaos'],
    faults: { ...KL_FAULTS, seed: options.seed },
  })
  const db = await options.database.create()
  writeFileSync(
    join(dir, 'shiprelay.yaml'),
    `# written by test/faults/chaos/harness.ts
database: "${db.config.kind === 'sqlite' ? `sqlite:${db.config.file}` : db.config.url}"
log: { level: info }
server: { host: 127.0.0.1, port: 0 }
accounts:
  - id: main
    shipstation: { apiKey: chaos-key, apiSecret: chaos-secret, baseUrl: "${ss.url}", rateLimitReserve: 0 }
    pollInterval: 1s
destinations:
  - id: klaviyo
    type: klaviyo
    apiKey: pk_chaos
    baseUrl: "${kl.url}"
`,
  )
  let probe: StoreProbe | undefined
  try {
    probe = await openProbe(db.config)
    const h = new Harness(options, ss, kl, probe, dir, log)
    const report = await h.run()
    report.seconds = Math.round((Date.now() - started) / 1000)
    if (passed(report) && !options.keep) rmSync(dir, { recursive: true, force: true })
    else report.dir = dir
    return report
  } finally {
    await probe?.close()
    await Promise.all([ss.close(), kl.close()])
    await db.drop()
  }
}

class Harness {
  readonly #completions: number[] = []
  #liveAt: number | undefined
  #reading: StoreReading | undefined
  #watching = true
  #changing = true
  #changes = 0
  #lastChangeAt = 0
  readonly #changeKinds: Record<string, number> = {}
  readonly #kills: Record<string, number> = {}
  #killsDuringBackfill = 0
  readonly #unexpectedExits: string[] = []
  readonly #outputs: string[] = []
  /** One generator per concern, so each draws the same sequence whatever the timing. */
  readonly #killer: SeededRandom
  readonly #world: SeededRandom
  readonly #storm: SeededRandom

  constructor(
    private readonly options: ChaosOptions,
    private readonly ss: ShipStationSimulator,
    private readonly kl: KlaviyoSimulator,
    private readonly probe: StoreProbe,
    private readonly dir: string,
    private readonly log: (line: string) => void,
  ) {
    this.#killer = new SeededRandom(options.seed * 3 + 1)
    this.#world = new SeededRandom(options.seed * 3 + 2)
    this.#storm = new SeededRandom(options.seed * 3 + 3)
  }

  async run(): Promise<ChaosReport> {
    const startedAt = Date.now()
    this.#completions.push(startedAt)
    const watcher = this.#watch()
    const changer = this.#change()
    const faulter = this.#stormNowAndThen()
    try {
      for (let round = 1; round <= this.options.rounds; round++) await this.#round(round)
      this.#changing = false
      await Promise.all([changer, faulter])
      this.ss.faults.set({})
      this.kl.faults.set({})
      const cleanStop = await this.#converge()
      this.#watching = false
      await watcher
      return await this.#report(startedAt, cleanStop)
    } finally {
      this.#changing = false
      this.#watching = false
    }
  }

  /** Records every sync-cycle completion and the switch to live, as the store shows them. */
  async #watch(): Promise<void> {
    while (this.#watching) {
      const r = await this.probe.read()
      this.#reading = r
      if (r.lastSyncAt !== null && r.lastSyncAt > this.#completions.at(-1)!)
        this.#completions.push(r.lastSyncAt)
      if (r.phase === 'live' && this.#liveAt === undefined) this.#liveAt = Date.now()
      await sleep(15)
    }
  }

  /** The simulated world keeps changing: one random change every so often. */
  async #change(): Promise<void> {
    const [min, max] = this.options.changeGapMs ?? [250, 900]
    while (this.#changing) {
      await sleep(this.#world.int(min, max))
      if (!this.#changing) return
      const change = this.ss.world.randomChange()
      this.#changes++
      this.#lastChangeAt = Date.now()
      this.#changeKinds[change.kind] = (this.#changeKinds[change.kind] ?? 0) + 1
    }
  }

  /** Steady 5xx, latency and cut-off bodies, plus a burst of 429s every several seconds at both ends. */
  async #stormNowAndThen(): Promise<void> {
    while (this.#changing) {
      await sleep(this.#storm.int(6000, 12_000))
      if (!this.#changing) return
      this.ss.faults.set({ ...SS_FAULTS, burst429: this.#storm.int(1, 3), seed: this.#storm.int(1, 1e9) })
      this.kl.faults.set({ ...KL_FAULTS, burst429: this.#storm.int(1, 4), seed: this.#storm.int(1, 1e9) })
    }
  }

  async #round(round: number): Promise<void> {
    const backfill = this.#liveAt === undefined
    const kind: KillKind = this.#killer.weighted(
      backfill
        ? [
            ['backfill paging', 4],
            ['Klaviyo batch', 1],
            ['random', 1],
          ]
        : [
            ['after commit', 2],
            ['Klaviyo batch', 2],
            ['random', 1],
          ],
    )
    const life = this.#start()
    const fired = await this.#trigger(kind, life)
    const end = await this.#kill(life, 'SIGKILL')
    const label = fired ? kind : `${kind} (timed out, killed anyway)`
    this.#kills[label] = (this.#kills[label] ?? 0) + 1
    if (backfill) this.#killsDuringBackfill++
    if (end.signal !== 'SIGKILL') this.#unexpectedExits.push(`round ${round}: ${describeExit(end)}`)
    this.log(
      `round ${round}/${this.options.rounds}: killed (${label}) after ${end.ms} ms; ${this.#changes} changes so far, ` +
        `${this.#completions.length - 1} cycles completed${backfill ? ', backfill' : ''}`,
    )
    await sleep(this.#killer.int(0, 800))
  }

  #start(): CliRun & { at: number } {
    return { ...startCli(['run', '-c', join(this.dir, 'shiprelay.yaml')]), at: Date.now() }
  }

  /** Waits for the moment to kill; false when it did not come within 12 s. */
  async #trigger(kind: KillKind, life: { at: number; child: CliRun['child'] }): Promise<boolean> {
    const deadline = Date.now() + 12_000
    const pagesBase = pagesServed(this.ss)
    const klBase = accepted(this.kl)
    const seqBase = (await this.probe.read()).lastEventSeq
    const k = this.#killer.int(1, 4)
    const randomAt = life.at + this.#killer.int(1200, 6000)
    // Live kills wait a while first, half of them until the run completed a cycle, so runs also
    // complete cycles (which is what makes brief statuses required, see judge.ts).
    const armedAt = kind === 'backfill paging' ? life.at : life.at + this.#killer.int(1500, 5000)
    const completions = this.#completions.length
    const afterCycle = kind !== 'backfill paging' && kind !== 'random' && this.#killer.chance(0.5)
    while (Date.now() < deadline && life.child.exitCode === null) {
      if (Date.now() < armedAt || (afterCycle && this.#completions.length === completions)) {
        await sleep(20)
        continue
      }
      switch (kind) {
        case 'backfill paging':
          // After 4 to 7 pages. A run re-reads the last page of both shipping streams first, and a page
          // is committed before the next is asked for: the backfill gains at least one page per run.
          if (pagesServed(this.ss) - pagesBase >= k + 3) return true
          break
        case 'Klaviyo batch':
          if (accepted(this.kl) - klBase >= Math.min(k, 2)) return true
          break
        case 'after commit':
          if ((await this.probe.read()).lastEventSeq > seqBase) return true
          break
        case 'random':
          if (Date.now() >= randomAt) return true
          break
      }
      // Klaviyo's stats copy its whole event list: ask less often.
      await sleep(kind === 'Klaviyo batch' ? 10 : 2)
    }
    return false
  }

  async #kill(life: CliRun & { at: number }, signal: NodeJS.Signals) {
    life.child.kill(signal)
    const end = await life.done
    this.#outputs.push(end.stderr, end.stdout)
    writeFileSync(join(this.dir, `run-${this.#outputs.length / 2}.log`), `${end.stdout}${end.stderr}`)
    return { ...end, ms: Date.now() - life.at }
  }

  /**
   * A last run without faults: until two cycles completed after the last change and nothing is pending.
   * Deliveries that failed often wait up to 10 minutes for their next try (the capped backoff), so the
   * wait stretches to the last one due, within `convergeTimeoutMs` (default 15 minutes).
   */
  async #converge(): Promise<boolean> {
    const life = this.#start()
    const timeout = this.options.convergeTimeoutMs ?? 900_000
    const started = Date.now()
    const lastChange = this.#lastChangeAt
    let settled = false
    let deadline = started + 60_000
    while (Date.now() < Math.min(deadline, started + timeout) && life.child.exitCode === null) {
      const r = this.#reading
      const after = this.#completions.filter((c) => c > lastChange + 50).length
      if (r && after >= 2 && !r.deliveries.pending && !r.deliveries.held) {
        settled = true
        break
      }
      if (r?.lastDueAt) deadline = Math.max(deadline, r.lastDueAt + 30_000)
      await sleep(100)
    }
    const waited = Date.now() - started
    if (!settled) this.log(`did not converge within ${waited} ms`)
    const end = await this.#kill(life, 'SIGTERM')
    if (end.signal !== null || end.code !== 0) this.#unexpectedExits.push(`final run: ${describeExit(end)}`)
    this.log(
      `final run: converged ${settled} after ${waited} ms; exit code ${end.code}, signal ${end.signal}`,
    )
    return settled && end.code === 0
  }

  async #report(startedAt: number, cleanStop: boolean): Promise<ChaosReport> {
    const world = this.ss.world
    const entries = new Map<number, OrderFacts['entries']>()
    for (const h of world.history) entries.set(h.orderId, [...(entries.get(h.orderId) ?? []), h])
    const orders: OrderFacts[] = [...world.orders.values()]
      .filter((o) => !o.deleted)
      .map((o) => ({
        orderId: o.orderId,
        hasEmail: Boolean(o.customerEmail?.trim()),
        entries: entries.get(o.orderId) ?? [],
      }))
    const delivered: DeliveredEvent[] = this.kl.store.events().map((e) => ({
      orderId: Number((e.attributes.properties as Record<string, unknown> | undefined)?.OrderId),
      metric: e.metric,
      time: Date.parse(e.time),
      uniqueId: e.uniqueId ?? '',
      backfill: e.backfill,
    }))
    const verdict = judge(orders, delivered, {
      completions: this.#completions,
      startedAt,
      liveAt: this.#liveAt ?? Number.POSITIVE_INFINITY,
      // The backfill reaches 90 days back from the first cycle; ten minutes of slack for its clock.
      reachFrom: startedAt - 90 * DAY + 600_000,
    })
    const output = this.#outputs.join('\n')
    const ssStats = this.ss.stats()
    const klStats = this.kl.stats()
    const rounds = this.options.rounds
    return {
      seed: this.options.seed,
      database: this.options.database.name,
      rounds,
      kills: this.#kills,
      killsDuringBackfill: this.#killsDuringBackfill,
      killsLive: rounds - this.#killsDuringBackfill,
      changes: this.#changes,
      changeKinds: this.#changeKinds,
      verdict,
      deliveredLive: delivered.filter((e) => !e.backfill).length,
      resent: klStats.duplicatesDropped,
      unexpectedExits: this.#unexpectedExits,
      cleanStop,
      storeProblems: await this.#storeProblems(),
      cycleFailuresLogged: count(output, 'sync cycle failed'),
      deliveryRetriesLogged: count(output, '"retried":') - count(output, '"retried":0'),
      shipstation: {
        requests: ssStats.requests.total,
        byStatus: sumStatuses(Object.values(ssStats.requests.byEndpoint)),
        faults: { ...ssStats.faults },
      },
      klaviyo: {
        requests: Object.values(klStats.requests).reduce((n, r) => n + r.total, 0),
        byStatus: sumStatuses(Object.values(klStats.requests).map((r) => r.byStatus)),
        faults: { ...klStats.faults },
      },
      seconds: 0,
      dir: '',
    }
  }

  /** Cursors sit on the newest record of each stream; every delivery is settled, none dead. */
  async #storeProblems(): Promise<string[]> {
    const r = await this.probe.read()
    const world = this.ss.world
    const problems: string[] = []
    const newest = (times: number[]) => Math.floor(wallTime(formatPacific7(Math.max(...times))) / 1000) * 1000
    const expectCursor = (name: string, actual: number | null, times: number[]) => {
      const want = times.length === 0 ? undefined : newest(times)
      if (want !== undefined && actual !== want)
        problems.push(`${name} cursor ${iso(actual)} is not the newest record's second ${iso(want)}`)
    }
    const live = [...world.orders.values()].filter((o) => !o.deleted)
    expectCursor(
      'orders',
      r.ordersCursor,
      live.map((o) => o.modifyDate),
    )
    expectCursor(
      'shipments',
      r.shipmentsCursor,
      [...world.shipments.values()].map((s) => s.createDate),
    )
    expectCursor(
      'fulfillments',
      r.fulfillmentsCursor,
      [...world.fulfillments.values()].map((f) => f.createDate),
    )
    if (r.phase !== 'live') problems.push(`phase is ${r.phase}, not live`)
    for (const u of await this.probe.unsettled())
      problems.push(`${u.n} deliveries ${u.state}: ${u.reason ?? ''}`)
    return problems
  }
}

/** Nothing missing, doubled or extra, the store consistent, every run ended the way we ended it. */
export function passed(r: ChaosReport): boolean {
  return (
    r.verdict.problems.length === 0 &&
    r.storeProblems.length === 0 &&
    r.unexpectedExits.length === 0 &&
    r.cleanStop
  )
}

/** List pages ShipStation answered with 200. */
function pagesServed(ss: ShipStationSimulator): number {
  const byEndpoint = ss.stats().requests.byEndpoint
  return ['GET /orders', 'GET /shipments', 'GET /fulfillments'].reduce(
    (n, endpoint) => n + (byEndpoint[endpoint]?.['200'] ?? 0),
    0,
  )
}

function accepted(kl: KlaviyoSimulator): number {
  return Object.values(kl.stats().requests).reduce((n, r) => n + (r.byStatus['202'] ?? 0), 0)
}

function sumStatuses(list: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const statuses of list) for (const [s, n] of Object.entries(statuses)) out[s] = (out[s] ?? 0) + n
  return out
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1
}

function describeExit(end: { code: number | null; signal: NodeJS.Signals | null; stderr: string }): string {
  const tail = end.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 400)
  return `code ${end.code}, signal ${end.signal}${tail ? `: ${tail}` : ''}`
}

function iso(ms: number | null): string {
  return ms === null ? 'null' : new Date(ms).toISOString()
}

/** The summary the CLI prints and the docs quote. */
export function formatReport(r: ChaosReport): string {
  const v = r.verdict
  const kinds = Object.entries(r.kills)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ')
  const lines = [
    `shiprelay fault harness — seed ${r.seed}, ${r.database}, ${r.seconds} s`,
    `  rounds ${r.rounds}, kills ${r.rounds} (${r.killsDuringBackfill} during the backfill, ${r.killsLive} live): ${kinds}`,
    `  world changes ${r.changes} (${Object.entries(r.changeKinds)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')})`,
    `  events expected ${v.expected}, delivered ${v.delivered} (${r.deliveredLive} live)`,
    `  statuses not bound to be seen (shorter than a cycle, or changed before the backfill reached them): ${v.optional}, announced anyway ${v.optionalDelivered}`,
    `  missing ${v.count('missing')}, duplicated ${v.count('duplicated')}, extra ${v.count('extra')}, history flag wrong ${v.count('history flag')}`,
    `  re-sent after a kill and dropped by Klaviyo as duplicates: ${r.resent}`,
    `  ShipStation: ${r.shipstation.requests} requests ${JSON.stringify(r.shipstation.byStatus)}, faults ${JSON.stringify(r.shipstation.faults)}`,
    `  Klaviyo: ${r.klaviyo.requests} requests ${JSON.stringify(r.klaviyo.byStatus)}, faults ${JSON.stringify(r.klaviyo.faults)}`,
    `  failed sync cycles logged ${r.cycleFailuresLogged}, delivery batches with retries ${r.deliveryRetriesLogged}`,
    `  cursors and deliveries: ${r.storeProblems.length === 0 ? 'consistent' : r.storeProblems.join('; ')}`,
    `  final run stopped cleanly: ${r.cleanStop}; unexpected exits: ${r.unexpectedExits.length === 0 ? 'none' : r.unexpectedExits.join('; ')}`,
  ]
  const shown: Problem[] = v.problems.slice(0, 20)
  for (const p of shown) lines.push(`  ! ${p.kind}: order ${p.orderId}: ${p.detail}`)
  if (v.problems.length > shown.length) lines.push(`  ! … ${v.problems.length - shown.length} more`)
  if (r.dir) lines.push(`  logs and config kept in ${r.dir}`)
  return lines.join('\n')
}
