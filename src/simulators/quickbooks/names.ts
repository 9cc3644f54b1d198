/**
 * Name-list entities the sync writes: Customer, Item, Account (reference §5). Names are unique
 * (6240) — DisplayName across customers, vendors and employees; Item and Account names among their
 * own kind — compared without case and outer spaces. Making one inactive renames it with the
 * ` (deleted)` suffix as QBO does (fixture operations/customer-deactivated-ruby.xml.json), which
 * frees the name; reactivating removes the suffix again.
 */
import { z } from 'zod'
import type { Company, StoredEntity } from './company.js'
import { business, duplicateName, invalidEmail, noNameProvided, requiredParam } from './errors.js'
import {
  address,
  amount,
  date,
  email,
  flag,
  idText,
  type Json,
  parseEntity,
  phone,
  readOnly,
  ref,
  text,
} from './input.js'
import { BASE_KEYS, type EntityWriter, resolveRef, withAddressId } from './shape.js'

const DELETED = ' (deleted)'
export const HOME_CURRENCY = { value: 'USD', name: 'United States Dollar' }

const writable = {
  Id: idText.optional(),
  SyncToken: idText.optional(),
  sparse: flag.optional(),
  domain: readOnly,
  MetaData: readOnly,
}

/** The name as stored: suffixed while inactive. */
function activeName(name: string, active: boolean): string {
  const base = name.endsWith(DELETED) ? name.slice(0, -DELETED.length) : name
  return active ? base : `${base}${DELETED}`
}

const key = (name: string) => name.trim().toLowerCase()

function assertUnique(
  company: Company,
  entities: readonly StoredEntity[],
  field: string,
  name: string,
  selfId: unknown,
  what: string,
) {
  for (const entity of entities) {
    for (const other of company.all(entity)) {
      if (other.Id === selfId && entity === entities[0]) continue
      if (typeof other[field] === 'string' && key(other[field]) === key(name)) throw duplicateName(what)
    }
  }
}

/** QBO uses `:` for Parent:Child names; tabs and new lines are refused too (reference §5 Item). */
function assertPlainName(name: string) {
  if (/[:\t\n\r]/.test(name)) {
    throw business('Names can not contain a colon (:), a tab or a new line.')
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

function checkEmail(value: Json | undefined, element: string): Json | undefined {
  const address = value?.Address
  if (typeof address === 'string' && !EMAIL.test(address)) throw invalidEmail(element, address)
  return value
}

// ---------------------------------------------------------------- Customer

const customerSchema = z.strictObject({
  ...writable,
  Title: text(16).optional(),
  GivenName: text(100).optional(),
  MiddleName: text(100).optional(),
  FamilyName: text(100).optional(),
  Suffix: text(16).optional(),
  FullyQualifiedName: readOnly,
  CompanyName: text(100).optional(),
  DisplayName: text(100).optional(),
  PrintOnCheckName: text(110).optional(),
  Active: flag.optional(),
  PrimaryPhone: phone.optional(),
  AlternatePhone: phone.optional(),
  Mobile: phone.optional(),
  Fax: phone.optional(),
  PrimaryEmailAddr: email.optional(),
  WebAddr: z.strictObject({ URI: text(1000).optional() }).optional(),
  Taxable: flag.optional(),
  BillAddr: address.optional(),
  ShipAddr: address.optional(),
  Notes: text(1024).optional(),
  Job: flag.optional(),
  BillWithParent: flag.optional(),
  ParentRef: ref.optional(),
  Level: readOnly,
  Balance: readOnly,
  OpenBalanceDate: date.optional(),
  BalanceWithJobs: readOnly,
  CurrencyRef: ref.optional(),
  PreferredDeliveryMethod: z.enum(['Print', 'Email', 'None']).optional(),
  ResaleNum: text(16).optional(),
  PaymentMethodRef: ref.optional(),
  SalesTermRef: ref.optional(),
  DefaultTaxCodeRef: ref.optional(),
  TaxExemptionReasonId: idText.optional(),
  IsProject: flag.optional(),
  V4IDPseudonym: readOnly,
})
type CustomerInput = z.output<typeof customerSchema>

export const customerWriter: EntityWriter = {
  entity: 'Customer',
  parse: (body) => parseEntity(customerSchema, body, 'Customer'),
  // Official Customer sample: own fields first, base fields in the middle, names after.
  order: [
    'Taxable',
    'BillAddr',
    'ShipAddr',
    'Notes',
    'Job',
    'BillWithParent',
    'Balance',
    'BalanceWithJobs',
    'CurrencyRef',
    'PreferredDeliveryMethod',
    'IsProject',
    ...BASE_KEYS,
    'Title',
    'GivenName',
    'MiddleName',
    'FamilyName',
    'Suffix',
    'FullyQualifiedName',
    'CompanyName',
    'DisplayName',
    'PrintOnCheckName',
    'Active',
    'PrimaryPhone',
    'AlternatePhone',
    'Mobile',
    'Fax',
    'PrimaryEmailAddr',
    'WebAddr',
  ],
  build(ctx, raw, previous) {
    const input = raw as CustomerInput
    const parts = [input.Title, input.GivenName, input.MiddleName, input.FamilyName, input.Suffix]
      .filter((p): p is string => p !== undefined && p.trim() !== '')
      .join(' ')
    const given = input.DisplayName?.trim() || parts
    if (!given) throw noNameProvided()
    const active = input.Active ?? true
    const name = activeName(given, active)
    assertUnique(
      ctx.company,
      ['Customer', 'Vendor', 'Employee'],
      'DisplayName',
      name,
      previous?.Id,
      'customer, vendor or employee',
    )
    const { company } = ctx
    return {
      ...input,
      Id: undefined,
      SyncToken: undefined,
      sparse: undefined,
      domain: undefined,
      MetaData: undefined,
      Level: undefined,
      V4IDPseudonym: undefined,
      Taxable: input.Taxable ?? true,
      BillAddr: withAddressId(company, input.BillAddr),
      ShipAddr: withAddressId(company, input.ShipAddr),
      Job: input.Job ?? false,
      BillWithParent: input.BillWithParent ?? false,
      Balance: previous?.Balance ?? 0,
      BalanceWithJobs: previous?.BalanceWithJobs ?? 0,
      CurrencyRef: HOME_CURRENCY,
      PreferredDeliveryMethod: input.PreferredDeliveryMethod ?? 'Print',
      IsProject: input.IsProject ?? false,
      PaymentMethodRef:
        input.PaymentMethodRef &&
        resolveRef(company, 'PaymentMethod', input.PaymentMethodRef, 'PaymentMethodRef'),
      FullyQualifiedName: name,
      DisplayName: name,
      PrintOnCheckName: input.PrintOnCheckName ?? input.CompanyName ?? given,
      Active: active,
      PrimaryEmailAddr: checkEmail(input.PrimaryEmailAddr, 'PrimaryEmailAddr'),
    }
  },
}

// ---------------------------------------------------------------- Item

const ITEM_TYPES = ['Inventory', 'NonInventory', 'Service'] as const

const itemSchema = z.strictObject({
  ...writable,
  Name: text(100).optional(),
  Sku: text(100).optional(),
  Description: text(4000).optional(),
  Active: flag.optional(),
  SubItem: flag.optional(),
  ParentRef: ref.optional(),
  Level: readOnly,
  FullyQualifiedName: readOnly,
  Taxable: flag.optional(),
  SalesTaxIncluded: flag.optional(),
  UnitPrice: amount.optional(),
  Type: z.enum(ITEM_TYPES).optional(),
  IncomeAccountRef: ref.optional(),
  PurchaseDesc: text(1000).optional(),
  PurchaseTaxIncluded: flag.optional(),
  PurchaseCost: amount.optional(),
  ExpenseAccountRef: ref.optional(),
  AssetAccountRef: ref.optional(),
  TrackQtyOnHand: flag.optional(),
  QtyOnHand: amount.optional(),
  InvStartDate: date.optional(),
  ReorderPoint: amount.optional(),
  SalesTaxCodeRef: ref.optional(),
  PurchaseTaxCodeRef: ref.optional(),
  PrefVendorRef: ref.optional(),
  ClassRef: ref.optional(),
})
type ItemInput = z.output<typeof itemSchema>

export const itemWriter: EntityWriter = {
  entity: 'Item',
  parse: (body) => parseEntity(itemSchema, body, 'Item'),
  order: [
    'Name',
    'Sku',
    'Description',
    'Active',
    'SubItem',
    'ParentRef',
    'FullyQualifiedName',
    'Taxable',
    'SalesTaxIncluded',
    'UnitPrice',
    'Type',
    'IncomeAccountRef',
    'PurchaseDesc',
    'PurchaseTaxIncluded',
    'PurchaseCost',
    'ExpenseAccountRef',
    'AssetAccountRef',
    'TrackQtyOnHand',
    'QtyOnHand',
    'InvStartDate',
    'ReorderPoint',
    'SalesTaxCodeRef',
    ...BASE_KEYS,
  ],
  build(ctx, raw, previous) {
    const input = raw as ItemInput
    const { company } = ctx
    if (!input.Name?.trim()) throw requiredParam('Name')
    assertPlainName(input.Name)
    const active = input.Active ?? true
    const name = activeName(input.Name.trim(), active)
    assertUnique(company, ['Item'], 'Name', name, previous?.Id, 'product or service')
    const type = input.Type ?? 'NonInventory'
    if (!input.IncomeAccountRef) throw requiredParam('IncomeAccountRef')
    const inventory = type === 'Inventory'
    if (inventory) {
      if (!company.settings.trackInventory || input.TrackQtyOnHand === false) {
        throw business(
          'When you create an item, if Track quantity on hand is turned off, the item cannot be of type Inventory.',
        )
      }
      if (input.QtyOnHand === undefined) throw requiredParam('QtyOnHand')
      if (input.InvStartDate === undefined) throw requiredParam('InvStartDate')
      if (!input.AssetAccountRef) throw requiredParam('AssetAccountRef')
      if (!input.ExpenseAccountRef) throw requiredParam('ExpenseAccountRef')
    }
    return {
      ...input,
      Id: undefined,
      SyncToken: undefined,
      sparse: undefined,
      domain: undefined,
      MetaData: undefined,
      Level: undefined,
      Name: name,
      Active: active,
      SubItem: input.SubItem ?? false,
      FullyQualifiedName: name,
      Taxable: input.Taxable ?? false,
      SalesTaxIncluded: input.SalesTaxIncluded ?? false,
      UnitPrice: input.UnitPrice ?? 0,
      Type: type,
      IncomeAccountRef: resolveRef(company, 'Account', input.IncomeAccountRef, 'IncomeAccountRef'),
      PurchaseTaxIncluded: input.PurchaseTaxIncluded ?? false,
      PurchaseCost: input.PurchaseCost ?? 0,
      ExpenseAccountRef:
        input.ExpenseAccountRef &&
        resolveRef(company, 'Account', input.ExpenseAccountRef, 'ExpenseAccountRef'),
      AssetAccountRef:
        input.AssetAccountRef && resolveRef(company, 'Account', input.AssetAccountRef, 'AssetAccountRef'),
      TrackQtyOnHand: inventory,
      QtyOnHand: inventory ? input.QtyOnHand : undefined,
      InvStartDate: inventory ? input.InvStartDate : undefined,
    }
  },
}

// ---------------------------------------------------------------- Account

/** AccountType → Classification and the default AccountSubType. */
const ACCOUNT_TYPES: Readonly<Record<string, { classification: string; subType: string }>> = {
  Bank: { classification: 'Asset', subType: 'Checking' },
  'Other Current Asset': { classification: 'Asset', subType: 'OtherCurrentAssets' },
  'Fixed Asset': { classification: 'Asset', subType: 'OtherFixedAssets' },
  'Other Asset': { classification: 'Asset', subType: 'OtherLongTermAssets' },
  'Accounts Receivable': { classification: 'Asset', subType: 'AccountsReceivable' },
  Equity: { classification: 'Equity', subType: 'OpeningBalanceEquity' },
  Expense: { classification: 'Expense', subType: 'OtherMiscellaneousServiceCost' },
  'Other Expense': { classification: 'Expense', subType: 'OtherMiscellaneousExpense' },
  'Cost of Goods Sold': { classification: 'Expense', subType: 'SuppliesMaterialsCogs' },
  'Accounts Payable': { classification: 'Liability', subType: 'AccountsPayable' },
  'Credit Card': { classification: 'Liability', subType: 'CreditCard' },
  'Long Term Liability': { classification: 'Liability', subType: 'OtherLongTermLiabilities' },
  'Other Current Liability': { classification: 'Liability', subType: 'OtherCurrentLiabilities' },
  Income: { classification: 'Revenue', subType: 'SalesOfProductIncome' },
  'Other Income': { classification: 'Revenue', subType: 'OtherMiscellaneousIncome' },
}

const accountSchema = z.strictObject({
  ...writable,
  Name: text(100).optional(),
  SubAccount: flag.optional(),
  ParentRef: ref.optional(),
  Description: text(100).optional(),
  FullyQualifiedName: readOnly,
  Active: flag.optional(),
  Classification: readOnly,
  AccountType: z.enum(Object.keys(ACCOUNT_TYPES) as [string, ...string[]]).optional(),
  AccountSubType: text(100).optional(),
  AcctNum: text(7).optional(),
  CurrentBalance: readOnly,
  CurrentBalanceWithSubAccounts: readOnly,
  CurrencyRef: ref.optional(),
  TaxCodeRef: ref.optional(),
  TxnLocationType: text().optional(),
  AccountAlias: text().optional(),
})
type AccountInput = z.output<typeof accountSchema>

export const accountWriter: EntityWriter = {
  entity: 'Account',
  parse: (body) => parseEntity(accountSchema, body, 'Account'),
  // Order of fixture query/query-response-account-java-sdk.json.
  order: [
    'Name',
    'SubAccount',
    'ParentRef',
    'Description',
    'FullyQualifiedName',
    'Active',
    'Classification',
    'AccountType',
    'AccountSubType',
    'AcctNum',
    'CurrentBalance',
    'CurrentBalanceWithSubAccounts',
    'CurrencyRef',
    ...BASE_KEYS,
  ],
  build(ctx, raw, previous) {
    const input = raw as AccountInput
    if (!input.Name?.trim()) throw requiredParam('Name')
    assertPlainName(input.Name)
    if (!input.AccountType) throw requiredParam('AccountType')
    const active = input.Active ?? true
    const name = activeName(input.Name.trim(), active)
    assertUnique(ctx.company, ['Account'], 'Name', name, previous?.Id, 'account')
    const type = ACCOUNT_TYPES[input.AccountType]!
    return {
      ...input,
      Id: undefined,
      SyncToken: undefined,
      sparse: undefined,
      domain: undefined,
      MetaData: undefined,
      Name: name,
      SubAccount: input.SubAccount ?? false,
      FullyQualifiedName: name,
      Active: active,
      Classification: type.classification,
      AccountSubType: input.AccountSubType ?? type.subType,
      CurrentBalance: previous?.CurrentBalance ?? 0,
      CurrentBalanceWithSubAccounts: previous?.CurrentBalanceWithSubAccounts ?? 0,
      CurrencyRef: HOME_CURRENCY,
    }
  },
}
