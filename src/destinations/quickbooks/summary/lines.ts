/**
 * A store's day as one sales form: item lines grouped by SKU within their section (the day's own
 * orders; late orders of an earlier day; cancellations of orders already posted), then one shipping
 * line, one tax line (an item line: the sum of marketplace taxes never matches a rate QuickBooks would
 * compute) and one discount line. Pure; references are resolved beforehand.
 */
import type { SummaryEntry } from '../../../store/quickbooks-summary.js'
import { fromCents, lineCents } from '../money.js'
import { SHIPPING_ITEM_ID } from '../to-document.js'
import type { Ref, SalesFormBody, SalesLine } from '../types.js'

export interface ItemGroup {
  section: string
  sku: string | null
  name: string | null
  /** Thousandths, so summed quantities stay exact. */
  quantityMilli: number
  cents: number
}

export interface DaySummary {
  groups: ItemGroup[]
  shippingCents: number
  taxCents: number
  discountCents: number
  totalCents: number
  /** Orders on the document (sales less the cancellations that netted them out). */
  orders: number
  /** Cancellations of orders posted on an earlier day. */
  reversals: number
}

export const lateSection = (day: string): string => `late:${day}`
export const canceledSection = (day: string): string => `canceled:${day}`
const SECTION_RANK: Record<string, number> = { '': 0, late: 1, canceled: 2 }

export function summarize(entries: readonly SummaryEntry[]): DaySummary {
  const groups = new Map<string, ItemGroup>()
  const summary: DaySummary = {
    groups: [],
    shippingCents: 0,
    taxCents: 0,
    discountCents: 0,
    totalCents: 0,
    orders: 0,
    reversals: 0,
  }
  for (const entry of entries) {
    const { content } = entry
    for (const item of content.items) {
      const key = `${entry.section}\n${item.sku?.toLowerCase() ?? ''}`
      let group = groups.get(key)
      if (!group) {
        group = { section: entry.section, sku: item.sku, name: item.name, quantityMilli: 0, cents: 0 }
        groups.set(key, group)
      }
      group.quantityMilli += Math.round(item.quantity * 1000)
      group.cents += item.cents
    }
    summary.shippingCents += content.shippingCents
    summary.taxCents += content.taxCents
    summary.discountCents += content.discountCents
    summary.totalCents += entry.totalCents
    if (entry.kind === 'sale') summary.orders++
    else if (entry.section.startsWith('canceled:')) summary.reversals++
    else summary.orders--
  }
  summary.groups = [...groups.values()]
    .filter((g) => g.quantityMilli !== 0 || g.cents !== 0)
    .sort(
      (a, b) =>
        rank(a.section) - rank(b.section) ||
        a.section.localeCompare(b.section) ||
        (a.sku ?? '').localeCompare(b.sku ?? ''),
    )
  return summary
}

/** Nothing left to book: every order of the day was canceled before it closed. */
export function isEmpty(summary: DaySummary): boolean {
  return (
    summary.groups.length === 0 &&
    summary.shippingCents === 0 &&
    summary.taxCents === 0 &&
    summary.discountCents === 0
  )
}

export interface SummaryRefs {
  customer: Ref
  /** One per group, same order. */
  items: Ref[]
  /** The tax item, when the summary has tax. */
  tax?: Ref
}

export function summaryForm(
  summary: DaySummary,
  refs: SummaryRefs,
  header: { day: string; docNumber: string | undefined; storeName: string },
): SalesFormBody {
  const nonTaxable = { value: 'NON' }
  const lines: SalesLine[] = summary.groups.map((group, i) => ({
    DetailType: 'SalesItemLineDetail',
    Amount: fromCents(group.cents),
    Description: describe(group).slice(0, 4000),
    SalesItemLineDetail: {
      ItemRef: refs.items[i]!,
      ...priced(group.quantityMilli, group.cents),
      TaxCodeRef: nonTaxable,
    },
  }))
  if (summary.shippingCents !== 0) {
    lines.push({
      DetailType: 'SalesItemLineDetail',
      Amount: fromCents(summary.shippingCents),
      SalesItemLineDetail: { ItemRef: { value: SHIPPING_ITEM_ID } },
    })
  }
  if (summary.taxCents !== 0 && refs.tax) {
    lines.push({
      DetailType: 'SalesItemLineDetail',
      Amount: fromCents(summary.taxCents),
      Description: 'Sales tax collected',
      SalesItemLineDetail: { ItemRef: refs.tax, TaxCodeRef: nonTaxable },
    })
  }
  if (summary.discountCents !== 0) {
    lines.push({
      DetailType: 'DiscountLineDetail',
      Amount: fromCents(summary.discountCents),
      Description: 'Discounts',
      DiscountLineDetail: { PercentBased: false },
    })
  }
  const counts = [
    `${summary.orders} order${summary.orders === 1 ? '' : 's'}`,
    ...(summary.reversals > 0 ? [`${summary.reversals} earlier order(s) canceled`] : []),
  ].join(', ')
  return {
    ...(header.docNumber === undefined ? {} : { DocNumber: header.docNumber }),
    TxnDate: header.day,
    CustomerRef: refs.customer,
    PrivateNote: `ShipStation daily summary ${header.day}, store ${header.storeName}: ${counts}`,
    Line: lines,
    // Tax is a line of its own; a zero TotalTax keeps automated sales tax from adding more.
    TxnTaxDetail: { TotalTax: 0 },
  }
}

function rank(section: string): number {
  return SECTION_RANK[section.split(':')[0]!] ?? 3
}

function describe(group: ItemGroup): string {
  const base = group.name ?? group.sku ?? 'Items without SKU'
  const [kind, day] = group.section.split(':')
  if (kind === 'late') return `${base} (late orders of ${day})`
  if (kind === 'canceled') return `${base} (canceled orders of ${day})`
  return base
}

/**
 * Qty and the UnitPrice (six decimals, as QuickBooks keeps it) whose product rounds to the summed
 * Amount, so the 6070 check holds. Past 10,000 units a micro-dollar step moves the product by more than
 * a cent and no such price may exist: then Qty goes without UnitPrice.
 */
export function priced(quantityMilli: number, cents: number): { Qty?: number; UnitPrice?: number } {
  if (quantityMilli === 0) return {}
  const quantity = quantityMilli / 1000
  const micro = divideRounded(BigInt(cents) * 10_000_000n, BigInt(quantityMilli))
  for (const candidate of [micro, micro - 1n, micro + 1n]) {
    const unitPrice = Number(candidate) / 1e6
    if (lineCents(quantity, unitPrice) === cents) return { Qty: quantity, UnitPrice: unitPrice }
  }
  return { Qty: quantity }
}

function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n
  const n = numerator < 0n ? -numerator : numerator
  const d = denominator < 0n ? -denominator : denominator
  const q = (n + d / 2n) / d
  return negative ? -q : q
}
