/**
 * The QuickBooks Online destination: an order becomes one sales document when it reaches `bookOn`
 * (default Order Shipped, so ship date and tracking are on it): a SalesReceipt when paid, else an
 * Invoice (plus a Payment when paid and `document: invoice`). Later events of a booked order update it
 * (shipping details, sparse update with SyncToken) or void it (cancellation). See
 * docs/destinations/quickbooks.md for every rule.
 *
 * Exactly once: every write carries a requestid derived from the event id (QBO replays the original
 * answer, reference §8); the order → document map is persisted; DocNumbers already in QuickBooks are
 * found in a cached index, and 6140 with matching totals counts as already synced.
 */
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { EventName } from '../../config/event-names.js'
import type { OrderEvent } from '../../events/model.js'
import { dayInZone } from '../../lib/pacific-time.js'
import {
  type BookedDocument,
  DatabaseDocumentStore,
  type DocumentStore,
} from '../../store/quickbooks-documents.js'
import { DatabaseTokenStore, type TokenStore } from '../../store/quickbooks-tokens.js'
import type { Database } from '../../store/schema.js'
import type { DeliveryOutcome, Destination } from '../destination.js'
import { type FilterOptions, filterEvent } from '../filter.js'
import { MAX_REQUEST_ID, QuickBooksClient, QuickBooksError } from './client.js'
import { Directory, type DirectoryOptions } from './directory.js'
import { DocIndex, type SalesFormType } from './doc-index.js'
import { DEFAULT_TOKEN_URL } from './oauth.js'
import type { RateLimiter } from './rate-limiter.js'
import { SecretBox } from './secret-box.js'
import { createSummaryBooker } from './summary/booker.js'
import { SUMMARY_DEFAULTS, type SummaryOptions } from './summary/options.js'
import {
  docNumberFor,
  type MappingOptions,
  rootOrderNumber,
  shippingFields,
  toSalesForm,
} from './to-document.js'
import { TokenManager } from './tokens.js'
import type { QboTransaction } from './types.js'

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
  /** A cancellation of a booked order: void its document (and payment), or leave it. */
  onCancel: 'void' | 'ignore'
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

/** References for computing a total only (amounts do not depend on them). */
const UNRESOLVED = { customer: { value: '' }, items: [] }

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
  const directory = new Directory(client, options)
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
      ? createSummaryBooker({ ...SUMMARY_DEFAULTS, ...options }, { client, db: deps.db, now, settle })
      : undefined

  return {
    id: options.id,
    type: 'quickbooks',
    batchSize: options.batchSize,

    async send(events) {
      if (summary) return summary.send(events, (event) => filterEvent(event, filter))
      const outcomes = new Map<string, DeliveryOutcome>()
      // Events of one order go in sequence (booked before cancelled); orders in parallel.
      const byOrder = new Map<string, OrderEvent[]>()
      for (const event of events) {
        if (outcomes.has(event.id)) continue
        const skip = filterEvent(event, filter)
        if (skip) {
          outcomes.set(event.id, { kind: 'skipped', reason: skip })
          continue
        }
        const key = orderKey(event)
        byOrder.set(key, [...(byOrder.get(key) ?? []), event])
      }
      const groups = [...byOrder.values()]
      const worker = async () => {
        for (let group = groups.shift(); group; group = groups.shift()) {
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

/** Split parts share their parent's key, so an order is booked once however ShipStation split it. */
function orderKey(event: OrderEvent): string {
  return `${event.accountId}:${rootOrderNumber(event)}`
}

/**
 * `<32 hex>-<what>`: deterministic per (destination, event, write), ≤ 50 characters (reference §8).
 * The destination is part of it so two destinations on one company never replay each other's answers.
 */
function requestIds(destinationId: string, event: OrderEvent): (suffix: string) => string {
  const base = createHash('sha256').update(`${destinationId}\n${event.id}`).digest('hex').slice(0, 32)
  return (suffix) => `${base}-${suffix}`.slice(0, MAX_REQUEST_ID)
}

class Booker {
  constructor(
    private readonly options: QuickBooksDestinationOptions,
    private readonly client: QuickBooksClient,
    private readonly directory: Directory,
    private readonly index: DocIndex,
    private readonly documents: DocumentStore,
  ) {}

  async handle(event: OrderEvent): Promise<DeliveryOutcome> {
    const booked = await this.documents.get(orderKey(event))
    if (event.name === 'Order Canceled') return this.#cancel(event, booked)
    if (booked && booked.orderId !== event.order.orderId) {
      return {
        kind: 'skipped',
        reason: `split part of order ${rootOrderNumber(event)}, booked once as ${describe(booked)}`,
      }
    }
    if (event.name === this.options.bookOn) {
      if (!booked) return this.#book(event)
      // Delivered again (a crash before the outcome was saved): finish what may be missing, write nothing else.
      if (booked.docType === 'Invoice' && booked.paymentId === null && this.#paid(event)) {
        await this.#pay(event, booked)
      }
      return { kind: 'delivered', receipt: `already booked: ${describe(booked)}` }
    }
    if (booked && event.shipping && booked.state === 'booked') return this.#updateShipping(event, booked)
    if (booked) return { kind: 'delivered', receipt: `nothing to change on ${describe(booked)}` }
    return { kind: 'skipped', reason: `not booked in QuickBooks (books on ${this.options.bookOn})` }
  }

  #paid(event: OrderEvent): boolean {
    return this.options.paidWhen === 'always' || (event.order.amountPaid ?? 0) > 0
  }

  #docNumber(event: OrderEvent): string | undefined {
    if (this.options.numbering === 'quickbooks') return undefined
    const { storeName, storeId } = event.order
    const prefix =
      Object.entries(this.options.storePrefixes).find(
        ([store]) =>
          store.trim().toLowerCase() === storeName?.trim().toLowerCase() || store.trim() === String(storeId),
      )?.[1] ?? this.options.docNumberPrefix
    return docNumberFor(rootOrderNumber(event), prefix)
  }

  async #book(event: OrderEvent): Promise<DeliveryOutcome> {
    const ids = requestIds(this.options.id, event)
    const paid = this.#paid(event)
    const type: SalesFormType =
      this.options.document === 'salesReceipt' || (this.options.document === 'auto' && paid)
        ? 'SalesReceipt'
        : 'Invoice'
    const docNumber = this.#docNumber(event)
    if (docNumber !== undefined) {
      const existing = await this.index.find(docNumber)
      // Checked before resolving references, so an order already in QuickBooks creates no customer or item.
      const wantedCents = toSalesForm(event, UNRESOLVED, docNumber, this.options).totalCents
      if (existing)
        return this.#adopt(
          event,
          docNumber,
          existing.type,
          existing.id,
          existing.syncToken,
          existing.totalCents,
          wantedCents,
        )
    }
    let refs = await this.directory.resolve(event, ids)
    let mapped = toSalesForm(event, refs, docNumber, this.options)
    let created: QboTransaction
    try {
      created = await this.client.write<QboTransaction>(
        type,
        mapped.body,
        ids(type === 'SalesReceipt' ? 'sr' : 'inv'),
      )
    } catch (error) {
      if (!(error instanceof QuickBooksError)) throw error
      if (error.has('6140') && docNumber !== undefined) {
        const holder = /TxnType=(\w+) with TxnId=(\w+)/.exec(
          error.errors.find((e) => e.code === '6140')!.detail,
        )
        const holderType = holder?.[1] === 'Invoice' ? 'Invoice' : 'SalesReceipt'
        const found = await this.client.read<QboTransaction>(holderType, holder?.[2] ?? '')
        const totalCents = Math.round((found.TotalAmt ?? 0) * 100)
        return this.#adopt(
          event,
          docNumber,
          holderType,
          found.Id,
          found.SyncToken,
          totalCents,
          mapped.totalCents,
        )
      }
      if (!error.has('610')) throw error
      // A cached customer or item went inactive: reload once and try again with fresh references.
      this.directory.invalidate()
      refs = await this.directory.resolve(event, ids)
      mapped = toSalesForm(event, refs, docNumber, this.options)
      created = await this.client.write<QboTransaction>(
        type,
        mapped.body,
        ids(type === 'SalesReceipt' ? 'sr2' : 'inv2'),
      )
    }
    const document: BookedDocument = {
      orderKey: orderKey(event),
      orderId: event.order.orderId,
      docType: type,
      docId: created.Id,
      syncToken: created.SyncToken,
      docNumber: created.DocNumber ?? null,
      totalCents: Math.round((created.TotalAmt ?? 0) * 100),
      paymentId: null,
      state: 'booked',
    }
    await this.documents.put(document)
    if (created.DocNumber) {
      this.index.add(created.DocNumber, {
        type,
        id: created.Id,
        syncToken: created.SyncToken,
        totalCents: document.totalCents,
      })
    }
    if (type === 'Invoice' && paid) await this.#pay(event, document)
    return { kind: 'delivered', receipt: describe(document) }
  }

  /** The DocNumber is taken: the same totals mean this order is already there; others are a conflict. */
  async #adopt(
    event: OrderEvent,
    docNumber: string,
    type: SalesFormType,
    id: string,
    syncToken: string,
    existingCents: number,
    wantedCents: number,
  ): Promise<DeliveryOutcome> {
    if (existingCents !== wantedCents) {
      return {
        kind: 'dead',
        reason:
          `DocNumber ${docNumber} is already used by ${type} ${id} with total ${(existingCents / 100).toFixed(2)}, ` +
          `not this order's ${(wantedCents / 100).toFixed(2)}: set docNumberPrefix (or a store prefix) or numbering: quickbooks`,
      }
    }
    const document: BookedDocument = {
      orderKey: orderKey(event),
      orderId: event.order.orderId,
      docType: type,
      docId: id,
      syncToken,
      docNumber,
      totalCents: existingCents,
      // An adopted Invoice is taken as it is: its payments are whoever booked it's business.
      paymentId: type === 'Invoice' ? 'existing' : null,
      state: 'booked',
    }
    await this.documents.put(document)
    return { kind: 'delivered', receipt: `already in QuickBooks: ${describe(document)}` }
  }

  async #pay(event: OrderEvent, invoice: BookedDocument): Promise<void> {
    const ids = requestIds(this.options.id, event)
    const customer = (await this.directory.resolve(event, ids)).customer
    const payment = await this.client.write<QboTransaction>(
      'Payment',
      {
        CustomerRef: customer,
        TotalAmt: invoice.totalCents / 100,
        TxnDate: toSalesForm(event, { customer, items: [] }, undefined, this.options).body.TxnDate,
        Line: [
          { Amount: invoice.totalCents / 100, LinkedTxn: [{ TxnId: invoice.docId, TxnType: 'Invoice' }] },
        ],
      },
      ids('pay'),
    )
    invoice.paymentId = payment.Id
    await this.documents.put(invoice)
  }

  async #updateShipping(event: OrderEvent, booked: BookedDocument): Promise<DeliveryOutcome> {
    const fields = shippingFields(event)
    if (Object.keys(fields).length === 0)
      return { kind: 'delivered', receipt: `already booked: ${describe(booked)}` }
    const updated = await this.#withSyncToken(booked, (syncToken, attempt) =>
      this.client.write<QboTransaction>(
        booked.docType,
        { Id: booked.docId, SyncToken: syncToken, sparse: true, ...fields },
        requestIds(this.options.id, event)(`ship${attempt}`),
      ),
    )
    booked.syncToken = updated.SyncToken
    await this.documents.put(booked)
    return { kind: 'delivered', receipt: `shipping on ${describe(booked)}` }
  }

  async #cancel(event: OrderEvent, booked: BookedDocument | undefined): Promise<DeliveryOutcome> {
    if (!booked || booked.orderId !== event.order.orderId)
      return { kind: 'skipped', reason: 'not booked in QuickBooks' }
    if (booked.state === 'voided')
      return { kind: 'delivered', receipt: `already voided: ${describe(booked)}` }
    if (this.options.onCancel === 'ignore') return { kind: 'skipped', reason: 'onCancel: ignore' }
    const ids = requestIds(this.options.id, event)
    if (booked.paymentId && booked.paymentId !== 'existing') {
      const payment = { ...booked, docId: booked.paymentId, syncToken: '0' }
      await this.#withSyncToken(
        payment,
        (syncToken, attempt) =>
          this.client.write(
            'Payment',
            { Id: booked.paymentId, SyncToken: syncToken },
            ids(`vpay${attempt}`),
            { operation: 'void' },
          ),
        'Payment',
      )
    }
    const voided = await this.#withSyncToken(booked, (syncToken, attempt) =>
      this.client.write<QboTransaction>(
        booked.docType,
        { Id: booked.docId, SyncToken: syncToken },
        ids(`void${attempt}`),
        {
          operation: 'void',
        },
      ),
    )
    booked.syncToken = voided.SyncToken
    booked.state = 'voided'
    await this.documents.put(booked)
    return { kind: 'delivered', receipt: `voided ${describe(booked)}` }
  }

  /** A write with the stored SyncToken; on 5010 (someone edited it) re-read, and retry once with a new requestid. */
  async #withSyncToken<T>(
    document: BookedDocument,
    write: (syncToken: string, attempt: number) => Promise<T>,
    type: 'SalesReceipt' | 'Invoice' | 'Payment' = document.docType,
  ): Promise<T> {
    try {
      return await write(document.syncToken, 1)
    } catch (error) {
      if (!(error instanceof QuickBooksError && error.has('5010'))) throw error
      const current = await this.client.read<QboTransaction>(type, document.docId)
      return write(current.SyncToken, 2)
    }
  }
}

function describe(document: BookedDocument): string {
  return `${document.docType} ${document.docId}${document.docNumber ? ` #${document.docNumber}` : ''}`
}
