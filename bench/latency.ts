/**
 * `npm run bench:latency`: time from a change in the simulated ShipStation to the Klaviyo simulator
 * accepting its event, through the real service (HTTP server, webhooks, poll loop, delivery loop).
 * Webhook-driven changes: new order (ORDER_NOTIFY) and label (SHIP_NOTIFY). Polled changes, which fire
 * no webhook: hold and cancel. Writes bench/results/latency.json and latency.md.
 *
 * Targets: webhook-driven p99 < 5 s; polled p99 < pollInterval + 5 s.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pino from 'pino'
import { parseConfig } from '../src/config/load.js'
import { startService } from '../src/runtime/service.js'
import { startKlaviyoSimulator } from '../src/simulators/klaviyo/index.js'
import { startShipStationSimulator } from '../src/simulators/shipstation/index.js'
import { freePort } from '../test/helpers/net.js'

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '20' },
    'poll-interval': { type: 'string', default: '10' },
  },
})
const SAMPLES = Number(values.samples)
const POLL_S = Number(values['poll-interval'])

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN

// ShipStation allows 40 requests a minute; the simulator here allows 120 so that a 10-second poll
// (3 requests) and a webhook fetch per change fit without queueing behind the rate limit.
const ss = await startShipStationSimulator({
  orders: 300,
  seed: 3,
  apiKey: 'lat-key',
  apiSecret: 'lat-secret',
  rateLimit: 120,
})
const kl = await startKlaviyoSimulator({ apiKeys: ['pk_latency'] })
const dir = mkdtempSync(join(tmpdir(), 'shiprelay-latency-'))
const port = await freePort()
const config = parseConfig(
  `database: sqlite:${join(dir, 'latency.db')}
server: { port: ${port} }
webhooks: { publicUrl: "http://127.0.0.1:${port}" }
accounts:
  - id: main
    shipstation: { apiKey: lat-key, apiSecret: lat-secret, baseUrl: "${ss.url}", rateLimitReserve: 0 }
    pollInterval: ${POLL_S}s
destinations:
  - { id: klaviyo, type: klaviyo, apiKey: pk_latency, baseUrl: "${kl.url}" }
`,
  'latency.yaml',
  {},
)
const service = await startService(config, { logger: pino({ level: 'silent' }) })
const stop = new AbortController()
const running = service.run(stop.signal)

const accepted = (email: string, metric: string): number | undefined => {
  const e = kl.store
    .events()
    .find((x) => x.status === 'stored' && x.profile?.email === email && x.metric === metric)
  return e ? Date.parse(e.receivedAt) : undefined
}
async function waitFor(email: string, metric: string, limitMs: number): Promise<number> {
  const deadline = Date.now() + limitMs
  for (;;) {
    const at = accepted(email, metric)
    if (at !== undefined) return at
    if (Date.now() > deadline) throw new Error(`${metric} for ${email} never arrived`)
    await sleep(10)
  }
}

// Wait for the backfill to be done, so only live changes are measured.
while (!kl.store.events().some((e) => e.backfill)) await sleep(100)
await sleep(1000)

const results: Record<string, number[]> = {
  'new order (webhook)': [],
  'label shipped (webhook)': [],
  'hold (polled)': [],
  'cancel (polled)': [],
}
const orderIds: number[] = []
for (let i = 0; i < SAMPLES; i++) {
  const email = `lat-${i}@example.com`
  const changedAt = Date.now()
  const order = ss.world.createOrder({ status: 'awaiting_shipment', email })
  orderIds.push(order.orderId)
  results['new order (webhook)']!.push((await waitFor(email, 'Order Awaiting Shipment', 30_000)) - changedAt)
  await sleep(200 + Math.random() * 800)
}
for (let i = 0; i < SAMPLES; i++) {
  const email = `lat-${i}@example.com`
  if (i % 2 === 0) {
    const changedAt = Date.now()
    ss.world.createLabel(orderIds[i]!)
    results['label shipped (webhook)']!.push((await waitFor(email, 'Order Shipped', 30_000)) - changedAt)
    await sleep(200 + Math.random() * 800)
  }
}
// Polled changes: spread over two poll intervals so they land at every phase of the poll cycle.
const polled: Promise<void>[] = []
for (let i = 0; i < SAMPLES; i++) {
  if (i % 2 === 0) continue
  const email = `lat-${i}@example.com`
  const kind = i % 4 === 1 ? 'hold (polled)' : 'cancel (polled)'
  const metric = kind === 'hold (polled)' ? 'Order On Hold' : 'Order Canceled'
  polled.push(
    (async () => {
      await sleep(Math.random() * 2 * POLL_S * 1000)
      const changedAt = Date.now()
      if (kind === 'hold (polled)') ss.world.hold(orderIds[i]!, Date.now() + 86_400_000)
      else ss.world.cancel(orderIds[i]!)
      results[kind]!.push((await waitFor(email, metric, (POLL_S + 30) * 1000)) - changedAt)
    })(),
  )
}
await Promise.all(polled)
stop.abort()
await running
await Promise.all([ss.close(), kl.close()])
rmSync(dir, { recursive: true, force: true })

const rows = Object.entries(results).map(([kind, samples]) => {
  const sorted = [...samples].sort((a, b) => a - b)
  const target = kind.includes('webhook') ? 5000 : POLL_S * 1000 + 5000
  return {
    kind,
    samples: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    targetP99: target,
    met: percentile(sorted, 99) < target,
  }
})
const out = { pollIntervalSeconds: POLL_S, node: process.version, when: new Date().toISOString(), rows }
mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
writeFileSync(new URL('./results/latency.json', import.meta.url), `${JSON.stringify(out, null, 2)}\n`)
const table = [
  `Latency from a ShipStation change to Klaviyo accepting the event (poll interval ${POLL_S} s, ${process.version}):`,
  '',
  '| change | samples | p50 ms | p95 ms | p99 ms | p99 target ms | met |',
  '|---|---|---|---|---|---|---|',
  ...rows.map(
    (r) =>
      `| ${r.kind} | ${r.samples} | ${Math.round(r.p50)} | ${Math.round(r.p95)} | ${Math.round(r.p99)} | ${r.targetP99} | ${r.met ? 'yes' : 'NO'} |`,
  ),
].join('\n')
writeFileSync(new URL('./results/latency.md', import.meta.url), `${table}\n`)
console.log(table)
