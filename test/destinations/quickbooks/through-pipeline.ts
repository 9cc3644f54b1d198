/**
 * The QuickBooks destination behind the real pipeline (test/helpers/pipeline.ts): its config, and
 * judging a run from outside shiprelay: the shipped orders of the simulated ShipStation
 * world (split parts once, under their parent's number) against the sales documents the company
 * holds, counted by DocNumber and by the order named in PrivateNote.
 */
import { expect } from 'vitest'
import { DEFAULT_CLIENT, type QuickBooksSimulator } from '../../../src/simulators/quickbooks/index.js'
import type { ShipStationSimulator } from '../../../src/simulators/shipstation/index.js'
import type { Pipeline } from '../../helpers/pipeline.js'
import { REALM } from './helpers.js'

/** The QuickBooks destination, appended to the pipeline's destinations (after Klaviyo's). */
export function quickBooksYaml(qb: QuickBooksSimulator): string {
  return `  - id: books
    type: quickbooks
    realmId: "${REALM}"
    clientId: ${DEFAULT_CLIENT.clientId}
    clientSecret: ${DEFAULT_CLIENT.clientSecret}
    endpoints: { api: "${qb.url}", bearer: "${qb.oauthUrls.token}" }
    sendHistory: true
`
}

interface SalesDocument {
  Id: string
  DocNumber?: string
  PrivateNote?: string
}

/** The order numbers that must be booked: shipped orders modified since the backfill window began. */
export function shippedRoots(ss: ShipStationSimulator, backfillFrom: number): Set<string> {
  const roots = new Set<string>()
  for (const order of ss.world.orders.values()) {
    if (order.deleted || order.orderStatus !== 'shipped' || order.modifyDate < backfillFrom) continue
    const parent = order.advancedOptions.parentId
    roots.add(
      parent === null ? order.orderNumber : (ss.world.orders.get(parent)?.orderNumber ?? order.orderNumber),
    )
  }
  return roots
}

export async function backfillFrom(pipeline: Pipeline): Promise<number> {
  const state = await pipeline.relay.store.db
    .selectFrom('account_state')
    .select('backfill_from')
    .executeTakeFirstOrThrow()
  return Number(state.backfill_from)
}

export function salesDocuments(qb: QuickBooksSimulator): SalesDocument[] {
  return [
    ...qb.read.entities(REALM, 'SalesReceipt'),
    ...qb.read.entities(REALM, 'Invoice'),
  ] as unknown as SalesDocument[]
}

/**
 * Every root order booked once and nothing else: each DocNumber once, one document per order, the
 * DocNumbers exactly the expected order numbers. Returns the number of documents.
 */
export function expectBookedOnce(qb: QuickBooksSimulator, expected: ReadonlySet<string>): number {
  const documents = salesDocuments(qb)
  const numbers = documents.map((d) => d.DocNumber)
  expect(new Set(numbers).size, 'a DocNumber booked twice').toBe(numbers.length)
  const orders = documents.map((d) => /^ShipStation order ([^\s,;]+)/.exec(d.PrivateNote ?? '')?.[1])
  expect(orders.includes(undefined), 'a document naming no ShipStation order').toBe(false)
  expect(new Set(orders).size, 'an order booked twice').toBe(orders.length)
  expect([...numbers].sort(), 'documents against the shipped orders').toEqual([...expected].sort())
  return documents.length
}
