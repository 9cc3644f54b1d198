/**
 * Maps an order event to a SalesReceipt / Invoice body. Pure: references (customer, items) are
 * resolved beforehand and passed in. Every amount is computed in cents, and the document total equals
 * the ShipStation order total: items + shipping (the form's shipping field, SHIPPING_ITEM_ID) + tax
 * (TxnTaxDetail.TotalTax, overriding automated sales tax) − a discount line for whatever the
 * marketplace took off (ShipStation drops discount adjustments from items).
 */
import type { OrderEvent } from '../../events/model.js'
import { dayInZone } from '../../lib/pacific-time.js'
import { storeMatches } from '../filter.js'
import { exactPrice, fromCents, lineCents, toCents } from './money.js'
import type { Ref, SalesFormBody, SalesLine } from './types.js'

export const SHIPPING_ITEM_ID = 'SHIPPING_ITEM_ID'
/** QBO's DocNumber limit (reference §5). */
export const MAX_DOC_NUMBER = 21

export interface MappingOptions {
  /** The accounting day of a document: the order date or the ship date, in `timeZone`. */
  txnDate: 'order' | 'ship'
  timeZone: string
  /**
   * `override`: ShipStation's tax as TotalTax (lines TAX, QuickBooks' automated tax overridden);
   * `line`: a line of `taxItem` (lines NON, nothing for QuickBooks to recompute); `none`: no tax.
   */
  tax: 'override' | 'line' | 'none'
  /** Stores (name or id) whose tax the marketplace remitted: no tax on their documents. */
  untaxedStores: readonly string[]
}

export type TaxMode = MappingOptions['tax']

/** The tax treatment of an event's order: its store may be marketplace-remitted. */
export function taxModeOf(event: OrderEvent, options: MappingOptions): TaxMode {
  return options.untaxedStores.some((store) => storeMatches(store, event.order)) ? 'none' : options.tax
}

export interface ResolvedRefs {
  customer: Ref
  /** One per event item, same order. */
  items: Ref[]
  /** `tax: line`: the tax item. */
  tax?: Ref
}

export interface MappedDocument {
  body: SalesFormBody
  totalCents: number
}

export function toSalesForm(
  event: OrderEvent,
  refs: ResolvedRefs,
  docNumber: string | undefined,
  options: MappingOptions,
): MappedDocument {
  const { order, customer } = event
  const mode = taxModeOf(event, options)
  const orderTaxCents = toCents(order.taxAmount ?? 0)
  const taxCents = mode === 'none' ? 0 : orderTaxCents
  const shippingCents = toCents(order.shippingAmount ?? 0)
  const taxCode = { value: mode === 'override' && taxCents > 0 ? 'TAX' : 'NON' }
  const lines: SalesLine[] = order.items.map((item, i) => ({
    DetailType: 'SalesItemLineDetail',
    Amount: fromCents(lineCents(item.quantity, item.unitPrice)),
    ...(item.name ? { Description: item.name.slice(0, 4000) } : {}),
    SalesItemLineDetail: {
      ItemRef: refs.items[i]!,
      Qty: item.quantity,
      UnitPrice: exactPrice(item.unitPrice),
      TaxCodeRef: taxCode,
    },
  }))
  const itemCents = order.items.reduce((sum, item) => sum + lineCents(item.quantity, item.unitPrice), 0)
  if (shippingCents > 0) {
    lines.push({
      DetailType: 'SalesItemLineDetail',
      Amount: fromCents(shippingCents),
      SalesItemLineDetail: { ItemRef: { value: SHIPPING_ITEM_ID } },
    })
  }
  if (mode === 'line' && taxCents > 0) {
    lines.push({
      DetailType: 'SalesItemLineDetail',
      Amount: fromCents(taxCents),
      Description: 'Sales tax',
      SalesItemLineDetail: {
        ItemRef: refs.tax ?? { value: '' },
        Qty: 1,
        UnitPrice: fromCents(taxCents),
        TaxCodeRef: taxCode,
      },
    })
  }
  // What the marketplace took off: the order's own tax counts here even when the document leaves it out.
  const discountCents = itemCents + shippingCents + orderTaxCents - toCents(order.value)
  if (discountCents > 0 && discountCents <= itemCents) {
    lines.push({
      DetailType: 'DiscountLineDetail',
      Amount: fromCents(discountCents),
      Description: 'Discount',
      DiscountLineDetail: { PercentBased: false },
    })
  }
  const appliedDiscount = discountCents > 0 && discountCents <= itemCents ? discountCents : 0
  const body: SalesFormBody = {
    ...(docNumber === undefined ? {} : { DocNumber: docNumber }),
    TxnDate: txnDate(event, options),
    CustomerRef: refs.customer,
    PrivateNote: `ShipStation order ${order.orderNumber}${order.storeName ? `, store ${order.storeName}` : ''}`,
    Line: lines,
    ...(mode === 'override' ? { TxnTaxDetail: { TotalTax: fromCents(taxCents) } } : {}),
  }
  if (customer.email && isEmail(customer.email)) body.BillEmail = { Address: customer.email }
  const shipAddr = {
    ...(order.shipTo.city ? { City: order.shipTo.city } : {}),
    ...(order.shipTo.region ? { CountrySubDivisionCode: order.shipTo.region } : {}),
    ...(order.shipTo.postalCode ? { PostalCode: order.shipTo.postalCode } : {}),
    ...(order.shipTo.country ? { Country: order.shipTo.country } : {}),
  }
  if (Object.keys(shipAddr).length > 0) body.ShipAddr = shipAddr
  Object.assign(body, shippingFields(event))
  return { body, totalCents: itemCents + shippingCents + taxCents - appliedDiscount }
}

/** ShipDate, TrackingNum and ShipMethodRef ("Ship via"), when the event carries shipping. */
export function shippingFields(
  event: OrderEvent,
): Pick<SalesFormBody, 'ShipDate' | 'TrackingNum' | 'ShipMethodRef'> {
  const shipping = event.shipping
  if (!shipping) return {}
  const via =
    [shipping.carrier, shipping.service].filter(Boolean).join(' ').slice(0, 100) || shipping.provider
  return {
    ...(shipping.shipDate ? { ShipDate: shipping.shipDate } : {}),
    ...(shipping.trackingNumber ? { TrackingNum: shipping.trackingNumber.slice(0, 31) } : {}),
    ...(via ? { ShipMethodRef: { value: via, name: via } } : {}),
  }
}

function txnDate(event: OrderEvent, options: MappingOptions): string {
  if (options.txnDate === 'ship' && event.shipping?.shipDate) return event.shipping.shipDate
  const at = event.order.orderDate ? Date.parse(event.order.orderDate) : event.occurredAt
  return dayInZone(at, options.timeZone)
}

/**
 * The DocNumber of an order: prefix + order number, at most 21 characters. A longer one keeps the
 * prefix and the last characters of the number (Amazon's `113-1234567-1234567` ends unique), and the
 * full number stays in PrivateNote.
 */
export function docNumberFor(orderNumber: string, prefix: string): string {
  const room = MAX_DOC_NUMBER - prefix.length
  return prefix + (orderNumber.length > room ? orderNumber.slice(orderNumber.length - room) : orderNumber)
}

/** The number a split part is booked under: its parent's (ShipStation appends `-1`, `-2` to parts). */
export function rootOrderNumber(event: OrderEvent): string {
  return event.order.parentOrderNumber ?? event.order.orderNumber
}

export function isEmail(text: string): boolean {
  return /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/.test(text)
}
