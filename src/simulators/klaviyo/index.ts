/**
 * The Klaviyo API simulator: Create Event, Bulk Create Events, profile-import, GET accounts and
 * metrics, with Klaviyo's auth, revision, validation, de-duplication, rate limits and failure modes
 * (see docs/simulators/klaviyo.md), plus a read side for tests under /_sim.
 */
import { createHash } from 'node:crypto'
import Fastify from 'fastify'
import { listen } from '../common/serve.js'
import { SimClock } from '../common/sim-clock.js'
import { KeyRing } from './access.js'
import { registerApiRoutes } from './api-routes.js'
import { installBodyParsing, MAX_BODY_BYTES } from './body.js'
import type { AccountInfo } from './documents.js'
import { type ErrorCounter, faultResponders, installErrorHandling } from './error-handler.js'
import { KlaviyoFaults } from './faults.js'
import { Gate } from './gate.js'
import { IdGenerator } from './ids.js'
import { type KlaviyoSimulatorOptions, klaviyoSimulatorOptionsSchema } from './options.js'
import { ProfileDirectory } from './profiles.js'
import { RateLimits } from './rate-limits.js'
import { collectStats, createReadSide, type KlaviyoReadSide, type KlaviyoStats } from './read-side.js'
import { RequestLog, type RequestRecord } from './request-log.js'
import { registerSimRoutes } from './sim-routes.js'
import { EventStore } from './store.js'

export type { ApiKeyConfig } from './access.js'
export type { KlaviyoFaultSettings } from './faults.js'
export type { KlaviyoSimulatorOptions } from './options.js'
export type { KlaviyoReadSide, KlaviyoStats } from './read-side.js'
export type { RequestRecord } from './request-log.js'
export type { DailyCounts, EventFilter, StoredEvent } from './store.js'
export { KlaviyoFaults }

export interface KlaviyoSimulator {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:4020`. */
  url: string
  port: number
  close(): Promise<void>
  /** Events, profiles, daily counts, metrics. */
  store: KlaviyoReadSide
  /** Fault knobs (`set` replaces all of them) and counts of injected faults. */
  faults: KlaviyoFaults
  /** The simulated clock: time validation, receipt times, rate-limit windows. */
  clock: SimClock
  stats(): KlaviyoStats
  /** Every API request received, oldest first. */
  requests(): RequestRecord[]
  /** Forgets events, profiles, metrics, stats and rate-limit windows; keeps the fault knobs. */
  reset(): void
}

export async function startKlaviyoSimulator(
  options: KlaviyoSimulatorOptions = {},
): Promise<KlaviyoSimulator> {
  const config = klaviyoSimulatorOptionsSchema.parse(options)
  const clock = config.clock ?? new SimClock()
  const now = () => clock.now()
  const ids = new IdGenerator(config.seed)
  const profiles = new ProfileDirectory(ids, now)
  const store = new EventStore(profiles, ids, config.lateAfterMs)
  const log = new RequestLog(now)
  const faults = new KlaviyoFaults()
  faults.set(config.faults)
  const limits = new RateLimits(
    {
      scale: config.rateScale,
      overrides: config.rateLimits,
      burstWindowMs: config.burstWindowMs,
      steadyWindowMs: config.steadyWindowMs,
    },
    now,
  )
  const gate = new Gate(new KeyRing(config.apiKeys), limits, now)
  const errors: ErrorCounter = { unexpected: 0 }
  const read = createReadSide(store, profiles)
  const reset = () => {
    store.reset()
    profiles.reset()
    ids.reset()
    log.reset()
    limits.reset()
    faults.resetCounts()
    errors.unexpected = 0
  }
  const stats = () => collectStats(store, log, faults, errors.unexpected)

  // No automatic HEAD routes: every API route must pass the gate, so HEAD is a 405 like other methods.
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    exposeHeadRoutes: false,
    routerOptions: { ignoreTrailingSlash: true },
  })
  installBodyParsing(app)
  // Hook order matters: log everything, then the edge, then auth/revision/limits, then shared faults.
  log.install(app)
  faults.installEdge(app)
  gate.install(app)
  faults.install(app, faultResponders())
  installErrorHandling(app, errors)
  registerApiRoutes(app, {
    gate,
    store,
    profiles,
    accountInfo: (name) => accountInfo(name, config.timezone),
    maxEventProperties: config.maxEventProperties,
    now,
  })
  registerSimRoutes(app, {
    read,
    faults,
    clock,
    stats,
    requests: () => log.records(),
    reset,
    defaultTimezone: config.timezone,
  })

  const server = await listen(app, config.port, config.host)
  return {
    url: server.url,
    port: server.port,
    close: server.close,
    store: read,
    faults,
    clock,
    stats,
    requests: () => log.records(),
    reset,
  }
}

/** Stable per account name, so a restarted simulator shows the same account id. */
function accountInfo(name: string, timezone: string): AccountInfo {
  const digest = createHash('sha256').update(name).digest('base64url').replace(/[-_]/g, 'x')
  return { id: digest.slice(0, 6), publicApiKey: digest.slice(6, 12), name, timezone }
}
