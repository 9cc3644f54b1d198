/**
 * A QuickBooks destination wired to a fresh simulator: tokens issued by the simulator in a memory
 * token store, booked documents in memory (the database stores have their own test), a fast limiter.
 */
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import { afterEach } from 'vitest'
import { ConfigSchema } from '../../../src/config/schema.js'
import type { Destination } from '../../../src/destinations/destination.js'
import {
  createQuickBooksDestination,
  type QuickBooksDestinationOptions,
} from '../../../src/destinations/quickbooks/index.js'
import { tokensFrom } from '../../../src/destinations/quickbooks/oauth.js'
import { RateLimiter } from '../../../src/destinations/quickbooks/rate-limiter.js'
import { SecretBox } from '../../../src/destinations/quickbooks/secret-box.js'
import { createDestination } from '../../../src/destinations/registry.js'
import type { OrderEvent } from '../../../src/events/model.js'
import {
  DEFAULT_CLIENT,
  DEFAULT_REALM_ID,
  type QuickBooksSimulator,
  type QuickBooksSimulatorOptions,
  startQuickBooksSimulator,
} from '../../../src/simulators/quickbooks/index.js'
import { MemoryDocumentStore } from '../../../src/store/quickbooks-documents.js'
import {
  DatabaseTokenStore,
  MemoryTokenStore,
  type TokenStore,
} from '../../../src/store/quickbooks-tokens.js'
import type { Database } from '../../../src/store/schema.js'
import { type OrderEventOverrides, orderEvent } from '../order-event.js'

export const REALM = DEFAULT_REALM_ID

const open: QuickBooksSimulator[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((sim) => sim.close()))
})

export async function simulator(options: QuickBooksSimulatorOptions = {}): Promise<QuickBooksSimulator> {
  const sim = await startQuickBooksSimulator({
    limits: { perMinute: 100_000, perSecond: 10_000 },
    ...options,
  })
  open.push(sim)
  return sim
}

export const FAST_LIMITS = { concurrent: 10, perSecond: 10_000, perMinute: 100_000 }

export function defaults(sim: QuickBooksSimulator): QuickBooksDestinationOptions {
  return {
    id: 'qbo',
    realmId: REALM,
    clientId: DEFAULT_CLIENT.clientId,
    clientSecret: DEFAULT_CLIENT.clientSecret,
    apiUrl: sim.url,
    tokenUrl: sim.oauthUrls.token,
    bookOn: 'Order Shipped',
    document: 'auto',
    paidWhen: 'amountPaid',
    numbering: 'order',
    docNumberPrefix: '',
    storePrefixes: {},
    customers: 'match',
    itemMatch: 'name',
    missingItem: 'create',
    placeholderItem: 'unknown_do_not_delete',
    tax: 'override',
    taxItem: 'Sales Tax',
    untaxedStores: [],
    timeZone: 'America/Los_Angeles',
    txnDate: 'order',
    onCancel: 'void',
    splitOrders: 'merge',
    lookbackDays: 90,
    sendHistory: false,
    batchSize: 25,
    retryBaseMs: 5,
  }
}

export interface Harness {
  sim: QuickBooksSimulator
  destination: Destination
  tokens: MemoryTokenStore
  documents: MemoryDocumentStore
}

/** A destination on `sim`; pass `tokens`/`documents` to share them between destinations (a restart). */
export async function harness(
  sim: QuickBooksSimulator,
  overrides: Partial<QuickBooksDestinationOptions> = {},
  shared: { tokens?: MemoryTokenStore; documents?: MemoryDocumentStore; now?: () => number } = {},
): Promise<Harness> {
  const tokens = shared.tokens ?? (await issuedTokens(sim))
  const documents = shared.documents ?? new MemoryDocumentStore()
  const destination = createQuickBooksDestination(
    { ...defaults(sim), ...overrides },
    {
      tokenStore: tokens,
      documentStore: documents,
      limiter: new RateLimiter(FAST_LIMITS),
      ...(shared.now ? { now: shared.now } : {}),
    },
  )
  return { sim, destination, tokens, documents }
}

export async function issuedTokens(sim: QuickBooksSimulator): Promise<MemoryTokenStore> {
  const store = new MemoryTokenStore()
  await saveIssuedTokens(store, sim)
  return store
}

/** Tokens the simulator issued, stored as `shiprelay quickbooks connect` would. */
export async function saveIssuedTokens(
  store: TokenStore,
  sim: QuickBooksSimulator,
  now = sim.clock.now(),
): Promise<void> {
  await store.save(REALM, { tokens: tokensFrom(sim.tokens.issue(REALM), now), reconnectReason: null })
}

/** The same, sealed in a shiprelay database (SHIPRELAY_SECRET_KEY must be set). */
export function connectDatabase(db: Kysely<Database>, sim: QuickBooksSimulator, now?: number): Promise<void> {
  return saveIssuedTokens(new DatabaseTokenStore(db, SecretBox.fromEnv()), sim, now)
}

/** A shipped, paid order; `n` makes order id, number, event id and the shopper distinct. */
export function paidOrder(n: number, overrides: OrderEventOverrides = {}): OrderEvent {
  const { order, customer, ...rest } = overrides
  return orderEvent({
    id: eventId(`${n}:${rest.name ?? 'Order Shipped'}`),
    ...rest,
    customer: { email: `shopper${n}@example.com`, firstName: 'Shopper', lastName: `Number${n}`, ...customer },
    order: {
      orderId: 500_000 + n,
      orderNumber: `${1000 + n}`,
      value: 34.97,
      amountPaid: 34.97,
      taxAmount: 0,
      shippingAmount: 0,
      ...order,
    },
  })
}

export function eventId(seed: string): string {
  return `ev_${createHash('sha256').update(seed).digest('hex').slice(0, 40)}`
}

export function docs(
  sim: QuickBooksSimulator,
  type: 'SalesReceipt' | 'Invoice' | 'Payment' | 'Customer' | 'Item' | 'CreditMemo' | 'RefundReceipt',
) {
  return sim.read.entities(REALM, type) as unknown as SimDoc[]
}

/** What the tests read of a stored entity. */
export interface SimDoc {
  Id: string
  SyncToken: string
  DocNumber?: string
  TxnDate?: string
  TotalAmt?: number
  Balance?: number
  TrackingNum?: string
  DisplayName?: string
  Name?: string
  Line: {
    Amount: number
    DetailType: string
    SalesItemLineDetail?: { ItemRef?: { value: string } }
  }[]
  [key: string]: unknown
}

/** A quickbooks destination built from config by the registry, as `run` builds it, on `db`. */
export function configuredDestination(
  sim: QuickBooksSimulator,
  db: Kysely<Database>,
  keys: Record<string, unknown> = {},
): Destination {
  const config = ConfigSchema.parse({
    accounts: [{ id: 'main', shipstation: { apiKey: 'k', apiSecret: 's' } }],
    destinations: [
      {
        id: 'books',
        type: 'quickbooks',
        realmId: REALM,
        ...DEFAULT_CLIENT,
        endpoints: { api: sim.url, bearer: sim.oauthUrls.token },
        ...keys,
      },
    ],
  }).destinations[0]!
  return createDestination(config, { db }).destination
}

/** Writes an entity the way a person using QuickBooks would (outside shiprelay); returns the answer. */
export async function writeAsUser(
  sim: QuickBooksSimulator,
  entity: string,
  body: Record<string, unknown>,
): Promise<Response> {
  return fetch(`${sim.url}/v3/company/${REALM}/${entity.toLowerCase()}?minorversion=75`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${sim.tokens.issue().access_token}`,
      'Content-Type': 'application/json',
      Accept: 'application/json',
    },
    body: JSON.stringify(body),
  })
}
