/**
 * The sales forms — SalesReceipt, Invoice, CreditMemo, RefundReceipt (reference §5; the last two are not
 * in the reference, their differences are unconfirmed, see docs/simulators/quickbooks.md): line
 * validation (DetailType, ItemRef, Amount = Qty × UnitPrice → 6070, US line tax codes TAX/NON → 6100),
 * DocNumber rules (≤ 21 characters, 6140 per type, auto-numbering), references (2500/610) and what QBO
 * computes: line Ids and LineNum, the added SubTotal line, tax, TotalAmt, Balance, RemainingCredit.
 */
import { z } from 'zod'
import type { Company } from './company.js'
import {
  amountMismatch,
  business,
  duplicateDocNumber,
  invalidLineTaxCode,
  invalidReference,
  objectNotFound,
  requiredParam,
} from './errors.js'
import {
  address,
  amount,
  customField,
  date,
  email,
  flag,
  idText,
  type Json,
  linkedTxn,
  parseEntity,
  readOnly,
  ref,
  text,
} from './input.js'
import { customerIdOf, openAfterPayments, refreshCustomerBalance } from './ledger.js'
import { cents, decimal, fromCents, multiply, percentOf, roundTo } from './money.js'
import { HOME_CURRENCY } from './names.js'
import {
  BASE_KEYS,
  type EntityWriter,
  ordered,
  resolveRef,
  type WriteContext,
  withAddressId,
} from './shape.js'
import { addDays, localDate } from './time.js'

export type SalesForm = 'SalesReceipt' | 'Invoice' | 'CreditMemo' | 'RefundReceipt'

/** The ItemRef that fills the form's shipping field (reference §5 "Lines"). */
export const SHIPPING_ITEM_ID = 'SHIPPING_ITEM_ID'
const US_LINE_CODES = new Set(['TAX', 'NON'])

const salesItemLineDetail = z.strictObject({
  ItemRef: ref.optional(),
  ClassRef: ref.optional(),
  UnitPrice: amount.optional(),
  RatePercent: amount.optional(),
  PriceLevelRef: ref.optional(),
  MarkupInfo: readOnly,
  Qty: amount.optional(),
  UOMRef: readOnly,
  ItemAccountRef: ref.optional(),
  InventorySiteRef: ref.optional(),
  TaxCodeRef: ref.optional(),
  TaxClassificationRef: ref.optional(),
  ServiceDate: date.optional(),
  TaxInclusiveAmt: amount.optional(),
  DiscountRate: amount.optional(),
  DiscountAmt: amount.optional(),
})

const discountLineDetail = z.strictObject({
  PercentBased: flag.optional(),
  DiscountPercent: amount.optional(),
  DiscountAccountRef: ref.optional(),
  TaxCodeRef: ref.optional(),
  ClassRef: ref.optional(),
})

const DETAIL_TYPES = [
  'SalesItemLineDetail',
  'GroupLineDetail',
  'DescriptionOnly',
  'DiscountLineDetail',
  'SubTotalLineDetail',
  'TaxLineDetail',
  'DepositLineDetail',
] as const

const line = z.strictObject({
  Id: idText.optional(),
  LineNum: amount.optional(),
  Description: text(4000).optional(),
  Amount: amount.optional(),
  DetailType: z.enum(DETAIL_TYPES).optional(),
  LinkedTxn: z.array(linkedTxn).optional(),
  SalesItemLineDetail: salesItemLineDetail.optional(),
  DiscountLineDetail: discountLineDetail.optional(),
  SubTotalLineDetail: readOnly,
  DescriptionLineDetail: z
    .strictObject({ ServiceDate: date.optional(), TaxCodeRef: ref.optional() })
    .optional(),
  GroupLineDetail: readOnly,
  CustomField: readOnly,
  LineEx: readOnly,
  ProjectRef: ref.optional(),
})
type LineInput = z.output<typeof line>

const txnTaxDetail = z.strictObject({
  TxnTaxCodeRef: ref.optional(),
  TotalTax: amount.optional(),
  TaxLine: readOnly,
})

const common = {
  Id: idText.optional(),
  SyncToken: idText.optional(),
  sparse: flag.optional(),
  domain: readOnly,
  status: readOnly,
  MetaData: readOnly,
  CustomField: z.array(customField).optional(),
  DocNumber: text(21).optional(),
  AutoDocNumber: flag.optional(),
  TxnDate: date.optional(),
  DepartmentRef: ref.optional(),
  CurrencyRef: ref.optional(),
  ExchangeRate: amount.optional(),
  PrivateNote: text(4000).optional(),
  TxnStatus: text().optional(),
  LinkedTxn: z.array(linkedTxn).optional(),
  Line: z.array(line).optional(),
  TxnTaxDetail: txnTaxDetail.optional(),
  CustomerRef: ref.optional(),
  CustomerMemo: z.strictObject({ value: text(1000).optional() }).optional(),
  BillAddr: address.optional(),
  ShipAddr: address.optional(),
  ShipFromAddr: address.optional(),
  FreeFormAddress: flag.optional(),
  ClassRef: ref.optional(),
  SalesTermRef: ref.optional(),
  ShipMethodRef: ref.optional(),
  ShipDate: date.optional(),
  TrackingNum: text().optional(),
  GlobalTaxCalculation: z.enum(['TaxExcluded', 'TaxInclusive', 'NotApplicable']).optional(),
  TotalAmt: readOnly,
  HomeTotalAmt: readOnly,
  ApplyTaxAfterDiscount: flag.optional(),
  PrintStatus: z.enum(['NotSet', 'NeedToPrint', 'PrintComplete']).optional(),
  EmailStatus: z.enum(['NotSet', 'NeedToSend', 'EmailSent']).optional(),
  BillEmail: email.optional(),
  BillEmailCc: email.optional(),
  BillEmailBcc: email.optional(),
  Balance: readOnly,
  HomeBalance: readOnly,
  TxnSource: text().optional(),
  DepositToAccountRef: ref.optional(),
  ProjectRef: ref.optional(),
  RecurDataRef: readOnly,
  TaxExemptionRef: readOnly,
}

/** Forms that record money moving at once (SalesReceipt in, RefundReceipt out). */
const paidAtOnce = {
  ...common,
  PaymentMethodRef: ref.optional(),
  PaymentRefNum: text(21).optional(),
  PaymentType: text().optional(),
  CreditCardPayment: readOnly,
}

const salesReceiptSchema = z.strictObject(paidAtOnce)

/** CheckPayment as the RefundReceipt XSD has it (unconfirmed: echoed as sent). */
const refundReceiptSchema = z.strictObject({
  ...paidAtOnce,
  CheckPayment: z
    .strictObject({
      CheckNum: text().optional(),
      Status: text().optional(),
      NameOnAcct: text().optional(),
      AcctNum: text().optional(),
      BankName: text().optional(),
    })
    .optional(),
})

/**
 * CreditMemo: `RemainingCredit` is derived; `InvoiceRef` (France invoice corrections) is echoed as sent
 * without a lookup (unconfirmed).
 */
const creditMemoSchema = z.strictObject({
  ...common,
  RemainingCredit: readOnly,
  InvoiceRef: ref.optional(),
})

const invoiceSchema = z.strictObject({
  ...common,
  DueDate: date.optional(),
  Deposit: amount.optional(),
  AllowIPNPayment: flag.optional(),
  AllowOnlinePayment: flag.optional(),
  AllowOnlineCreditCardPayment: flag.optional(),
  AllowOnlineACHPayment: flag.optional(),
  InvoiceLink: readOnly,
  DeliveryInfo: readOnly,
})

type FormInput = z.output<typeof invoiceSchema> &
  z.output<typeof refundReceiptSchema> &
  z.output<typeof creditMemoSchema>

const HEAD = [
  ...BASE_KEYS,
  'CustomField',
  'DocNumber',
  'TxnDate',
  'DepartmentRef',
  'CurrencyRef',
  'PrivateNote',
  'LinkedTxn',
  'Line',
  'TxnTaxDetail',
  'CustomerRef',
  'CustomerMemo',
  'BillAddr',
  'ShipAddr',
  'ShipFromAddr',
  'FreeFormAddress',
  'ClassRef',
  'SalesTermRef',
  'DueDate',
  'ShipMethodRef',
  'ShipDate',
  'TrackingNum',
  'GlobalTaxCalculation',
  'TotalAmt',
  'ApplyTaxAfterDiscount',
  'PrintStatus',
  'EmailStatus',
  'BillEmail',
  'BillEmailCc',
  'BillEmailBcc',
  'Balance',
]

const PAID_AT_ONCE_ORDER = [
  ...HEAD,
  'PaymentMethodRef',
  'PaymentRefNum',
  'PaymentType',
  'CheckPayment',
  'TxnSource',
  'DepositToAccountRef',
]

/**
 * What differs between the forms. `receivable`: an A/R form (Invoice, CreditMemo) — CustomerRef required,
 * addresses and e-mail taken from the customer when missing, no deposit account by default, counted in
 * the customer's Balance.
 */
interface FormKind {
  schema: z.ZodType<Json>
  /**
   * Key order on the wire: the official SalesReceipt sample and the CDC Invoice capture; RefundReceipt
   * and CreditMemo in the same layout (unconfirmed).
   */
  order: readonly string[]
  receivable: boolean
}

const FORMS: Readonly<Record<SalesForm, FormKind>> = {
  SalesReceipt: { schema: salesReceiptSchema, order: PAID_AT_ONCE_ORDER, receivable: false },
  RefundReceipt: { schema: refundReceiptSchema, order: PAID_AT_ONCE_ORDER, receivable: false },
  Invoice: {
    schema: invoiceSchema,
    order: [
      ...HEAD,
      'Deposit',
      'DepositToAccountRef',
      'AllowIPNPayment',
      'AllowOnlinePayment',
      'AllowOnlineCreditCardPayment',
      'AllowOnlineACHPayment',
      'TxnSource',
    ],
    receivable: true,
  },
  CreditMemo: {
    schema: creditMemoSchema,
    order: [...HEAD, 'RemainingCredit', 'InvoiceRef', 'DepositToAccountRef', 'TxnSource'],
    receivable: true,
  },
}

/** RefundReceipt: the account the refund is paid from (unconfirmed: the QBO form's "Refund From" list). */
const REFUND_FROM_TYPES = new Set(['Bank', 'Other Current Asset'])

/**
 * DepositToAccountRef: required on a RefundReceipt (2020) and of a type money can be paid from (6000,
 * wording unconfirmed); SalesReceipt defaults to Undeposited Funds; A/R forms have none unless sent.
 */
function depositAccount(ctx: WriteContext, form: SalesForm, input: FormInput) {
  const { company } = ctx
  if (form === 'RefundReceipt' && !input.DepositToAccountRef) throw requiredParam('DepositToAccountRef')
  if (!input.DepositToAccountRef) {
    return form === 'SalesReceipt' ? defaultAccount(company, 'UndepositedFunds') : undefined
  }
  const account = resolveRef(company, 'Account', input.DepositToAccountRef, 'DepositToAccountRef')
  if (
    form === 'RefundReceipt' &&
    !REFUND_FROM_TYPES.has(String(company.get('Account', account.value)?.AccountType))
  ) {
    throw business('Select a bank or other current asset account to refund from (DepositToAccountRef).')
  }
  return account
}

interface BuiltLine {
  out: Json
  kind: 'item' | 'shipping' | 'discount' | 'description'
  cents: bigint
  /** The line's tax code (US: TAX/NON; global: a TaxCode id). */
  taxCode?: string
}

/** A TaxCode's rates as `{id, percent}` (from its SalesTaxRateList). */
function taxRates(company: Company, codeId: string): { id: string; percent: number }[] {
  const code = company.get('TaxCode', codeId)
  const details = ((code?.SalesTaxRateList as Json | undefined)?.TaxRateDetail as Json[] | undefined) ?? []
  return details.map((detail) => {
    const id = String((detail.TaxRateRef as Json).value)
    return { id, percent: Number(company.get('TaxRate', id)?.RateValue ?? 0) }
  })
}

function resolveDocNumber(ctx: WriteContext, form: SalesForm, input: FormInput, previous: Json | undefined) {
  const { company } = ctx
  const auto =
    input.DocNumber === 'AUTO_GENERATE' ||
    input.AutoDocNumber === true ||
    (input.DocNumber === undefined && !company.settings.customTxnNumbers)
  if (auto) {
    if (typeof previous?.DocNumber === 'string') return previous.DocNumber
    const used = company
      .all(form)
      .map((t) => Number(t.DocNumber))
      .filter(Number.isInteger)
    return String(Math.max(1000, ...used) + 1)
  }
  const docNumber = input.DocNumber
  if (docNumber === undefined || !company.settings.duplicateDocNumberCheck || ctx.allowDuplicateDocNum) {
    return docNumber
  }
  const other = company.all(form).find((t) => t.DocNumber === docNumber && t.Id !== previous?.Id)
  if (other) throw duplicateDocNumber(docNumber, form, String(other.Id))
  return docNumber
}

/** Line Ids: an Id of the previous version is kept, anything else gets the next free number. */
function lineIdAllocator(previous: Json | undefined): (requested: string | undefined) => string {
  const known = new Set(
    ((previous?.Line as Json[] | undefined) ?? [])
      .map((l) => l.Id)
      .filter((id): id is string => typeof id === 'string'),
  )
  const used = new Set<string>()
  let next = Math.max(0, ...[...known].map(Number).filter(Number.isFinite)) + 1
  return (requested) => {
    if (requested !== undefined && known.has(requested) && !used.has(requested)) {
      used.add(requested)
      return requested
    }
    const id = String(next++)
    used.add(id)
    return id
  }
}

/** Order of the official SalesReceipt sample's line detail. */
const DETAIL_ORDER = [
  'ItemRef',
  'ClassRef',
  'UnitPrice',
  'RatePercent',
  'Qty',
  'ItemAccountRef',
  'TaxCodeRef',
]

function buildItemLine(ctx: WriteContext, input: LineInput, id: string, lineNum: number): BuiltLine {
  const { company } = ctx
  const detail = input.SalesItemLineDetail
  if (!detail) throw requiredParam('Line.SalesItemLineDetail')
  if (input.Amount === undefined) throw requiredParam('Line.Amount')
  if (!detail.ItemRef) throw requiredParam('Line.SalesItemLineDetail.ItemRef')
  const shipping = detail.ItemRef.value === SHIPPING_ITEM_ID
  if (shipping && !company.settings.allowShipping) throw invalidReference('Line.SalesItemLineDetail.ItemRef')
  const itemRef = shipping
    ? { value: SHIPPING_ITEM_ID }
    : resolveRef(company, 'Item', detail.ItemRef, 'Line.SalesItemLineDetail.ItemRef')
  const item = shipping ? undefined : company.get('Item', itemRef.value)
  if (detail.Qty !== undefined && detail.UnitPrice !== undefined) {
    const expected = roundTo(multiply(decimal(detail.Qty), decimal(detail.UnitPrice)), 2)
    if (expected !== cents(input.Amount)) throw amountMismatch(String(input.Amount))
  }
  const taxCode = lineTaxCode(ctx, detail.TaxCodeRef?.value, item, 'Line.SalesItemLineDetail.TaxCodeRef')
  return {
    kind: shipping ? 'shipping' : 'item',
    cents: cents(input.Amount),
    taxCode,
    out: {
      Id: id,
      LineNum: lineNum,
      Description: input.Description,
      Amount: input.Amount,
      LinkedTxn: input.LinkedTxn,
      DetailType: 'SalesItemLineDetail',
      SalesItemLineDetail: ordered(
        {
          ...detail,
          ItemRef: itemRef,
          ItemAccountRef: item?.IncomeAccountRef,
          TaxCodeRef: taxCode === undefined ? undefined : { value: taxCode },
        },
        DETAIL_ORDER,
      ),
    },
  }
}

/**
 * US: TAX or NON (6100 otherwise), by default from the item's Taxable flag. Global: an existing
 * TaxCode id, required unless the form is NotApplicable (checked by the caller).
 */
function lineTaxCode(ctx: WriteContext, given: string | undefined, item: Json | undefined, element: string) {
  const { company } = ctx
  if (company.settings.taxModel === 'us') {
    if (given === undefined) return item === undefined ? undefined : item.Taxable === true ? 'TAX' : 'NON'
    if (!US_LINE_CODES.has(given)) throw invalidLineTaxCode()
    return given
  }
  if (given === undefined) return undefined
  const code = company.get('TaxCode', given)
  if (!code) throw invalidReference(element)
  if (code.Active === false) throw objectNotFound()
  return given
}

function buildLines(ctx: WriteContext, inputs: LineInput[], previous: Json | undefined): BuiltLine[] {
  const allocate = lineIdAllocator(previous)
  const built: BuiltLine[] = []
  let lineNum = 0
  for (const input of inputs) {
    switch (input.DetailType) {
      case undefined:
        throw requiredParam('Line.DetailType')
      case 'SubTotalLineDetail':
        continue // recomputed
      case 'SalesItemLineDetail':
        built.push(buildItemLine(ctx, input, allocate(input.Id), ++lineNum))
        break
      case 'DescriptionOnly':
        built.push({
          kind: 'description',
          cents: 0n,
          out: {
            Id: allocate(input.Id),
            LineNum: ++lineNum,
            Description: input.Description,
            Amount: input.Amount,
            DetailType: 'DescriptionOnly',
            DescriptionLineDetail: input.DescriptionLineDetail ?? {},
          },
        })
        break
      case 'DiscountLineDetail':
        built.push(buildDiscountLine(ctx, input, allocate(input.Id), ++lineNum))
        break
      default:
        throw business(`Lines of type ${input.DetailType} are not supported on this transaction.`)
    }
  }
  return built
}

function buildDiscountLine(ctx: WriteContext, input: LineInput, id: string, lineNum: number): BuiltLine {
  const detail = input.DiscountLineDetail ?? {}
  const percentBased = detail.PercentBased === true
  if (percentBased && detail.DiscountPercent === undefined)
    throw requiredParam('Line.DiscountLineDetail.DiscountPercent')
  if (!percentBased && input.Amount === undefined) throw requiredParam('Line.Amount')
  const account = detail.DiscountAccountRef
    ? resolveRef(
        ctx.company,
        'Account',
        detail.DiscountAccountRef,
        'Line.DiscountLineDetail.DiscountAccountRef',
      )
    : defaultAccount(ctx.company, 'DiscountsRefundsGiven')
  return {
    kind: 'discount',
    cents: percentBased ? 0n : cents(input.Amount!),
    out: {
      Id: id,
      LineNum: lineNum,
      Description: input.Description,
      Amount: input.Amount,
      DetailType: 'DiscountLineDetail',
      DiscountLineDetail: {
        PercentBased: percentBased,
        DiscountPercent: percentBased ? detail.DiscountPercent : undefined,
        DiscountAccountRef: account,
      },
    },
  }
}

/** The first active account of a subtype, as a reference (Undeposited Funds, Discounts given). */
export function defaultAccount(
  company: Company,
  subType: string,
): { value: string; name: string } | undefined {
  const account = company.all('Account').find((a) => a.AccountSubType === subType && a.Active !== false)
  return account && { value: String(account.Id), name: String(account.Name) }
}

interface TaxResult {
  detail: Json
  cents: bigint
}

function computeTax(
  ctx: WriteContext,
  input: FormInput,
  lines: BuiltLine[],
  itemCents: bigint,
  discountCents: bigint,
): TaxResult {
  const { company } = ctx
  const supplied = input.TxnTaxDetail?.TotalTax
  const afterDiscount = (base: bigint) => {
    if (!input.ApplyTaxAfterDiscount || itemCents === 0n) return base
    const reduced = base - (discountCents * base) / itemCents
    return reduced < 0n ? 0n : reduced
  }
  const taxable = (code: string) =>
    afterDiscount(
      lines.filter((l) => l.taxCode === code && l.kind !== 'discount').reduce((sum, l) => sum + l.cents, 0n),
    )

  if (company.settings.taxModel === 'global') {
    const calculation = input.GlobalTaxCalculation ?? 'TaxExcluded'
    if (calculation !== 'NotApplicable' && lines.some((l) => l.kind === 'item' && l.taxCode === undefined)) {
      throw business('Make sure all your transactions have a tax rate before you save.')
    }
    const byRate = new Map<string, { percent: number; base: bigint; amount: bigint }>()
    if (calculation !== 'NotApplicable') {
      for (const code of new Set(lines.map((l) => l.taxCode).filter((c): c is string => c !== undefined))) {
        const base = taxable(code)
        for (const rate of taxRates(company, code)) {
          const entry = byRate.get(rate.id) ?? { percent: rate.percent, base: 0n, amount: 0n }
          entry.base += base
          entry.amount += percentOf(base, rate.percent)
          byRate.set(rate.id, entry)
        }
      }
    }
    return taxDetail(undefined, [...byRate.entries()], supplied)
  }

  const code = input.TxnTaxDetail?.TxnTaxCodeRef
  let codeId: string | undefined
  if (code) {
    const found = code.value === undefined ? undefined : company.get('TaxCode', code.value)
    if (!found || US_LINE_CODES.has(String(found.Id))) throw invalidReference('TxnTaxDetail.TxnTaxCodeRef')
    if (found.Active === false) throw objectNotFound()
    codeId = String(found.Id)
  } else if (company.settings.automatedSalesTax && taxable('TAX') > 0n) {
    codeId = company.all('TaxCode').find((c) => c.TaxGroup === true && c.Active !== false)?.Id as
      | string
      | undefined
  }
  const base = taxable('TAX')
  const rates =
    codeId === undefined
      ? []
      : taxRates(company, codeId).map(
          (r) => [r.id, { percent: r.percent, base, amount: percentOf(base, r.percent) }] as const,
        )
  return taxDetail(codeId, rates, supplied)
}

function taxDetail(
  codeId: string | undefined,
  rates: (readonly [string, { percent: number; base: bigint; amount: bigint }])[],
  supplied: number | undefined,
): TaxResult {
  const computed = rates.reduce((sum, [, r]) => sum + r.amount, 0n)
  const total = supplied === undefined ? computed : cents(supplied)
  const taxLines = rates.map(([id, r], i) => ({
    // A supplied TotalTax overrides the computed amount; it lands on the first rate.
    Amount: fromCents(supplied === undefined ? r.amount : i === 0 ? total : 0n),
    DetailType: 'TaxLineDetail',
    TaxLineDetail: {
      TaxRateRef: { value: id },
      PercentBased: true,
      TaxPercent: r.percent,
      NetAmountTaxable: fromCents(r.base),
    },
  }))
  return {
    cents: total,
    detail: {
      TxnTaxCodeRef: codeId === undefined ? undefined : { value: codeId },
      TotalTax: fromCents(total),
      TaxLine: taxLines.length === 0 ? undefined : taxLines,
    },
  }
}

function buildSalesForm(
  form: SalesForm,
  ctx: WriteContext,
  input: FormInput,
  previous: Json | undefined,
): Json {
  const { company } = ctx
  const zone = company.settings.timezone
  const inputLines = (input.Line ?? []).filter((l) => l.DetailType !== 'SubTotalLineDetail')
  if (inputLines.length === 0) throw requiredParam('Line')
  const { receivable } = FORMS[form]
  if (receivable && !input.CustomerRef) throw requiredParam('CustomerRef')
  const customerRef = input.CustomerRef && resolveRef(company, 'Customer', input.CustomerRef, 'CustomerRef')
  const customer = customerRef && company.get('Customer', customerRef.value)
  const docNumber = resolveDocNumber(ctx, form, input, previous)
  const txnDate = input.TxnDate ?? localDate(ctx.now, zone)

  const lines = buildLines(ctx, inputLines, previous)
  const sum = (kind: BuiltLine['kind']) =>
    lines.filter((l) => l.kind === kind).reduce((s, l) => s + l.cents, 0n)
  const itemCents = sum('item')
  for (const l of lines) {
    if (l.kind === 'discount' && l.out.Amount === undefined) {
      const detail = l.out.DiscountLineDetail as Json
      l.cents = percentOf(itemCents, Number(detail.DiscountPercent))
      l.out.Amount = fromCents(l.cents)
    }
  }
  const discountCents = sum('discount')
  const tax = computeTax(ctx, input, lines, itemCents, discountCents)
  const totalCents = itemCents - discountCents + sum('shipping') + tax.cents

  // SubTotal sums the item lines; discounts follow it, as on the QBO form.
  const subtotal = { Amount: fromCents(itemCents), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} }
  const outLines = [
    ...lines.filter((l) => l.kind !== 'discount').map((l) => l.out),
    subtotal,
    ...lines.filter((l) => l.kind === 'discount').map((l) => l.out),
  ]
  const invoice = form === 'Invoice'
  const depositCents = cents(input.Deposit ?? 0)
  // Balance (and a credit memo's RemainingCredit): what payments left open of it.
  const derived =
    invoice || form === 'CreditMemo'
      ? openAfterPayments(company, form, previous?.Id as string | undefined, totalCents - depositCents)
      : undefined
  const openCredit = form === 'CreditMemo' ? derived?.open : undefined
  const fromCustomer = (field: string) => (receivable ? (customer?.[field] as Json | undefined) : undefined)

  return {
    ...input,
    Id: undefined,
    SyncToken: undefined,
    sparse: undefined,
    domain: undefined,
    status: undefined,
    MetaData: undefined,
    AutoDocNumber: undefined,
    TxnStatus: undefined,
    ExchangeRate: undefined,
    HomeTotalAmt: undefined,
    HomeBalance: undefined,
    InvoiceLink: undefined,
    DeliveryInfo: undefined,
    CreditCardPayment: undefined,
    RemainingCredit: openCredit,
    RecurDataRef: undefined,
    TaxExemptionRef: undefined,
    DocNumber: docNumber,
    TxnDate: txnDate,
    CurrencyRef: HOME_CURRENCY,
    LinkedTxn: derived?.LinkedTxn,
    Line: outLines,
    TxnTaxDetail: tax.detail,
    CustomerRef: customerRef,
    BillAddr: withAddressId(company, input.BillAddr ?? fromCustomer('BillAddr')),
    ShipAddr: withAddressId(company, input.ShipAddr ?? fromCustomer('ShipAddr')),
    ShipFromAddr: withAddressId(company, input.ShipFromAddr),
    DueDate: invoice ? (input.DueDate ?? addDays(txnDate, 30)) : undefined,
    GlobalTaxCalculation:
      company.settings.taxModel === 'global' ? (input.GlobalTaxCalculation ?? 'TaxExcluded') : undefined,
    TotalAmt: fromCents(totalCents),
    ApplyTaxAfterDiscount: input.ApplyTaxAfterDiscount ?? false,
    PrintStatus: input.PrintStatus ?? 'NotSet',
    EmailStatus: input.EmailStatus ?? 'NotSet',
    BillEmail: input.BillEmail ?? fromCustomer('PrimaryEmailAddr'),
    Balance: derived?.open ?? 0,
    PaymentMethodRef:
      input.PaymentMethodRef &&
      resolveRef(company, 'PaymentMethod', input.PaymentMethodRef, 'PaymentMethodRef'),
    DepositToAccountRef: depositAccount(ctx, form, input),
    Deposit: invoice ? fromCents(depositCents) : undefined,
    AllowIPNPayment: invoice ? (input.AllowIPNPayment ?? false) : undefined,
    AllowOnlinePayment: invoice ? (input.AllowOnlinePayment ?? false) : undefined,
    AllowOnlineCreditCardPayment: invoice ? (input.AllowOnlineCreditCardPayment ?? false) : undefined,
    AllowOnlineACHPayment: invoice ? (input.AllowOnlineACHPayment ?? false) : undefined,
  }
}

function writer(form: SalesForm): EntityWriter {
  const { schema, order, receivable } = FORMS[form]
  return {
    entity: form,
    parse: (body) => parseEntity(schema, body, form),
    order,
    build: (ctx, input, previous) => buildSalesForm(form, ctx, input as FormInput, previous),
    afterWrite(ctx, stored, previous) {
      if (!receivable) return
      refreshCustomerBalance(ctx.company, customerIdOf(stored))
      if (customerIdOf(previous) !== customerIdOf(stored))
        refreshCustomerBalance(ctx.company, customerIdOf(previous))
    },
  }
}

export const salesReceiptWriter = writer('SalesReceipt')
export const invoiceWriter = writer('Invoice')
export const creditMemoWriter = writer('CreditMemo')
export const refundReceiptWriter = writer('RefundReceipt')

/**
 * A voided sales form keeps its number and lines with every amount (and quantity) zeroed and the
 * memo "Voided" (fixture operations/salesreceipt-void-response-ruby.xml.json).
 */
export function voidedSalesForm(stored: Json): Json {
  const lines = ((stored.Line as Json[] | undefined) ?? []).map((l) => {
    const detail = l.SalesItemLineDetail as Json | undefined
    return {
      ...l,
      Amount: l.Amount === undefined ? undefined : 0,
      ...(detail && { SalesItemLineDetail: { ...detail, Qty: detail.Qty === undefined ? undefined : 0 } }),
    }
  })
  const tax = stored.TxnTaxDetail as Json | undefined
  const note =
    typeof stored.PrivateNote === 'string' && stored.PrivateNote !== ''
      ? `Voided - ${stored.PrivateNote}`
      : 'Voided'
  return {
    ...stored,
    PrivateNote: note,
    Line: lines,
    TxnTaxDetail: tax && { TxnTaxCodeRef: tax.TxnTaxCodeRef, TotalTax: 0 },
    TotalAmt: 0,
    Balance: 0,
    RemainingCredit: stored.RemainingCredit === undefined ? undefined : 0,
    Deposit: stored.Deposit === undefined ? undefined : 0,
  }
}
