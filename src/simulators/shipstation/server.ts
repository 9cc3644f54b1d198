/**
 * Assembles the simulator: accounts (one world and one rate-limit bucket per key pair), Basic auth,
 * the fixed-window limiter with its headers on every answer, fault injection, the public routes,
 * the /_sim control routes, and webhook delivery.
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import { type FaultCounts, Faults, isControlUrl } from '../common/faults.js'
import { FixedWindowLimiter } from '../common/fixed-window-limiter.js'
import { listen } from '../common/serve.js'
import { SimClock } from '../common/sim-clock.js'
import { registerApiRoutes } from './api.js'
import { registerControlRoutes } from './control.js'
import { ApiError, serverErrorBody, TOO_MANY_REQUESTS_BODY, UNAUTHORIZED_BODY } from './errors.js'
import { generateWorld } from './generate.js'
import { type SimulatorOptions, simulatorOptionsSchema } from './options.js'
import { RequestStats, type RequestStatsSnapshot } from './stats.js'
import { type WebhookCounts, WebhookDispatcher } from './webhooks.js'
import { parseBody } from './wire.js'
import type { World } from './world.js'

export interface SimulatorStats {
  requests: RequestStatsSnapshot
  faults: FaultCounts
  webhooks: WebhookCounts
}

export interface ShipStationSimulator {
  /** Base URL, e.g. http://127.0.0.1:40123 (no trailing slash). */
  url: string
  port: number
  /** The first account's world: its data, history and control methods. */
  world: World
  worlds: readonly World[]
  /** The world of an account by API key; throws for an unknown key. */
  account(apiKey: string): World
  clock: SimClock
  faults: Faults
  webhooks: WebhookDispatcher
  stats(): SimulatorStats
  close(): Promise<void>
}

interface Account {
  secret: string
  world: World
}

/** Starts the simulator; `port: 0` picks a free port. */
export async function startShipStationSimulator(input: SimulatorOptions = {}): Promise<ShipStationSimulator> {
  const options = simulatorOptionsSchema.parse(input)
  const startAt = typeof options.startAt === 'string' ? Date.parse(options.startAt) : options.startAt
  const clock = new SimClock(Date.now, startAt)
  const specs = options.accounts ?? [
    {
      apiKey: options.apiKey,
      apiSecret: options.apiSecret,
      seed: options.seed,
      orders: options.orders,
      stores: options.stores,
    },
  ]
  const accounts = new Map<string, Account>()
  const generatedAt = startAt ?? clock.now()
  for (const spec of specs) {
    if (accounts.has(spec.apiKey)) throw new Error(`duplicate apiKey ${spec.apiKey}`)
    const world = generateWorld(spec, generatedAt)
    world.now = () => clock.now()
    accounts.set(spec.apiKey, { secret: spec.apiSecret, world })
  }
  const worlds = [...accounts.values()].map((a) => a.world)

  // Windows run on real time: a frozen simulated clock must not freeze a client's back-off.
  const limiter = new FixedWindowLimiter(options.rateLimit, options.rateWindowMs)
  const resolution = options.rateResetResolutionMs
  const faults = new Faults()
  faults.set(options.faults ?? {})
  let baseUrl = ''
  const webhooks = new WebhookDispatcher(() => baseUrl)
  if (options.webhooks) webhooks.set(options.webhooks)
  for (const world of worlds) world.onEvent = (event) => webhooks.dispatch(world, event)
  const stats = new RequestStats()
  const worldOfRequest = new WeakMap<FastifyRequest, World>()

  const app = Fastify({
    logger: false,
    forceCloseConnections: true,
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
  })
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) =>
    done(null, parseBody(String(body))),
  )

  app.addHook('onRequest', async (request, reply) => {
    if (isControlUrl(request.url)) return
    const credentials = basicCredentials(request.headers.authorization)
    const account = credentials && accounts.get(credentials.key)
    const authorised = account && account.secret === credentials.secret
    const window = limiter.take(
      credentials ? `${credentials.key}:${credentials.secret}` : `anonymous:${request.ip}`,
    )
    reply.header('X-Rate-Limit-Limit', String(window.limit))
    reply.header('X-Rate-Limit-Remaining', String(window.remaining))
    reply.header('X-Rate-Limit-Reset', String((Math.ceil(window.resetMs / resolution) * resolution) / 1000))
    if (!authorised) return reply.code(401).send(UNAUTHORIZED_BODY)
    if (!window.allowed) return reply.code(429).send(TOO_MANY_REQUESTS_BODY)
    worldOfRequest.set(request, account.world)
    account.world.tick()
  })

  faults.install(app, {
    serverError: (reply: FastifyReply, status: number) =>
      reply.code(status).send(serverErrorBody('Object reference not set to an instance of an object.')),
    tooManyRequests: (_request: FastifyRequest, reply: FastifyReply) =>
      reply.header('X-Rate-Limit-Remaining', '0').code(429).send(TOO_MANY_REQUESTS_BODY),
  })

  app.addHook('onResponse', async (request, reply) => {
    if (isControlUrl(request.url)) return
    const endpoint = `${request.method} ${request.routeOptions.url ?? '(unknown route)'}`
    stats.record(endpoint, reply.statusCode, worldOfRequest.get(request)?.apiKey)
  })

  app.setErrorHandler(async (error, request, reply) => {
    if (isControlUrl(request.url)) {
      const status = error instanceof ApiError ? error.status : statusOf(error)
      return reply.code(status).send({ error: error instanceof Error ? error.message : String(error) })
    }
    if (error instanceof ApiError) return reply.code(error.status).send(error.body)
    const status = statusOf(error)
    if (status < 500)
      return reply
        .code(status)
        .send({ Message: error instanceof Error ? error.message : 'The request is invalid.' })
    return reply.code(500).send(serverErrorBody(error instanceof Error ? error.message : String(error)))
  })

  app.setNotFoundHandler(async (request, reply) => {
    if (isControlUrl(request.url))
      return reply.code(404).send({ error: `no control route ${request.method} ${request.url}` })
    return reply.code(404).send({
      Message: `No HTTP resource was found that matches the request URI '${baseUrl}${request.url}'.`,
    })
  })

  const worldOf = (request: FastifyRequest) => {
    const world = worldOfRequest.get(request)
    if (!world) throw new ApiError(401, UNAUTHORIZED_BODY)
    return world
  }
  const account = (apiKey: string) => {
    const found = accounts.get(apiKey)
    if (!found) throw new ApiError(404, { Message: `unknown account ${apiKey}` })
    return found.world
  }
  const statsSnapshot = (): SimulatorStats => ({
    requests: stats.snapshot(),
    faults: { ...faults.counts },
    webhooks: { ...webhooks.counts },
  })

  registerApiRoutes(app, worldOf)
  registerControlRoutes(app, { worlds, account, clock, faults, webhooks, stats: statsSnapshot })

  const running = await listen(app, options.port, options.host)
  baseUrl = options.publicUrl?.replace(/\/$/, '') ?? running.url
  return {
    url: running.url,
    port: running.port,
    world: worlds[0]!,
    worlds,
    account,
    clock,
    faults,
    webhooks,
    stats: statsSnapshot,
    close: running.close,
  }
}

function basicCredentials(header: string | undefined): { key: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? '')
  if (!match) return undefined
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? undefined : { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) }
}

function statusOf(error: unknown): number {
  const code =
    typeof error === 'object' && error !== null && 'statusCode' in error ? Number(error.statusCode) : 500
  return code >= 400 && code < 600 ? code : 500
}
