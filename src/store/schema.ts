/**
 * Table types for Kysely. Times are epoch milliseconds in BIGINT columns (parsed as numbers on
 * PostgreSQL, see open-database.ts); ShipStation's own naive Pacific strings are kept next to them where
 * the exact text matters (cursors, modifyDate comparisons).
 */
import type { Generated } from 'kysely'

export interface AccountStateTable {
  account_id: string
  /** 'backfill' until the first pass reached the present, then 'live'. */
  phase: string
  /** Backfill start, epoch ms; history before it is not read. */
  backfill_from: number
  orders_cursor: number | null
  shipments_cursor: number | null
  fulfillments_cursor: number | null
  stores_refreshed_at: number | null
  last_sync_at: number | null
  last_sync_error: string | null
  updated_at: number
}

export interface StoreTable {
  account_id: string
  store_id: number
  name: string
  marketplace: string | null
}

export interface OrderTable {
  account_id: string
  order_id: number
  order_number: string
  store_id: number | null
  status: string
  /** ShipStation modifyDate as epoch ms. */
  modify_ms: number
  parent_id: number | null
  email: string | null
  /** JSON of the EventOrder + EventCustomer facts, so events can be built without re-reading. */
  facts: string
  updated_at: number
}

export interface ShipmentTable {
  account_id: string
  /** 'label:<shipmentId>' or 'fulfillment:<fulfillmentId>'. */
  shipping_id: string
  order_id: number
  created_ms: number
  voided: number
  /** JSON of EventShipping. */
  facts: string
}

export interface MergedTable {
  account_id: string
  order_id: number
  into_order_id: number
}

export interface EventTable {
  seq: Generated<number>
  id: string
  account_id: string
  order_id: number
  order_number: string
  store_name: string | null
  name: string
  occurred_at: number
  historical: number
  created_at: number
  /** JSON of OrderEvent. */
  payload: string
}

export interface DeliveryTable {
  event_id: string
  destination_id: string
  /** pending | held (a cancellation awaiting the merge check) | delivered | skipped | dead */
  state: string
  attempts: number
  next_attempt_at: number
  /** Skip or dead reason, or the last retry reason while pending. */
  reason: string | null
  receipt: string | null
  event_seq: number
  updated_at: number
}

export interface Database {
  account_state: AccountStateTable
  stores: StoreTable
  orders: OrderTable
  shipping: ShipmentTable
  merged_orders: MergedTable
  events: EventTable
  deliveries: DeliveryTable
}
