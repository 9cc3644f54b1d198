/**
 * Kysely types of the QuickBooks tables (migration 0002_quickbooks). Kept beside src/store/schema.ts
 * rather than in it so the destination's tables stay in one place.
 */
import type { Kysely } from 'kysely'
import type { SummaryTables } from './quickbooks-summary.js'
import type { Database } from './schema.js'

export interface QuickBooksTokenTable {
  realm_id: string
  /** AES-256-GCM sealed JSON of the tokens (see secret-box.ts). */
  sealed: string
  /** Why the connection needs a new authorization, or null. Not secret, so readable by status. */
  reconnect_reason: string | null
  updated_at: number
}

export interface QuickBooksDocumentTable {
  destination_id: string
  /** The booking key: account id + root order number (split parts share it). */
  order_key: string
  order_id: number
  doc_type: string
  doc_id: string
  sync_token: string
  doc_number: string | null
  total_cents: number
  payment_id: string | null
  /** booked | voided | credited */
  state: string
  updated_at: number
  /** JSON: the split parts (orders) this document books; null on rows written before 0004 (one part). */
  parts: string | null
  /** JSON: ShipDate, TrackingNum and ShipMethodRef as last written, so a re-ship is told from a redelivery. */
  shipping: string | null
  /** The CreditMemo or RefundReceipt that credited a cancelled document. */
  credit_id: string | null
}

export interface QuickBooksRequestGenerationTable {
  destination_id: string
  event_id: string
  generation: number
}

/** Every QuickBooks table, the daily summaries' included. */
export interface QuickBooksTables extends SummaryTables {
  quickbooks_tokens: QuickBooksTokenTable
  quickbooks_documents: QuickBooksDocumentTable
  quickbooks_request_generations: QuickBooksRequestGenerationTable
}

/** Any Kysely database; the QuickBooks tables exist once migrations ran. */
export function quickBooksDb(db: Kysely<Database>): Kysely<QuickBooksTables> {
  return db as unknown as Kysely<QuickBooksTables>
}
