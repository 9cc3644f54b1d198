/**
 * Request bodies of Create Event, Bulk Create Events and profile-import (reference §2–§4, revision
 * 2026-07-15). Resource objects are strict: Klaviyo rejects unknown attributes ("'x' is not a valid
 * field for the resource 'event'."); free-form `properties` accept anything within the size limits.
 * Messages Klaviyo is not known to send are Django-REST-framework-style guesses (see the docs page).
 */
import { DateTime } from 'luxon'
import { z } from 'zod'
import { ATTRIBUTES_MISSING } from './errors.js'

/** Any single string (reference §2 size limits): 100 KB of UTF-8. */
const MAX_STRING_BYTES = 100 * 1024
const MAX_ARRAY_ITEMS = 4000
const MAX_DEPTH = 10
export const MAX_BULK_EVENTS = 1000
const EARLIEST_TIME = Date.UTC(2000, 0, 1)

const MESSAGES = {
  stringTooLong: 'Ensure this field is no larger than 100 KB.',
  arrayTooLong: `Ensure this list has no more than ${MAX_ARRAY_ITEMS} items.`,
  tooDeep: `Ensure objects are nested no more than ${MAX_DEPTH} levels deep.`,
  emptyList: 'This list may not be empty.',
  badEmail: 'Invalid email address',
  badTime: 'Invalid datetime. Use an ISO 8601 date-time such as 2026-09-01T14:03:07Z.',
  timeRange: 'The event time must be after 2000-01-01 and no more than one year in the future.',
  badCurrency: 'Invalid currency code. Use a three-letter ISO 4217 code such as USD.',
  metricName: 'Metric name must be 1 to 127 characters.',
} as const

const text = z.string().refine((s) => Buffer.byteLength(s) <= MAX_STRING_BYTES, MESSAGES.stringTooLong)

// Pragmatic address check: what Klaviyo accepts is unpublished; this refuses the usual typos
// (no @, spaces, missing dot in the domain, double dots) and keeps ordinary addresses.
const EMAIL =
  /^(?!\.)(?!.*\.\.)[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}(?<!\.)@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/

function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value)
}

/** E.164: a plus, a non-zero country digit, 7 to 15 digits in all. */
export function isE164(value: string): boolean {
  return /^\+[1-9]\d{6,14}$/.test(value)
}

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'))

/**
 * ISO 8601 only (no epoch numbers): a calendar date, optionally a time (missing parts are 0) and an
 * offset; no offset means UTC. Returns epoch ms or undefined.
 */
export function parseEventTime(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(?:$|[T ])/.test(value)) return undefined
  const parsed = DateTime.fromISO(value.replace(' ', 'T'), { zone: 'utc' })
  return parsed.isValid ? parsed.toMillis() : undefined
}

/**
 * Free-form objects (event and profile `properties`): string size, array length and nesting depth,
 * walked without recursion so hostile nesting cannot overflow the stack.
 */
function freeForm(maxKeys: number | undefined) {
  return z.record(z.string(), z.unknown()).check((ctx) => {
    const root = ctx.value
    if (maxKeys !== undefined && Object.keys(root).length > maxKeys) {
      ctx.issues.push({
        code: 'custom',
        message: `Ensure there are no more than ${maxKeys} properties.`,
        input: root,
      })
    }
    const stack: { value: unknown; path: (string | number)[]; depth: number }[] = [
      { value: root, path: [], depth: 1 },
    ]
    while (stack.length > 0 && ctx.issues.length < 10) {
      const { value, path, depth } = stack.pop()!
      const fail = (message: string) => ctx.issues.push({ code: 'custom', message, input: value, path })
      if (typeof value === 'string') {
        if (Buffer.byteLength(value) > MAX_STRING_BYTES) fail(MESSAGES.stringTooLong)
      } else if (typeof value === 'object' && value !== null) {
        if (depth > MAX_DEPTH) fail(MESSAGES.tooDeep)
        else if (Array.isArray(value) && value.length > MAX_ARRAY_ITEMS) fail(MESSAGES.arrayTooLong)
        else {
          for (const [key, child] of Object.entries(value)) {
            stack.push({
              value: child,
              path: [...path, Array.isArray(value) ? Number(key) : key],
              depth: depth + 1,
            })
          }
        }
      }
    }
  })
}

const relationship = <T extends z.ZodType>(data: T) => z.strictObject({ data })

const metricData = z.strictObject({
  type: z.literal('metric'),
  attributes: z.strictObject({
    name: z.string().min(1, MESSAGES.metricName).max(127, MESSAGES.metricName),
    service: text.nullish(),
  }),
})

const location = z.strictObject({
  address1: text.nullish(),
  address2: text.nullish(),
  city: text.nullish(),
  country: text.nullish(),
  region: text.nullish(),
  zip: text.nullish(),
  timezone: text.nullish(),
  ip: text.nullish(),
  latitude: z.union([z.number(), text]).nullish(),
  longitude: z.union([z.number(), text]).nullish(),
})

const profileFields = {
  email: text.refine(isEmail, MESSAGES.badEmail).nullish(),
  // E.164 is checked after parsing: an invalid phone is only fatal when it is the sole identifier.
  phone_number: text.nullish(),
  external_id: text.nullish(),
  _kx: text.nullish(),
  first_name: text.nullish(),
  last_name: text.nullish(),
  organization: text.nullish(),
  locale: text.nullish(),
  title: text.nullish(),
  image: text.nullish(),
  location: location.nullish(),
  properties: freeForm(undefined).nullish(),
}

// Accepted (with the free-form limits) and stored, but not applied to the simulated profile.
const profileMeta = z.strictObject({
  patch_properties: freeForm(undefined).optional(),
  patch_identifiers: freeForm(undefined).optional(),
})

function profileData<A extends z.ZodType>(attributes: A) {
  return z
    .strictObject({
      type: z.literal('profile'),
      id: text.optional(),
      attributes: attributes.optional(),
      meta: profileMeta.optional(),
    })
    .check((ctx) => {
      if (ctx.value.id === undefined && ctx.value.attributes === undefined) {
        ctx.issues.push({ code: 'custom', message: ATTRIBUTES_MISSING, input: ctx.value })
      }
    })
}

export interface SchemaOptions {
  /** `backfill` exists (revision 2026-04-15 and later). */
  backfill: boolean
  /** `anonymous_id` is still accepted by profile-import (before revision 2026-01-15). */
  importAnonymousId: boolean
  maxEventProperties: number
  now: () => number
}

/** The schemas for one combination of revision-dependent options. */
export function buildSchemas(options: SchemaOptions) {
  const time = text
    .refine((s) => parseEventTime(s) !== undefined, MESSAGES.badTime)
    .refine((s) => {
      const ms = parseEventTime(s)
      const latest = DateTime.fromMillis(options.now()).plus({ years: 1 }).toMillis()
      return ms === undefined || (ms >= EARLIEST_TIME && ms <= latest)
    }, MESSAGES.timeRange)
    .nullish()
  // Before its revision `backfill` is an unknown field; `never` makes the translation say so.
  const backfill = options.backfill ? z.boolean().nullish() : z.never().optional()
  const eventFields = {
    properties: freeForm(options.maxEventProperties),
    time,
    value: z.number().nullish(),
    value_currency: text.refine((s) => CURRENCIES.has(s), MESSAGES.badCurrency).nullish(),
    unique_id: text.nullish(),
    metric: relationship(metricData),
    backfill,
  }
  const eventProfile = profileData(z.strictObject({ ...profileFields, anonymous_id: text.nullish() }))

  const createEvent = z.object({
    data: z.strictObject({
      type: z.literal('event'),
      attributes: z.strictObject({ ...eventFields, profile: relationship(eventProfile) }),
    }),
  })

  const bulkEntry = z.strictObject({
    type: z.literal('event-bulk-create'),
    attributes: z.strictObject({
      profile: relationship(eventProfile),
      events: z.strictObject({
        data: z
          .array(z.strictObject({ type: z.literal('event'), attributes: z.strictObject(eventFields) }))
          .min(1, MESSAGES.emptyList),
      }),
      backfill,
    }),
  })
  const bulkCreate = z.object({
    data: z.strictObject({
      type: z.literal('event-bulk-create-job'),
      attributes: z.strictObject({
        'events-bulk-create': z.strictObject({ data: z.array(bulkEntry).min(1, MESSAGES.emptyList) }),
      }),
    }),
  })

  const importAttributes = z.strictObject({
    ...profileFields,
    anonymous_id: options.importAnonymousId ? text.nullish() : z.never().optional(),
  })
  const profileImport = z.object({
    data: z.strictObject({
      type: z.literal('profile'),
      id: text.optional(),
      attributes: importAttributes,
      meta: profileMeta.optional(),
    }),
  })

  return { createEvent, bulkCreate, profileImport }
}

export type Schemas = ReturnType<typeof buildSchemas>
export type CreateEventBody = z.infer<Schemas['createEvent']>
export type EventAttributes = CreateEventBody['data']['attributes']
export type ProfileData = EventAttributes['profile']['data']
export type ProfileAttributes = NonNullable<ProfileData['attributes']>
