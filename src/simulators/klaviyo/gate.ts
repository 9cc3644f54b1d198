/**
 * What every API request passes before its handler, in the order Klaviyo's Django stack plausibly
 * applies it: authentication (401), revision (400/410), scope (403), rate limits (429). The body is
 * only read afterwards, so a throttled request never gets a 415 or a 400.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Caller, KeyRing } from './access.js'
import { KlaviyoError, throttledError } from './errors.js'
import type { Endpoint, RateLimits } from './rate-limits.js'
import { resolveRevision } from './revision.js'

export interface ApiRoute {
  endpoint: Endpoint
  scope: string
}

/** The simulated endpoints, by `METHOD /path` (paths without trailing slash; both forms route here). */
export const API_ROUTES: Readonly<Record<string, ApiRoute>> = {
  'POST /api/events': { endpoint: 'events', scope: 'events:write' },
  'POST /api/event-bulk-create-jobs': { endpoint: 'bulk', scope: 'events:write' },
  'POST /api/profile-import': { endpoint: 'profileImport', scope: 'profiles:write' },
  'GET /api/accounts': { endpoint: 'accounts', scope: 'accounts:read' },
  'GET /api/metrics': { endpoint: 'metrics', scope: 'metrics:read' },
}

export interface RequestContext {
  caller: Caller
  /** The served revision date. */
  revision: string
  /** Simulated receipt time, epoch ms. */
  receivedAt: number
}

export class Gate {
  readonly #contexts = new WeakMap<FastifyRequest, RequestContext>()

  constructor(
    private readonly keys: KeyRing,
    private readonly limits: RateLimits,
    private readonly now: () => number,
  ) {}

  install(app: FastifyInstance): void {
    app.addHook('onRequest', async (request, reply) => {
      const route = API_ROUTES[`${request.method} ${request.routeOptions.url}`]
      if (!route) return
      const caller = this.keys.authenticate(request.headers.authorization)
      const revision = resolveRevision(request.headers.revision)
      this.keys.authorize(caller, route.scope)
      const decision = this.limits.take(caller.account, route.endpoint)
      if (!decision.allowed) {
        const seconds = decision.retryAfterSeconds
        throw new KlaviyoError([throttledError(seconds)], { 'Retry-After': String(seconds) })
      }
      reply.headers(decision.headers)
      this.#contexts.set(request, { caller, revision, receivedAt: this.now() })
    })
  }

  /** The context the hook stored; only API route handlers ask. */
  context(request: FastifyRequest): RequestContext {
    const context = this.#contexts.get(request)
    if (!context) throw new Error(`no gate context for ${request.method} ${request.url}`)
    return context
  }
}
