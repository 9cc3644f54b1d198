/**
 * Child side of the backfill benchmark: one account's 90-day backfill through the real sync code,
 * against a ShipStation simulator enforcing a scaled-down rate window, then delivery to Klaviyo.
 *
 * The client's rate governor keeps its real behaviour with one scaled constant: the safety margin it
 * waits after a window's announced end (100 ms of a 60-s window) is scaled with the window, as the
 * simulator scales the precision of X-Rate-Limit-Reset. Everything else is shiprelay as shipped.
 */
import pino from 'pino'
import { Relay } from '../../src/runtime/relay.js'
import { ShipStationClient } from '../../src/source/shipstation/http-client.js'
import { RateGovernor } from '../../src/source/shipstation/rate-governor.js'
import { runSyncCycle } from '../../src/sync/account-sync.js'
import { peakRssMb, rssMb } from '../lib/proc.js'
import { recordingFetch } from '../lib/recording-fetch.js'
import { relayConfig } from '../lib/relay-config.js'
import { cpuSeconds } from '../lib/stats.js'
import { serve, workerInput } from './io.js'

export interface BackfillWorkerInput {
  shipstationUrl: string
  klaviyoUrl: string
  database: string
  apiKey: string
  apiSecret: string
  /** The governor's wait after a window's end, scaled like the window. */
  marginMs: number
  /** Orders read at which to note the process's memory. */
  checkpoints: number[]
}

export interface MemoryMark {
  orders: number
  rssMb: number
  peakRssMb: number
}

export interface BackfillWorkerOutput {
  backfillFrom: number
  /** When each ShipStation request was sent (epoch ms). */
  sent: number[]
  syncMs: number
  syncCpuSeconds: number
  orders: number
  events: number
  rateLimitWaits: number
  deliverMs: number
  delivered: number
  /** RSS once the modules are loaded, before any work: the fixed cost of the process. */
  baselineRssMb: number
  marks: MemoryMark[]
  peakRssAfterSyncMb: number
  peakRssMb: number
}

const input = workerInput<BackfillWorkerInput>()

await serve(async (): Promise<BackfillWorkerOutput> => {
  const baselineRssMb = rssMb()
  const recorder = recordingFetch(input.shipstationUrl)
  const pending = [...input.checkpoints].sort((a, b) => a - b)
  const marks: MemoryMark[] = []
  const relay = await Relay.open(
    relayConfig({
      database: input.database,
      shipstationUrl: input.shipstationUrl,
      klaviyoUrl: input.klaviyoUrl,
      klaviyoKey: 'pk_bench',
      accounts: [{ id: 'bench', apiKey: input.apiKey, apiSecret: input.apiSecret }],
    }),
    {
      logger: pino({ level: 'silent' }),
      fetch: recorder.fetch,
      onProgress: (p) => {
        while (p.stream === 'orders' && pending[0] !== undefined && p.records >= pending[0]) {
          marks.push({ orders: pending.shift()!, rssMb: rssMb(), peakRssMb: peakRssMb() })
        }
      },
    },
  )
  try {
    const account = relay.accounts[0]!
    const governor = new RateGovernor({ reserve: 0, marginMs: input.marginMs })
    const client = new ShipStationClient({ ...account.client.options, governor })
    const cpu = process.cpuUsage()
    const started = performance.now()
    const result = await runSyncCycle({ ...relay.syncOptions(account), client })
    const syncMs = performance.now() - started
    const syncCpuSeconds = cpuSeconds(cpu)
    const peakRssAfterSyncMb = peakRssMb()
    const state = await relay.store.db
      .selectFrom('account_state')
      .select('backfill_from')
      .where('account_id', '=', account.id)
      .executeTakeFirstOrThrow()
    const deliverStarted = performance.now()
    const delivered = (await relay.deliverAll()).get('klaviyo')?.delivered ?? 0
    return {
      backfillFrom: Number(state.backfill_from),
      sent: recorder.sent.map((r) => r.at),
      syncMs,
      syncCpuSeconds,
      orders: result.orders,
      events: result.events,
      rateLimitWaits: governor.waits,
      deliverMs: performance.now() - deliverStarted,
      delivered,
      baselineRssMb,
      marks,
      peakRssAfterSyncMb,
      peakRssMb: peakRssMb(),
    }
  } finally {
    await relay.close()
  }
})
