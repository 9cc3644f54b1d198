/**
 * The credit of a cancelled booked order (`onCancel: credit`, or a cancelled part of a shared
 * document): a RefundReceipt for a SalesReceipt (the money goes back out of `DepositToAccountRef`), a
 * CreditMemo for an Invoice (the customer's balance goes down). Pure: the lines come from the order's
 * own mapped form, or from the document as QuickBooks holds it when the two no longer agree.
 */
import { writableLines } from './merge-part.js'
import type { QboTransaction, Ref, SalesFormBody } from './types.js'

export type CreditType = 'RefundReceipt' | 'CreditMemo'

export function creditTypeOf(docType: 'SalesReceipt' | 'Invoice'): CreditType {
  return docType === 'SalesReceipt' ? 'RefundReceipt' : 'CreditMemo'
}

export interface CreditInput {
  type: CreditType
  /** What is credited: lines, tax, customer. */
  source: Pick<SalesFormBody, 'Line' | 'TxnTaxDetail' | 'CustomerRef'>
  docNumber: string | undefined
  /** The day of the cancellation in the accounting zone: a credit belongs to the period it happened in. */
  txnDate: string
  note: string
  /** RefundReceipt only: the bank (or Undeposited Funds) account the refund is paid from. */
  depositAccount?: Ref
}

export function creditBody(input: CreditInput): Record<string, unknown> {
  return {
    ...(input.docNumber === undefined ? {} : { DocNumber: input.docNumber }),
    TxnDate: input.txnDate,
    CustomerRef: input.source.CustomerRef,
    Line: input.source.Line,
    ...(input.source.TxnTaxDetail ? { TxnTaxDetail: { TotalTax: input.source.TxnTaxDetail.TotalTax } } : {}),
    PrivateNote: input.note.slice(0, 4000),
    ...(input.type === 'RefundReceipt' ? { DepositToAccountRef: input.depositAccount } : {}),
  }
}

/** A document as QuickBooks returned it, as the source of a credit: its lines minus the read-only ones. */
export function sourceOf(document: QboTransaction): CreditInput['source'] {
  const lines = writableLines(document).map(({ Id: _id, ...line }) => line)
  const tax = document.TxnTaxDetail?.TotalTax
  return {
    Line: lines as SalesFormBody['Line'],
    CustomerRef: document.CustomerRef as Ref,
    ...(tax === undefined ? {} : { TxnTaxDetail: { TotalTax: tax } }),
  }
}
