/**
 * Backfill efficiency against the ShipStation simulator enforcing a rate limit: requests made versus
 * the minimum needed (pages of 500 for orders, shipments and fulfilments in the backfill window, plus
 * the stores lookup), 429s, and wall time. The window can be scaled down so the run takes less than
 * real minutes; the scaled-back real-world duration is reported too.
 *
 *   npx tsx bench/backfill.ts --orders 10000 --window-ms 60000 --reserve 5
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pino from 'pino'
import { parseConfig } from '../src/config/load.js'
import { Relay } from '../src/runtime/relay.js'
import { startKlaviyoSimulator } from '../src/simulators/klaviyo/index.js'
import { startShipStationSimulator } from '../src/simulators/shipstation/index.js'

const PAGE = 500
const DAY = 86_400_000

export interface BackfillResult {
  orders: number
  windowMs: number
  limit: number
  reserve: number
  requests: number
  requestsByEndpoint: Record<string, Record<string, number>>
  minimumRequests: number
  requestsPerMinimum: number
  throttled: number
  rateLimitWaits: number
  wallMs: number
  /** Wall time had the window been ShipStation's 60 s. */
  realWorldMs: number
  events: number
}

export async function benchBackfill(opts: {
  orders: number
  windowMs: number
  limit: number
  reserve: number
  seed: number
}): Promise<BackfillResult> {
  const ss = await startShipStationSimulator({
    orders: opts.orders,
    seed: opts.seed,
    apiKey: 'bench-key',
    apiSecret: 'bench-secret',
    rateLimit: opts.limit,
    rateWindowMs: opts.windowMs,
  })
  const kl = await startKlaviyoSimulator({ apiKeys: ['pk_bench'] })
  const dir = mkdtempSync(join(tmpdir(), 'shiprelay-bench-'))
  try {
    const config = parseConfig(
      `database: sqlite:${join(dir, 'bench.db')}
accounts:
  - id: bench
    shipstation: { apiKey: bench-key, apiSecret: bench-secret, baseUrl: "${ss.url}", rateLimitReserve: ${opts.reserve} }
destinations:
  - { id: klaviyo, type: klaviyo, apiKey: pk_bench, baseUrl: "${kl.url}" }
`,
      'bench.yaml',
      {},
    )
    const relay = await Relay.open(config, { logger: pino({ level: 'silent' }) })
    const since = Date.now() - 90 * DAY
    const world = ss.world
    const inWindow = <T extends { createDate: number }>(items: Iterable<T>) =>
      [...items].filter((x) => x.createDate >= since).length
    const ordersInWindow = [...world.orders.values()].filter(
      (o) => !o.deleted && o.modifyDate >= since,
    ).length
    const minimumRequests =
      1 +
      Math.max(1, Math.ceil(ordersInWindow / PAGE)) +
      Math.max(1, Math.ceil(inWindow(world.shipments.values()) / PAGE)) +
      Math.max(1, Math.ceil(inWindow(world.fulfillments.values()) / PAGE))
    const started = performance.now()
    const [result] = await relay.syncAll()
    const wallMs = performance.now() - started
    if (result?.status !== 'fulfilled') throw result?.reason
    const stats = ss.stats().requests
    const governor = relay.accounts[0]!.client.governor
    const out: BackfillResult = {
      orders: ordersInWindow,
      windowMs: opts.windowMs,
      limit: opts.limit,
      reserve: opts.reserve,
      requests: stats.total,
      requestsByEndpoint: stats.byEndpoint,
      minimumRequests,
      requestsPerMinimum: stats.total / minimumRequests,
      throttled: stats.throttled,
      rateLimitWaits: governor.waits,
      wallMs,
      realWorldMs: wallMs * (60_000 / opts.windowMs),
      events: result.value.events,
    }
    await relay.close()
    return out
  } finally {
    await Promise.all([ss.close(), kl.close()])
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string', default: '10000' },
      'window-ms': { type: 'string', default: '60000' },
      limit: { type: 'string', default: '40' },
      reserve: { type: 'string', default: '5' },
      seed: { type: 'string', default: '1' },
    },
  })
  const result = await benchBackfill({
    orders: Number(values.orders),
    windowMs: Number(values['window-ms']),
    limit: Number(values.limit),
    reserve: Number(values.reserve),
    seed: Number(values.seed),
  })
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
  writeFileSync(
    new URL(`./results/backfill-${result.orders}.json`, import.meta.url),
    `${JSON.stringify(result, null, 2)}\n`,
  )
  console.log(JSON.stringify(result, null, 2))
}
