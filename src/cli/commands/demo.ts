/**
 * `shiprelay demo` (what `npm start` runs): a ShipStation simulator with a seeded world, a Klaviyo
 * simulator, a config pointing at both, and the real pipeline on a SQLite file, while the simulated
 * world keeps changing so events keep flowing. Needs nothing but `npm install`. `--quickbooks` adds a
 * QuickBooks Online simulator, connected by OAuth, that books every shipped order (../demo-quickbooks.ts).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Command } from 'commander'
import pino from 'pino'
import { parseConfig } from '../../config/load.js'
import { redactorFor } from '../../config/secrets.js'
import { parseDuration } from '../../lib/duration.js'
import { createLogger } from '../../lib/logger.js'
import { startService } from '../../runtime/service.js'
import { startKlaviyoSimulator } from '../../simulators/klaviyo/index.js'
import { startShipStationSimulator } from '../../simulators/shipstation/index.js'
import { runCommand, UserError } from '../context.js'
import { startQuickBooksDemo } from '../demo-quickbooks.js'

interface DemoOptions {
  dir: string
  orders: string
  shipstationPort: string
  klaviyoPort: string
  quickbooks?: boolean
  quickbooksPort: string
  changeEvery: string
  duration?: string
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('run shiprelay against local ShipStation and Klaviyo simulators, with orders changing live')
    .option(
      '--dir <path>',
      'where the demo keeps its config and database (recreated each run)',
      '.shiprelay/demo',
    )
    .option('--orders <n>', 'orders in the simulated ShipStation account', '500')
    .option('--shipstation-port <n>', 'ShipStation simulator port (0 = any free port)', '4010')
    .option('--klaviyo-port <n>', 'Klaviyo simulator port (0 = any free port)', '4020')
    .option(
      '--quickbooks',
      'also book every shipped order in a QuickBooks Online simulator (connected for you by OAuth)',
    )
    .option('--quickbooks-port <n>', 'QuickBooks simulator port (0 = any free port)', '4030')
    .option('--change-every <duration>', 'how often the simulated world changes an order', '1s')
    .option('--duration <duration>', 'stop after this long (default: until Ctrl-C)')
    .action(async (opts: DemoOptions) => runCommand(() => demo(opts)))
}

function port(text: string, flag: string): number {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UserError(`${flag} must be a port number (0-65535)`)
  return n
}

async function demo(opts: DemoOptions): Promise<number> {
  const orders = Number(opts.orders)
  if (!Number.isInteger(orders) || orders < 0) throw new UserError('--orders must be a whole number')
  const changeEvery = parseDuration(opts.changeEvery)
  const duration = opts.duration === undefined ? undefined : parseDuration(opts.duration)
  const dir = resolve(opts.dir)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })

  // A faster budget than ShipStation's 40 a minute, so the demo can poll every few seconds.
  const ss = await startShipStationSimulator({
    port: port(opts.shipstationPort, '--shipstation-port'),
    orders,
    seed: 1,
    apiKey: 'demo-key',
    apiSecret: 'demo-secret',
    rateLimit: 120,
  })
  const kl = await startKlaviyoSimulator({
    port: port(opts.klaviyoPort, '--klaviyo-port'),
    apiKeys: ['pk_demo_shiprelay'],
  })
  const qb = opts.quickbooks
    ? await startQuickBooksDemo(port(opts.quickbooksPort, '--quickbooks-port'))
    : undefined
  const configPath = join(dir, 'shiprelay.yaml')
  const yaml = `# Written by \`shiprelay demo\`: every API is a local simulator.
database: sqlite:${join(dir, 'shiprelay.db')}
log: { level: warn }
server: { port: 0 }
accounts:
  - id: demo
    shipstation:
      apiKey: demo-key
      apiSecret: demo-secret
      baseUrl: ${ss.url}
      rateLimitReserve: 0
    pollInterval: 3s
destinations:
  - id: klaviyo
    type: klaviyo
    apiKey: pk_demo_shiprelay
    baseUrl: ${kl.url}
${qb?.destinationYaml ?? ''}`
  writeFileSync(configPath, yaml)
  const config = parseConfig(yaml, configPath, {})
  await qb?.connect(config)
  const logger = createLogger({
    level: 'warn',
    redactor: redactorFor(config),
    destination: pino.destination(2),
  })
  const service = await startService(config, { logger })
  const out = (line: string) => process.stdout.write(`${line}\n`)
  out(`shiprelay demo
  ShipStation simulator  ${ss.url}  (key demo-key / secret demo-secret, ${orders} orders over 90 days)
  Klaviyo simulator      ${kl.url}  (events: ${kl.url}/_sim/events, daily counts: ${kl.url}/_sim/counts?tz=America/New_York)
${qb ? `  ${qb.banner.join('\n  ')}\n` : ''}  shiprelay              ${service.url}/metrics, ${service.url}/readyz
  config                 ${configPath}
  status                 npm run shiprelay -- status -c ${configPath}
  events                 npm run shiprelay -- events -c ${configPath}
First the 90-day backfill goes to Klaviyo as history (backfill: true, no flow fires); then every change
in the simulated ShipStation arrives as a live event within seconds.${
    qb
      ? `
QuickBooks: connected by OAuth (the simulator's authorize page approved at once); every shipped order,
history included, becomes one SalesReceipt (paid) or Invoice, at QuickBooks' 500 requests a minute.`
      : ''
  } Ctrl-C stops.`)

  const stop = new AbortController()
  const onSignal = () => {
    // A delivery pass runs to its end: with QuickBooks at 500 requests a minute that can take a while.
    out('stopping after the current step (Ctrl-C again to quit at once)')
    stop.abort()
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  if (duration !== undefined) setTimeout(() => stop.abort(), duration).unref()
  const changes = setInterval(() => ss.world.randomChange(), changeEvery)
  const historyAtStart = ss.world.history.length
  const booked = () => {
    const d = qb?.documents() ?? { salesReceipts: 0, invoices: 0 }
    return `QuickBooks has ${d.salesReceipts + d.invoices} documents (${d.salesReceipts} SalesReceipts, ${d.invoices} Invoices)`
  }
  const tick = setInterval(() => {
    const stats = kl.stats()
    const live = kl.store.events().filter((e) => e.status === 'stored' && !e.backfill)
    const byMetric = new Map<string, number>()
    for (const e of live) byMetric.set(e.metric, (byMetric.get(e.metric) ?? 0) + 1)
    const changed = ss.world.history.length - historyAtStart
    out(
      `[${new Date().toISOString().slice(11, 19)}] Klaviyo has ${stats.eventsStored} events (${live.length} live: ${
        [...byMetric].map(([m, n]) => `${m} ${n}`).join(', ') || 'none yet'
      }); status changes made in ShipStation since start: ${changed}${qb ? `; ${booked()}` : ''}`,
    )
  }, 5000)
  try {
    await service.run(stop.signal)
  } finally {
    clearInterval(changes)
    clearInterval(tick)
    if (qb) out(`[${new Date().toISOString().slice(11, 19)}] ${booked()}`)
    await Promise.all([ss.close(), kl.close(), qb?.sim.close()])
  }
  out(`demo stopped; the database stays in ${dir} for \`shiprelay status -c ${configPath}\``)
  return 0
}
