/**
 * Simulator-only routes under /_sim (never faulted, never throttled, no auth): the read side, company
 * settings, the request log, usage, fault knobs, limits, token control, the clock and a reset.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import type { SimClock } from '../common/sim-clock.js'
import type { QuickBooksFaults } from './faults.js'
import type { TokenAuthority } from './oauth.js'
import { entityNamed, type QuickBooksReadSide } from './read-side.js'
import type { RequestLog } from './request-log.js'
import type { Throttle } from './throttle.js'
import type { Usage } from './usage.js'

export interface SimRouteDeps {
  read: QuickBooksReadSide
  log: RequestLog
  usage: Usage
  faults: QuickBooksFaults
  throttle: Throttle
  tokens: TokenAuthority
  clock: SimClock
  defaultClientId: string
  stats(): unknown
  reset(): void
}

const tokenFilter = z.strictObject({
  token: z.string().optional(),
  realmId: z.string().optional(),
  clientId: z.string().optional(),
})

const clockBody = z.strictObject({
  /** Moves the clock forward. */
  advanceMs: z.number().nonnegative().optional(),
  /** Freezes at an instant (ISO 8601 or epoch ms), or now when `true`. */
  freeze: z.union([z.literal(true), z.number(), z.iso.datetime({ offset: true })]).optional(),
  unfreeze: z.literal(true).optional(),
})

export function registerSimRoutes(app: FastifyInstance, deps: SimRouteDeps): void {
  const { read } = deps
  const realmParam = (reply: FastifyReply, realmId: string) => {
    if (read.realms().includes(realmId)) return true
    reply.code(404).send({ error: `unknown realm ${realmId}` })
    return false
  }

  app.get('/_sim/realms', async () =>
    read
      .realms()
      .map((realmId) => ({ realmId, settings: read.settings(realmId), counts: read.counts(realmId) })),
  )

  app.get('/_sim/realms/:realmId/settings', async (request, reply) => {
    const { realmId } = request.params as { realmId: string }
    if (!realmParam(reply, realmId)) return reply
    return read.settings(realmId)
  })

  app.put('/_sim/realms/:realmId/settings', async (request, reply) => {
    const { realmId } = request.params as { realmId: string }
    if (!realmParam(reply, realmId)) return reply
    return read.setSettings(realmId, request.body ?? {})
  })

  app.get('/_sim/realms/:realmId/counts', async (request, reply) => {
    const { realmId } = request.params as { realmId: string }
    if (!realmParam(reply, realmId)) return reply
    return read.counts(realmId)
  })

  app.get('/_sim/realms/:realmId/deleted', async (request, reply) => {
    const { realmId } = request.params as { realmId: string }
    if (!realmParam(reply, realmId)) return reply
    return { data: read.deleted(realmId) }
  })

  app.get('/_sim/realms/:realmId/entities/:entity', async (request, reply) => {
    const { realmId, entity } = request.params as { realmId: string; entity: string }
    if (!realmParam(reply, realmId)) return reply
    const name = entityNamed(entity)
    if (!name) return reply.code(404).send({ error: `unknown entity ${entity}` })
    const data = read.entities(realmId, name)
    return { count: data.length, data }
  })

  app.get('/_sim/realms/:realmId/entities/:entity/:id', async (request, reply) => {
    const { realmId, entity, id } = request.params as { realmId: string; entity: string; id: string }
    if (!realmParam(reply, realmId)) return reply
    const name = entityNamed(entity)
    const found = name && read.entity(realmId, name, id)
    if (!found) return reply.code(404).send({ error: `no ${entity} ${id} in realm ${realmId}` })
    return found
  })

  app.get('/_sim/usage', async () => deps.usage.all())

  app.get('/_sim/requests', async (request) => {
    const query = request.query as { realmId?: string; requestid?: string }
    return { data: deps.log.records({ realmId: query.realmId, requestId: query.requestid }) }
  })

  app.get('/_sim/stats', async () => deps.stats())

  app.get('/_sim/faults', async () => deps.faults.settings)
  app.put('/_sim/faults', async (request) => deps.faults.set(request.body ?? {}))

  app.get('/_sim/limits', async () => deps.throttle.limits)
  app.put('/_sim/limits', async (request) => deps.throttle.set(request.body ?? {}))

  app.get('/_sim/tokens', async () => ({ data: deps.tokens.list() }))

  app.post('/_sim/tokens', async (request, reply) => {
    const body = z
      .strictObject({
        realmId: z.string().default(read.realms()[0]!),
        clientId: z.string().default(deps.defaultClientId),
        scope: z.string().optional(),
      })
      .parse(request.body ?? {})
    try {
      return deps.tokens.issue(body.realmId, body.clientId, body.scope?.split(/\s+/))
    } catch (error) {
      if (error instanceof RangeError) return reply.code(404).send({ error: error.message })
      throw error
    }
  })

  app.post('/_sim/tokens/expire', async (request) => {
    const body = tokenFilter.extend({ refresh: z.boolean().default(false) }).parse(request.body ?? {})
    const { refresh, ...filter } = body
    return { expired: deps.tokens.expire(filter, refresh) }
  })

  app.post('/_sim/tokens/revoke', async (request) => ({
    revokedGrants: deps.tokens.revokeWhere(tokenFilter.parse(request.body ?? {})),
  }))

  app.get('/_sim/oauth', async () => ({ autoApprove: deps.tokens.autoApprove }))
  app.put('/_sim/oauth', async (request) => {
    deps.tokens.autoApprove = z.strictObject({ autoApprove: z.boolean() }).parse(request.body).autoApprove
    return { autoApprove: deps.tokens.autoApprove }
  })

  app.get('/_sim/clock', async () => clockState(deps.clock))
  app.post('/_sim/clock', async (request) => {
    const { advanceMs, freeze, unfreeze } = clockBody.parse(request.body ?? {})
    if (unfreeze) deps.clock.unfreeze()
    if (freeze !== undefined) deps.clock.freeze(freeze === true ? undefined : new Date(freeze).getTime())
    if (advanceMs !== undefined) deps.clock.advance(advanceMs)
    return clockState(deps.clock)
  })

  app.post('/_sim/reset', async () => {
    deps.reset()
    return { reset: true }
  })
}

function clockState(clock: SimClock) {
  return { now: new Date(clock.now()).toISOString(), frozen: clock.frozen }
}
