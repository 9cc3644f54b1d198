/**
 * Adds a split part to the document its order was booked on (`splitOrders: merge`). Pure: takes the
 * document as QuickBooks returned it and the part's own mapped form. A QBO sales form has one shipping
 * line and one discount line, so those are summed; item lines are appended; the tax is summed; the
 * PrivateNote names the part, which is also how a repeated merge (after a crash) is recognised.
 */
import { fromCents, toCents } from './money.js'
import { SHIPPING_ITEM_ID } from './to-document.js'
import type { QboLine, QboTransaction, SalesFormBody } from './types.js'

/** QBO's PrivateNote limit (reference §5). */
const NOTE_MAX = 4000

/** A document's lines that can be sent back: all but the SubTotal line QuickBooks adds itself. */
export function writableLines(document: QboTransaction): QboLine[] {
  return (document.Line ?? []).filter((l) => l.DetailType !== 'SubTotalLineDetail')
}

export function partMarker(orderNumber: string): string {
  return `part ${orderNumber} (`
}

export function hasPart(document: QboTransaction, orderNumber: string): boolean {
  return (document.PrivateNote ?? '').includes(partMarker(orderNumber))
}

/** The sparse update that adds `part` (its form mapped on its own) to `document`. */
export function mergePart(
  document: QboTransaction,
  part: SalesFormBody,
  orderNumber: string,
  details: string,
): Record<string, unknown> {
  const existing = writableLines(document)
  const added = part.Line as QboLine[]
  const isShipping = (l: QboLine) => l.SalesItemLineDetail?.ItemRef?.value === SHIPPING_ITEM_ID
  const isDiscount = (l: QboLine) => l.DetailType === 'DiscountLineDetail'
  const sum = (lines: QboLine[]) => lines.reduce((cents, l) => cents + toCents(l.Amount ?? 0), 0)
  const all = [...existing, ...added]
  const shippingCents = sum(all.filter(isShipping))
  const discountCents = sum(all.filter(isDiscount))
  const lines: QboLine[] = all.filter((l) => !isShipping(l) && !isDiscount(l))
  if (shippingCents > 0) {
    lines.push({
      DetailType: 'SalesItemLineDetail',
      Amount: fromCents(shippingCents),
      SalesItemLineDetail: { ItemRef: { value: SHIPPING_ITEM_ID } },
    })
  }
  if (discountCents > 0) {
    lines.push({
      DetailType: 'DiscountLineDetail',
      Amount: fromCents(discountCents),
      Description: 'Discount',
      DiscountLineDetail: { PercentBased: false },
    })
  }
  const note = `${document.PrivateNote ?? ''}; ${partMarker(orderNumber)}${details})`
  const currentTax = document.TxnTaxDetail?.TotalTax ?? 0
  return {
    Id: document.Id,
    SyncToken: document.SyncToken,
    sparse: true,
    Line: lines,
    PrivateNote: note.slice(0, NOTE_MAX),
    ...(part.TxnTaxDetail
      ? { TxnTaxDetail: { TotalTax: fromCents(toCents(currentTax) + toCents(part.TxnTaxDetail.TotalTax)) } }
      : {}),
  }
}
