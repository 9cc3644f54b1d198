/**
 * Mappers from raw ShipStation records to the facts events carry. Pure functions, golden-tested.
 */
import type { EventCustomer, EventOrder, EventShipping } from '../events/model.js'
import { trackingUrl } from '../events/tracking-url.js'
import { resolvePacific } from '../lib/pacific-time.js'
import type { RawFulfillment, RawOrder, RawShipment } from '../source/shipstation/raw-types.js'

export interface StoreInfo {
  name: string
  marketplace: string | null
}

/** V1 orders carry no currency; accounts selling in another currency set it in the config. */
export const DEFAULT_CURRENCY = 'USD'

/**
 * Times are resolved against `now` (see resolvePacific): ShipStation writes them as Pacific wall time,
 * which names two instants inside the fall-back hour.
 */
export function toEventOrder(
  order: RawOrder,
  store: StoreInfo | undefined,
  parent: { orderId: number; orderNumber: string | null } | undefined,
  currency: string = DEFAULT_CURRENCY,
  now: number = Date.now(),
): EventOrder {
  const orderDate = order.orderDate ? resolvePacific(order.orderDate, now) : undefined
  const items = (order.items ?? []).filter((item) => !item.adjustment)
  return {
    orderId: order.orderId,
    orderNumber: order.orderNumber,
    orderKey: order.orderKey,
    storeId: order.advancedOptions?.storeId ?? null,
    storeName: store?.name ?? null,
    marketplace: store?.marketplace ?? null,
    status: order.orderStatus,
    orderDate: orderDate === undefined ? null : new Date(orderDate).toISOString(),
    value: round2(order.orderTotal ?? 0),
    currency,
    amountPaid: round2(order.amountPaid ?? 0),
    taxAmount: round2(order.taxAmount ?? 0),
    shippingAmount: round2(order.shippingAmount ?? 0),
    items: items.map((item) => ({
      name: item.name ?? null,
      sku: item.sku || null,
      quantity: item.quantity ?? 0,
      unitPrice: item.unitPrice ?? 0,
      imageUrl: item.imageUrl || null,
    })),
    shipTo: {
      city: order.shipTo?.city || null,
      region: order.shipTo?.state || null,
      country: order.shipTo?.country || null,
      postalCode: order.shipTo?.postalCode || null,
    },
    holdUntil: order.holdUntilDate ? order.holdUntilDate.slice(0, 10) : null,
    parentOrderId: parent?.orderId ?? null,
    parentOrderNumber: parent?.orderNumber ?? null,
  }
}

export function toEventCustomer(order: RawOrder): EventCustomer {
  const username = order.customerUsername?.includes('@') ? order.customerUsername : null
  const email = order.customerEmail?.trim() || username?.trim() || null
  const name = (order.billTo?.name || order.shipTo?.name || '').trim()
  const space = name.indexOf(' ')
  return {
    email,
    firstName: name === '' ? null : space < 0 ? name : name.slice(0, space),
    lastName: space < 0 ? null : name.slice(space + 1).trim() || null,
    phone: order.billTo?.phone?.trim() || order.shipTo?.phone?.trim() || null,
  }
}

/** A label shipment as shipping facts; `anchor` identifies it in event ids. */
export function shippingFromShipment(s: RawShipment, now: number = Date.now()): ShippingRecord {
  return {
    anchor: `label:${s.shipmentId}`,
    orderId: s.orderId,
    createdMs: resolvePacific(s.createDate, now) ?? 0,
    voided: s.voided === true,
    facts: {
      via: 'label',
      carrier: s.carrierCode ?? null,
      service: s.serviceCode ?? null,
      trackingNumber: s.trackingNumber || null,
      trackingUrl: trackingUrl(s.carrierCode ?? null, s.trackingNumber ?? null),
      shipDate: s.shipDate ? s.shipDate.slice(0, 10) : null,
      provider: null,
    },
  }
}

/**
 * A fulfilment (an order marked shipped by hand, or shipped by a fulfilment provider) as shipping
 * facts. It is `external` when a provider is named, `manual` otherwise.
 */
export function shippingFromFulfillment(f: RawFulfillment, now: number = Date.now()): ShippingRecord {
  const provider = f.sellerFillProviderName || f.fulfillmentProviderCode || null
  return {
    anchor: `fulfillment:${f.fulfillmentId}`,
    orderId: f.orderId,
    createdMs: resolvePacific(f.createDate, now) ?? 0,
    voided: f.voided === true,
    facts: {
      via: provider ? 'external' : 'manual',
      carrier: f.carrierCode ?? null,
      service: f.fulfillmentServiceCode ?? null,
      trackingNumber: f.trackingNumber || null,
      trackingUrl: trackingUrl(f.carrierCode ?? null, f.trackingNumber ?? null),
      shipDate: f.shipDate ? f.shipDate.slice(0, 10) : null,
      provider,
    },
  }
}

export interface ShippingRecord {
  anchor: string
  orderId: number
  createdMs: number
  voided: boolean
  facts: EventShipping
}

function round2(n: number): number {
  return Math.round(n * 100) / 100
}
