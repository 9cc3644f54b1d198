/**
 * Payment (reference §5): applies amounts to invoices of the same customer through `LinkedTxn`; the
 * rest of `TotalAmt` is `UnappliedAmt` (customer credit). Linked invoices and the customer's balance are
 * derived again after every payment write, delete or void (see ledger.ts).
 */
import { z } from 'zod'
import { business, cannotLink, requiredParam } from './errors.js'
import {
  amount,
  date,
  flag,
  idText,
  type Json,
  linkedTxn,
  parseEntity,
  readOnly,
  ref,
  text,
} from './input.js'
import { applicationsTo, customerIdOf, refreshCustomerBalance, refreshReceivable } from './ledger.js'
import { cents, fromCents } from './money.js'
import { HOME_CURRENCY } from './names.js'
import { defaultAccount } from './sales.js'
import { BASE_KEYS, type EntityWriter, resolveRef, type WriteContext } from './shape.js'
import { localDate } from './time.js'

const paymentLine = z.strictObject({
  Id: idText.optional(),
  Amount: amount.optional(),
  LinkedTxn: z.array(linkedTxn).optional(),
  LineEx: readOnly,
})

const paymentSchema = z.strictObject({
  Id: idText.optional(),
  SyncToken: idText.optional(),
  sparse: flag.optional(),
  domain: readOnly,
  status: readOnly,
  MetaData: readOnly,
  DocNumber: text(21).optional(),
  TxnDate: date.optional(),
  CurrencyRef: ref.optional(),
  ExchangeRate: amount.optional(),
  PrivateNote: text(4000).optional(),
  TxnStatus: text().optional(),
  Line: z.array(paymentLine).optional(),
  CustomerRef: ref.optional(),
  ARAccountRef: ref.optional(),
  DepositToAccountRef: ref.optional(),
  PaymentMethodRef: ref.optional(),
  PaymentRefNum: text(21).optional(),
  CreditCardPayment: readOnly,
  TotalAmt: amount.optional(),
  UnappliedAmt: readOnly,
  ProcessPayment: flag.optional(),
  TxnSource: text().optional(),
  ProjectRef: ref.optional(),
})
type PaymentInput = z.output<typeof paymentSchema>

const ORDER = [
  ...BASE_KEYS,
  'DocNumber',
  'TxnDate',
  'CurrencyRef',
  'PrivateNote',
  'Line',
  'CustomerRef',
  'ARAccountRef',
  'DepositToAccountRef',
  'PaymentMethodRef',
  'PaymentRefNum',
  'TotalAmt',
  'UnappliedAmt',
  'ProcessPayment',
  'TxnSource',
]

function buildPayment(ctx: WriteContext, input: PaymentInput, previous: Json | undefined): Json {
  const { company } = ctx
  if (!input.CustomerRef) throw requiredParam('CustomerRef')
  if (input.TotalAmt === undefined) throw requiredParam('TotalAmt')
  const customerRef = resolveRef(company, 'Customer', input.CustomerRef, 'CustomerRef')
  const appliedTo = new Map<string, bigint>()
  // A line linking a credit memo uses that much of its credit (QBO applies a credit to an invoice by a
  // Payment with both lines, TotalAmt 0).
  const creditUsed = new Map<string, bigint>()
  let creditCents = 0n
  const lines = (input.Line ?? []).map((line) => {
    if (line.Amount === undefined) throw requiredParam('Line.Amount')
    const links = (line.LinkedTxn ?? []).map((link) => {
      const txnId = link.TxnId ?? ''
      const type = link.TxnType === 'CreditMemo' ? 'CreditMemo' : 'Invoice'
      const linked = link.TxnType === type ? company.get(type, txnId) : undefined
      if (!linked || customerIdOf(linked) !== customerRef.value) throw cannotLink(txnId)
      const uses = type === 'Invoice' ? appliedTo : creditUsed
      uses.set(txnId, (uses.get(txnId) ?? 0n) + cents(line.Amount!))
      if (type === 'CreditMemo') creditCents += cents(line.Amount!)
      return { TxnId: txnId, TxnType: type }
    })
    return { Amount: line.Amount, LinkedTxn: links }
  })
  for (const [memoId, used] of creditUsed) {
    const memo = company.get('CreditMemo', memoId)!
    const byOthers = applicationsTo(company, memoId, 'CreditMemo')
      .filter((a) => a.paymentId !== previous?.Id)
      .reduce((sum, a) => sum + a.cents, 0n)
    if (used > cents(Number(memo.TotalAmt)) - byOthers) {
      throw business(
        `The amount used of credit memo ${memo.DocNumber ?? memoId} is more than its remaining credit.`,
      )
    }
  }
  for (const [invoiceId, applied] of appliedTo) {
    const invoice = company.get('Invoice', invoiceId)!
    const byOthers = applicationsTo(company, invoiceId)
      .filter((a) => a.paymentId !== previous?.Id)
      .reduce((sum, a) => sum + a.cents, 0n)
    const open = cents(Number(invoice.TotalAmt)) - cents(Number(invoice.Deposit ?? 0)) - byOthers
    if (applied > open) {
      throw business(
        `The amount applied to invoice ${invoice.DocNumber ?? invoiceId} is more than its open balance.`,
      )
    }
  }
  const appliedCents = lines.reduce((sum, l) => sum + cents(l.Amount), 0n) - 2n * creditCents
  const totalCents = cents(input.TotalAmt)
  if (appliedCents > totalCents)
    throw business('The amount applied to invoices is more than the payment amount.')
  return {
    ...input,
    Id: undefined,
    SyncToken: undefined,
    sparse: undefined,
    domain: undefined,
    status: undefined,
    MetaData: undefined,
    TxnStatus: undefined,
    ExchangeRate: undefined,
    CreditCardPayment: undefined,
    TxnDate: input.TxnDate ?? localDate(ctx.now, company.settings.timezone),
    CurrencyRef: HOME_CURRENCY,
    Line: lines,
    CustomerRef: customerRef,
    DepositToAccountRef: input.DepositToAccountRef
      ? resolveRef(company, 'Account', input.DepositToAccountRef, 'DepositToAccountRef')
      : defaultAccount(company, 'UndepositedFunds'),
    PaymentMethodRef:
      input.PaymentMethodRef &&
      resolveRef(company, 'PaymentMethod', input.PaymentMethodRef, 'PaymentMethodRef'),
    TotalAmt: input.TotalAmt,
    UnappliedAmt: fromCents(totalCents - appliedCents),
    ProcessPayment: input.ProcessPayment ?? false,
  }
}

const linkedInvoices = (payment: Json | undefined): string[] =>
  ((payment?.Line as Json[] | undefined) ?? []).flatMap((l) =>
    ((l.LinkedTxn as Json[] | undefined) ?? []).map((t) => String(t.TxnId)),
  )

export const paymentWriter: EntityWriter = {
  entity: 'Payment',
  parse: (body) => parseEntity(paymentSchema, body, 'Payment'),
  order: ORDER,
  build: (ctx, input, previous) => buildPayment(ctx, input as PaymentInput, previous),
  afterWrite(ctx, stored, previous) {
    for (const id of new Set([...linkedInvoices(previous), ...linkedInvoices(stored)])) {
      refreshReceivable(ctx.company, 'Invoice', id, ctx.now)
      refreshReceivable(ctx.company, 'CreditMemo', id, ctx.now)
    }
    refreshCustomerBalance(ctx.company, customerIdOf(stored))
    if (customerIdOf(previous) !== customerIdOf(stored))
      refreshCustomerBalance(ctx.company, customerIdOf(previous))
  },
}

/** A voided payment keeps its lines with zero amounts and applies nothing. */
export function voidedPayment(stored: Json): Json {
  const note =
    typeof stored.PrivateNote === 'string' && stored.PrivateNote !== ''
      ? `Voided - ${stored.PrivateNote}`
      : 'Voided'
  return {
    ...stored,
    PrivateNote: note,
    Line: ((stored.Line as Json[] | undefined) ?? []).map((l) => ({ ...l, Amount: 0 })),
    TotalAmt: 0,
    UnappliedAmt: 0,
  }
}
