/**
 * Raw QuickBooks Online wire shapes (reference §2–§5), kept apart from the mappers. Only what the
 * destination reads is typed; extra fields are tolerated, since Intuit adds properties without a new
 * minor version (reference §3).
 */
import { z } from 'zod'

/** Token endpoint answer (reference §2). */
export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1),
  expires_in: z.number(),
  x_refresh_token_expires_in: z.number().optional(),
})
export type TokenResponse = z.infer<typeof tokenResponseSchema>

/** Token endpoint error: plain OAuth JSON, not a Fault (reference §2). */
export const oauthErrorSchema = z.looseObject({
  error: z.string(),
  error_description: z.string().optional(),
})

/** One fault error, already normalised from either envelope (`Fault.Error` or `fault.error`). */
export interface QboError {
  code: string
  message: string
  detail: string
  element: string
}

export interface Ref {
  value: string
  name?: string
}

/** A line as QuickBooks returns it. */
export interface QboLine {
  Id?: string
  DetailType?: string
  Amount?: number
  SalesItemLineDetail?: { ItemRef?: Ref }
  [key: string]: unknown
}

/** The fields of a stored transaction the destination reads back. */
export interface QboTransaction {
  Id: string
  SyncToken: string
  DocNumber?: string
  TotalAmt?: number
  Line?: QboLine[]
  TxnTaxDetail?: { TotalTax?: number }
  TxnDate?: string
  CustomerRef?: Ref
  Balance?: number
  PrivateNote?: string
  [key: string]: unknown
}

export interface QboCustomer {
  Id: string
  DisplayName: string
  PrimaryEmailAddr?: { Address?: string }
  Active?: boolean
  [key: string]: unknown
}

export interface QboItem {
  Id: string
  Name: string
  Sku?: string
  Type?: string
  Active?: boolean
  [key: string]: unknown
}

export interface QboAccount {
  Id: string
  Name: string
  AccountType?: string
  AccountSubType?: string
  [key: string]: unknown
}

export type TransactionEntity = 'SalesReceipt' | 'Invoice' | 'Payment' | 'CreditMemo' | 'RefundReceipt'
export type WritableEntity = TransactionEntity | 'Customer' | 'Item'
export type QueryEntity = WritableEntity | 'Account'

/** A line of a sales form (reference §5 "Lines"). */
export type SalesLine =
  | {
      DetailType: 'SalesItemLineDetail'
      Amount: number
      Description?: string
      SalesItemLineDetail: { ItemRef: Ref; Qty?: number; UnitPrice?: number; TaxCodeRef?: Ref }
    }
  | {
      DetailType: 'DiscountLineDetail'
      Amount: number
      Description?: string
      DiscountLineDetail: { PercentBased: false }
    }

/** SalesReceipt / Invoice create body. */
export interface SalesFormBody {
  DocNumber?: string
  TxnDate: string
  CustomerRef: Ref
  BillEmail?: { Address: string }
  ShipAddr?: { City?: string; CountrySubDivisionCode?: string; PostalCode?: string; Country?: string }
  ShipDate?: string
  TrackingNum?: string
  ShipMethodRef?: Ref
  PrivateNote: string
  Line: SalesLine[]
  TxnTaxDetail?: { TotalTax: number }
}
