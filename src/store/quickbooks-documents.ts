/**
 * Which QuickBooks document each order became, per destination: later events of the order (shipped
 * after booking, cancelled) update or void that document instead of creating another.
 */
import type { Kysely } from 'kysely'
import { type QuickBooksDocumentTable, quickBooksDb } from './quickbooks-tables.js'
import type { Database } from './schema.js'

export interface BookedDocument {
  orderKey: string
  orderId: number
  docType: 'SalesReceipt' | 'Invoice'
  docId: string
  syncToken: string
  docNumber: string | null
  totalCents: number
  paymentId: string | null
  state: 'booked' | 'voided'
}

export interface DocumentStore {
  get(orderKey: string): Promise<BookedDocument | undefined>
  put(document: BookedDocument): Promise<void>
}

export class DatabaseDocumentStore implements DocumentStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly destinationId: string,
    private readonly now: () => number = Date.now,
  ) {}

  async get(orderKey: string): Promise<BookedDocument | undefined> {
    const row = await quickBooksDb(this.db)
      .selectFrom('quickbooks_documents')
      .selectAll()
      .where('destination_id', '=', this.destinationId)
      .where('order_key', '=', orderKey)
      .executeTakeFirst()
    return row && fromRow(row)
  }

  async put(document: BookedDocument): Promise<void> {
    const values = {
      order_id: document.orderId,
      doc_type: document.docType,
      doc_id: document.docId,
      sync_token: document.syncToken,
      doc_number: document.docNumber,
      total_cents: document.totalCents,
      payment_id: document.paymentId,
      state: document.state,
      updated_at: this.now(),
    }
    await quickBooksDb(this.db)
      .insertInto('quickbooks_documents')
      .values({ destination_id: this.destinationId, order_key: document.orderKey, ...values })
      .onConflict((oc) => oc.columns(['destination_id', 'order_key']).doUpdateSet(values))
      .execute()
  }
}

function fromRow(row: QuickBooksDocumentTable): BookedDocument {
  return {
    orderKey: row.order_key,
    orderId: Number(row.order_id),
    docType: row.doc_type as BookedDocument['docType'],
    docId: row.doc_id,
    syncToken: row.sync_token,
    docNumber: row.doc_number,
    totalCents: Number(row.total_cents),
    paymentId: row.payment_id,
    state: row.state as BookedDocument['state'],
  }
}

export class MemoryDocumentStore implements DocumentStore {
  readonly documents = new Map<string, BookedDocument>()
  async get(orderKey: string): Promise<BookedDocument | undefined> {
    const found = this.documents.get(orderKey)
    return found && { ...found }
  }
  async put(document: BookedDocument): Promise<void> {
    this.documents.set(document.orderKey, { ...document })
  }
}
