/**
 * The QuickBooks side of reconciliation: for each day's shipped orders, the document each one became
 * (by its state: booked, voided, …) or, for an order without one, why not, read from the delivery of
 * the order's `bookOn` event (skipped, dead with QuickBooks' error, pending). Documents are found by
 * the order id that created them or by the order key `<account>:<root order number>`, so a split part
 * booked under its parent's document counts as covered.
 */
import type { Kysely } from 'kysely'
import type { Config } from '../config/schema.js'
import {
  type BookingDelivery,
  bookingDeliveries,
  type DocumentRow,
  listDocuments,
  rootNumbers,
} from '../store/quickbooks-status.js'
import type { Database } from '../store/schema.js'

export interface QuickBooksTarget {
  destinationId: string
  /** The event that books an order at this destination. */
  bookOn: string
}

/** The configured QuickBooks destinations, as reconcile needs them. */
export function quickBooksTargets(config: Config): QuickBooksTarget[] {
  return config.destinations.flatMap((d) =>
    d.type === 'quickbooks' ? [{ destinationId: d.id, bookOn: d.bookOn }] : [],
  )
}

export interface ShippedOrder {
  orderId: number
  orderNumber: string
}

export interface DocumentRef {
  orderNumber: string
  orderKey: string
  docType: string
  docId: string
  docNumber: string | null
  totalCents: number
}

export interface QuickBooksDay {
  /** The day's shipped orders that have a document, per document state (booked first). */
  documents: { state: string; orders: DocumentRef[] }[]
  /** The day's shipped orders without a document, grouped by why. */
  withoutDocument: { why: string; orders: string[] }[]
  /** Orders without a document whose booking event has no delivery at this destination (a bug). */
  unexplained: string[]
}

/** Why an order has no document, from the delivery of its `bookOn` event (undefined: no such event). */
export function whyNoDocument(
  delivery: BookingDelivery | null | undefined,
  bookOn: string,
): { why: string; explained: boolean } {
  if (delivery === undefined) return { why: `no ${bookOn} event yet`, explained: true }
  if (delivery === null) return { why: `its ${bookOn} event has no delivery here`, explained: false }
  switch (delivery.state) {
    case 'dead':
      return { why: `dead: ${delivery.reason ?? '(no reason)'}`, explained: true }
    case 'skipped':
      return { why: `skipped: ${delivery.reason ?? '(no reason)'}`, explained: true }
    case 'pending':
    case 'held':
      return { why: `pending${delivery.reason ? `: ${delivery.reason}` : ''}`, explained: true }
    case 'delivered':
      // Not necessarily wrong: a mode that books orders into shared (e.g. daily) documents keeps no
      // per-order row; the receipt says where the order went.
      return {
        why: `delivered without a document of its own: ${delivery.receipt ?? 'no receipt'}`,
        explained: true,
      }
    default:
      return { why: `${delivery.state}${delivery.reason ? `: ${delivery.reason}` : ''}`, explained: true }
  }
}

/** The QuickBooks view of each day's shipped orders of one account at one destination. */
export async function quickBooksDays(
  db: Kysely<Database>,
  accountId: string,
  target: QuickBooksTarget,
  days: ReadonlyMap<string, readonly ShippedOrder[]>,
): Promise<Map<string, QuickBooksDay>> {
  const orders = new Map<number, ShippedOrder>()
  for (const list of days.values()) for (const o of list) orders.set(o.orderId, o)
  const ids = [...orders.keys()]
  const roots = await rootNumbers(db, accountId, ids)
  const keyOf = (number: string) => `${accountId}:${number}`
  const rootKey = (o: ShippedOrder) => keyOf(roots.get(o.orderId) ?? o.orderNumber)
  const documents = await listDocuments(db, {
    destinationIds: [target.destinationId],
    orderKeys: [...new Set([...orders.values()].flatMap((o) => [keyOf(o.orderNumber), rootKey(o)]))],
    orderIds: ids,
  })
  const mine = documents.filter((d) => d.orderKey.startsWith(`${accountId}:`))
  const byOrderId = new Map(mine.map((d) => [d.orderId, d]))
  const byKey = new Map(mine.map((d) => [d.orderKey, d]))
  const documentOf = (o: ShippedOrder): DocumentRow | undefined =>
    byOrderId.get(o.orderId) ?? byKey.get(rootKey(o)) ?? byKey.get(keyOf(o.orderNumber))
  const without = ids.filter((id) => !documentOf(orders.get(id)!))
  const deliveries = await bookingDeliveries(db, accountId, target.destinationId, target.bookOn, without)

  const result = new Map<string, QuickBooksDay>()
  for (const [day, list] of days) {
    const byState = new Map<string, DocumentRef[]>()
    const byWhy = new Map<string, string[]>()
    const unexplained: string[] = []
    for (const o of list) {
      const d = documentOf(o)
      if (d) {
        const ref: DocumentRef = {
          orderNumber: o.orderNumber,
          orderKey: d.orderKey,
          docType: d.docType,
          docId: d.docId,
          docNumber: d.docNumber,
          totalCents: d.totalCents,
        }
        byState.set(d.state, [...(byState.get(d.state) ?? []), ref])
        continue
      }
      const { why, explained } = whyNoDocument(deliveries.get(o.orderId), target.bookOn)
      byWhy.set(why, [...(byWhy.get(why) ?? []), o.orderNumber])
      if (!explained) unexplained.push(o.orderNumber)
    }
    result.set(day, {
      documents: [...byState]
        .sort(([a], [b]) => (a === 'booked' ? -1 : b === 'booked' ? 1 : a.localeCompare(b)))
        .map(([state, refs]) => ({ state, orders: refs })),
      withoutDocument: [...byWhy].map(([why, numbers]) => ({ why, orders: numbers })),
      unexplained,
    })
  }
  return result
}
