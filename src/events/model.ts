/**
 * The destination-independent event: what happened to an order, with everything a post-purchase
 * message needs. Destinations map it to their own shape; nothing here is Klaviyo- or QuickBooks-specific.
 */
import type { EventName } from '../config/event-names.js'

/** How an order reached `shipped`. */
export type ShippedVia = 'label' | 'manual' | 'external'

export interface EventItem {
  name: string | null
  sku: string | null
  quantity: number
  unitPrice: number
  imageUrl: string | null
}

export interface EventShipping {
  via: ShippedVia
  carrier: string | null
  service: string | null
  trackingNumber: string | null
  trackingUrl: string | null
  /** yyyy-MM-dd as ShipStation reports it. */
  shipDate: string | null
  /** Fulfilment provider for external shipping (e.g. "Amazon FBA"). */
  provider: string | null
}

export interface EventCustomer {
  email: string | null
  firstName: string | null
  lastName: string | null
  /** As given to ShipStation; destinations validate it (e.g. Klaviyo wants E.164). */
  phone: string | null
}

export interface EventOrder {
  orderId: number
  orderNumber: string
  orderKey: string
  storeId: number | null
  storeName: string | null
  marketplace: string | null
  /** ShipStation status at the time of the event. */
  status: string
  /** UTC ISO-8601. */
  orderDate: string | null
  value: number
  currency: string
  /** ShipStation amountPaid, taxAmount and shippingAmount (accounting destinations need them). Absent in events logged before they existed. */
  amountPaid?: number
  taxAmount?: number
  shippingAmount?: number
  items: EventItem[]
  shipTo: { city: string | null; region: string | null; country: string | null; postalCode: string | null }
  /** yyyy-MM-dd, when the order is on hold until a date. */
  holdUntil: string | null
  /** For split orders: the order this one was split from. */
  parentOrderId: number | null
  parentOrderNumber: string | null
}

export interface OrderEvent {
  /** Deterministic: a pure function of (account, order, change). Destinations use it as idempotency key. */
  id: string
  accountId: string
  name: EventName
  /** When it happened in ShipStation, epoch milliseconds (UTC). */
  occurredAt: number
  /** From the backfill: record it, but fire no flows. */
  historical: boolean
  customer: EventCustomer
  order: EventOrder
  shipping: EventShipping | null
}
