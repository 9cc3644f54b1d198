/**
 * CompanyInfo and Preferences: read-only documents derived from the company settings, so a setting
 * changed under /_sim shows up where a client would look for it (reference §5 "Other entities").
 */
import type { Company } from './company.js'
import type { Json } from './input.js'
import { HOME_CURRENCY } from './names.js'
import { timestamp } from './time.js'

function base(company: Company, id: string, createdAt: number): Json {
  const zone = company.settings.timezone
  return {
    domain: 'QBO',
    sparse: false,
    Id: id,
    SyncToken: '0',
    MetaData: { CreateTime: timestamp(createdAt, zone), LastUpdatedTime: timestamp(createdAt, zone) },
  }
}

export function companyInfo(company: Company, createdAt: number): Json {
  const { settings } = company
  const addr = {
    Id: '1',
    Line1: '2600 Marine Way',
    City: 'Mountain View',
    CountrySubDivisionCode: 'CA',
    PostalCode: '94043',
  }
  return {
    CompanyName: settings.companyName,
    LegalName: settings.companyName,
    CompanyAddr: addr,
    CustomerCommunicationAddr: addr,
    LegalAddr: addr,
    PrimaryPhone: {},
    CompanyStartDate: '2026-01-01',
    FiscalYearStartMonth: 'January',
    Country: settings.taxModel === 'us' ? 'US' : 'GB',
    Email: { Address: 'noreply@quickbooks.com' },
    WebAddr: {},
    SupportedLanguages: 'en',
    NameValue: [
      { Name: 'NeoEnabled', Value: 'true' },
      { Name: 'IndustryType', Value: 'Retail' },
      { Name: 'SubscriptionStatus', Value: settings.status === 'active' ? 'PAID' : 'CANCELLED' },
    ],
    ...base(company, '1', createdAt),
  }
}

export function preferences(company: Company, createdAt: number): Json {
  const { settings } = company
  return {
    AccountingInfoPrefs: {
      TrackDepartments: false,
      ClassTrackingPerTxn: false,
      CustomerTerminology: 'Customers',
    },
    ProductAndServicesPrefs: {
      ForSales: true,
      ForPurchase: true,
      QuantityWithPriceAndRate: true,
      QuantityOnHand: settings.trackInventory,
    },
    SalesFormsPrefs: {
      CustomTxnNumbers: settings.customTxnNumbers,
      AllowDeposit: true,
      AllowDiscount: true,
      AllowShipping: settings.allowShipping,
      AllowEstimates: true,
      ETransactionEnabledStatus: 'NotApplicable',
      DefaultTerms: { value: '3' },
    },
    TaxPrefs: {
      UsingSalesTax: true,
      PartnerTaxEnabled: settings.taxModel === 'us' && settings.automatedSalesTax,
    },
    CurrencyPrefs: { MultiCurrencyEnabled: false, HomeCurrency: { value: HOME_CURRENCY.value } },
    OtherPrefs: {
      NameValue: [{ Name: 'SalesFormsPrefs.DefaultCustomerMessage', Value: 'Thank you for your business.' }],
    },
    ...base(company, '1', createdAt),
  }
}
