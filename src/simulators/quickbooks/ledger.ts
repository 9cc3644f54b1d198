/**
 * Bookkeeping across objects (reference §5 "Invoice + Payment", §13.5): an invoice's Balance is its
 * total less its deposit and the payments applied to it, it lists those payments in `LinkedTxn`, and a
 * customer's Balance is the sum of its open invoices. Derived again after every write that can change
 * them; an invoice whose balance or links change gets a new SyncToken, as a client re-reading it sees.
 */
import type { Company } from './company.js'
import type { Json } from './input.js'
import { cents, fromCents } from './money.js'
import { timestamp } from './time.js'

interface Application {
  paymentId: string
  cents: bigint
}

/** Payments applied to an invoice (or applying a credit memo), in payment id order. */
export function applicationsTo(
  company: Company,
  txnId: string,
  type: 'Invoice' | 'CreditMemo' = 'Invoice',
): Application[] {
  const result: Application[] = []
  for (const payment of company.all('Payment')) {
    let applied = 0n
    for (const line of (payment.Line as Json[] | undefined) ?? []) {
      const links = (line.LinkedTxn as Json[] | undefined) ?? []
      if (links.some((l) => l.TxnType === type && l.TxnId === txnId)) applied += cents(Number(line.Amount))
    }
    if (applied !== 0n) result.push({ paymentId: String(payment.Id), cents: applied })
  }
  return result
}

/** Balance and LinkedTxn of an invoice with the given total and deposit, from the payments stored now. */
export function invoiceDerived(
  company: Company,
  invoiceId: string | undefined,
  totalCents: bigint,
  depositCents: bigint,
) {
  const applications = invoiceId === undefined ? [] : applicationsTo(company, invoiceId)
  const paid = applications.reduce((sum, a) => sum + a.cents, 0n)
  return {
    Balance: fromCents(totalCents - depositCents - paid),
    LinkedTxn:
      applications.length === 0
        ? undefined
        : applications.map((a) => ({ TxnId: a.paymentId, TxnType: 'Payment' })),
  }
}

/**
 * RemainingCredit (and Balance) of a credit memo: its total less what payments applied of it to
 * invoices (a Payment with an Invoice line and a CreditMemo line, TotalAmt 0: QBO's way to apply a
 * credit; unconfirmed in the reference).
 */
export function creditDerived(company: Company, creditMemoId: string | undefined, totalCents: bigint) {
  const applications = creditMemoId === undefined ? [] : applicationsTo(company, creditMemoId, 'CreditMemo')
  const used = applications.reduce((sum, a) => sum + a.cents, 0n)
  return {
    RemainingCredit: fromCents(totalCents - used),
    LinkedTxn:
      applications.length === 0
        ? undefined
        : applications.map((a) => ({ TxnId: a.paymentId, TxnType: 'Payment' })),
  }
}

/** Re-derives a stored credit memo after payments changed; bumps SyncToken when something moved. */
export function refreshCreditMemo(company: Company, creditMemoId: string, now: number): void {
  const memo = company.get('CreditMemo', creditMemoId)
  if (!memo) return
  const derived = creditDerived(company, creditMemoId, cents(Number(memo.TotalAmt)))
  const before = JSON.stringify([memo.RemainingCredit, memo.LinkedTxn])
  if (before === JSON.stringify([derived.RemainingCredit, derived.LinkedTxn])) return
  memo.RemainingCredit = derived.RemainingCredit
  memo.Balance = derived.RemainingCredit
  if (derived.LinkedTxn) memo.LinkedTxn = derived.LinkedTxn
  else delete memo.LinkedTxn
  memo.SyncToken = String(Number(memo.SyncToken) + 1)
  const meta = memo.MetaData as Json
  meta.LastUpdatedTime = timestamp(now, company.settings.timezone)
}

/** Re-derives a stored invoice after payments changed; bumps SyncToken when something moved. */
export function refreshInvoice(company: Company, invoiceId: string, now: number): void {
  const invoice = company.get('Invoice', invoiceId)
  if (!invoice) return
  const derived = invoiceDerived(
    company,
    invoiceId,
    cents(Number(invoice.TotalAmt)),
    cents(Number(invoice.Deposit ?? 0)),
  )
  const before = JSON.stringify([invoice.Balance, invoice.LinkedTxn])
  if (before === JSON.stringify([derived.Balance, derived.LinkedTxn])) return
  invoice.Balance = derived.Balance
  if (derived.LinkedTxn) invoice.LinkedTxn = derived.LinkedTxn
  else delete invoice.LinkedTxn
  invoice.SyncToken = String(Number(invoice.SyncToken) + 1)
  const meta = invoice.MetaData as Json
  meta.LastUpdatedTime = timestamp(now, company.settings.timezone)
}

/**
 * A customer's Balance: the open balance of its invoices less its open credit memos, so it may go
 * negative (no new SyncToken; QBO derives it). Credit memos counting here is unconfirmed.
 */
export function refreshCustomerBalance(company: Company, customerId: unknown): void {
  if (typeof customerId !== 'string') return
  const customer = company.get('Customer', customerId)
  if (!customer) return
  const openOf = (entity: 'Invoice' | 'CreditMemo') =>
    company
      .all(entity)
      .filter((t) => customerIdOf(t) === customerId)
      .reduce((sum, t) => sum + cents(Number(t.Balance)), 0n)
  const open = openOf('Invoice') - openOf('CreditMemo')
  customer.Balance = fromCents(open)
  customer.BalanceWithJobs = fromCents(open)
}

export const customerIdOf = (object: Json | undefined): unknown =>
  (object?.CustomerRef as Json | undefined)?.value
