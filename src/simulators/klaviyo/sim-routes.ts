/**
 * Simulator-only routes under /_sim (never faulted, never rate limited, no auth): the read side for
 * tests and dashboards, fault knobs, the clock and a reset.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'
import { isValidZone } from '../../lib/pacific-time.js'
import type { SimClock } from '../common/sim-clock.js'
import type { KlaviyoFaults } from './faults.js'
import type { KlaviyoReadSide, KlaviyoStats } from './read-side.js'

export interface SimRouteDeps {
  read: KlaviyoReadSide
  faults: KlaviyoFaults
  clock: SimClock
  stats(): KlaviyoStats
  requests(): unknown[]
  reset(): void
  defaultTimezone: string
}

const flag = z.enum(['true', 'false']).transform((v) => v === 'true')

const eventQuery = z.object({
  metric: z.string().optional(),
  email: z.string().optional(),
  unique_id: z.string().optional(),
  profile_id: z.string().optional(),
  status: z.enum(['stored', 'dropped', 'all']).optional(),
  skips_flows: flag.optional(),
})

const countsQuery = z.object({
  tz: z.string().refine(isValidZone, 'unknown IANA time zone').optional(),
  metric: z.string().optional(),
})

const clockBody = z.strictObject({
  /** Moves the clock forward. */
  advanceMs: z.number().nonnegative().optional(),
  /** Freezes at an instant (ISO 8601 or epoch ms), or now when `true`. */
  freeze: z.union([z.literal(true), z.number(), z.iso.datetime({ offset: true })]).optional(),
  unfreeze: z.literal(true).optional(),
})

export function registerSimRoutes(app: FastifyInstance, deps: SimRouteDeps): void {
  app.get('/_sim/events', async (request, reply) => {
    const query = eventQuery.safeParse(request.query)
    if (!query.success) return badRequest(reply, query.error)
    const { metric, email, unique_id, profile_id, status, skips_flows } = query.data
    const data = deps.read.events({
      metric,
      email,
      uniqueId: unique_id,
      profileId: profile_id,
      status,
      skipsFlows: skips_flows,
    })
    return { count: data.length, data }
  })

  app.get('/_sim/profiles', async () => {
    const data = deps.read.profiles()
    return { count: data.length, data }
  })

  app.get('/_sim/counts', async (request, reply) => {
    const query = countsQuery.safeParse(request.query)
    if (!query.success) return badRequest(reply, query.error)
    const tz = query.data.tz ?? deps.defaultTimezone
    return { tz, counts: deps.read.counts(tz, query.data.metric) }
  })

  app.get('/_sim/stats', async () => deps.stats())

  app.get('/_sim/requests', async () => ({ data: deps.requests() }))

  app.get('/_sim/faults', async () => deps.faults.settings)

  app.put('/_sim/faults', async (request, reply) => {
    try {
      return deps.faults.set(request.body ?? {})
    } catch (error) {
      if (error instanceof z.ZodError) return badRequest(reply, error)
      throw error
    }
  })

  app.get('/_sim/clock', async () => clockState(deps.clock))

  app.post('/_sim/clock', async (request, reply) => {
    const body = clockBody.safeParse(request.body ?? {})
    if (!body.success) return badRequest(reply, body.error)
    const { advanceMs, freeze, unfreeze } = body.data
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

function badRequest(reply: FastifyReply, error: z.ZodError): FastifyReply {
  return reply.code(400).send({ error: z.prettifyError(error) })
}
