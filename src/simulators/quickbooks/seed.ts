/**
 * The company a realm starts with, so a destination can run against it at once: a chart of accounts
 * with a default "Sales" income account and Undeposited Funds, tax rates and codes (US pseudo codes
 * TAX/NON plus a rate group, or global VAT-style codes), payment methods, Inventory / NonInventory /
 * Service items, two customers, a vendor and an employee (for the shared name space of 6240). Accounts,
 * items and customers go through the same writers as API creates, so they look exactly alike.
 */
import type { Company, StoredEntity } from './company.js'
import type { Json } from './input.js'
import { accountWriter, customerWriter, itemWriter } from './names.js'
import { baseFields, type EntityWriter, ordered, prune, type WriteContext } from './shape.js'

function create(ctx: WriteContext, writer: EntityWriter, body: Json): Json {
  const fields = writer.build(ctx, writer.parse(body), undefined)
  const object = prune(
    ordered({ ...fields, ...baseFields(ctx, ctx.company.nextId(writer.entity), undefined) }, writer.order),
  )
  ctx.company.put(writer.entity, object)
  return object
}

/** Read-only lists (tax codes, payment methods, vendors): stored as given plus base fields. */
function put(ctx: WriteContext, entity: StoredEntity, id: string, fields: Json): void {
  ctx.company.put(entity, { ...fields, ...baseFields(ctx, id, undefined) })
}

/** Name, type, subtype, description. */
const ACCOUNTS: [string, string, string, string][] = [
  ['Checking', 'Bank', 'Checking', 'Business checking account'],
  ['Undeposited Funds', 'Other Current Asset', 'UndepositedFunds', 'Payments received but not yet deposited'],
  ['Accounts Receivable (A/R)', 'Accounts Receivable', 'AccountsReceivable', 'Money customers owe'],
  ['Inventory Asset', 'Other Current Asset', 'Inventory', 'Value of products on hand'],
  ['Sales', 'Income', 'SalesOfProductIncome', 'Income from product sales'],
  ['Services', 'Income', 'ServiceFeeIncome', 'Income from services'],
  ['Shipping Income', 'Income', 'OtherPrimaryIncome', 'Shipping charged to customers'],
  ['Discounts given', 'Income', 'DiscountsRefundsGiven', 'Discounts given to customers'],
  ['Cost of Goods Sold', 'Cost of Goods Sold', 'SuppliesMaterialsCogs', 'Cost of products sold'],
  ['Sales Tax Payable', 'Other Current Liability', 'SalesTaxPayable', 'Sales tax collected, not yet paid'],
  ['Accounts Payable (A/P)', 'Accounts Payable', 'AccountsPayable', 'Money owed to vendors'],
  ['Opening Balance Equity', 'Equity', 'OpeningBalanceEquity', 'Opening balances'],
  ['Uncategorized Income', 'Income', 'OtherPrimaryIncome', 'Income not yet categorized'],
  ['Uncategorized Expense', 'Expense', 'OtherMiscellaneousServiceCost', 'Expenses not yet categorized'],
]

function seedTax(ctx: WriteContext): void {
  const rateFields = (name: string, value: number) => ({
    Name: name,
    Description: name,
    Active: true,
    RateValue: value,
    AgencyRef: { value: '1' },
    SpecialTaxType: 'NONE',
    DisplayType: 'ReadOnly',
  })
  const code = (name: string, taxable: boolean, group: boolean, rates: [string, string][]) => ({
    Name: name,
    Description: name,
    Active: true,
    Hidden: false,
    Taxable: taxable,
    TaxGroup: group,
    SalesTaxRateList: {
      TaxRateDetail: rates.map(([id, rateName], i) => ({
        TaxRateRef: { value: id, name: rateName },
        TaxTypeApplicable: 'TaxOnAmount',
        TaxOrder: i,
      })),
    },
    PurchaseTaxRateList: { TaxRateDetail: [] },
  })
  if (ctx.company.settings.taxModel === 'us') {
    put(ctx, 'TaxRate', '1', rateFields('California', 8.25))
    put(ctx, 'TaxRate', '2', rateFields('Texas', 6.25))
    put(ctx, 'TaxCode', 'TAX', code('TAX', true, false, []))
    put(ctx, 'TaxCode', 'NON', code('NON', false, false, []))
    put(ctx, 'TaxCode', '2', code('California', true, true, [['1', 'California']]))
    put(ctx, 'TaxCode', '3', code('Texas', true, true, [['2', 'Texas']]))
  } else {
    put(ctx, 'TaxRate', '1', rateFields('20.0% S', 20))
    put(ctx, 'TaxRate', '2', rateFields('0.0% Z', 0))
    put(ctx, 'TaxCode', '4', code('20.0% S', true, false, [['1', '20.0% S']]))
    put(ctx, 'TaxCode', '5', code('0.0% Z', true, false, [['2', '0.0% Z']]))
    put(ctx, 'TaxCode', '6', code('Exempt', false, false, []))
  }
}

export function seedCompany(company: Company, now: number): void {
  const ctx: WriteContext = { company, now, allowDuplicateDocNum: false }
  const accounts = new Map<string, string>()
  for (const [Name, AccountType, AccountSubType, Description] of ACCOUNTS) {
    accounts.set(
      Name,
      String(create(ctx, accountWriter, { Name, AccountType, AccountSubType, Description }).Id),
    )
  }
  const account = (name: string) => ({ value: accounts.get(name)! })
  seedTax(ctx)
  const methods: [string, string][] = [
    ['Cash', 'NON_CREDIT_CARD'],
    ['Check', 'NON_CREDIT_CARD'],
    ['Visa', 'CREDIT_CARD'],
    ['MasterCard', 'CREDIT_CARD'],
    ['American Express', 'CREDIT_CARD'],
    ['PayPal', 'NON_CREDIT_CARD'],
  ]
  methods.forEach(([Name, Type], i) => {
    put(ctx, 'PaymentMethod', String(i + 1), { Name, Active: true, Type })
  })
  create(ctx, itemWriter, { Name: 'Services', Type: 'Service', IncomeAccountRef: account('Services') })
  create(ctx, itemWriter, {
    Name: 'MUG-BLUE',
    Sku: 'MUG-BLUE',
    Description: 'Blue mug',
    Type: 'NonInventory',
    Taxable: true,
    UnitPrice: 19.99,
    IncomeAccountRef: account('Sales'),
  })
  create(ctx, itemWriter, {
    Name: 'TEE-RED-M',
    Sku: 'TEE-RED-M',
    Description: 'Red T-shirt, M',
    Type: 'Inventory',
    Taxable: true,
    UnitPrice: 24,
    PurchaseCost: 9.5,
    TrackQtyOnHand: true,
    QtyOnHand: 40,
    InvStartDate: '2026-01-01',
    IncomeAccountRef: account('Sales'),
    AssetAccountRef: account('Inventory Asset'),
    ExpenseAccountRef: account('Cost of Goods Sold'),
  })
  create(ctx, itemWriter, { Name: 'Shipping', Type: 'Service', IncomeAccountRef: account('Shipping Income') })
  create(ctx, itemWriter, {
    Name: 'Gift wrap',
    Type: 'Service',
    Taxable: false,
    UnitPrice: 5,
    IncomeAccountRef: account('Sales'),
  })
  create(ctx, customerWriter, {
    DisplayName: 'Ana Ruiz',
    GivenName: 'Ana',
    FamilyName: 'Ruiz',
    PrimaryEmailAddr: { Address: 'ana@example.com' },
    BillAddr: {
      Line1: '12 Elm St',
      City: 'Austin',
      CountrySubDivisionCode: 'TX',
      PostalCode: '78701',
      Country: 'USA',
    },
  })
  create(ctx, customerWriter, { DisplayName: 'Web Store', CompanyName: 'Web Store' })
  put(ctx, 'Vendor', ctx.company.nextId('Vendor'), {
    DisplayName: 'Acme Supplies',
    CompanyName: 'Acme Supplies',
    PrintOnCheckName: 'Acme Supplies',
    Active: true,
    Balance: 0,
  })
  put(ctx, 'Employee', ctx.company.nextId('Employee'), {
    DisplayName: 'Emily Platt',
    GivenName: 'Emily',
    FamilyName: 'Platt',
    PrintOnCheckName: 'Emily Platt',
    Active: true,
  })
}
