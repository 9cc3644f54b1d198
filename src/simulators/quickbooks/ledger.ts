/**
 * Bookkeeping across objects (reference §5 "Invoice + Payment", §13.5): an invoice's Balance is its
 * total less its deposit and the payments applied to it, a credit memo's RemainingCredit its total less
 * what payments used of it, both list those payments in `LinkedTxn`, and a customer's Balance is its open
 * invoices less its open credit. Derived again after every write that can change them; a document whose
 * balance or links change gets a new SyncToken, as a client re-reading it sees.
 */
import type { Company } from './company.js'
import type { Json } from './input.js'
import { cents, fromCents } from './money.js'
import { timestamp } from './time.js'

interface Application {
  paymentId: string
  cents: bigint
}

/** What payments can apply: an invoice's balance, a credit memo's credit. */
export type Receivable = 'Invoice' | 'CreditMemo'

/** Payments applied to an invoice (or applying a credit memo), in payment id order. */
export function applicationsTo(company: Company, txnId: string, type: Receivable = 'Invoice'): Application[] {
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

/**
 * What is still open of an invoice (its total less deposit) or a credit memo (its total) after the
 * payments stored now, and those payments as `LinkedTxn`. A credit memo is used by a Payment with an
 * Invoice line and a CreditMemo line, TotalAmt 0: QBO's way to apply a credit (unconfirmed in the
 * reference).
 */
export function openAfterPayments(
  company: Company,
  type: Receivable,
  id: string | undefined,
  openCents: bigint,
) {
  const applications = id === undefined ? [] : applicationsTo(company, id, type)
  const applied = applications.reduce((sum, a) => sum + a.cents, 0n)
  return {
    open: fromCents(openCents - applied),
    LinkedTxn:
      applications.length === 0
        ? undefined
        : applications.map((a) => ({ TxnId: a.paymentId, TxnType: 'Payment' })),
  }
}

/**
 * Re-derives a stored invoice or credit memo (Balance, a memo's RemainingCredit, LinkedTxn) after
 * payments changed; bumps SyncToken when something moved. Other ids (payments link either) are ignored.
 */
export function refreshReceivable(company: Company, type: Receivable, id: string, now: number): void {
  const txn = company.get(type, id)
  if (!txn) return
  const openCents = cents(Number(txn.TotalAmt)) - cents(Number(txn.Deposit ?? 0))
  const derived = openAfterPayments(company, type, id, openCents)
  const fields: Json = { Balance: derived.open }
  if (type === 'CreditMemo') fields.RemainingCredit = derived.open
  const stored = [...Object.keys(fields).map((k) => txn[k]), txn.LinkedTxn]
  if (JSON.stringify(stored) === JSON.stringify([...Object.values(fields), derived.LinkedTxn])) return
  Object.assign(txn, fields)
  if (derived.LinkedTxn) txn.LinkedTxn = derived.LinkedTxn
  else delete txn.LinkedTxn
  txn.SyncToken = String(Number(txn.SyncToken) + 1)
  const meta = txn.MetaData as Json
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
  const openOf = (entity: Receivable) =>
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
