/**
 * The Klaviyo destination: filter → map → send. Live events go one by one through Create Event so each
 * lands in seconds and can trigger flows; historical events go through Bulk Create Events with
 * `backfill: true`, 1,000 per request, so a 90-day import costs minutes and fires no email.
 *
 * Outcomes: 202 → delivered; Klaviyo rejecting the event itself → dead with its detail; everything the
 * event is not at fault for (429, 5xx, network, bad key or scope) → retry.
 */
import type { EventName } from '../../config/event-names.js'
import type { OrderEvent } from '../../events/model.js'
import type { DeliveryOutcome, Destination } from '../destination.js'
import { type FilterOptions, filterEvent } from '../filter.js'
import { type BulkItem, blame, chunkForBulk, toBulkJob } from './bulk.js'
import {
  DEFAULT_REVISION,
  KlaviyoClient,
  type KlaviyoFailure,
  type KlaviyoResult,
  type KlaviyoSuccess,
} from './client.js'
import { KLAVIYO_LIMITS } from './limits.js'
import { type EventNameMap, type MapResult, toKlaviyoEvent } from './to-klaviyo-event.js'

export interface KlaviyoDestinationOptions {
  id: string
  /** Private API key (`pk_…`) with the `events:write` scope (and `accounts:read` for `check`). */
  apiKey: string
  /** Default https://a.klaviyo.com; point it at the simulator in tests. */
  baseUrl?: string
  /** Klaviyo API revision header; default 2026-07-15 (`backfill` needs 2026-04-15 or later). */
  revision?: string
  /** Metric name per catalog name, e.g. `{ 'Order Canceled': 'Order Cancelled' }`. */
  eventNames?: EventNameMap
  accounts?: readonly string[]
  stores?: readonly string[]
  events?: readonly EventName[]
  /** Default false: Order Shipped also for manual and external shipping (a property says which). */
  shippedRequiresLabel?: boolean
  /** Default true: send backfilled events, flagged `backfill: true`. */
  sendHistory?: boolean
  /** Largest `send` batch and bulk job, 1 to 1000; default 1000. */
  batchSize?: number
  /** Create Event calls in flight at once; default 4. */
  concurrency?: number
  /** Per request; default 30 s. */
  timeoutMs?: number
}

export interface KlaviyoDestinationDeps {
  fetch?: typeof fetch
  /** Clock for the late-delivery flag. */
  now?: () => number
}

/** Klaviyo skips flows for events that arrive this long after their `time` (reference §8). */
export const LATE_AFTER_MS = 4 * 60 * 60 * 1000
/** A credentials or setup failure will not heal by itself quickly: suggest waiting a minute. */
const SETUP_RETRY_MS = 60_000
const DEFAULT_CONCURRENCY = 4
/** `backfill` exists from this revision on; older revisions would let history fire flows. */
const BACKFILL_REVISION = '2026-04-15'

const EVENTS_PATH = '/api/events'
const BULK_PATH = '/api/event-bulk-create-jobs'

export function createKlaviyoDestination(
  options: KlaviyoDestinationOptions,
  deps: KlaviyoDestinationDeps = {},
): Destination {
  const batchSize = options.batchSize ?? KLAVIYO_LIMITS.bulkEvents
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY
  requireInt('batchSize', batchSize, 1, KLAVIYO_LIMITS.bulkEvents)
  requireInt('concurrency', concurrency, 1, 64)
  const sendHistory = options.sendHistory ?? true
  const revision = options.revision ?? DEFAULT_REVISION
  if (sendHistory && revision.slice(0, 10) < BACKFILL_REVISION) {
    throw new RangeError(
      `Klaviyo destination: revision ${revision} predates backfill (${BACKFILL_REVISION}), so history would ` +
        'fire flows; use a later revision or set sendHistory: false',
    )
  }
  const client = new KlaviyoClient(
    {
      apiKey: options.apiKey,
      baseUrl: options.baseUrl,
      revision,
      timeoutMs: options.timeoutMs,
    },
    { fetch: deps.fetch },
  )
  const filter: FilterOptions = {
    accounts: options.accounts,
    stores: options.stores,
    events: options.events,
    shippedRequiresLabel: options.shippedRequiresLabel ?? false,
    sendHistory,
  }
  const now = deps.now ?? Date.now

  return {
    id: options.id,
    type: 'klaviyo',
    batchSize,

    async send(events, signal) {
      const outcomes = new Map<string, DeliveryOutcome>()
      const live: Pending[] = []
      const history: Pending[] = []
      const seen = new Set<string>()
      for (const event of events) {
        // The same event twice in one batch is sent once: a repeated unique_id would sink a bulk job.
        if (seen.has(event.id)) continue
        seen.add(event.id)
        const skip = filterEvent(event, filter)
        if (skip) {
          outcomes.set(event.id, { kind: 'skipped', reason: skip })
          continue
        }
        const mapped = mapOrKill(event, options.eventNames)
        if (mapped.kind === 'dead') {
          outcomes.set(event.id, mapped)
          continue
        }
        if (mapped.kind === 'skipped') {
          outcomes.set(event.id, { kind: 'skipped', reason: mapped.reason })
          continue
        }
        const pending = { id: event.id, event, attributes: mapped.attributes }
        if (event.historical) history.push(pending)
        else live.push(pending)
      }
      const run = new Run(client, outcomes, now, signal)
      await Promise.all([run.sendLive(live, concurrency), run.sendHistory(history, batchSize)])
      return outcomes
    },

    async check(signal) {
      const result = await client.getAccounts(signal)
      if (!result.ok) throw new Error(`Klaviyo credentials check failed: ${result.failure.reason}`)
    },
  }
}

interface Pending extends BulkItem {
  event: OrderEvent
}

/** One `send` call: writes an outcome per event and stops early once Klaviyo says stop for everyone. */
class Run {
  /**
   * Per endpoint (each has its own rate limit), set after a 429 or a setup failure: the remaining events
   * for that endpoint get the same outcome without another request.
   */
  readonly #halt = new Map<string, DeliveryOutcome>()

  constructor(
    private readonly client: KlaviyoClient,
    private readonly outcomes: Map<string, DeliveryOutcome>,
    private readonly now: () => number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async sendLive(items: readonly Pending[], concurrency: number): Promise<void> {
    let next = 0
    const worker = async () => {
      for (let item = items[next++]; item; item = items[next++]) {
        const halt = this.#halt.get(EVENTS_PATH)
        if (halt) {
          this.outcomes.set(item.id, halt)
          continue
        }
        const result = await this.client.createEvent(item.attributes, this.signal)
        this.outcomes.set(item.id, this.#outcome(result, EVENTS_PATH, item))
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
  }

  async sendHistory(items: readonly Pending[], batchSize: number): Promise<void> {
    for (const job of chunkForBulk(items, batchSize)) await this.#sendBulk(job)
  }

  /**
   * One bulk job. Klaviyo rejects a job as a whole, so on a 400 the blamed events go dead and the rest
   * is sent again; when no pointer names a culprit, the suspects are bisected until one does.
   */
  async #sendBulk(job: readonly Pending[]): Promise<void> {
    if (job.length === 0) return
    const halt = this.#halt.get(BULK_PATH)
    if (halt) {
      for (const item of job) this.outcomes.set(item.id, halt)
      return
    }
    const { entries, layout } = toBulkJob(job)
    const result = await this.client.bulkCreateEvents(entries, this.signal)
    if (result.ok || result.failure.kind !== 'permanent') {
      for (const item of job) this.outcomes.set(item.id, this.#outcome(result, BULK_PATH, item))
      return
    }
    const { dead, suspects } = blame(result.failure.errors, layout)
    if (dead.size > 0) {
      for (const [item, reason] of dead) this.outcomes.set(item.id, { kind: 'dead', reason })
      await this.#sendBulk(job.filter((item) => !dead.has(item)))
      return
    }
    const pool = suspects.length > 0 ? suspects : job
    if (pool.length === 1) {
      this.outcomes.set(pool[0]!.id, { kind: 'dead', reason: result.failure.reason })
      await this.#sendBulk(job.filter((item) => item !== pool[0]))
      return
    }
    await this.#sendBulk(job.filter((item) => !pool.includes(item)))
    const half = Math.ceil(pool.length / 2)
    await this.#sendBulk(pool.slice(0, half))
    await this.#sendBulk(pool.slice(half))
  }

  #outcome(result: KlaviyoResult, path: string, item: Pending): DeliveryOutcome {
    if (result.ok) return { kind: 'delivered', receipt: this.#receipt(result, path, item.event) }
    const outcome = failureOutcome(result.failure)
    if ((result.failure.status === 429 || result.failure.kind === 'setup') && !this.#halt.has(path)) {
      this.#halt.set(path, outcome)
    }
    return outcome
  }

  /**
   * `202 /api/events`, plus what status should show: `backfill` for history, `partial failure: … ignored`
   * when Klaviyo dropped an invalid phone (X-Klaviyo-Partial-Failure), `late: …` when a live event
   * arrived after Klaviyo's 4-hour flow window.
   */
  #receipt(result: KlaviyoSuccess, path: string, event: OrderEvent): string {
    const notes = [`${result.status} ${path}`]
    if (event.historical) notes.push('backfill')
    if (result.partialFailure) notes.push(`partial failure: ${result.partialFailure} ignored`)
    const delay = this.now() - event.occurredAt
    if (!event.historical && delay > LATE_AFTER_MS) {
      notes.push(`late: ${formatHours(delay)} after the event, flows skip it`)
    }
    return notes.join('; ')
  }
}

/** A malformed event (e.g. an invalid time) fails alone instead of throwing for the whole batch. */
function mapOrKill(
  event: OrderEvent,
  eventNames: EventNameMap | undefined,
): MapResult | { kind: 'dead'; reason: string } {
  try {
    return toKlaviyoEvent(event, eventNames)
  } catch (error) {
    return {
      kind: 'dead',
      reason: `cannot map the event: ${error instanceof Error ? error.message : String(error)}`,
    }
  }
}

function failureOutcome(failure: KlaviyoFailure): DeliveryOutcome {
  switch (failure.kind) {
    case 'permanent':
      return { kind: 'dead', reason: failure.reason }
    case 'setup':
      return {
        kind: 'retry',
        reason: `check the Klaviyo API key, its scopes, baseUrl and revision: ${failure.reason}`,
        retryAfterMs: Math.max(failure.retryAfterMs ?? 0, SETUP_RETRY_MS),
      }
    case 'transient': {
      const outcome: DeliveryOutcome = { kind: 'retry', reason: failure.reason }
      if (failure.retryAfterMs !== undefined) outcome.retryAfterMs = failure.retryAfterMs
      return outcome
    }
  }
}

function formatHours(ms: number): string {
  return `${(ms / 3_600_000).toFixed(1)} h`
}

function requireInt(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`Klaviyo destination: ${name} must be an integer from ${min} to ${max}`)
  }
}
