/**
 * Child side of the throughput benchmark (rate limits off): a 90-day backfill from API pages to the
 * event log, then delivery of every event into the Klaviyo simulator, each timed with its CPU. Then the
 * bounds, measured in the same process against the same simulators: the same ShipStation pages
 * fetched and parsed with nothing else done, and the same Klaviyo request bodies posted with nothing
 * else done. Pipeline ÷ bound is what shiprelay's own work costs, on any machine.
 */
import pino from 'pino'
import type { Config } from '../../src/config/schema.js'
import { createDestination } from '../../src/destinations/registry.js'
import type { OrderEvent } from '../../src/events/model.js'
import { Relay } from '../../src/runtime/relay.js'
import { peakRssMb, rssMb } from '../lib/proc.js'
import { recordingFetch, type SentRequest } from '../lib/recording-fetch.js'
import { relayConfig } from '../lib/relay-config.js'
import { cpuSeconds } from '../lib/stats.js'
import { mark, serve, workerInput } from './io.js'

export interface ThroughputWorkerInput {
  shipstationUrl: string
  klaviyoUrl: string
  database: string
  apiKey: string
  apiSecret: string
}

export interface Timed {
  ms: number
  cpuSeconds: number
}

export interface ThroughputWorkerOutput {
  orders: number
  events: number
  requests: number
  sync: Timed
  delivered: number
  deliver: Timed
  /** The same pages, fetched and JSON-parsed only. */
  pagesBound: Timed
  /** The same Klaviyo bodies, posted only. */
  deliverBound: Timed & { events: number; requests: number }
  baselineRssMb: number
  peakRssMb: number
}

const input = workerInput<ThroughputWorkerInput>()

await serve(async (): Promise<ThroughputWorkerOutput> => {
  const baselineRssMb = rssMb()
  const recorder = recordingFetch(input.shipstationUrl)
  const config = relayConfig({
    database: input.database,
    shipstationUrl: input.shipstationUrl,
    klaviyoUrl: input.klaviyoUrl,
    klaviyoKey: 'pk_bench',
    accounts: [{ id: 'bench', apiKey: input.apiKey, apiSecret: input.apiSecret }],
  })
  const relay = await Relay.open(config, { logger: pino({ level: 'silent' }), fetch: recorder.fetch })
  try {
    const sync = await timed('sync', () => relay.syncAll())
    const cycle = sync.value[0]
    if (cycle?.status !== 'fulfilled') throw cycle?.reason
    const deliver = await timed('deliver', () => relay.deliverAll())
    const peak = peakRssMb()
    const pagesBound = await timed('pagesBound', () => replayPages(recorder.sent))
    const bodies = await klaviyoRequests(relay, config)
    await fetch(`${input.klaviyoUrl}/_sim/reset`, { method: 'POST' })
    const deliverBound = await timed('deliverBound', () => postAll(bodies.requests))
    return {
      orders: cycle.value.orders,
      events: cycle.value.events,
      requests: recorder.sent.length,
      sync: sync.time,
      delivered: deliver.value.get('klaviyo')?.delivered ?? 0,
      deliver: deliver.time,
      pagesBound: pagesBound.time,
      deliverBound: { ...deliverBound.time, events: bodies.events, requests: bodies.requests.length },
      baselineRssMb,
      peakRssMb: peak,
    }
  } finally {
    await relay.close()
  }
})

/** Runs `work`, telling the parent when it starts and ends (it measures the simulators' CPU meanwhile). */
async function timed<T>(phase: string, work: () => Promise<T>): Promise<{ value: T; time: Timed }> {
  mark({ type: 'phase', phase, edge: 'start' })
  const cpu = process.cpuUsage()
  const started = performance.now()
  const value = await work()
  const time = { ms: performance.now() - started, cpuSeconds: cpuSeconds(cpu) }
  mark({ type: 'phase', phase, edge: 'end' })
  return { value, time }
}

/** Fetches the pages the sync fetched, in order, one at a time, and parses them: nothing more. */
async function replayPages(sent: readonly SentRequest[]): Promise<void> {
  for (const request of sent) {
    const response = await fetch(request.url, {
      headers: { Authorization: request.authorization ?? '', Accept: 'application/json' },
    })
    if (!response.ok) throw new Error(`replay ${request.url}: HTTP ${response.status}`)
    JSON.parse(await response.text())
  }
}

interface CapturedRequest {
  url: string
  init: RequestInit
}

/**
 * The Klaviyo requests the delivery made, rebuilt by the same destination code from the event log
 * (pending events only, in batches of the destination's size) with a fetch that keeps them unsent.
 */
async function klaviyoRequests(
  relay: Relay,
  config: Config,
): Promise<{ requests: CapturedRequest[]; events: number }> {
  const requests: CapturedRequest[] = []
  const capture: typeof fetch = async (url, init) => {
    // Without the signal: its timeout would have run out by the time the bound replays the request.
    requests.push({
      url: String(url),
      init: { method: init?.method, headers: init?.headers, body: init?.body },
    })
    return new Response(null, { status: 202 })
  }
  const { destination, route } = createDestination(config.destinations[0]!, { fetch: capture })
  let events = 0
  let batch: OrderEvent[] = []
  const flush = async () => {
    if (batch.length > 0) await destination.send(batch)
    events += batch.length
    batch = []
  }
  let after = 0
  for (;;) {
    const rows = await relay.store.db
      .selectFrom('events')
      .select(['seq', 'payload'])
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(1000)
      .execute()
    if (rows.length === 0) break
    after = Number(rows.at(-1)!.seq)
    for (const row of rows) {
      const event = JSON.parse(row.payload) as OrderEvent
      if (route.skipReason(event) !== undefined) continue
      batch.push(event)
      if (batch.length === destination.batchSize) await flush()
    }
  }
  await flush()
  return { requests, events }
}

async function postAll(requests: readonly CapturedRequest[]): Promise<void> {
  for (const { url, init } of requests) {
    const response = await fetch(url, init)
    await response.text()
    if (response.status !== 202) throw new Error(`replay ${url}: HTTP ${response.status}`)
  }
}
