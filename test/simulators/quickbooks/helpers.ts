/**
 * Test helpers: one simulator per test file (reset before each test, with a fresh access token), a small
 * client over fetch, fixture readers (JSON bodies and the XML ones' Fault fields) and valid bodies that
 * tests break in one place.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import {
  DEFAULT_CLIENT,
  DEFAULT_REALM_ID,
  type QuickBooksSimulator,
  type QuickBooksSimulatorOptions,
  startQuickBooksSimulator,
} from '../../../src/simulators/quickbooks/index.js'
import { jsonOrUndefined } from '../common/json-text.js'

export const REALM = DEFAULT_REALM_ID
export const CLIENT = DEFAULT_CLIENT

// biome-ignore lint/suspicious/noExplicitAny: fixtures and response bodies are inspected field by field
export type Json = any

/** A fixture from shared/reference/examples/quickbooks/fixtures (the whole wrapper). */
export function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'))
}

/** The first `<Error>` of an XML fixture's Fault as the JSON API spells it. */
export function xmlFault(name: string): { type: string; code: string; Message: string; Detail: string } {
  const xml: string = fixture(name).body_xml
  const pick = (re: RegExp) => re.exec(xml)?.[1] ?? ''
  return {
    type: pick(/<Fault type="([^"]+)"/),
    code: pick(/<Error code="([^"]+)"/),
    Message: pick(/<Message>([^<]*)<\/Message>/),
    Detail: pick(/<Detail>([^<]*)<\/Detail>/),
  }
}

/**
 * The structure of a JSON value: objects as their keys' structures, arrays as their first element's,
 * leaves as their JSON type. Two bodies with the same structure differ only in values.
 */
export function structure(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [structure(value[0])]
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, structure(v)]))
  }
  return value === null ? 'null' : typeof value
}

export interface Answer {
  status: number
  headers: Headers
  text: string
  body: Json
}

export interface Call {
  headers?: Record<string, string | undefined>
  token?: string
}

/** A client of one simulator with its current access token. */
export class Client {
  token = ''

  constructor(readonly sim: QuickBooksSimulator) {}

  /** Any request; `body` objects are sent as JSON. */
  async request(method: string, path: string, body?: unknown, options: Call = {}): Promise<Answer> {
    const headers: Record<string, string | undefined> = {
      accept: 'application/json',
      authorization: `Bearer ${options.token ?? this.token}`,
      ...(body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)
        ? { 'content-type': 'application/json' }
        : {}),
      ...options.headers,
    }
    const response = await fetch(`${this.sim.url}${path}`, {
      method,
      headers: Object.fromEntries(
        Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined),
      ),
      body:
        body === undefined
          ? undefined
          : typeof body === 'string' || body instanceof Uint8Array
            ? body
            : JSON.stringify(body),
      redirect: 'manual',
    })
    const text = await response.text()
    return { status: response.status, headers: response.headers, text, body: jsonOrUndefined(text) }
  }

  /** `/v3/company/{realm}/{path}` of the default realm. */
  api(
    method: string,
    path: string,
    body?: unknown,
    options: Call & { realm?: string } = {},
  ): Promise<Answer> {
    return this.request(method, `/v3/company/${options.realm ?? REALM}/${path}`, body, options)
  }

  get = (path: string, options?: Call) => this.api('GET', path, undefined, options)
  post = (path: string, body: unknown, options?: Call) => this.api('POST', path, body, options)

  query(statement: string, options?: Call): Promise<Answer> {
    return this.get(`query?query=${encodeURIComponent(statement)}&minorversion=75`, options)
  }

  /** Creates an entity and returns the stored object (fails loudly otherwise). */
  async create(entity: string, body: unknown): Promise<Json> {
    const answer = await this.post(`${entity.toLowerCase()}?minorversion=75`, body)
    if (answer.status !== 200) throw new Error(`create ${entity}: ${answer.status} ${answer.text}`)
    return answer.body[entity]
  }
}

/**
 * Starts one simulator for the file; before each test: reset, no faults, the file's limits, a new token.
 * Unless the file sets limits, they are generous: a fast machine must not trip QBO's 10 requests a
 * second in a test that is about something else.
 */
export function useSimulator(options: QuickBooksSimulatorOptions = {}): () => Client {
  let client: Client | undefined
  let limits: ReturnType<QuickBooksSimulator['limits']['get']>
  beforeAll(async () => {
    const generous = { perSecond: 100_000, perMinute: 1_000_000, concurrent: 1000 }
    client = new Client(await startQuickBooksSimulator({ limits: generous, ...options }))
    limits = client.sim.limits.get()
  })
  beforeEach(() => {
    const sim = client!.sim
    sim.reset()
    sim.faults.set({})
    sim.limits.set(limits)
    sim.tokens.autoApprove = true
    client!.token = sim.tokens.issue().access_token
  })
  afterAll(async () => {
    await client?.sim.close()
  })
  return () => {
    if (!client) throw new Error('simulator not started')
    return client
  }
}

/** Ids of the seeded company (see src/simulators/quickbooks/seed.ts). */
export const SEED = {
  customer: '1', // Ana Ruiz
  webStore: '2',
  vendorName: 'Acme Supplies',
  item: { services: '1', mug: '2', tee: '3', shipping: '4', giftWrap: '5' },
  account: { checking: '1', undeposited: '2', sales: '5', cogs: '9', inventoryAsset: '4' },
  taxCode: { california: '2', texas: '3' },
  paymentMethod: { cash: '1', check: '2', visa: '3' },
}

/** A valid SalesReceipt for order `docNumber`: 2 mugs, shipping, Texas tax supplied. */
export function salesReceipt(docNumber = '100234', overrides: Json = {}): Json {
  return {
    DocNumber: docNumber,
    TxnDate: '2026-07-14',
    CustomerRef: { value: SEED.customer },
    ShipDate: '2026-07-15',
    TrackingNum: '1Z999AA10123456784',
    ShipMethodRef: { value: 'UPS Ground', name: 'UPS Ground' },
    PaymentMethodRef: { value: SEED.paymentMethod.visa },
    PaymentRefNum: 'txn_88412',
    Line: [
      {
        DetailType: 'SalesItemLineDetail',
        Amount: 39.98,
        Description: 'Blue mug',
        SalesItemLineDetail: {
          ItemRef: { value: SEED.item.mug },
          Qty: 2,
          UnitPrice: 19.99,
          TaxCodeRef: { value: 'TAX' },
        },
      },
      {
        DetailType: 'SalesItemLineDetail',
        Amount: 7.5,
        SalesItemLineDetail: { ItemRef: { value: 'SHIPPING_ITEM_ID' } },
      },
    ],
    TxnTaxDetail: { TxnTaxCodeRef: { value: SEED.taxCode.texas }, TotalTax: 3.3 },
    ...overrides,
  }
}

/** A valid Invoice: 3 mugs for the seeded customer. */
export function invoice(docNumber = 'INV-1', overrides: Json = {}): Json {
  return {
    DocNumber: docNumber,
    TxnDate: '2026-07-14',
    CustomerRef: { value: SEED.customer },
    Line: [
      {
        DetailType: 'SalesItemLineDetail',
        Amount: 59.97,
        SalesItemLineDetail: {
          ItemRef: { value: SEED.item.mug },
          Qty: 3,
          UnitPrice: 19.99,
          TaxCodeRef: { value: 'NON' },
        },
      },
    ],
    ...overrides,
  }
}
