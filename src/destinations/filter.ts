/**
 * Which events a destination wants. Shared by every destination so that the same config words
 * (`accounts`, `stores`, `events`, …) mean the same thing everywhere. Pure: the answer depends on the
 * event and the options only.
 */
import type { EventName } from '../config/event-names.js'
import type { OrderEvent } from '../events/model.js'

export interface FilterOptions {
  /** Only these account ids. Absent or empty: every account. */
  accounts?: readonly string[]
  /**
   * Only these stores, by store name (compared case-insensitively, surrounding spaces ignored, since
   * merchants type them by hand) or by numeric store id written as text. Absent or empty: every store.
   * Events of orders without a known store never match a store list.
   */
  stores?: readonly string[]
  /** Only these catalog names (before any per-destination rename). Absent or empty: every event. */
  events?: readonly EventName[]
  /**
   * Native behaviour: `Order Shipped` only when a label was created, not for orders marked shipped by
   * hand or fulfilled externally (Klaviyo's own ShipStation integration works that way).
   */
  shippedRequiresLabel: boolean
  /** Send historical (backfill) events; when false they are skipped. */
  sendHistory: boolean
}

export type SkipReason =
  | 'filtered: account'
  | 'filtered: store'
  | 'filtered: event'
  | 'native: shipped without label'
  | 'history not sent'

/** Undefined when the event should be sent; otherwise why it is skipped. Checks run in this order. */
export function filterEvent(event: OrderEvent, options: FilterOptions): SkipReason | undefined {
  if (isSet(options.accounts) && !options.accounts.includes(event.accountId)) return 'filtered: account'
  if (isSet(options.stores) && !options.stores.some((store) => storeMatches(store, event.order)))
    return 'filtered: store'
  if (isSet(options.events) && !options.events.includes(event.name)) return 'filtered: event'
  if (options.shippedRequiresLabel && event.name === 'Order Shipped' && event.shipping?.via !== 'label') {
    return 'native: shipped without label'
  }
  if (!options.sendHistory && event.historical) return 'history not sent'
  return undefined
}

/** An empty list is treated as "no filter": a config with `stores: []` should not silently drop all. */
function isSet<T>(list: readonly T[] | undefined): list is readonly T[] {
  return list !== undefined && list.length > 0
}

/** A store named in config (by id, or by name case-insensitively) is the order's store. */
export function storeMatches(
  key: string,
  order: { storeId: number | null; storeName: string | null },
): boolean {
  const wanted = key.trim()
  const name = order.storeName?.trim().toLowerCase()
  return (
    (order.storeId !== null && wanted === String(order.storeId)) ||
    (name !== undefined && wanted.toLowerCase() === name)
  )
}
