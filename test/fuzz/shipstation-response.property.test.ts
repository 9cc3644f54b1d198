/**
 * Hostile ShipStation answers: random statuses, bodies, envelopes, records and dates go into
 * ShipStationClient.getPage and the paginator. Whatever comes back, the outcome is a page or one of the
 * client's own errors (ShipStationResponseError, ShipStationHttpError, ShipStationAuthError): never a
 * TypeError, never an unhandled rejection, never a record silently dropped, never a good page refused.
 */
import { readFileSync } from 'node:fs'
import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parsePacific } from '../../src/lib/pacific-time.js'
import {
  ShipStationAuthError,
  ShipStationHttpError,
  ShipStationResponseError,
} from '../../src/source/shipstation/errors.js'
import { ShipStationClient } from '../../src/source/shipstation/http-client.js'
import { readStream } from '../../src/source/shipstation/paginate.js'
import { RateGovernor } from '../../src/source/shipstation/rate-governor.js'
import { rawEnvelopeSchema, rawOrderSchema } from '../../src/source/shipstation/raw-types.js'
import { ordersStream } from '../../src/source/shipstation/streams.js'
import type { DeliveryRoute } from '../../src/store/event-log.js'
import { openStore } from '../../src/store/open-database.js'
import { processOrderPage } from '../../src/sync/account-sync.js'

const ORDER: Record<string, unknown> = JSON.parse(
  readFileSync(new URL('../fixtures/shipstation/order-reference-example.json', import.meta.url), 'utf8'),
)

const ROUTE: DeliveryRoute = { id: 'klaviyo', skipReason: () => undefined }

const CLIENT_ERRORS = [ShipStationResponseError, ShipStationHttpError, ShipStationAuthError]

interface Answer {
  status: number
  body: string
  headers: Record<string, string>
}

/** A client whose every request gets the next scripted answer (a 500 once the script runs out). */
function scriptedClient(answers: readonly Answer[]) {
  const served: { url: URL; answer: Answer }[] = []
  const client = new ShipStationClient({
    baseUrl: 'http://ss.invalid',
    apiKey: 'k',
    apiSecret: 's',
    maxAttempts: 3,
    governor: new RateGovernor({ reserve: 0, sleep: async () => undefined }),
    sleep: async () => undefined,
    fetch: async (input) => {
      const answer = answers[served.length] ?? { status: 500, body: '{}', headers: {} }
      served.push({ url: new URL(String(input)), answer })
      return new Response(answer.body, { status: answer.status, headers: answer.headers })
    },
  })
  return { client, served }
}

/** The non-null orders of an answer when it is a valid 2xx page, parsed as the client would; else undefined. */
function validPage(answer: Answer): unknown[] | undefined {
  if (answer.status < 200 || answer.status >= 300) return undefined
  const body = tryJson(answer.body)
  if (!isRecord(body) || !rawEnvelopeSchema.safeParse(body).success || !Array.isArray(body.orders))
    return undefined
  const orders = body.orders.filter((o) => o !== null).map((o) => rawOrderSchema.safeParse(o))
  return orders.every((o) => o.success) ? orders.map((o) => o.data) : undefined
}

/** Runs `attempt`; a thrown error must be one of the client's own classes. */
async function onlyClientErrors<T>(attempt: () => Promise<T>): Promise<T | Error> {
  try {
    return await attempt()
  } catch (error) {
    if (!CLIENT_ERRORS.some((type) => error instanceof type)) throw error
    return error as Error
  }
}

/** Date-like text: valid shapes, impossible fields, daylight-saving edges, and plain junk. */
const dateText = fc.oneof(
  fc
    .record({
      y: fc.integer({ min: 0, max: 9999 }),
      mo: fc.integer({ min: 0, max: 13 }),
      d: fc.integer({ min: 0, max: 32 }),
      h: fc.integer({ min: 0, max: 25 }),
      mi: fc.integer({ min: 0, max: 61 }),
      s: fc.integer({ min: 0, max: 61 }),
      frac: fc.stringMatching(/^\d{0,9}$/),
      sep: fc.constantFrom('T', ' ', 't', ''),
    })
    .map(({ y, mo, d, h, mi, s, frac, sep }) => {
      const p = (n: number, w = 2) => String(n).padStart(w, '0')
      return `${p(y, 4)}-${p(mo)}-${p(d)}${sep}${p(h)}:${p(mi)}:${p(s)}${frac ? `.${frac}` : ''}`
    }),
  fc.constantFrom(
    '2024-03-10T02:30:00.0000000', // spring-forward gap
    '2024-11-03T01:30:00.0000000', // fall-back hour
    '2024-02-30T00:00:00',
    '2024-11-03',
    '',
    'null',
    '2024-11-03T01:30:00Z',
    '2024-11-03T01:30:00+05:00',
    '１２３４-01-01',
  ),
  fc.string(),
)

/** The fixture order with some fields replaced by anything, dates by date-like text, or removed. */
const hostileOrder = fc
  .record({
    orderId: fc.oneof(fc.integer({ min: 1, max: 2 ** 31 }), fc.anything()),
    edits: fc.array(
      fc.tuple(
        fc.constantFrom(...Object.keys(ORDER), 'advancedOptions', 'items', 'unknownField'),
        fc.oneof(
          { weight: 3, arbitrary: dateText },
          { weight: 2, arbitrary: fc.anything() },
          { weight: 1, arbitrary: fc.constant(undefined) },
        ),
      ),
      { maxLength: 4 },
    ),
  })
  .map(({ orderId, edits }) => {
    const order: Record<string, unknown> = { ...structuredClone(ORDER), orderId }
    for (const [key, value] of edits) {
      if (value === undefined) delete order[key]
      else order[key] = value
    }
    return order
  })

const envelope = fc.record({
  total: fc.oneof(fc.nat(), fc.anything()),
  page: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.anything()),
  pages: fc.oneof(fc.nat(9), fc.anything()),
})

const body = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(envelope, fc.array(fc.oneof(hostileOrder, fc.constant(null)), { maxLength: 6 }))
      .map(([env, orders]) => JSON.stringify({ orders, ...env })),
  },
  {
    weight: 1,
    arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.string(), fc.constantFrom('<html>Service Unavailable</html>', '{"orders":[', '')),
  },
)

const answer: fc.Arbitrary<Answer> = fc.record({
  status: fc.oneof(
    { weight: 6, arbitrary: fc.constant(200) },
    { weight: 1, arbitrary: fc.constantFrom(201, 400, 401, 403, 404, 408, 409, 429, 500, 502, 503, 504) },
  ),
  body,
  headers: fc.dictionary(
    fc.constantFrom('X-Rate-Limit-Limit', 'X-Rate-Limit-Remaining', 'X-Rate-Limit-Reset', 'Content-Type'),
    fc.oneof(fc.nat(100).map(String), fc.constantFrom('-1', 'NaN', '', '1e3', 'soon')),
  ),
})

const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => unhandled.push(reason)
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled)
})
afterAll(() => {
  process.off('unhandledRejection', onUnhandled)
  expect(unhandled).toEqual([])
})

describe('ShipStationClient.getPage on hostile answers', () => {
  it('returns every non-null record of a valid page, or throws one of its own errors for a good reason', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(answer, { minLength: 1, maxLength: 4 }), async (answers) => {
        const { client, served } = scriptedClient(answers)
        const outcome = await onlyClientErrors(() =>
          client.getPage('/orders', 'orders', rawOrderSchema, { page: 1 }),
        )
        // The client settles on the last answer it asked for (earlier ones were retried or waited out).
        const last = validPage(served.at(-1)!.answer)
        if (outcome instanceof Error) expect(last, `refused a valid page: ${outcome.message}`).toBeUndefined()
        else expect(outcome.records).toEqual(last)
      }),
      { numRuns: 400, seed: 424_242 },
    )
  })
})

describe('readStream on hostile pages', () => {
  it('hands over every record of every page it accepts, or stops with one of the client errors', async () => {
    const orderWithDate = fc.tuple(fc.integer({ min: 1, max: 10_000 }), dateText).map(([id, date]) => ({
      ...structuredClone(ORDER),
      orderId: id,
      modifyDate: date,
    }))
    const page = fc
      .tuple(fc.array(orderWithDate, { minLength: 0, maxLength: 3 }), fc.nat(20))
      .map(([orders, extra]) => ({
        status: 200,
        headers: {},
        body: JSON.stringify({
          orders,
          total: orders.length + extra,
          page: 1,
          pages: extra > 0 ? 2 : 1,
        }),
      }))
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof({ weight: 5, arbitrary: page }, { weight: 1, arbitrary: answer }), {
          maxLength: 8,
        }),
        fc.integer({ min: 0, max: 4_102_444_800_000 }),
        async (answers, from) => {
          // The script ends with an empty page, and then only 500s, so the reader ends either way.
          const empty = { status: 200, headers: {}, body: '{"orders":[],"total":0,"page":1,"pages":0}' }
          const { client, served } = scriptedClient([...answers, empty])
          const handed: unknown[] = []
          const outcome = await onlyClientErrors(async () => {
            const pages = readStream(client, ordersStream, from, {
              now: () => 1_900_000_000_000,
              pageSize: 3,
            })
            for await (const p of pages) {
              expect(Number.isFinite(p.resumeFrom)).toBe(true)
              handed.push(...p.records)
            }
          })
          // Every valid page the reader got is handed over whole, in order, except: the page an error is
          // about, a page of a one-second group (the group is then read again), and a full keyset page
          // ending in the second it started from (that second is then read as a group).
          const pages = served.flatMap(({ url, answer }, i) => {
            const records = validPage(answer) as { modifyDate: string }[] | undefined
            if (records === undefined) return []
            const last = i === served.length - 1 && outcome instanceof Error
            return [{ records, droppable: last || oneSecond(url) || becomesGroup(url, records) }]
          })
          let at = 0
          for (const { records, droppable } of pages) {
            const whole = records.every((r, i) => isDeepStrictEqual(handed[at + i], r))
            if (whole) at += records.length
            else expect(droppable, 'a page was not handed over whole').toBe(true)
          }
          expect(at, 'records handed over that were never served').toBe(handed.length)
        },
      ),
      { numRuns: 300, seed: 777 },
    )
  })
})

describe('an orders page with hostile but well-formed records', () => {
  it('gives every order a snapshot and at most one event, or fails the page with a response error', async () => {
    const store = await openStore({ kind: 'sqlite', file: ':memory:' })
    const emptyList = (key: string) => ({
      status: 200,
      headers: {},
      body: JSON.stringify({ [key]: [], total: 0, page: 1, pages: 0 }),
    })
    let run = 0
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(hostileOrder, { minLength: 1, maxLength: 5 }), async (candidates) => {
          const records = candidates.flatMap((o) => {
            const parsed = rawOrderSchema.safeParse(o)
            return parsed.success ? [parsed.data] : []
          })
          const accountId = `fuzz${run++}`
          // Shipped orders without a stored label make the sync ask ShipStation; it has none.
          const { client } = scriptedClient(
            Array.from({ length: 20 }, (_, i) => emptyList(i % 2 ? 'fulfillments' : 'shipments')),
          )
          const options = { accountId, backfillDays: 90, client, db: store.db, routes: [ROUTE] }
          const outcome = await onlyClientErrors(() =>
            processOrderPage(options, records, undefined, new Map(), false),
          )
          const snapshots = await store.db
            .selectFrom('orders')
            .select('order_id')
            .where('account_id', '=', accountId)
            .execute()
          const events = await store.db
            .selectFrom('events')
            .select('order_id')
            .where('account_id', '=', accountId)
            .execute()
          if (outcome instanceof Error) {
            // A refused page changes nothing: it is read again next cycle.
            expect(outcome).toBeInstanceOf(ShipStationResponseError)
            expect([snapshots.length, events.length]).toEqual([0, 0])
            return
          }
          const ids = new Set(records.map((r) => r.orderId))
          expect(new Set(snapshots.map((r) => Number(r.order_id)))).toEqual(ids)
          expect(events.length).toBeLessThanOrEqual(ids.size)
          expect(new Set(events.map((e) => e.order_id)).size).toBe(events.length)
        }),
        { numRuns: 300, seed: 99 },
      )
    } finally {
      await store.close()
    }
  })
})

function oneSecond(url: URL): boolean {
  const start = parsePacific(url.searchParams.get('modifyDateStart') ?? '')
  const end = parsePacific(url.searchParams.get('modifyDateEnd') ?? '')
  return start !== undefined && end !== undefined && end - start === 1000
}

function becomesGroup(url: URL, records: readonly { modifyDate: string }[]): boolean {
  const start = parsePacific(url.searchParams.get('modifyDateStart') ?? '')
  const last = parsePacific(records.at(-1)?.modifyDate ?? '')
  const pageSize = Number(url.searchParams.get('pageSize'))
  return records.length === pageSize && last !== undefined && Math.floor(last / 1000) * 1000 === start
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
