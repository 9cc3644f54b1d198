/**
 * Child side of the QuickBooks benchmark: shiprelay with one ShipStation account and one QuickBooks
 * destination (the real Relay, its process-wide limiter at QBO's 500 a minute, 10 a second, 10 in
 * flight). Phase `first`: the backfill of the seeded world, every shipped order booked (sendHistory).
 * Then the parent ships a second batch of orders in the simulated ShipStation; phase `second`: one
 * incremental sync and its deliveries, in the same process, so the directory and the DocNumber index
 * are warm: the steady state. The counting happens at the simulator, in the parent.
 */
import pino from 'pino'
import { parseConfig } from '../../src/config/load.js'
import { tokensFrom } from '../../src/destinations/quickbooks/oauth.js'
import { SecretBox } from '../../src/destinations/quickbooks/secret-box.js'
import { Relay } from '../../src/runtime/relay.js'
import { DatabaseTokenStore } from '../../src/store/quickbooks-tokens.js'
import { destinationStatus } from '../../src/store/status.js'
import { cpuSeconds } from '../lib/stats.js'
import { awaitParent, mark, serve, workerInput } from './io.js'

export interface QuickBooksWorkerInput {
  database: string
  shipstationUrl: string
  apiKey: string
  apiSecret: string
  quickbooksUrl: string
  tokenUrl: string
  realmId: string
  clientId: string
  clientSecret: string
  /** Issued by the simulator (its token response), stored sealed before the first delivery. */
  tokens: { access_token: string; refresh_token: string; expires_in: number }
  /** The longest the deliveries of one phase may take before the run is given up. */
  phaseTimeoutMs: number
}

export interface PhaseTiming {
  syncMs: number
  /** From the first delivery round to nothing pending. */
  deliverMs: number
  deliverCpuSeconds: number
  orders: number
  events: number
}

export interface QuickBooksWorkerOutput {
  /** Start of the backfill window (account_state.backfill_from, epoch ms). */
  backfillFrom: number
  first: PhaseTiming
  second: PhaseTiming
  /** Deliveries of the destination at the end, by state. */
  delivered: number
  skipped: number
  pending: number
  dead: number
  deadReasons: string[]
}

const DESTINATION = 'books'
const input = workerInput<QuickBooksWorkerInput>()
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

await serve(async (): Promise<QuickBooksWorkerOutput> => {
  const yaml = `database: "${input.database}"
log: { level: silent }
accounts:
  - id: bench
    shipstation: { apiKey: ${input.apiKey}, apiSecret: ${input.apiSecret}, baseUrl: "${input.shipstationUrl}", rateLimitReserve: 0 }
destinations:
  - id: ${DESTINATION}
    type: quickbooks
    realmId: "${input.realmId}"
    clientId: ${input.clientId}
    clientSecret: ${input.clientSecret}
    endpoints: { api: "${input.quickbooksUrl}", bearer: "${input.tokenUrl}" }
    sendHistory: true
`
  const config = parseConfig(yaml, 'bench-quickbooks.yaml', {})
  const relay = await Relay.open(config, { logger: pino({ level: 'silent' }) })
  try {
    await new DatabaseTokenStore(relay.store.db, SecretBox.fromEnv()).save(input.realmId, {
      tokens: tokensFrom(input.tokens, Date.now()),
      reconnectReason: null,
    })
    const first = await phase(relay)
    const state = await relay.store.db
      .selectFrom('account_state')
      .select('backfill_from')
      .executeTakeFirstOrThrow()
    mark({ type: 'phase', phase: 'first', edge: 'end' })
    await awaitParent('continue')
    const second = await phase(relay)
    const [status] = await destinationStatus(relay.store.db, [DESTINATION])
    return {
      backfillFrom: Number(state.backfill_from),
      first,
      second,
      delivered: status?.delivered ?? 0,
      skipped: status?.skipped.reduce((n, r) => n + r.count, 0) ?? 0,
      pending: status?.pending ?? 0,
      dead: status?.dead.reduce((n, r) => n + r.count, 0) ?? 0,
      deadReasons: status?.dead.map((r) => `${r.count} × ${r.reason}`) ?? [],
    }
  } finally {
    await relay.close()
  }
})

/** One sync of the account, then delivery rounds until nothing is pending (retries waited out). */
async function phase(relay: Relay): Promise<PhaseTiming> {
  const syncStarted = performance.now()
  const [cycle] = await relay.syncAll()
  if (cycle?.status !== 'fulfilled') throw cycle?.reason
  const syncMs = performance.now() - syncStarted
  const cpu = process.cpuUsage()
  const started = performance.now()
  for (;;) {
    await relay.deliverAll()
    const [status] = await destinationStatus(relay.store.db, [DESTINATION])
    if ((status?.pending ?? 0) === 0) break
    if (performance.now() - started > input.phaseTimeoutMs)
      throw new Error(`${status?.pending} deliveries still pending: ${status?.lastRetryReason}`)
    await sleep(250)
  }
  return {
    syncMs,
    deliverMs: performance.now() - started,
    deliverCpuSeconds: cpuSeconds(cpu),
    orders: cycle.value.orders,
    events: cycle.value.events,
  }
}
