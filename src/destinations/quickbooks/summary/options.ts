/**
 * The keys of daily summary mode (docs/destinations/quickbooks.md "Daily summary mode"). All optional
 * on the destination's options, so per-order callers need not name them.
 */
export interface SummaryOptions {
  /** perOrder: one document per order (the Booker); summary: one document per store per day. */
  mode: 'perOrder' | 'summary'
  /** How long after midnight in timeZone a day closes and is posted, in ms. */
  closeAfter: number
  /** DocNumber = prefix + yyyyMMdd + `-` + store code, at most 21 characters. */
  summaryPrefix: string
  /** Per store (name or id): its code in the DocNumber; default the ShipStation store id. */
  summaryStoreCodes: Readonly<Record<string, string>>
}

export const SUMMARY_DEFAULTS: SummaryOptions = {
  mode: 'perOrder',
  closeAfter: 2 * 3_600_000,
  summaryPrefix: 'S',
  summaryStoreCodes: {},
}
