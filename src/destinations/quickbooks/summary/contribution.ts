/**
 * What one order adds to its store's day, in cents, by the per-order rules (to-document.ts): items at
 * Qty × UnitPrice rounded as QuickBooks checks it, shipping, tax, and a discount for whatever the
 * marketplace took off. An untaxed store's orders add no tax (the marketplace remitted it); the
 * discount is still measured against the real tax, so the tax never passes for a discount.
 */
import type { OrderEvent } from '../../../events/model.js'
import type { SummaryContent } from '../../../store/quickbooks-summary.js'
import { lineCents, toCents } from '../money.js'

export interface Contribution {
  content: SummaryContent
  totalCents: number
}

export function contributionOf(event: OrderEvent, taxed: boolean): Contribution {
  const { order } = event
  const items = order.items.map((item) => ({
    sku: item.sku?.trim() || null,
    name: item.name,
    quantity: item.quantity,
    cents: lineCents(item.quantity, item.unitPrice),
  }))
  const itemCents = items.reduce((sum, item) => sum + item.cents, 0)
  const shippingCents = toCents(order.shippingAmount ?? 0)
  const orderTax = toCents(order.taxAmount ?? 0)
  const offered = itemCents + shippingCents + orderTax - toCents(order.value)
  const discountCents = offered > 0 && offered <= itemCents ? offered : 0
  const taxCents = taxed ? orderTax : 0
  return {
    content: { items, shippingCents, taxCents, discountCents },
    totalCents: itemCents + shippingCents + taxCents - discountCents,
  }
}

/** A cancellation takes back exactly what the sale added. */
export function reversed(sale: Contribution): Contribution {
  const { content } = sale
  return {
    content: {
      items: content.items.map((item) => ({ ...item, quantity: -item.quantity, cents: -item.cents })),
      shippingCents: -content.shippingCents,
      taxCents: -content.taxCents,
      discountCents: -content.discountCents,
    },
    totalCents: -sale.totalCents,
  }
}
