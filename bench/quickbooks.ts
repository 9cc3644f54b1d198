/**
 * QuickBooks at its real limits: a seeded ShipStation world → shiprelay (child process,
 * bench/workers/quickbooks.ts) → the QuickBooks simulator throttling at QBO's 500 requests a minute,
 * 10 a second, 10 in flight per realm. Everything is counted at the simulator, independently of
 * shiprelay's own bookkeeping: documents against the shipped orders of the world, duplicates by
 * DocNumber and by order, metered reads (the simulator's CorePlus counter) per order in steady state (a
 * second batch shipped after the first sync) and overall, requests per document against the writes
 * that had to happen, and the request rate in the minute windows the run fully spans against the 500
 * allowed. The simulator's duplicate-DocNumber check (6140) is off, so a second document for an order
 * would be created and counted rather than refused: the figures measure shiprelay's exactly-once, not
 * the simulator's safety net.
 *
 *   npx tsx bench/quickbooks.ts --orders 2000 --second-batch 200
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import {
  DEFAULT_CLIENT,
  DEFAULT_REALM_ID,
  type QuickBooksSimulator,
  type RequestRecord,
  startQuickBooksSimulator,
} from '../src/simulators/quickbooks/index.js'
import type { ShipStationSimulator } from '../src/simulators/shipstation/index.js'
import { windowUse } from './backfill.js'
import { type RunWorker, workers } from './lib/child.js'
import { BENCH_CREDENTIALS, unthrottledShipStation } from './lib/shipstation.js'
import type { QuickBooksWorkerInput, QuickBooksWorkerOutput } from './workers/quickbooks.js'

const REALM = DEFAULT_REALM_ID
/** QBO's throttle per realm and app (reference §10), the simulator's defaults, spelled out. */
export const QBO_REAL_LIMITS = { perMinute: 500, perSecond: 10, concurrent: 10 }
const MINUTE = 60_000

export interface QuickBooksBenchOptions {
  orders: number
  /** Orders created and shipped after the first sync: the steady-state batch. */
  secondBatch: number
  seed: number
}

/** What the simulator holds and counted at one moment. */
interface Snapshot {
  reads: number
  writes: number
  replays: number
  documents: number
  apiRequests: number
}

export interface QuickBooksBenchResult {
  options: QuickBooksBenchOptions
  limits: typeof QBO_REAL_LIMITS
  /** Shipped orders of the world in the backfill window (split parts counted once, under the parent). */
  expectedDocuments: number
  documents: { created: number; salesReceipts: number; invoices: number; payments: number }
  /** created ÷ expected. */
  documentsOfExpected: number
  /** Documents beyond one per DocNumber, and beyond one per ShipStation order (from PrivateNote). */
  duplicates: { byDocNumber: number; byOrder: number }
  /** Shipped orders without a document, and documents of no shipped order. */
  missing: number
  extra: number
  reads: {
    /** After the first phase: the warm-up reads plus any per-order reads of the first batch. */
    first: number
    second: number
    total: number
    /** second ÷ documents of the second batch: the steady state (target ≤ 0.1). */
    steadyPerOrder: number
    totalPerOrder: number
  }
  requests: {
    api: number
    oauth: number
    replays: number
    perDocument: number
    /** Objects the run had to create: documents, payments, new customers, new items. */
    writesNeeded: number
    /** api ÷ writesNeeded: 1 would be no read, no retry, no 429. */
    perWriteNeeded: number
    /** API answers by status and Fault code, e.g. `200`, `400 6240`, `429 3001`. */
    byOutcome: Record<string, number>
    /** API requests by what the simulator did, e.g. `write Customer`, `query Item`. */
    byOperation: Record<string, number>
  }
  throughput: {
    /** Requests per complete minute window of the first phase, ÷ 500. */
    rateOfAllowed: number
    completeWindows: number
    requestsPerMinute: number
    /**
     * Documents created per complete minute window of the first phase (without one: documents of the
     * first phase ÷ its delivery time, which a phase under a minute, at 10 a second, can push past 500).
     */
    documentsPerMinute: number
    /** The most 500 requests a minute allow with only the writes that had to happen. */
    documentsPerMinuteBound: number
    firstPhaseDeliverMs: number
  }
  /** 429s the simulator sent, in all and per limit. */
  throttled: { total: number; byLimit: Record<string, number> }
  worker: QuickBooksWorkerOutput
}

export async function benchQuickBooks(
  options: QuickBooksBenchOptions,
  runWorker: RunWorker,
): Promise<QuickBooksBenchResult> {
  // tokens are sealed with this key in the child (it inherits the environment); any key does here.
  process.env.SHIPRELAY_SECRET_KEY ??= randomBytes(32).toString('hex')
  const ss = await unthrottledShipStation(options.orders, options.seed)
  const qb = await startQuickBooksSimulator({
    realms: [{ realmId: REALM, settings: { duplicateDocNumberCheck: false } }],
    limits: QBO_REAL_LIMITS,
  })
  const customersAtStart = qb.read.counts(REALM).Customer ?? 0
  const itemsAtStart = qb.read.counts(REALM).Item ?? 0
  const dir = mkdtempSync(join(tmpdir(), 'shiprelay-bench-qbo-'))
  let afterFirst: Snapshot | undefined
  try {
    const worker = await runWorker<QuickBooksWorkerInput, QuickBooksWorkerOutput>(
      'quickbooks',
      {
        database: `sqlite:${join(dir, 'bench.db')}`,
        shipstationUrl: ss.url,
        ...BENCH_CREDENTIALS,
        quickbooksUrl: qb.url,
        tokenUrl: qb.oauthUrls.token,
        realmId: REALM,
        ...DEFAULT_CLIENT,
        tokens: qb.tokens.issue(REALM),
        phaseTimeoutMs: 30 * MINUTE,
      },
      {
        onMessage: (message, reply) => {
          if (message.type !== 'phase' || message.phase !== 'first') return
          afterFirst = snapshot(qb)
          shipSecondBatch(ss, options.secondBatch)
          reply({ type: 'continue' })
        },
      },
    )
    if (!afterFirst) throw new Error('the worker never finished its first phase')
    return measure(options, ss, qb, worker, afterFirst, { customersAtStart, itemsAtStart })
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await Promise.all([ss.close(), qb.close()])
  }
}

/** New orders, paid and labelled: each fires Order Shipped on the next sync. */
function shipSecondBatch(ss: ShipStationSimulator, n: number): void {
  for (let i = 0; i < n; i++) {
    const order = ss.world.createOrder({ status: 'awaiting_shipment' })
    ss.world.createLabel(order.orderId)
  }
}

interface SimDocument {
  Id: string
  MetaData: { CreateTime: string }
  DocNumber?: string
  PrivateNote?: string
}

function salesDocuments(qb: QuickBooksSimulator): SimDocument[] {
  return [
    ...qb.read.entities(REALM, 'SalesReceipt'),
    ...qb.read.entities(REALM, 'Invoice'),
  ] as unknown as SimDocument[]
}

function apiRequests(qb: QuickBooksSimulator) {
  return qb.requests({ realmId: REALM }).filter((r) => r.url.startsWith('/v3/'))
}

function tally(
  requests: readonly RequestRecord[],
  key: (r: RequestRecord) => string,
): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const r of requests) counts[key(r)] = (counts[key(r)] ?? 0) + 1
  return counts
}

function snapshot(qb: QuickBooksSimulator): Snapshot {
  const usage = qb.read.usage(REALM)
  return {
    reads: usage.reads,
    writes: usage.writes,
    replays: usage.replays,
    documents: salesDocuments(qb).length,
    apiRequests: apiRequests(qb).length,
  }
}

function measure(
  options: QuickBooksBenchOptions,
  ss: ShipStationSimulator,
  qb: QuickBooksSimulator,
  worker: QuickBooksWorkerOutput,
  first: Snapshot,
  start: { customersAtStart: number; itemsAtStart: number },
): QuickBooksBenchResult {
  const end = snapshot(qb)
  // The root of an order: split parts are booked once, under their parent's number.
  const rootOf = new Map<string, string>()
  const expected = new Set<string>()
  for (const order of ss.world.orders.values()) {
    const parent = order.advancedOptions.parentId
    const root =
      parent !== null && order.orderStatus !== 'cancelled'
        ? (ss.world.orders.get(parent)?.orderNumber ?? order.orderNumber)
        : order.orderNumber
    rootOf.set(order.orderNumber, root)
    if (!order.deleted && order.orderStatus === 'shipped' && order.modifyDate >= worker.backfillFrom)
      expected.add(root)
  }
  const documents = salesDocuments(qb)
  const byDocNumber = new Set(documents.map((d) => d.DocNumber ?? `no number ${d.Id}`))
  const orderOf = (d: SimDocument) => {
    const number = /^ShipStation order ([^\s,;]+)/.exec(d.PrivateNote ?? '')?.[1]
    return number === undefined ? `unknown ${d.Id}` : (rootOf.get(number) ?? number)
  }
  const byOrder = new Set(documents.map(orderOf))
  const counts = qb.read.counts(REALM)
  const payments = counts.Payment ?? 0
  const newCustomers = (counts.Customer ?? 0) - start.customersAtStart
  const newItems = (counts.Item ?? 0) - start.itemsAtStart
  const writesNeeded = documents.length + payments + newCustomers + newItems

  const requests = qb.requests({ realmId: REALM })
  const api = apiRequests(qb)
  const firstPhase = api.slice(0, first.apiRequests)
  const sent = firstPhase.map((r) => Date.parse(r.at))
  const windows = windowUse(sent, MINUTE, QBO_REAL_LIMITS.perMinute)
  // Documents created (their CreateTime, on the simulator's clock) in the windows windowUse counted.
  const firstWindow = Math.floor(Math.min(...sent) / MINUTE)
  const lastWindow = Math.floor(Math.max(...sent) / MINUTE)
  const createdInCompleteWindows = documents.filter((d) => {
    const w = Math.floor(Date.parse(d.MetaData.CreateTime) / MINUTE)
    return w > firstWindow && w < lastWindow
  }).length
  const secondDocuments = end.documents - first.documents
  const stats = qb.stats()
  return {
    options,
    limits: QBO_REAL_LIMITS,
    expectedDocuments: expected.size,
    documents: {
      created: documents.length,
      salesReceipts: counts.SalesReceipt ?? 0,
      invoices: counts.Invoice ?? 0,
      payments,
    },
    documentsOfExpected: documents.length / expected.size,
    duplicates: {
      byDocNumber: documents.length - byDocNumber.size,
      byOrder: documents.length - byOrder.size,
    },
    missing: [...expected].filter((root) => !byOrder.has(root)).length,
    extra: [...byOrder].filter((root) => !expected.has(root)).length,
    reads: {
      first: first.reads,
      second: end.reads - first.reads,
      total: end.reads,
      steadyPerOrder: (end.reads - first.reads) / secondDocuments,
      totalPerOrder: end.reads / documents.length,
    },
    requests: {
      api: api.length,
      oauth: requests.length - api.length,
      replays: end.replays,
      perDocument: api.length / documents.length,
      writesNeeded,
      perWriteNeeded: api.length / writesNeeded,
      byOutcome: tally(api, (r) => `${r.status ?? 'no answer'}${r.faultCode ? ` ${r.faultCode}` : ''}`),
      byOperation: tally(api, (r) => r.operation ?? 'none'),
    },
    throughput: {
      rateOfAllowed: windows.rateOfAllowed,
      completeWindows: windows.complete,
      requestsPerMinute: windows.rateOfAllowed * QBO_REAL_LIMITS.perMinute,
      documentsPerMinute:
        windows.complete > 0
          ? createdInCompleteWindows / windows.complete
          : first.documents / (worker.first.deliverMs / MINUTE),
      documentsPerMinuteBound: (QBO_REAL_LIMITS.perMinute * documents.length) / writesNeeded,
      firstPhaseDeliverMs: worker.first.deliverMs,
    },
    throttled: {
      total: requests.filter((r) => r.status === 429).length,
      byLimit: { ...stats.throttled },
    },
    worker,
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string', default: '2000' },
      'second-batch': { type: 'string', default: '200' },
      seed: { type: 'string', default: '1' },
    },
  })
  const result = await benchQuickBooks(
    { orders: Number(values.orders), secondBatch: Number(values['second-batch']), seed: Number(values.seed) },
    workers(),
  )
  console.log(JSON.stringify({ ...result, worker: undefined }, null, 2))
}
