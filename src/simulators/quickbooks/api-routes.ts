/**
 * The accounting API under `/v3/company/{realmId}` (reference §1, §3): entity create/update/delete/void
 * and read, query (GET, or POST with the statement as the body), batch. Every answer goes through
 * `serve`, which replays a stored answer for a known `requestid`, stores new ones, and applies the
 * knobs that act after the work (lost answers) or instead of it (200 with a Fault).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { SeededRandom } from '../common/seeded-random.js'
import { runBatch } from './batch.js'
import { faultBody, QboFault, systemFault, unsupportedOperation } from './errors.js'
import type { QuickBooksFaults } from './faults.js'
import { API_ROUTE_PREFIX, type ApiContext, type Gate } from './gate.js'
import type { Json } from './input.js'
import { ENTITY_BY_SEGMENT, type EntityName, read, write } from './operations.js'
import { runQuery } from './query.js'
import type { ReplayCache } from './replay.js'
import type { RequestLog } from './request-log.js'
import type { WriteContext } from './shape.js'
import type { Throttle } from './throttle.js'
import { envelopeTime } from './time.js'
import type { Usage } from './usage.js'

export const JSON_TYPE = 'application/json;charset=UTF-8'

export interface ApiRouteDeps {
  gate: Gate
  log: RequestLog
  faults: QuickBooksFaults
  replay: ReplayCache
  usage: Usage
  throttle: Throttle
  now: () => number
  maxBatchItems: number
  shuffleBatch: boolean
  random: SeededRandom
}

type Query = Record<string, string | undefined>

export function registerApiRoutes(app: FastifyInstance, deps: ApiRouteDeps): void {
  const writeContext = (ctx: ApiContext, query: Query): WriteContext => ({
    company: ctx.realm.company,
    now: deps.now(),
    allowDuplicateDocNum: (query.include ?? '').split(',').includes('allowduplicatedocnum'),
  })

  const query = (request: FastifyRequest, text: unknown) =>
    serve(deps, request, (ctx) => {
      deps.usage.add(ctx.realmId, 'reads')
      const statement = typeof text === 'string' ? text : ''
      deps.log.note(request, { operation: `query ${/\bfrom\s+(\w+)/i.exec(statement)?.[1] ?? ''}`.trim() })
      return runQuery(ctx.realm, statement)
    })

  app.get(`${API_ROUTE_PREFIX}/query`, async (request, reply) =>
    query(request, (request.query as Query).query)(reply),
  )
  app.post(`${API_ROUTE_PREFIX}/query`, async (request, reply) =>
    query(request, typeof request.body === 'string' ? request.body : (request.query as Query).query)(reply),
  )

  app.post(`${API_ROUTE_PREFIX}/batch`, async (request, reply) =>
    serve(deps, request, (ctx) => {
      const items = (request.body as { BatchItemRequest?: unknown } | undefined)?.BatchItemRequest
      deps.log.note(request, { operation: `batch ${Array.isArray(items) ? items.length : 0}` })
      return runBatch(
        ctx.realm,
        writeContext(ctx, request.query as Query),
        request.body,
        ctx.requestId !== undefined,
        {
          maxItems: deps.maxBatchItems,
          shuffle: deps.shuffleBatch,
          random: deps.random,
          usage: deps.usage,
          takeItems: (count) => deps.throttle.takeItems(ctx.throttleKey, count - 1),
        },
      )
    })(reply),
  )

  // GET /preferences has no id; other entities are read by id.
  app.get(`${API_ROUTE_PREFIX}/:entity`, async (request, reply) =>
    serve(deps, request, (ctx) => {
      const { entity } = request.params as { entity: string }
      deps.usage.add(ctx.realmId, 'reads')
      if (entity !== 'preferences') throw unsupportedOperation(`GET /${entity}`)
      deps.log.note(request, { operation: 'read Preferences' })
      return read(ctx.realm, 'Preferences', '1')
    })(reply),
  )

  app.get(`${API_ROUTE_PREFIX}/:entity/:id`, async (request, reply) =>
    serve(deps, request, (ctx) => {
      const { entity: segment, id } = request.params as { entity: string; id: string }
      const entity = entityOf(segment)
      deps.usage.add(ctx.realmId, 'reads')
      deps.log.note(request, { operation: `read ${entity}` })
      return read(ctx.realm, entity, id)
    })(reply),
  )

  app.post(`${API_ROUTE_PREFIX}/:entity`, async (request, reply) =>
    serve(deps, request, (ctx) => {
      const { entity: segment } = request.params as { entity: string }
      const entity = entityOf(segment)
      const params = request.query as Query
      // node-quickbooks voids with `include=void` on an update (reference fixtures libraries/).
      const include = (params.include ?? '').split(',')
      const operation =
        include.includes('void') && (params.operation ?? 'update') === 'update' ? 'void' : params.operation
      deps.usage.add(ctx.realmId, 'writes')
      deps.log.note(request, { operation: `${operation ?? 'write'} ${entity}` })
      return write(writeContext(ctx, params), entity, request.body, operation)
    })(reply),
  )
}

function entityOf(segment: string): EntityName {
  const entity = ENTITY_BY_SEGMENT.get(segment)
  if (!entity) throw unsupportedOperation(`/${segment}`)
  return entity
}

/**
 * Runs `work` once per requestid and sends its answer with the envelope `time`: a Fault thrown by the
 * work becomes the Fault envelope with its status. Curried so the route can pass the reply last.
 */
function serve(deps: ApiRouteDeps, request: FastifyRequest, work: (ctx: ApiContext) => Json) {
  return (reply: FastifyReply): FastifyReply => {
    const ctx = deps.gate.context(request)
    const zone = ctx.realm.company.settings.timezone
    const time = () => envelopeTime(deps.now(), zone)
    const fingerprint = `${request.method} ${request.url.split('?')[0]} ${bodyText(request.body)}`
    if (ctx.requestId !== undefined) {
      const stored = deps.replay.get(ctx.realmId, ctx.requestId)
      if (stored) {
        deps.usage.add(ctx.realmId, 'replays')
        if (stored.fingerprint !== fingerprint) deps.usage.add(ctx.realmId, 'requestIdMismatches')
        deps.log.note(request, { replayed: true })
        return send(reply, stored.status, stored.payload)
      }
    }
    if (deps.faults.okFault()) return send(reply, 200, JSON.stringify(faultBody(systemFault(200), time())))
    let status = 200
    let body: Json
    try {
      body = { ...work(ctx), time: time() }
    } catch (error) {
      if (!(error instanceof QboFault)) throw error
      status = error.status
      body = faultBody(error, time())
    }
    const payload = JSON.stringify(body)
    // A throttled batch did nothing; its retry must run.
    if (ctx.requestId !== undefined && status !== 429) {
      deps.replay.set(ctx.realmId, ctx.requestId, { status, payload, fingerprint })
    }
    if (deps.faults.loseResponse(request)) return reply.hijack()
    return send(reply, status, payload)
  }
}

/** The body as text for the requestid fingerprint; a body too deep to serialize counts as one value. */
function bodyText(body: unknown): string {
  try {
    return JSON.stringify(body ?? null)
  } catch {
    return '(unserializable)'
  }
}

function send(reply: FastifyReply, status: number, payload: string): FastifyReply {
  return reply.code(status).header('content-type', JSON_TYPE).send(payload)
}
