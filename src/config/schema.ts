/**
 * The shape of shiprelay.yaml. Every object is strict, so a misspelt key is an error rather than a
 * setting silently ignored. Defaults live here, next to the rule they belong to; docs/configuration.md
 * describes the same keys for people.
 */
import { IANAZone } from 'luxon'
import { z } from 'zod'
import { parseDuration } from '../lib/duration.js'
import { LOG_LEVELS } from '../lib/logger.js'
import { DEFAULT_DATABASE, parseDatabaseUrl } from './database-url.js'
import { EVENT_NAMES, type EventName, isEventName } from './event-names.js'

export const DEFAULTS = {
  database: DEFAULT_DATABASE,
  logLevel: 'info',
  serverHost: '127.0.0.1',
  serverPort: 8787,
  shipstationBaseUrl: 'https://ssapi.shipstation.com',
  rateLimitReserve: 5,
  backfillDays: 90,
  currency: 'USD',
  pollIntervalMs: 60_000,
  klaviyoBaseUrl: 'https://a.klaviyo.com',
  klaviyoRevision: '2026-07-15',
  klaviyoBatchSize: 1000,
  quickbooksEndpoints: {
    api: 'https://quickbooks.api.intuit.com',
    authorize: 'https://appcenter.intuit.com/connect/oauth2',
    bearer: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
    revoke: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
  },
  quickbooksTimeZone: 'America/Los_Angeles',
  quickbooksLookbackDays: 90,
  quickbooksBatchSize: 25,
  quickbooksPlaceholderItem: 'unknown_do_not_delete',
} as const

/** Refinement option: run on any object, even one with issues elsewhere. */
const everyObject = { when: (payload: { value: unknown }) => asRecord(payload.value) !== undefined }

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined
}

function entriesOf(list: unknown): unknown[] {
  return Array.isArray(list) ? list : []
}

/** Account and destination ids: safe in URLs, file names, metric labels and log fields. */
const Id = z
  .string()
  .regex(/^[a-z0-9_-]{1,40}$/, { error: 'must be 1 to 40 characters from a-z, 0-9, _ and -' })

/** An http(s) base URL, kept as written minus trailing slashes so paths can be appended with `/`. */
const HttpUrl = z.string().transform((text, ctx) => {
  const problem = httpUrlProblem(text)
  if (problem) {
    ctx.addIssue({ code: 'custom', message: problem })
    return z.NEVER
  }
  return text.replace(/\/+$/, '')
})

function httpUrlProblem(text: string): string | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return 'must be an http(s) URL'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http(s) URL'
  if (url.username || url.password) return 'must not contain credentials (they have their own keys)'
  if (url.search || url.hash) return 'must not have a query or fragment'
  return undefined
}

const DURATION_HINT = 'expected a duration such as 500ms, 60s, 5m, 1h, 1d or a number of seconds'

/** A duration in config, parsed to milliseconds. */
function duration(minMs: number, minText: string) {
  return z.union([z.string(), z.number()], { error: DURATION_HINT }).transform((input, ctx) => {
    let ms: number
    try {
      ms = parseDuration(input)
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message })
      return z.NEVER
    }
    if (ms < minMs) ctx.addIssue({ code: 'custom', message: `must be at least ${minText}` })
    return ms
  })
}

const TimeZone = z.string().refine((zone) => IANAZone.isValidZone(zone), {
  error: (issue) =>
    `unknown time zone ${JSON.stringify(issue.input)}; expected an IANA name such as America/Los_Angeles`,
})

const CATALOG = EVENT_NAMES.join(', ')

const EventNameSchema = z.enum(EVENT_NAMES, {
  error: (issue) =>
    typeof issue.input === 'string'
      ? `unknown event name ${JSON.stringify(issue.input)}; expected one of: ${CATALOG}`
      : `expected an event name, one of: ${CATALOG}`,
})

/** Renames keyed by catalog name. A plain record with a check, so a bad key gets a message naming it. */
const EventRenames = z
  .record(z.string(), z.string().min(1))
  .superRefine((renames, ctx) => {
    for (const key of Object.keys(renames)) {
      if (!isEventName(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `unknown event name ${JSON.stringify(key)}; expected one of: ${CATALOG}`,
        })
      }
    }
  })
  .transform((renames) => renames as Partial<Record<EventName, string>>)

const ShipStationSchema = z
  .object({
    apiKey: z.string().min(1),
    apiSecret: z.string().min(1),
    baseUrl: HttpUrl.default(DEFAULTS.shipstationBaseUrl),
    /** Sent as `x-partner` by integrations registered with ShipStation. */
    partnerKey: z.string().min(1).optional(),
    /** Requests per rate-limit window (40) left unused for other apps sharing the same API key. */
    rateLimitReserve: z.number().int().min(0).max(39).default(DEFAULTS.rateLimitReserve),
  })
  .strict()

const AccountSchema = z
  .object({
    id: Id,
    shipstation: ShipStationSchema,
    backfillDays: z.number().int().min(1).max(3650).default(DEFAULTS.backfillDays),
    /** Milliseconds between incremental polls. */
    pollInterval: duration(1000, '1s').default(DEFAULTS.pollIntervalMs),
    /** The merchant's zone, for reports by calendar day. */
    timeZone: TimeZone.optional(),
    /** ISO 4217 code of the account's order amounts: ShipStation V1 orders carry no currency. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, { error: 'must be a three-letter ISO 4217 code such as USD or EUR' })
      .default(DEFAULTS.currency),
  })
  .strict()

const NON_EMPTY_FILTER = 'must list at least one entry (omit the key to match all)'

/** Keys every destination type has: its id and which events reach it. */
const destinationBase = {
  id: Id,
  /** Only events from these accounts (each must be a configured account id). */
  accounts: z.array(Id).min(1, NON_EMPTY_FILTER).optional(),
  /** Only events from orders of these ShipStation stores, by store name. */
  stores: z.array(z.string().min(1)).min(1, NON_EMPTY_FILTER).optional(),
  /** Only these catalog events. */
  events: z.array(EventNameSchema).min(1, NON_EMPTY_FILTER).optional(),
}

const KlaviyoDestinationSchema = z
  .object({
    ...destinationBase,
    type: z.literal('klaviyo'),
    apiKey: z
      .string()
      .min(1)
      .refine((key) => key.startsWith('pk_'), {
        error:
          'must be a Klaviyo private API key, which starts with pk_ (public site keys cannot send events)',
      }),
    baseUrl: HttpUrl.default(DEFAULTS.klaviyoBaseUrl),
    revision: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}(\.pre)?$/, { error: 'must be a Klaviyo API revision date, YYYY-MM-DD' })
      .default(DEFAULTS.klaviyoRevision),
    /** Metric names to use instead of catalog names, e.g. `Order Canceled: Order Cancelled`. */
    eventNames: EventRenames.optional(),
    /** True restores Klaviyo's native rule: no Order Shipped for orders shipped without a label. */
    shippedRequiresLabel: z.boolean().default(false),
    /** Send backfilled events (flagged `backfill: true`, so no flow fires); false skips them. */
    sendHistory: z.boolean().default(true),
    batchSize: z.number().int().min(1).max(1000).default(DEFAULTS.klaviyoBatchSize),
  })
  .strict()
  .superRefine(distinctEventNames, everyObject)

/** Two catalog events renamed to one metric name would become indistinguishable downstream. */
function distinctEventNames(destination: { eventNames?: unknown }, ctx: z.RefinementCtx): void {
  const renames = asRecord(destination.eventNames) ?? {}
  const owner = new Map<unknown, EventName>()
  for (const event of EVENT_NAMES) {
    const name = renames[event] ?? event
    const clash = owner.get(name)
    if (clash) {
      const key = renames[event] === undefined ? clash : event
      ctx.addIssue({
        code: 'custom',
        path: ['eventNames', key],
        message: `${clash} and ${event} would both be sent as ${JSON.stringify(name)}`,
      })
    }
    owner.set(name, clash ?? event)
  }
}

/** A DocNumber prefix: QBO DocNumbers are at most 21 characters, so keep it short. */
const DocNumberPrefix = z
  .string()
  .max(10)
  .regex(/^[^\s]*$/, { error: 'must not contain spaces' })

const QuickBooksDestinationSchema = z
  .object({
    ...destinationBase,
    type: z.literal('quickbooks'),
    /** The company id (realmId) shown when connecting. */
    realmId: z.string().regex(/^\d{1,20}$/, { error: 'must be the QuickBooks company id (digits)' }),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1),
    /**
     * Intuit's hosts; tests point them at the simulator. `bearer` is the token endpoint (named after its
     * path so the URL is not mistaken for a secret by the redactor).
     */
    endpoints: z
      .object({
        api: HttpUrl.default(DEFAULTS.quickbooksEndpoints.api),
        authorize: HttpUrl.default(DEFAULTS.quickbooksEndpoints.authorize),
        bearer: HttpUrl.default(DEFAULTS.quickbooksEndpoints.bearer),
        revoke: HttpUrl.default(DEFAULTS.quickbooksEndpoints.revoke),
      })
      .strict()
      .prefault({}),
    /** The event that books an order. */
    bookOn: EventNameSchema.default('Order Shipped'),
    /** auto: SalesReceipt when paid, else Invoice; or always one type (Invoice + Payment when paid). */
    document: z.enum(['auto', 'salesReceipt', 'invoice']).default('auto'),
    /** amountPaid: paid when ShipStation's amountPaid > 0; always: every booked order is paid. */
    paidWhen: z.enum(['amountPaid', 'always']).default('amountPaid'),
    /** order: DocNumber = prefix + order number; quickbooks: QuickBooks numbers documents. */
    numbering: z.enum(['order', 'quickbooks']).default('order'),
    docNumberPrefix: DocNumberPrefix.default(''),
    /** Per store name or id: a prefix replacing docNumberPrefix. */
    storePrefixes: z.record(z.string().min(1), DocNumberPrefix).default({}),
    /** match: by email, then name; perStore: one customer per store. */
    customers: z.enum(['match', 'perStore']).default('match'),
    /** perStore: one name for every store instead of each store's name. */
    storeCustomerName: z.string().min(1).max(100).optional(),
    /** Which QuickBooks item field holds the SKU. */
    itemMatch: z.enum(['name', 'sku']).default('name'),
    /** create: a NonInventory item; dead: the order waits (dead) for a person to map the SKU. */
    missingItem: z.enum(['create', 'dead']).default('create'),
    placeholderItem: z.string().min(1).max(100).default(DEFAULTS.quickbooksPlaceholderItem),
    /** Income account id of created items; default the company's product sales account. */
    incomeAccountId: z.string().regex(/^\d+$/).optional(),
    /** override: ShipStation's tax as the document's total tax; line: a line of taxItem; none: no tax. */
    tax: z.enum(['override', 'line', 'none']).default('override'),
    /** tax: line (and summaries): the item tax is booked to, created when missing. */
    taxItem: z.string().min(1).max(100).default('Sales Tax'),
    /** Stores (name or id) whose tax the marketplace remitted: their documents carry no tax. */
    untaxedStores: z.array(z.string().min(1)).default([]),
    /** The accounting zone: which calendar day a document falls on. */
    timeZone: TimeZone.default(DEFAULTS.quickbooksTimeZone),
    /** order: TxnDate is the order date; ship: the ship date. */
    txnDate: z.enum(['order', 'ship']).default('order'),
    /** A cancellation of a booked order: void its document (and payments), credit it, or ignore it. */
    onCancel: z.enum(['void', 'credit', 'ignore']).default('void'),
    /** credit: the account a RefundReceipt pays from; default Undeposited Funds, else the first bank account. */
    refundAccountId: z.string().regex(/^\d+$/).optional(),
    /** merge: split parts are lines of one document under the parent's number; separate: one each. */
    splitOrders: z.enum(['merge', 'separate']).default('merge'),
    /** How far back existing DocNumbers are read (once per start) to avoid duplicates. */
    lookbackDays: z.number().int().min(1).max(365).default(DEFAULTS.quickbooksLookbackDays),
    /** Book backfilled (historical) orders; off by default: history is usually in the books already. */
    sendHistory: z.boolean().default(false),
    batchSize: z.number().int().min(1).max(100).default(DEFAULTS.quickbooksBatchSize),
    /** perOrder: a document per order; summary: one per store per day in timeZone. */
    mode: z.enum(['perOrder', 'summary']).default('perOrder'),
    /** summary: how long after midnight a day closes and is posted (late orders go to the next day). */
    closeAfter: duration(0, '0s')
      .refine((ms) => ms < 86_400_000, { error: 'must be less than a day' })
      .default(2 * 3_600_000),
    /** summary: DocNumber = prefix + yyyyMMdd + `-` + store code (21 characters at most). */
    summaryPrefix: DocNumberPrefix.max(8).default('S'),
    /** summary: per store name or id, its code in the DocNumber; default the store id. */
    summaryStoreCodes: z
      .record(
        z.string().min(1),
        z.string().regex(/^[A-Za-z0-9]{1,8}$/, { error: '1 to 8 letters or digits' }),
      )
      .default({}),
  })
  .strict()
  .superRefine((books, ctx) => {
    // Every backfilled order would land on today's summary as a late order of its own day.
    if (books.mode === 'summary' && books.sendHistory) {
      ctx.addIssue({
        code: 'custom',
        path: ['sendHistory'],
        message:
          'cannot be true with mode: summary (a summary never changes a posted day, so 90 days of history would all be booked on today); book history with mode: perOrder',
      })
    }
  })

/** One member per destination type; a new type (quickbooks, webhook) is a new member here. */
const DestinationSchema = z.discriminatedUnion('type', [
  KlaviyoDestinationSchema,
  QuickBooksDestinationSchema,
])

export const ConfigSchema = z
  .object({
    database: z
      .string()
      .default(DEFAULTS.database)
      .transform((text, ctx) => {
        try {
          return parseDatabaseUrl(text)
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message })
          return z.NEVER
        }
      }),
    log: z
      .object({ level: z.enum(LOG_LEVELS).default(DEFAULTS.logLevel) })
      .strict()
      .prefault({}),
    server: z
      .object({
        host: z.string().min(1).default(DEFAULTS.serverHost),
        port: z.number().int().min(0).max(65535).default(DEFAULTS.serverPort),
      })
      .strict()
      .prefault({}),
    webhooks: z.object({ publicUrl: HttpUrl }).strict().optional(),
    accounts: z.array(AccountSchema).min(1, 'at least one account is required'),
    destinations: z.array(DestinationSchema).default([]),
  })
  .strict()
  .superRefine(crossReferences, everyObject)

/**
 * Rules spanning several entries. They run even when other parts are invalid, so that every problem is
 * reported in one pass; hence the defensive reading of possibly malformed entries.
 */
function crossReferences(config: { accounts?: unknown; destinations?: unknown }, ctx: z.RefinementCtx): void {
  const accountIds = idsOf(config.accounts)
  uniqueIds(accountIds, 'accounts', ctx)
  uniqueIds(idsOf(config.destinations), 'destinations', ctx)
  const known = [...new Set(accountIds.filter((id) => id !== undefined))]
  entriesOf(config.destinations).forEach((destination, d) => {
    entriesOf(asRecord(destination)?.accounts).forEach((id, i) => {
      if (typeof id === 'string' && !known.includes(id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['destinations', d, 'accounts', i],
          message: `unknown account ${JSON.stringify(id)}; configured accounts: ${known.join(', ') || 'none'}`,
        })
      }
    })
  })
}

function uniqueIds(ids: (string | undefined)[], list: string, ctx: z.RefinementCtx): void {
  const first = new Map<string, number>()
  ids.forEach((id, i) => {
    if (id === undefined) return
    const earlier = first.get(id)
    if (earlier === undefined) first.set(id, i)
    else {
      ctx.addIssue({
        code: 'custom',
        path: [list, i, 'id'],
        message: `duplicate id ${JSON.stringify(id)} (already used by ${list}[${earlier}])`,
      })
    }
  })
}

function idsOf(list: unknown): (string | undefined)[] {
  return entriesOf(list).map((entry) => {
    const id = asRecord(entry)?.id
    return typeof id === 'string' ? id : undefined
  })
}

type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T

/** The validated configuration, with defaults applied, durations in milliseconds, and frozen. */
export type Config = DeepReadonly<z.output<typeof ConfigSchema>>
export type AccountConfig = Config['accounts'][number]
export type ShipStationConfig = AccountConfig['shipstation']
export type DestinationConfig = Config['destinations'][number]
export type KlaviyoDestinationConfig = Extract<DestinationConfig, { type: 'klaviyo' }>
export type QuickBooksDestinationConfig = Extract<DestinationConfig, { type: 'quickbooks' }>
export type { DatabaseConfig } from './database-url.js'
