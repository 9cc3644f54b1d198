/**
 * The QuickBooks Online simulator: OAuth 2 (authorize, token, revoke), the accounting API for the
 * entities an order sync writes and reads, query, batch, `requestid` replay, QBO's validation and error
 * codes, throttling and read metering (see docs/simulators/quickbooks.md), plus a read side and control
 * routes under /_sim.
 */
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyReply } from 'fastify'
import { isControlUrl } from '../common/faults.js'
import { SeededRandom } from '../common/seeded-random.js'
import { listen } from '../common/serve.js'
import { SimClock } from '../common/sim-clock.js'
import { JSON_TYPE, registerApiRoutes } from './api-routes.js'
import { installBodyParsing, MAX_BODY_BYTES } from './body.js'
import { Company } from './company.js'
import {
  type ErrorCounter,
  type FrameworkErrorHandler,
  installErrorHandling,
  zoneOf,
} from './error-handler.js'
import { faultBody, systemFault, throttled } from './errors.js'
import { type QuickBooksFaultCounts, QuickBooksFaults } from './faults.js'
import { Gate } from './gate.js'
import { TokenAuthority, type TokenFilter, type TokenResponse, type TokenView } from './oauth.js'
import { registerOAuthRoutes } from './oauth-routes.js'
import type { Realm } from './operations.js'
import { type QuickBooksSimulatorOptions, quickBooksSimulatorOptionsSchema } from './options.js'
import { PATHS, surfaceOf } from './paths.js'
import { createReadSide, type QuickBooksReadSide } from './read-side.js'
import { ReplayCache } from './replay.js'
import { type RequestFilter, RequestLog, type RequestRecord } from './request-log.js'
import { seedCompany } from './seed.js'
import { companySettingsSchema } from './settings.js'
import { registerSimRoutes } from './sim-routes.js'
import { type Limits, Throttle, type ThrottleReason } from './throttle.js'
import { envelopeTime } from './time.js'
import { type RealmUsage, Usage } from './usage.js'

export type { QuickBooksFaultSettings } from './faults.js'
export type { Json } from './input.js'
export type { TokenFilter, TokenResponse, TokenView } from './oauth.js'
export type { EntityName } from './operations.js'
export type { QuickBooksSimulatorOptions } from './options.js'
export { DEFAULT_CLIENT, DEFAULT_REALM_ID } from './options.js'
export type { QuickBooksReadSide } from './read-side.js'
export type { RequestFilter, RequestRecord } from './request-log.js'
export type { CompanySettings } from './settings.js'
export type { Limits, ThrottleReason } from './throttle.js'
export type { RealmUsage } from './usage.js'
export { PATHS, QuickBooksFaults }

export interface QuickBooksStats {
  /** API and OAuth requests received, and responses per status (`none` = no answer). */
  requests: { total: number; byStatus: Record<string, number> }
  /** Reads, writes, replays and reused requestids per realm. */
  usage: Record<string, RealmUsage>
  /** 429s sent by the throttle, per limit. */
  throttled: Record<ThrottleReason, number>
  faults: QuickBooksFaultCounts
  /** Exceptions the simulator did not expect (answered 500); should stay 0. */
  unexpectedErrors: number
}

/** Token control for tests: tokens without the browser flow, expiry and revocation on demand. */
export interface TokenControl {
  /** Tokens for a realm (default: the first) and app (default: the first client). */
  issue(realmId?: string, clientId?: string): TokenResponse
  /** Expires matching access tokens now, refresh tokens too with `refresh`; returns how many. */
  expire(filter?: TokenFilter, refresh?: boolean): number
  /** Revokes the connections of matching tokens; returns how many. */
  revoke(filter?: TokenFilter): number
  list(): TokenView[]
  /** false: the authorize endpoint answers `error=access_denied`. */
  autoApprove: boolean
}

export interface QuickBooksSimulator {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:4030`; also the API base. */
  url: string
  port: number
  /** Absolute URLs of the OAuth endpoints, for a client's config. */
  oauthUrls: { authorize: string; token: string; revoke: string; discovery: string }
  close(): Promise<void>
  /** Company data, settings and metering per realm. */
  read: QuickBooksReadSide
  tokens: TokenControl
  /** Fault knobs (`set` replaces all of them) and counts of injected faults. */
  faults: QuickBooksFaults
  limits: { get(): Limits; set(patch: Partial<Limits>): Limits }
  /** The simulated clock: token expiry, timestamps, rate-limit windows, requestid retention. */
  clock: SimClock
  stats(): QuickBooksStats
  /** Every API and OAuth request received, oldest first. */
  requests(filter?: RequestFilter): RequestRecord[]
  /** Re-seeds every company and forgets logs, usage, replays and windows; keeps tokens and fault knobs. */
  reset(): void
}

export async function startQuickBooksSimulator(
  options: QuickBooksSimulatorOptions = {},
): Promise<QuickBooksSimulator> {
  const config = quickBooksSimulatorOptionsSchema.parse(options)
  const startAt = typeof config.startAt === 'string' ? Date.parse(config.startAt) : config.startAt
  const clock = config.clock ?? new SimClock(Date.now, startAt)
  const now = () => clock.now()
  const random = new SeededRandom(config.seed)

  const realms = new Map<string, Realm>()
  const seeded = (spec: (typeof config.realms)[number], realm: Realm) => {
    realm.company = new Company(spec.realmId, companySettingsSchema.parse(spec.settings))
    realm.createdAt = now()
    seedCompany(realm.company, realm.createdAt)
  }
  for (const spec of config.realms) {
    if (realms.has(spec.realmId)) throw new Error(`duplicate realmId ${spec.realmId}`)
    const realm = {} as Realm
    seeded(spec, realm)
    realms.set(spec.realmId, realm)
  }

  const tokens = new TokenAuthority(config.clients, [...realms.keys()], config.tokens, now, random)
  const throttle = new Throttle(config.limits, now)
  const usage = new Usage()
  const replay = new ReplayCache(config.requestIdRetentionMs, now)
  const log = new RequestLog(now)
  const faults = new QuickBooksFaults()
  faults.set(config.faults)
  const gate = new Gate(tokens, realms, throttle)
  const counter: ErrorCounter = { unexpected: 0 }
  const read = createReadSide(realms, usage)

  const reset = () => {
    for (const spec of config.realms) seeded(spec, realms.get(spec.realmId)!)
    throttle.reset()
    usage.reset()
    replay.reset()
    log.reset()
    faults.resetCounts()
    counter.unexpected = 0
  }
  const stats = (): QuickBooksStats => {
    const records = log.records()
    const byStatus: Record<string, number> = {}
    for (const r of records)
      byStatus[String(r.status ?? 'none')] = (byStatus[String(r.status ?? 'none')] ?? 0) + 1
    return {
      requests: { total: records.length, byStatus },
      usage: usage.all(),
      throttled: { ...throttle.counts },
      faults: faults.counts,
      unexpectedErrors: counter.unexpected,
    }
  }

  let onFrameworkError: FrameworkErrorHandler = () => {}
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    exposeHeadRoutes: false,
    forceCloseConnections: true,
    routerOptions: { ignoreTrailingSlash: true },
    // A path with bad percent-encoding never reaches the router; still a Fault, not Fastify's body.
    frameworkErrors: (error, request, reply) => onFrameworkError(error, request, reply),
  })
  installBodyParsing(app)
  // Hook order matters: log everything, then the gate (auth, throttle), then the shared fault knobs.
  log.install(app)
  app.addHook('onRequest', async (request, reply) => {
    // Intuit's transaction id, which its support asks for (reference §2).
    if (!isControlUrl(request.url)) reply.header('intuit_tid', randomUUID())
  })
  gate.install(app)
  faults.install(app, {
    serverError(reply: FastifyReply, status: number) {
      const surface = surfaceOf(reply.request.url)
      if (surface === 'api') {
        const body = faultBody(systemFault(status), envelopeTime(now(), zoneOf(realms, reply.request)))
        return reply.code(status).header('content-type', JSON_TYPE).send(JSON.stringify(body))
      }
      return reply
        .code(status)
        .header('content-type', JSON_TYPE)
        .send(JSON.stringify({ error: 'server_error' }))
    },
    tooManyRequests(request, reply) {
      if (surfaceOf(request.url) !== 'api') {
        return reply
          .code(429)
          .header('content-type', JSON_TYPE)
          .send(JSON.stringify({ error: 'too_many_requests' }))
      }
      const body = faultBody(throttled(), envelopeTime(now(), zoneOf(realms, request)))
      return reply.code(429).header('content-type', JSON_TYPE).send(JSON.stringify(body))
    },
  })
  onFrameworkError = installErrorHandling(app, { realms, now, counter })
  registerApiRoutes(app, {
    gate,
    log,
    faults,
    replay,
    usage,
    throttle,
    now,
    maxBatchItems: config.maxBatchItems,
    shuffleBatch: config.shuffleBatch,
    random,
  })
  registerOAuthRoutes(app, { tokens, faults, log })
  const defaultClientId = config.clients[0]!.clientId
  registerSimRoutes(app, { read, log, usage, faults, throttle, tokens, clock, defaultClientId, stats, reset })

  const server = await listen(app, config.port, config.host)
  return {
    url: server.url,
    port: server.port,
    oauthUrls: {
      authorize: `${server.url}${PATHS.authorize}`,
      token: `${server.url}${PATHS.token}`,
      revoke: `${server.url}${PATHS.revoke}`,
      discovery: `${server.url}${PATHS.discovery}`,
    },
    close: server.close,
    read,
    tokens: {
      issue: (realmId = [...realms.keys()][0]!, clientId = defaultClientId) =>
        tokens.issue(realmId, clientId),
      expire: (filter = {}, refresh = false) => tokens.expire(filter, refresh),
      revoke: (filter = {}) => tokens.revokeWhere(filter),
      list: () => tokens.list(),
      get autoApprove() {
        return tokens.autoApprove
      },
      set autoApprove(value: boolean) {
        tokens.autoApprove = value
      },
    },
    faults,
    limits: { get: () => throttle.limits, set: (patch) => throttle.set(patch) },
    clock,
    stats,
    requests: (filter) => log.records(filter),
    reset,
  }
}
