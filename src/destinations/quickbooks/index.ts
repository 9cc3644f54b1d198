/**
 * The QuickBooks Online destination: an order becomes one sales document when it reaches `bookOn`
 * (default Order Shipped, so ship date and tracking are on it): a SalesReceipt when paid, else an
 * Invoice (plus a Payment when paid and `document: invoice`). Later events of a booked order update,
 * credit or void it (booker.ts). See docs/destinations/quickbooks.md for every rule.
 *
 * Exactly once: every write carries a requestid derived from the event id (QBO replays the original
 * answer, reference §8); the order → document map is persisted; DocNumbers already in QuickBooks are
 * found in a cached index, and 6140 with matching totals counts as already synced.
 */
import type { Kysely } from 'kysely'
import type { EventName } from '../../config/event-names.js'
import type { OrderEvent } from '../../events/model.js'
import { dayInZone } from '../../lib/pacific-time.js'
import { DatabaseDocumentStore, type DocumentStore } from '../../store/quickbooks-documents.js'
import { DatabaseTokenStore, type TokenStore } from '../../store/quickbooks-tokens.js'
import type { Database } from '../../store/schema.js'
import type { DeliveryOutcome, Destination } from '../destination.js'
import { type FilterOptions, filterEvent } from '../filter.js'
import { Booker, sequenceKey } from './booker.js'
import { QuickBooksClient, QuickBooksError } from './client.js'
import { Directory, type DirectoryOptions } from './directory.js'
import { DocIndex } from './doc-index.js'
import { DEFAULT_TOKEN_URL } from './oauth.js'
import type { RateLimiter } from './rate-limiter.js'
import { SecretBox } from './secret-box.js'
import { createSummaryBooker } from './summary/booker.js'
import { SUMMARY_DEFAULTS, type SummaryOptions } from './summary/options.js'
import type { MappingOptions } from './to-document.js'
import { TokenManager } from './tokens.js'

export interface QuickBooksDestinationOptions extends DirectoryOptions, MappingOptions {
  id: string
  realmId: string
  clientId: string
  clientSecret: string
  apiUrl?: string
  tokenUrl?: string
  /** The event that books an order; default Order Shipped. */
  bookOn: EventName
  /** `auto`: SalesReceipt when paid, Invoice otherwise; or always one type. */
  document: 'auto' | 'salesReceipt' | 'invoice'
  /** Paid means `amountPaid > 0`, or every order reaching bookOn (Connex: "shipped is paid"). */
  paidWhen: 'amountPaid' | 'always'
  /** `order`: DocNumber from the order number; `quickbooks`: QBO numbers the documents. */
  numbering: 'order' | 'quickbooks'
  docNumberPrefix: string
  /** Per store (name or id): a prefix that replaces docNumberPrefix, so stores reusing numbers don't collide. */
  storePrefixes: Readonly<Record<string, string>>
  /** A cancellation of a booked order: void its document (and payments), credit it, or leave it. */
  onCancel: 'void' | 'credit' | 'ignore'
  /** merge: split parts are added to the parent's document; separate: each part is its own document. */
  splitOrders: 'merge' | 'separate'
  /** `tax: line`: the item the tax line books to (created when missing). */
  taxItem: string
  /** How far back the DocNumber index reads existing documents. */
  lookbackDays: number
  accounts?: readonly string[]
  stores?: readonly string[]
  events?: readonly EventName[]
  sendHistory: boolean
  batchSize: number
  concurrency?: number
  retries?: number
  retryBaseMs?: number
  timeoutMs?: number
}

export interface QuickBooksDestinationDeps {
  fetch?: typeof fetch
  /** The store, for tokens and the order → document map (unless both are given below). */
  db?: Kysely<Database>
  tokenStore?: TokenStore
  documentStore?: DocumentStore
  now?: () => number
  /** Default: the process-wide limiter of the realm (QBO's limits). */
  limiter?: RateLimiter
}

/** A reconnect needs a person; ask again in ten minutes rather than hammering the token endpoint. */
const RECONNECT_RETRY_MS = 10 * 60_000

export function createQuickBooksDestination(
  options: QuickBooksDestinationOptions & Partial<SummaryOptions>,
  deps: QuickBooksDestinationDeps = {},
): Destination {
  const now = deps.now ?? Date.now
  const { tokenStore, documentStore } = stores(options, deps, now)
  const tokens = new TokenManager(
    options.realmId,
    {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      tokenUrl: options.tokenUrl ?? DEFAULT_TOKEN_URL,
      fetch: deps.fetch,
    },
    tokenStore,
    now,
  )
  const client = new QuickBooksClient(
    {
      realmId: options.realmId,
      baseUrl: options.apiUrl,
      retries: options.retries,
      retryBaseMs: options.retryBaseMs,
      timeoutMs: options.timeoutMs,
    },
    { tokens, fetch: deps.fetch, limiter: deps.limiter },
  )
  const directory = new Directory(client, options, now)
  const index = new DocIndex(client, () =>
    dayInZone(now() - options.lookbackDays * 86_400_000, options.timeZone),
  )
  const booker = new Booker(options, client, directory, index, documentStore)
  const filter: FilterOptions = {
    accounts: options.accounts,
    stores: options.stores,
    events: options.events,
    shippedRequiresLabel: false,
    sendHistory: options.sendHistory,
  }
  const concurrency = options.concurrency ?? 4
  // Daily summary mode: one document per store per day instead of one per order (summary/booker.ts).
  const summary =
    options.mode === 'summary'
      ? createSummaryBooker(
          { ...SUMMARY_DEFAULTS, ...options },
          { client, documents: documentStore, db: deps.db, now, settle },
        )
      : undefined

  return {
    id: options.id,
    type: 'quickbooks',
    batchSize: options.batchSize,

    async send(events, signal) {
      if (summary) return summary.send(events, (event) => filterEvent(event, filter))
      const outcomes = new Map<string, DeliveryOutcome>()
      // Events of one order go in sequence (booked before cancelled); orders in parallel.
      const byOrder = new Map<string, OrderEvent[]>()
      const seen = new Set<string>()
      for (const event of events) {
        // The same event twice in one batch is handled once and answered once.
        if (seen.has(event.id)) continue
        seen.add(event.id)
        const skip = filterEvent(event, filter)
        if (skip) {
          outcomes.set(event.id, { kind: 'skipped', reason: skip })
          continue
        }
        const key = sequenceKey(event)
        byOrder.set(key, [...(byOrder.get(key) ?? []), event])
      }
      const groups = [...byOrder.values()]
      const worker = async () => {
        // On a stop request, orders not started get no outcome (retried on the next start).
        for (let group = groups.shift(); group && !signal?.aborted; group = groups.shift()) {
          for (const event of group) outcomes.set(event.id, await settle(() => booker.handle(event)))
        }
      }
      await Promise.all(Array.from({ length: Math.min(concurrency, groups.length) }, worker))
      return outcomes
    },

    async check() {
      await client.query('Account', 'select * from Account', 1, 1).catch((error: unknown) => {
        throw new Error(`QuickBooks check failed: ${(error as Error).message}`)
      })
    },
  }
}

function stores(
  options: QuickBooksDestinationOptions,
  deps: QuickBooksDestinationDeps,
  now: () => number,
): { tokenStore: TokenStore; documentStore: DocumentStore } {
  if (deps.tokenStore && deps.documentStore)
    return { tokenStore: deps.tokenStore, documentStore: deps.documentStore }
  if (!deps.db) {
    throw new Error(
      `QuickBooks destination ${options.id} needs the database (tokens and booked documents live there): ` +
        'pass { db } to createDestination',
    )
  }
  return {
    tokenStore: deps.tokenStore ?? new DatabaseTokenStore(deps.db, SecretBox.fromEnv(), now),
    documentStore: deps.documentStore ?? new DatabaseDocumentStore(deps.db, options.id, now),
  }
}

async function settle(work: () => Promise<DeliveryOutcome>): Promise<DeliveryOutcome> {
  try {
    return await work()
  } catch (error) {
    if (error instanceof QuickBooksError) {
      if (error.kind === 'permanent') return { kind: 'dead', reason: error.message }
      if (error.kind === 'reconnect')
        return { kind: 'retry', reason: error.message, retryAfterMs: RECONNECT_RETRY_MS }
      return {
        kind: 'retry',
        reason: error.message,
        ...(error.retryAfterMs ? { retryAfterMs: error.retryAfterMs } : {}),
      }
    }
    return { kind: 'retry', reason: `QuickBooks destination: ${(error as Error).message}` }
  }
}
