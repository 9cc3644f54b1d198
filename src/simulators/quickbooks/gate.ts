/**
 * What every accounting API request passes before its handler, in the gateway's order: the bearer
 * token (401, 3200), the company it names (403, 3100), the `requestid` length, then the throttle (429,
 * 3001: in flight, per second, per minute, batch calls per minute). An admitted request counts as in
 * flight until its connection closes.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { lengthError, QboFault, throttled } from './errors.js'
import type { Caller, TokenAuthority } from './oauth.js'
import type { Realm } from './operations.js'
import { MAX_BATCH_REQUEST_ID, MAX_REQUEST_ID } from './replay.js'
import type { Throttle } from './throttle.js'

export const API_ROUTE_PREFIX = '/v3/company/:realmId'

export interface ApiContext {
  realm: Realm
  realmId: string
  caller: Caller
  requestId?: string
  /** Realm + app: the unit of throttling. */
  throttleKey: string
}

export class Gate {
  readonly #contexts = new WeakMap<FastifyRequest, ApiContext>()

  constructor(
    private readonly tokens: TokenAuthority,
    private readonly realms: ReadonlyMap<string, Realm>,
    private readonly throttle: Throttle,
  ) {}

  install(app: FastifyInstance): void {
    app.addHook('onRequest', async (request, reply) => {
      const route = request.routeOptions.url
      if (!route?.startsWith(API_ROUTE_PREFIX)) return
      const { realmId } = request.params as { realmId: string }
      const caller = this.tokens.verify(request.headers.authorization, realmId)
      const realm = this.realms.get(realmId)!
      const batch = route.endsWith('/batch')
      const requestId = (request.query as Record<string, unknown>).requestid
      const id = typeof requestId === 'string' && requestId !== '' ? requestId : undefined
      const max = batch ? MAX_BATCH_REQUEST_ID : MAX_REQUEST_ID
      if (id !== undefined && id.length > max) throw new QboFault([lengthError('requestid', max, id.length)])
      const throttleKey = `${realmId}:${caller.clientId}`
      if (this.throttle.admit(throttleKey, batch)) throw throttled()
      let released = false
      reply.raw.once('close', () => {
        if (!released) this.throttle.release(throttleKey)
        released = true
      })
      this.#contexts.set(request, { realm, realmId, caller, requestId: id, throttleKey })
    })
  }

  /** The context the hook stored; only API route handlers ask. */
  context(request: FastifyRequest): ApiContext {
    const context = this.#contexts.get(request)
    if (!context) throw new Error(`no gate context for ${request.method} ${request.url}`)
    return context
  }
}
