/**
 * One sync cycle for one account: stores, then shipments and fulfilments (so an order that shows
 * `shipped` finds its label or fulfilment already stored), then orders, whose changes become events.
 *
 * Each page is committed in one transaction together with the stream's cursor: snapshots, events and
 * delivery rows change together or not at all (design invariant 5), and the cursor never passes a
 * record whose effects are not committed (invariant 2). A crash anywhere resumes from the last
 * committed page; re-reading a page changes nothing because snapshots say it was seen.
 */
import type { Kysely } from 'kysely'
import type { z } from 'zod'
import { detectChange } from '../events/detect.js'
import type { OrderEvent } from '../events/model.js'
import type { Logger } from '../lib/logger.js'
import { resolvePacific } from '../lib/pacific-time.js'
import type { ShipStationClient } from '../source/shipstation/http-client.js'
import { readStream, type StreamPage } from '../source/shipstation/paginate.js'
import { type RawOrder, rawStoreSchema } from '../source/shipstation/raw-types.js'
import {
  fulfillmentsStream,
  ordersStream,
  type StreamDefinition,
  shipmentsStream,
  wallTime,
} from '../source/shipstation/streams.js'
import { type AccountState, loadAccountState, updateAccountState } from '../store/account-state.js'
import { appendEvents, type DeliveryRoute, resolveHeldCancellations } from '../store/event-log.js'
import type { Database, OrderTable } from '../store/schema.js'
import {
  latestShipping,
  loadSnapshots,
  loadStores,
  recordMerges,
  type ShippingRow,
  upsertShipping,
  upsertSnapshots,
  upsertStores,
} from '../store/snapshots.js'
import { queryStart } from './query-start.js'
import {
  type ShippingRecord,
  type StoreInfo,
  shippingFromFulfillment,
  shippingFromShipment,
  toEventCustomer,
  toEventOrder,
} from './to-event-facts.js'

const DAY = 86_400_000
const STORES_TTL_MS = 3_600_000

export interface AccountSyncOptions {
  accountId: string
  backfillDays: number
  /** How far back each incremental read re-reads, to catch changes ShipStation shows late. */
  overlapMs?: number
  currency?: string
  client: ShipStationClient
  db: Kysely<Database>
  routes: readonly DeliveryRoute[]
  now?: () => number
  signal?: AbortSignal
  onProgress?: (progress: SyncProgress) => void
  /** Which streams to read; all by default. A webhook that brought the labels needs only `orders`. */
  streams?: readonly ('shipments' | 'fulfillments' | 'orders')[]
  /** Called with the events a page added to the log, after they are committed. */
  onEvents?: (events: readonly OrderEvent[]) => void
  /** Told when a failed cycle's error cannot be recorded in account_state. */
  logger?: Logger
}

export interface SyncProgress {
  accountId: string
  stream: 'stores' | 'shipments' | 'fulfillments' | 'orders'
  pages: number
  records: number
  /** Records read so far plus what ShipStation says is left: an estimate, since records keep changing. */
  recordsEstimate: number
  /** Times this account's API key had to wait for a new rate-limit window so far. */
  rateLimitWaits: number
}

export interface CycleResult {
  accountId: string
  phase: 'backfill' | 'live'
  orders: number
  shipping: number
  events: number
  requests: number
}

export async function runSyncCycle(options: AccountSyncOptions): Promise<CycleResult> {
  const now = options.now ?? Date.now
  const { db, accountId } = options
  const started = now()
  try {
    // Inside the try: this is the cycle's first write, and a locked or unreachable store failing it
    // must show in `status` like any later failure.
    const state = await loadAccountState(db, accountId, started - options.backfillDays * DAY, started)
    const result: CycleResult = {
      accountId,
      phase: state.phase === 'live' ? 'live' : 'backfill',
      orders: 0,
      shipping: 0,
      events: 0,
      requests: 0,
    }
    if (state.stores_refreshed_at === null || started - state.stores_refreshed_at > STORES_TTL_MS) {
      await refreshStores(options, now())
    }
    const streams = options.streams ?? ['shipments', 'fulfillments', 'orders']
    if (streams.includes('shipments')) result.shipping += await syncShipping(options, state, 'shipments')
    if (streams.includes('fulfillments'))
      result.shipping += await syncShipping(options, state, 'fulfillments')
    if (streams.includes('orders')) {
      const { orders, events } = await syncOrders(options, state)
      result.orders = orders
      result.events = events
    }
    await updateAccountState(db, accountId, {
      // Live only once an orders pass has read to the present.
      phase: streams.includes('orders') ? 'live' : state.phase,
      last_sync_at: now(),
      last_sync_error: null,
      updated_at: now(),
    })
    return result
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    // The store may be what failed; then this fails too. The caller gets the original error either way.
    await updateAccountState(db, accountId, { last_sync_error: message, updated_at: now() }).catch(
      (recordError: unknown) =>
        options.logger?.warn({ account: accountId, err: recordError }, 'could not record the sync error'),
    )
    throw error
  }
}

async function refreshStores(options: AccountSyncOptions, now: number): Promise<void> {
  // https://www.shipstation.com/docs/api/stores/list/
  const stores = await options.client.getArray('/stores?showInactive=true', rawStoreSchema, options.signal)
  await upsertStores(
    options.db,
    options.accountId,
    stores.map((s) => ({ storeId: s.storeId, name: s.storeName, marketplace: s.marketplaceName ?? null })),
  )
  await updateAccountState(options.db, options.accountId, { stores_refreshed_at: now })
}

/**
 * A page read from the overlap before the cursor may end before it (an empty read ends where it began):
 * the cursor stays put then, else every empty read would move it back and each poll read further back.
 */
function notBack(resumeFrom: number, cursor: number | null): number {
  return cursor === null ? resumeFrom : Math.max(resumeFrom, cursor)
}

function startOf(cursor: number | null, state: AccountState, options: AccountSyncOptions): number {
  if (cursor === null) return state.backfill_from
  return queryStart(cursor, options.overlapMs ?? 5 * 60_000, (options.now ?? Date.now)())
}

async function syncShipping(
  options: AccountSyncOptions,
  state: AccountState,
  stream: 'shipments' | 'fulfillments',
): Promise<number> {
  const { db, accountId } = options
  const cursorColumn = stream === 'shipments' ? 'shipments_cursor' : 'fulfillments_cursor'
  const from = startOf(state[cursorColumn], state, options)
  const readOptions = { now: options.now ?? Date.now, signal: options.signal }
  const pages =
    stream === 'shipments'
      ? mapPages(readStream(options.client, shipmentsStream, from, readOptions), (r) =>
          shippingFromShipment(r, Date.now()),
        )
      : mapPages(readStream(options.client, fulfillmentsStream, from, readOptions), (r) =>
          shippingFromFulfillment(r, Date.now()),
        )
  let count = 0
  let pageCount = 0
  for await (const page of pages) {
    await db.transaction().execute(async (trx) => {
      await upsertShipping(trx, accountId, page.records.map(toShippingRow))
      await updateAccountState(trx, accountId, {
        [cursorColumn]: notBack(page.resumeFrom, state[cursorColumn]),
        updated_at: Date.now(),
      })
    })
    count += page.records.length
    options.onProgress?.({
      accountId,
      stream,
      pages: ++pageCount,
      records: count,
      recordsEstimate: count - page.records.length + page.remaining,
      rateLimitWaits: options.client.governor.waits,
    })
  }
  return count
}

async function* mapPages<T>(
  pages: AsyncIterable<StreamPage<T>>,
  map: (record: T) => ShippingRecord,
): AsyncGenerator<StreamPage<ShippingRecord>> {
  for await (const page of pages) yield { ...page, records: page.records.map(map) }
}

export function toShippingRow(record: ShippingRecord): ShippingRow {
  return {
    shipping_id: record.anchor,
    order_id: record.orderId,
    created_ms: record.createdMs,
    voided: record.voided ? 1 : 0,
    facts: JSON.stringify(record.facts),
  }
}

async function syncOrders(
  options: AccountSyncOptions,
  state: AccountState,
): Promise<{ orders: number; events: number }> {
  const from = startOf(state.orders_cursor, state, options)
  const historical = state.phase !== 'live'
  let orders = 0
  let events = 0
  let pages = 0
  let stores = await loadStores(options.db, options.accountId)
  for await (const page of readStream(options.client, ordersStream, from, {
    now: options.now ?? Date.now,
    signal: options.signal,
  })) {
    if (
      page.records.some((o) => o.advancedOptions?.storeId != null && !stores.has(o.advancedOptions.storeId))
    ) {
      await refreshStores(options, Date.now())
      stores = await loadStores(options.db, options.accountId)
    }
    const resumeFrom = notBack(page.resumeFrom, state.orders_cursor)
    events += await processOrderPage(options, page.records, resumeFrom, stores, historical)
    orders += page.records.length
    options.onProgress?.({
      accountId: options.accountId,
      stream: 'orders',
      pages: ++pages,
      records: orders,
      recordsEstimate: orders - page.records.length + page.remaining,
      rateLimitWaits: options.client.governor.waits,
    })
  }
  await resolveHeldCancellations(options.db, options.accountId, Date.now())
  return { orders, events }
}

/** Turns one page of orders into snapshot updates and events, committed with the cursor. */
export async function processOrderPage(
  options: AccountSyncOptions,
  records: readonly RawOrder[],
  resumeFrom: number | undefined,
  stores: Map<number, StoreInfo>,
  historical: boolean,
): Promise<number> {
  const { db, accountId } = options
  const now = (options.now ?? Date.now)()
  const merges = records.flatMap((o) =>
    (o.advancedOptions?.mergedIds ?? [])
      .filter((id) => id !== o.orderId)
      .map((id) => ({ orderId: id, into: o.orderId })),
  )
  const ids = records.map((o) => o.orderId)
  const parentIds = records.flatMap((o) =>
    o.advancedOptions?.parentId != null ? [o.advancedOptions.parentId] : [],
  )
  const snapshots = await loadSnapshots(db, accountId, [...ids, ...parentIds])
  // A page may hold an order twice (re-read); the later copy wins.
  const latest = new Map<number, RawOrder>()
  for (const order of records) latest.set(order.orderId, order)
  const changed = [...latest.values()].filter((o) => {
    const seen = snapshots.get(o.orderId)
    return !seen || seen.status !== o.orderStatus || seen.modify_ms !== modifyMs(o)
  })
  if (changed.length === 0 && merges.length === 0) {
    if (resumeFrom !== undefined)
      await updateAccountState(db, accountId, { orders_cursor: resumeFrom, updated_at: now })
    return 0
  }
  const shippedIds = changed.filter((o) => o.orderStatus === 'shipped').map((o) => o.orderId)
  // When we last saw each order that is shipped now but was not then (shipped again after a void).
  const unshippedAt = new Map<number, number>()
  for (const id of shippedIds) {
    const seen = snapshots.get(id)
    if (seen && seen.status !== 'shipped') unshippedAt.set(id, seen.modify_ms)
  }
  const shipping = await shippingFor(options, shippedIds, unshippedAt)
  // ShipStation cancels the orders it merges into another; only the survivor's mergedIds says which.
  // The survivor is modified by the merge, so it is read in this same pass, at the latest on a later
  // page: such a cancellation is held until the pass ends (resolveHeldCancellations).
  const held = new Set<string>()

  const events: OrderEvent[] = []
  const rows: OrderTable[] = []
  for (const order of changed) {
    const previous = snapshots.get(order.orderId)
    const parentId = order.advancedOptions?.parentId ?? undefined
    const parent =
      parentId === undefined
        ? undefined
        : {
            orderId: parentId,
            orderNumber: snapshots.get(parentId)?.order_number ?? latest.get(parentId)?.orderNumber ?? null,
          }
    const storeId = order.advancedOptions?.storeId
    const facts = toEventOrder(
      order,
      storeId == null ? undefined : stores.get(storeId),
      parent,
      options.currency,
      now,
    )
    const customer = toEventCustomer(order)
    const modifyAt = resolvePacific(order.modifyDate, now) ?? modifyMs(order)
    const detection = detectChange({
      accountId,
      historical,
      order: facts,
      customer,
      createMs: resolvePacific(order.createDate, now) ?? modifyAt,
      modifyMs: modifyAt,
      paymentMs: order.paymentDate ? resolvePacific(order.paymentDate, now) : undefined,
      modifyDate: order.modifyDate,
      previous: previous ? { status: previous.status } : undefined,
      shipping:
        order.orderStatus === 'shipped'
          ? (shipping.get(order.orderId) ?? fallbackShipping(order))
          : undefined,
    })
    if (detection.kind === 'event') {
      events.push(detection.event)
      if (order.orderStatus === 'cancelled' && order.advancedOptions?.mergedOrSplit)
        held.add(detection.event.id)
    }
    rows.push({
      account_id: accountId,
      order_id: order.orderId,
      order_number: order.orderNumber,
      store_id: storeId ?? null,
      status: order.orderStatus,
      modify_ms: modifyMs(order),
      parent_id: parentId ?? null,
      email: customer.email,
      facts: JSON.stringify({ order: facts, customer }),
      updated_at: now,
    })
  }
  let added: string[] = []
  await db.transaction().execute(async (trx) => {
    if (merges.length > 0) await recordMerges(trx, accountId, merges)
    await upsertSnapshots(trx, rows)
    added = await appendEvents(trx, events, options.routes, now, held)
    if (resumeFrom !== undefined)
      await updateAccountState(trx, accountId, { orders_cursor: resumeFrom, updated_at: now })
  })
  if (added.length > 0 && options.onEvents) {
    const fresh = new Set(added)
    options.onEvents(events.filter((e) => fresh.has(e.id)))
  }
  return added.length
}

/**
 * The label or fulfilment behind each shipped order. Normally the shipments and fulfilments streams
 * have stored it already; for a label created between those reads and the orders read, or one older
 * than the backfill, it is fetched by order id. So is the shipping of an order shipped again: a stored
 * label that existed when we saw the order unshipped (`unshippedAt`) was voided since, which the
 * createDate-ordered streams do not show, and cannot be what shipped it now.
 */
async function shippingFor(
  options: AccountSyncOptions,
  orderIds: readonly number[],
  unshippedAt: ReadonlyMap<number, number>,
): Promise<Map<number, ShippingRecord>> {
  const { db, accountId, client, signal } = options
  const stored = await latestShipping(db, accountId, orderIds)
  const stale = (id: number) =>
    stored.get(id)!.created_ms <= (unshippedAt.get(id) ?? Number.NEGATIVE_INFINITY)
  const missing = orderIds.filter((id) => !stored.has(id) || stale(id))
  const fetched: ShippingRecord[] = []
  const now = Date.now()
  const ofOrder = async <S extends z.ZodType>(
    stream: StreamDefinition<S>,
    orderId: number,
    map: (record: z.infer<S>, now: number) => ShippingRecord,
  ) =>
    (
      await client.getPage(stream.path, stream.key, stream.schema, { orderId, pageSize: 500 }, signal)
    ).records.map((r) => map(r, now))
  for (const orderId of missing) {
    // https://www.shipstation.com/docs/api/shipments/list/ and /fulfillments/list-fulfillments/
    let records = await ofOrder(shipmentsStream, orderId, shippingFromShipment)
    if (!records.some((r) => !r.voided))
      records = records.concat(await ofOrder(fulfillmentsStream, orderId, shippingFromFulfillment))
    fetched.push(...records)
  }
  if (fetched.length > 0) await upsertShipping(db, accountId, fetched.map(toShippingRow))
  const result = new Map<number, ShippingRecord>()
  for (const [orderId, row] of stored) {
    if (stale(orderId)) continue
    result.set(orderId, {
      anchor: row.shipping_id,
      orderId,
      createdMs: row.created_ms,
      voided: false,
      facts: JSON.parse(row.facts),
    })
  }
  for (const record of fetched) {
    const seen = result.get(record.orderId)
    if (!record.voided && (!seen || record.createdMs > seen.createdMs)) result.set(record.orderId, record)
  }
  return result
}

/** A shipped order with neither label nor fulfilment on record: say what the order itself says. */
function fallbackShipping(order: RawOrder): ShippingRecord {
  return {
    anchor: `status:${order.modifyDate}`,
    orderId: order.orderId,
    createdMs: resolvePacific(order.modifyDate, Date.now()) ?? modifyMs(order),
    voided: false,
    facts: {
      via: order.externallyFulfilled ? 'external' : 'manual',
      carrier: order.carrierCode ?? null,
      service: order.serviceCode ?? null,
      trackingNumber: null,
      trackingUrl: null,
      shipDate: order.shipDate ? order.shipDate.slice(0, 10) : null,
      provider: order.externallyFulfilledByName ?? order.externallyFulfilledBy ?? null,
    },
  }
}

/** modifyDate in wall-time encoding: what snapshots compare and cursors hold. */
function modifyMs(order: RawOrder): number {
  return wallTime(order.modifyDate)
}
