/**
 * Company settings: the QBO preferences that change how writes are validated (reference §5, §6, §13.10)
 * plus simulator-only switches. Every realm has its own; `/_sim/realms/:id/settings` changes them live.
 */
import { z } from 'zod'
import { isValidZone } from '../../lib/pacific-time.js'

export const companySettingsSchema = z.strictObject({
  companyName: z.string().min(1).default('Sandbox Company_US_1'),
  /** The zone of MetaData timestamps, the envelope `time` and the default TxnDate. */
  timezone: z.string().refine(isValidZone, 'unknown IANA time zone').default('America/Los_Angeles'),
  /** `us`: line TaxCodeRef is TAX or NON, the rate comes from TxnTaxDetail; `global`: real tax code ids per line. */
  taxModel: z.enum(['us', 'global']).default('us'),
  /** Preferences.TaxPrefs.PartnerTaxEnabled (automated sales tax): tax is computed when not supplied. */
  automatedSalesTax: z.boolean().default(true),
  /** Preferences.SalesFormsPrefs.CustomTxnNumbers: off → omitted DocNumbers are auto-numbered. */
  customTxnNumbers: z.boolean().default(true),
  /** Duplicate DocNumber per transaction type → 6140 (unless `include=allowduplicatedocnum`). */
  duplicateDocNumberCheck: z.boolean().default(true),
  /** Preferences.SalesFormsPrefs.AllowShipping: the `SHIPPING_ITEM_ID` line needs it. */
  allowShipping: z.boolean().default(true),
  /** Preferences.ProductAndServicesPrefs.QuantityOnHand: Inventory items need it. */
  trackInventory: z.boolean().default(true),
  /** `subscriptionEnded`: every write fails with 6190. */
  status: z.enum(['active', 'subscriptionEnded']).default('active'),
  /** Named in the 5010 Stale Object text ("You and <user> were working on this at the same time"). */
  userName: z.string().min(1).default('Sandbox Admin'),
})

export type CompanySettings = z.infer<typeof companySettingsSchema>

/** Partial changes, validated against the current settings. */
export const settingsPatchSchema = companySettingsSchema.partial()
