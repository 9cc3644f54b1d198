/**
 * OrderEvent → Klaviyo Create Event attributes. Pure, so golden tests pin the exact payload merchants
 * template against.
 *
 * Property policy: keys are PascalCase like Klaviyo's own e-commerce examples, each key has one type
 * forever (ids are strings, money is a number, dates are ISO strings), and a value we do not know is
 * **omitted**, never sent as null, so a key is either absent or of its one type.
 */
import type { EventName } from '../../config/event-names.js'
import type { EventItem, OrderEvent } from '../../events/model.js'
import { fittingPrefix, truncateUtf8 } from './limits.js'
import { toE164 } from './phone.js'
import type { KlaviyoEventAttributes, KlaviyoProfileAttributes, KlaviyoProperties } from './types.js'

/** Per-destination metric renames, e.g. `{ 'Order Canceled': 'Order Cancelled' }`. */
export type EventNameMap = Partial<Record<EventName, string>>

export type MapResult =
  | { kind: 'mapped'; attributes: KlaviyoEventAttributes }
  /** Klaviyo needs an identifier; we only send email, so an order without one cannot go. */
  | { kind: 'skipped'; reason: 'no email' }

export function metricName(name: EventName, eventNames: EventNameMap = {}): string {
  return eventNames[name] ?? name
}

export function toKlaviyoEvent(event: OrderEvent, eventNames: EventNameMap = {}): MapResult {
  const email = event.customer.email?.trim()
  if (!email) return { kind: 'skipped', reason: 'no email' }
  const attributes: KlaviyoEventAttributes = {
    metric: { data: { type: 'metric', attributes: { name: metricName(event.name, eventNames) } } },
    profile: { data: { type: 'profile', attributes: toProfile(event, email) } },
    properties: toProperties(event),
    time: new Date(event.occurredAt).toISOString(),
    value: event.order.value,
    ...(event.order.currency ? { value_currency: event.order.currency } : {}),
    unique_id: event.id,
    ...(event.historical ? { backfill: true as const } : {}),
  }
  return { kind: 'mapped', attributes }
}

function toProfile(event: OrderEvent, email: string): KlaviyoProfileAttributes {
  const { firstName, lastName, phone } = event.customer
  const profile: KlaviyoProfileAttributes = { email: truncateUtf8(email) }
  if (firstName?.trim()) profile.first_name = truncateUtf8(firstName.trim())
  if (lastName?.trim()) profile.last_name = truncateUtf8(lastName.trim())
  const phoneNumber = toE164(phone, event.order.shipTo.country)
  if (phoneNumber) profile.phone_number = phoneNumber
  return profile
}

/** Klaviyo's item shape (reference §9), for the `Items` array. */
function toItem(item: EventItem): KlaviyoProperties {
  return withoutEmpty({
    ProductName: item.name,
    SKU: item.sku,
    Quantity: item.quantity,
    ItemPrice: item.unitPrice,
    RowTotal: roundCents(item.quantity * item.unitPrice),
    ImageURL: item.imageUrl,
  })
}

function toProperties(event: OrderEvent): KlaviyoProperties {
  const { order, shipping } = event
  const allItems = order.items.map(toItem)
  // The whole list must fit Klaviyo's per-field and per-array limits; keep the first items that do.
  const items = fittingPrefix(allItems)
  const names = order.items.slice(0, items.length).flatMap((i) => i.name ?? i.sku ?? [])
  return withoutEmpty({
    OrderId: String(order.orderId),
    OrderNumber: order.orderNumber,
    OrderKey: order.orderKey,
    StoreId: order.storeId === null ? null : String(order.storeId),
    StoreName: order.storeName,
    Marketplace: order.marketplace,
    OrderStatus: order.status,
    OrderDate: order.orderDate,
    Items: items,
    ItemNames: names.map((n) => truncateUtf8(n)),
    ItemCount: order.items.reduce((sum, i) => sum + i.quantity, 0),
    ItemsTruncated: items.length < allItems.length ? true : null,
    ShipToCity: order.shipTo.city,
    ShipToRegion: order.shipTo.region,
    ShipToCountry: order.shipTo.country,
    ShipToPostalCode: order.shipTo.postalCode,
    Carrier: shipping?.carrier,
    Service: shipping?.service,
    TrackingNumber: shipping?.trackingNumber,
    TrackingUrl: shipping?.trackingUrl,
    ShipDate: shipping?.shipDate,
    ShippedVia: shipping?.via,
    FulfillmentProvider: shipping?.provider,
    HoldUntilDate: order.holdUntil,
    ParentOrderId: order.parentOrderId === null ? null : String(order.parentOrderId),
    ParentOrderNumber: order.parentOrderNumber,
  })
}

type Input = string | number | boolean | null | undefined | KlaviyoProperties[] | string[]

/** Drops null/undefined/empty-string values and cuts every string to Klaviyo's 100 KB field limit. */
function withoutEmpty(record: Record<string, Input>): KlaviyoProperties {
  const out: KlaviyoProperties = {}
  for (const [key, value] of Object.entries(record)) {
    if (value === null || value === undefined || value === '') continue
    out[key] = typeof value === 'string' ? truncateUtf8(value) : value
  }
  return out
}

function roundCents(amount: number): number {
  return Math.round(amount * 100) / 100
}
