/**
 * The whole pipeline against both simulators through real HTTP: a ShipStation simulator, a Klaviyo
 * simulator, a config pointing at them, and a Relay on a fresh database.
 */
import pino from 'pino'
import { parseConfig } from '../../src/config/load.js'
import type { Config } from '../../src/config/schema.js'
import { deliverAllDue } from '../../src/runtime/deliver.js'
import { Relay } from '../../src/runtime/relay.js'
import { type KlaviyoSimulator, startKlaviyoSimulator } from '../../src/simulators/klaviyo/index.js'
import {
  type ShipStationSimulator,
  type SimulatorOptions,
  startShipStationSimulator,
} from '../../src/simulators/shipstation/index.js'
import type { TestDatabase } from './databases.js'

export interface PipelineOptions {
  shipstation?: SimulatorOptions
  /** Extra YAML lines for the account (indented 4 spaces), e.g. `    backfillDays: 30`. */
  accountYaml?: string
  /** Extra YAML lines for the Klaviyo destination (indented 4 spaces). */
  destinationYaml?: string
  /** Replaces the whole accounts section (YAML). */
  accountsYaml?: (ss: ShipStationSimulator) => string
  /** Extra top-level YAML (e.g. `webhooks: …`). The server listens on a free port unless this sets `server`. */
  topYaml?: string
  /** Wraps every HTTP request shiprelay makes (to change the world between two pages). */
  fetch?: typeof fetch
}

export interface Pipeline {
  ss: ShipStationSimulator
  kl: KlaviyoSimulator
  config: Config
  /** The config file text (secrets as \${SS_SECRET}), for child processes. */
  yaml: string
  env: Record<string, string>
  relay: Relay
  /** One sync of every account, then delivery of everything due; throws if an account failed. */
  cycle(): Promise<void>
  /**
   * Delivers until nothing is pending, jumping the delivery clock forward so scheduled retries are due
   * at once (a test cannot wait out real backoff).
   */
  drain(): Promise<void>
  /** Events the Klaviyo simulator stored (not the dropped duplicates). */
  stored(): ReturnType<KlaviyoSimulator['store']['events']>
  /** Re-opens the relay on the same database (a restart). */
  restart(): Promise<void>
  dispose(): Promise<void>
}

export const silentLogger = pino({ level: 'silent' })

export async function startPipeline(
  database: TestDatabase,
  options: PipelineOptions = {},
): Promise<Pipeline> {
  const ss = await startShipStationSimulator({
    orders: 50,
    rateLimit: 1000,
    rateWindowMs: 1000,
    apiKey: 'test-ss-key',
    apiSecret: 'test-ss-secret',
    ...options.shipstation,
  })
  const kl = await startKlaviyoSimulator({ apiKeys: ['pk_test_shiprelay'] })
  const db = await database.create()
  const dbUrl = db.config.kind === 'sqlite' ? `sqlite:${db.config.file}` : db.config.url
  const accounts =
    options.accountsYaml?.(ss) ??
    `accounts:
  - id: main
    shipstation:
      apiKey: ${ss.world.apiKey}
      apiSecret: \${SS_SECRET}
      baseUrl: ${ss.url}
      rateLimitReserve: 0
${options.accountYaml?.includes('pollInterval:') ? '' : '    pollInterval: 1s\n'}${options.accountYaml ?? ''}`
  const yaml = `# written by test/helpers/pipeline.ts
database: "${dbUrl}"
log: { level: silent }
${options.topYaml?.includes('server:') ? '' : 'server: { port: 0 }\n'}${options.topYaml ?? ''}
${accounts}
destinations:
  - id: klaviyo
    type: klaviyo
    apiKey: pk_test_shiprelay
    baseUrl: ${kl.url}
${options.destinationYaml ?? ''}`
  const env = { SS_SECRET: secretOf(options.shipstation) }
  const config = parseConfig(yaml, 'test.yaml', env)
  let relay = await Relay.open(config, { logger: silentLogger, fetch: options.fetch })
  const pipeline: Pipeline = {
    ss,
    kl,
    config,
    yaml,
    env,
    get relay() {
      return relay
    },
    async cycle() {
      const results = await relay.syncAll()
      for (const r of results) if (r.status === 'rejected') throw r.reason
      await relay.deliverAll()
    },
    async drain() {
      let now = Date.now()
      for (let round = 0; round < 30; round++) {
        now += 3_600_000
        for (const d of relay.destinations) await deliverAllDue(relay.store.db, d, { now: () => now })
        const pending = await relay.store.db
          .selectFrom('deliveries')
          .select('event_id')
          .where('state', '=', 'pending')
          .limit(1)
          .execute()
        if (pending.length === 0) return
        // Rate-limit windows at the simulator run on real time: let a 1-second burst window pass.
        await new Promise((r) => setTimeout(r, 1100))
      }
      throw new Error('deliveries still pending after 30 rounds')
    },
    stored: () => kl.store.events().filter((e) => e.status === 'stored'),
    async restart() {
      await relay.close()
      relay = await Relay.open(config, { logger: silentLogger, fetch: options.fetch })
    },
    async dispose() {
      await relay.close()
      await Promise.all([ss.close(), kl.close()])
      await db.drop()
    },
  }
  return pipeline
}

function secretOf(options: SimulatorOptions | undefined): string {
  return options?.apiSecret ?? 'test-ss-secret'
}
