/**
 * The simulated Klaviyo endpoints (reference §2–§4, §11). Each handler validates the whole body first
 * and only then records anything, so a rejected request (including a whole bulk job) changes nothing.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { MAX_BODY_BYTES, MAX_PROFILE_BODY_BYTES } from './body.js'
import { type AccountInfo, accountsDocument, metricsDocument, profileDocument } from './documents.js'
import { type ApiError, invalid, KlaviyoError } from './errors.js'
import type { Gate, RequestContext } from './gate.js'
import { type CheckedProfile, checkProfile } from './identity.js'
import { issuesToErrors } from './issues.js'
import type { ProfileDirectory } from './profiles.js'
import { BACKFILL_REVISION, NO_ANONYMOUS_ID_REVISION } from './revision.js'
import {
  buildSchemas,
  type EventAttributes,
  MAX_BULK_EVENTS,
  parseEventTime,
  type Schemas,
} from './schemas.js'
import type { EventStore, IncomingEvent } from './store.js'

export const JSON_API = 'application/vnd.api+json'
const PARTIAL_FAILURE = 'X-Klaviyo-Partial-Failure'
const BULK_DATA = '/data/attributes/events-bulk-create/data'

export interface ApiRouteDeps {
  gate: Gate
  store: EventStore
  profiles: ProfileDirectory
  accountInfo(account: string): AccountInfo
  maxEventProperties: number
  now: () => number
}

type EventFields = Omit<EventAttributes, 'profile'>

export function registerApiRoutes(app: FastifyInstance, deps: ApiRouteDeps): void {
  const schemasFor = schemaCache(deps)

  app.post('/api/events', { bodyLimit: MAX_BODY_BYTES }, async (request, reply) => {
    const context = deps.gate.context(request)
    const body = parse(schemasFor(context.revision).createEvent, request.body, 'event')
    const attributes = body.data.attributes
    const profile = checked(checkProfile(attributes.profile.data, '/data/attributes/profile/data'))
    deps.store.ingest(incoming(attributes, profile, undefined, 'create-event', context), context.receivedAt)
    if (profile.phoneIgnored) reply.header(PARTIAL_FAILURE, 'phone_number')
    return reply.code(202).send()
  })

  app.post('/api/event-bulk-create-jobs', { bodyLimit: MAX_BODY_BYTES }, async (request, reply) => {
    const context = deps.gate.context(request)
    const body = parse(schemasFor(context.revision).bulkCreate, request.body, 'event-bulk-create-job')
    const entries = body.data.attributes['events-bulk-create'].data
    const total = entries.reduce((n, entry) => n + entry.attributes.events.data.length, 0)
    if (total > MAX_BULK_EVENTS) {
      throw new KlaviyoError([
        invalid(
          `A bulk job may contain at most ${MAX_BULK_EVENTS} events; this one has ${total}.`,
          BULK_DATA,
        ),
      ])
    }
    const errors: ApiError[] = []
    const events: IncomingEvent[] = []
    const uniqueIds = new Set<string>()
    let phoneIgnored = false
    entries.forEach((entry, i) => {
      const base = `${BULK_DATA}/${i}/attributes`
      const result = checkProfile(entry.attributes.profile.data, `${base}/profile/data`)
      if ('error' in result) {
        errors.push(result.error)
        return
      }
      phoneIgnored ||= result.profile.phoneIgnored
      // A repeated unique_id for one profile and metric fails the whole request (reference §3).
      const profileKey = deps.profiles.keyFor(result.profile.identity)
      entry.attributes.events.data.forEach((event, j) => {
        const { unique_id: uniqueId, metric } = event.attributes
        if (uniqueId != null) {
          const { name, service } = metric.data.attributes
          const key = [profileKey, service ?? 'api', name, uniqueId].join('\u0000')
          if (uniqueIds.has(key)) {
            errors.push(
              invalid(
                `Duplicate unique_id '${uniqueId}' for the same profile and metric in this request.`,
                `${base}/events/data/${j}/attributes/unique_id`,
              ),
            )
          }
          uniqueIds.add(key)
        }
        events.push(
          incoming(event.attributes, result.profile, entry.attributes.backfill, 'bulk-create', context),
        )
      })
    })
    if (errors.length > 0) throw new KlaviyoError(errors)
    for (const event of events) deps.store.ingest(event, context.receivedAt)
    if (phoneIgnored) reply.header(PARTIAL_FAILURE, 'phone_number')
    return reply.code(202).send()
  })

  app.post('/api/profile-import', { bodyLimit: MAX_PROFILE_BODY_BYTES }, async (request, reply) => {
    const context = deps.gate.context(request)
    const body = parse(schemasFor(context.revision).profileImport, request.body, 'profile')
    const profile = checked(checkProfile(body.data, '/data'))
    const { profile: stored, created } = deps.profiles.importProfile(profile)
    if (profile.phoneIgnored) reply.header(PARTIAL_FAILURE, 'phone_number')
    return reply
      .code(created ? 201 : 200)
      .type(JSON_API)
      .send(profileDocument(stored, baseUrl(request)))
  })

  app.get('/api/accounts', async (request, reply) => {
    const { caller } = deps.gate.context(request)
    return reply.type(JSON_API).send(accountsDocument(deps.accountInfo(caller.account), baseUrl(request)))
  })

  app.get('/api/metrics', async (request, reply) => {
    deps.gate.context(request)
    return reply.type(JSON_API).send(metricsDocument(deps.store.metrics(), baseUrl(request)))
  })
}

/** One schema set per combination of revision-dependent fields. */
function schemaCache(deps: ApiRouteDeps): (revision: string) => Schemas {
  const cache = new Map<string, Schemas>()
  return (revision) => {
    const backfill = revision >= BACKFILL_REVISION
    const importAnonymousId = revision < NO_ANONYMOUS_ID_REVISION
    const key = `${backfill}:${importAnonymousId}`
    let schemas = cache.get(key)
    if (!schemas) {
      schemas = buildSchemas({
        backfill,
        importAnonymousId,
        maxEventProperties: deps.maxEventProperties,
        now: deps.now,
      })
      cache.set(key, schemas)
    }
    return schemas
  }
}

/**
 * Validates and returns the body itself: the schemas do not transform, and zod's copies would lose
 * own `__proto__` keys that a client may legitimately send as event properties.
 */
function parse<S extends z.ZodType>(schema: S, body: unknown, resource: string): z.output<S> {
  const result = schema.safeParse(body, { reportInput: true })
  if (!result.success) throw new KlaviyoError(issuesToErrors(result.error.issues, resource))
  return body as z.output<S>
}

function checked(result: ReturnType<typeof checkProfile>): CheckedProfile {
  if ('error' in result) throw new KlaviyoError([result.error])
  return result.profile
}

/** `fields` are stored as sent (Create Event's include the profile relationship). */
function incoming(
  fields: EventFields,
  profile: CheckedProfile,
  entryBackfill: boolean | null | undefined,
  source: IncomingEvent['source'],
  context: RequestContext,
): IncomingEvent {
  const metric = fields.metric.data.attributes
  return {
    metric: metric.name,
    service: metric.service ?? 'api',
    profile,
    attributes: fields,
    time: fields.time == null ? undefined : parseEventTime(fields.time),
    uniqueId: fields.unique_id ?? undefined,
    backfill: fields.backfill ?? entryBackfill ?? false,
    source,
    account: context.caller.account,
    revision: context.revision,
  }
}

function baseUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`
}
