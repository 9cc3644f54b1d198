/**
 * Reconciliation: for each day in a chosen time zone, ShipStation's shipped orders next to shiprelay's
 * `Order Shipped` events and each destination's deliveries, with every difference explained. Klaviyo's
 * own guide asks merchants to compare shipped counts per day by hand and blames time-zone mismatches
 * when they differ; this answers the question with order numbers.
 *
 * ShipStation's side is read live: labels (GET /shipments) and fulfilments (GET /fulfillments) created
 * in the range, voided ones and return labels left out. An order counts on the day of its first live
 * label or fulfilment, which is the time shiprelay gives its `Order Shipped`. QuickBooks destinations
 * also get the document each of the day's shipped orders became, or why it has none (./quickbooks.ts).
 */
import type { Kysely } from 'kysely'
import { DateTime } from 'luxon'
import { isValidZone, resolvePacific } from '../lib/pacific-time.js'
import type { ShipStationClient } from '../source/shipstation/http-client.js'
import { readStream } from '../source/shipstation/paginate.js'
import { fulfillmentsStream, shipmentsStream } from '../source/shipstation/streams.js'
import type { Database } from '../store/schema.js'
import { type QuickBooksDay, type QuickBooksTarget, quickBooksDays, type ShippedOrder } from './quickbooks.js'

export interface ReconcileRequest {
  accountId: string
  /** yyyy-MM-dd, inclusive, in `timeZone`. */
  from: string
  to: string
  timeZone: string
  destinationIds: readonly string[]
  /** The QuickBooks destinations among them, with the event that books an order there. */
  quickbooks?: readonly QuickBooksTarget[]
}

export interface DestinationDay {
  destinationId: string
  delivered: number
  pending: number
  dead: { reason: string; orders: string[] }[]
  skipped: { reason: string; orders: string[] }[]
  /** QuickBooks destinations: the documents of the day's shipped orders, and the orders without one. */
  quickbooks?: QuickBooksDay
}

export interface ReconcileDay {
  day: string
  /** Orders ShipStation shows shipped that day (label or fulfilment). */
  shipstationShipped: number
  /** Order Shipped events shiprelay logged for that day. */
  events: number
  destinations: DestinationDay[]
  /** Shipped in ShipStation, no Order Shipped event in shiprelay (order numbers). */
  missingEvents: string[]
  /** Order Shipped event that day, but ShipStation has no live label or fulfilment that day. */
  extraEvents: string[]
  /**
   * Differences nothing explains, always 0 unless something broke: events of the day without a delivery
   * state at some destination, plus shipped orders without a QuickBooks document whose booking event
   * has no delivery there.
   */
  unexplained: number
}

export interface ReconcileReport {
  accountId: string
  timeZone: string
  from: string
  to: string
  /** Events per name per day, all names (not only shipping). */
  eventsByName: Record<string, Record<string, number>>
  days: ReconcileDay[]
  /** Set when shiprelay's cursor is behind the end of the range: recent differences may just be pending. */
  syncedUpTo: string | null
}

/** The inputs a request names: CLI options (`--from`) or HTTP query parameters (`from=`). */
export type ReconcileInput = 'from' | 'to' | 'tz'

/** A bad range or zone; `message` names the CLI options, `forQuery()` the query parameters. */
export class ReconcileInputError extends Error {
  override name = 'ReconcileInputError'
  constructor(private readonly text: (name: (input: ReconcileInput) => string) => string) {
    super(text((input) => `--${input}`))
  }

  forQuery(): string {
    return this.text((input) => `${input}=`)
  }
}

export async function reconcile(
  db: Kysely<Database>,
  client: ShipStationClient,
  request: ReconcileRequest,
): Promise<ReconcileReport> {
  const { start, end, days } = dayRange(request)
  const shipped = new Map<number, { at: number; orderNumber: string }>()
  const note = (orderId: number, at: number, orderNumber: string | null | undefined) => {
    const seen = shipped.get(orderId)
    if (!seen || at < seen.at) shipped.set(orderId, { at, orderNumber: orderNumber ?? String(orderId) })
  }
  const now = Date.now()
  for await (const page of readStream(client, shipmentsStream, start, { now: () => now })) {
    for (const s of page.records) {
      const at = resolvePacific(s.createDate, now) ?? 0
      if (at >= start && at < end && !s.voided && !s.isReturnLabel) note(s.orderId, at, s.orderNumber)
    }
    if (page.resumeFrom >= end) break
  }
  for await (const page of readStream(client, fulfillmentsStream, start, { now: () => now })) {
    for (const f of page.records) {
      const at = resolvePacific(f.createDate, now) ?? 0
      if (at >= start && at < end && !f.voided) note(f.orderId, at, f.orderNumber)
    }
    if (page.resumeFrom >= end) break
  }

  const events = await db
    .selectFrom('events')
    .select(['id', 'order_id', 'order_number', 'name', 'occurred_at'])
    .where('account_id', '=', request.accountId)
    .where('occurred_at', '>=', start)
    .where('occurred_at', '<', end)
    .execute()
  const shippedEvents = events.filter((e) => e.name === 'Order Shipped')
  const deliveries =
    shippedEvents.length === 0
      ? []
      : await db
          .selectFrom('deliveries')
          .select(['event_id', 'destination_id', 'state', 'reason'])
          .where(
            'event_id',
            'in',
            shippedEvents.map((e) => e.id),
          )
          .execute()
  const state = await db
    .selectFrom('account_state')
    .select('orders_cursor')
    .where('account_id', '=', request.accountId)
    .executeTakeFirst()

  const dayOf = (ms: number) => DateTime.fromMillis(ms, { zone: request.timeZone }).toFormat('yyyy-MM-dd')
  const eventsByName: Record<string, Record<string, number>> = {}
  for (const e of events) {
    const byDay = eventsByName[e.name] ?? {}
    eventsByName[e.name] = byDay
    const day = dayOf(Number(e.occurred_at))
    byDay[day] = (byDay[day] ?? 0) + 1
  }

  const report: ReconcileDay[] = days.map((day) => {
    const ssOrders = [...shipped].filter(([, s]) => dayOf(s.at) === day)
    const dayEvents = shippedEvents.filter((e) => dayOf(Number(e.occurred_at)) === day)
    const eventOrders = new Set(dayEvents.map((e) => Number(e.order_id)))
    const ssIds = new Set(ssOrders.map(([id]) => id))
    const missingEvents = ssOrders.filter(([id]) => !eventOrders.has(id)).map(([, s]) => s.orderNumber)
    const extraEvents = dayEvents.filter((e) => !ssIds.has(Number(e.order_id))).map((e) => e.order_number)
    const destinations = request.destinationIds.map((destinationId): DestinationDay => {
      const mine = dayEvents.map((e) => ({
        e,
        d: deliveries.find((d) => d.event_id === e.id && d.destination_id === destinationId),
      }))
      const group = (state: string) => {
        const byReason = new Map<string, string[]>()
        for (const { e, d } of mine) {
          if (d?.state !== state) continue
          const reason = d.reason ?? '(none)'
          byReason.set(reason, [...(byReason.get(reason) ?? []), e.order_number])
        }
        return [...byReason].map(([reason, orders]) => ({ reason, orders }))
      }
      return {
        destinationId,
        delivered: mine.filter(({ d }) => d?.state === 'delivered').length,
        pending: mine.filter(({ d }) => d?.state === 'pending' || d?.state === 'held').length,
        dead: group('dead'),
        skipped: group('skipped'),
      }
    })
    // Every logged event has a delivery row per destination whose state explains it; one without is
    // a bug, reported rather than hidden.
    const accounted = (d: DestinationDay) =>
      d.delivered +
      d.pending +
      d.dead.reduce((n, r) => n + r.orders.length, 0) +
      d.skipped.reduce((n, r) => n + r.orders.length, 0)
    const unexplained = destinations.reduce((n, d) => n + (dayEvents.length - accounted(d)), 0)
    return {
      day,
      shipstationShipped: ssOrders.length,
      events: dayEvents.length,
      destinations,
      missingEvents,
      extraEvents,
      unexplained,
    }
  })
  for (const target of request.quickbooks ?? []) {
    // The day's shipped orders: ShipStation's, and those shiprelay saw ship that day (a label voided since).
    const byDay = new Map<string, Map<number, string>>(days.map((day) => [day, new Map()]))
    for (const [id, s] of shipped) byDay.get(dayOf(s.at))?.set(id, s.orderNumber)
    for (const e of shippedEvents)
      byDay.get(dayOf(Number(e.occurred_at)))?.set(Number(e.order_id), e.order_number)
    const shippedByDay = new Map<string, ShippedOrder[]>(
      [...byDay].map(([day, list]) => [
        day,
        [...list].map(([orderId, orderNumber]) => ({ orderId, orderNumber })),
      ]),
    )
    const perDay = await quickBooksDays(db, request.accountId, target, shippedByDay)
    for (const day of report) {
      const destination = day.destinations.find((d) => d.destinationId === target.destinationId)
      const qb = perDay.get(day.day)
      if (!destination || !qb) continue
      destination.quickbooks = qb
      day.unexplained += qb.unexplained.length
    }
  }
  const cursor = state?.orders_cursor ?? null
  return {
    accountId: request.accountId,
    timeZone: request.timeZone,
    from: request.from,
    to: request.to,
    eventsByName,
    days: report,
    syncedUpTo: cursor === null ? null : new Date(cursor).toISOString(),
  }
}

function dayRange(request: ReconcileRequest): { start: number; end: number; days: string[] } {
  if (!isValidZone(request.timeZone))
    throw new ReconcileInputError((n) => `${n('tz')}: unknown time zone ${JSON.stringify(request.timeZone)}`)
  const from = DateTime.fromISO(request.from, { zone: request.timeZone })
  const to = DateTime.fromISO(request.to, { zone: request.timeZone })
  if (!from.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(request.from))
    throw new ReconcileInputError((n) => `${n('from')} must be a date, yyyy-MM-dd`)
  if (!to.isValid || !/^\d{4}-\d{2}-\d{2}$/.test(request.to))
    throw new ReconcileInputError((n) => `${n('to')} must be a date, yyyy-MM-dd`)
  if (to < from) throw new ReconcileInputError((n) => `${n('to')} is before ${n('from')}`)
  if (to.diff(from, 'days').days > 366) throw new ReconcileInputError(() => 'at most 366 days at a time')
  const days: string[] = []
  for (let d = from.startOf('day'); d <= to; d = d.plus({ days: 1 })) days.push(d.toFormat('yyyy-MM-dd'))
  return { start: from.startOf('day').toMillis(), end: to.plus({ days: 1 }).startOf('day').toMillis(), days }
}
