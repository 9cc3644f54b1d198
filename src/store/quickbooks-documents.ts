/**
 * Which QuickBooks document each order became, per destination: later events of the order (shipped
 * after booking, cancelled, another split part) update, credit or void that document instead of
 * creating another.
 */
import type { Kysely } from 'kysely'
import { type QuickBooksDocumentTable, quickBooksDb } from './quickbooks-tables.js'
import type { Database } from './schema.js'

/** One ShipStation order on a document: the order itself, or one of its split parts. */
export interface BookedPart {
  orderId: number
  orderNumber: string
  totalCents: number
  /** The Payment of this part (Invoice + Payment), `existing` for an adopted document, or null. */
  paymentId: string | null
  /** A part cancelled on a shared document is credited on its own (creditId). */
  state: 'booked' | 'cancelled'
  creditId?: string
}

/** The shipping fields as written on the document. */
export interface BookedShipping {
  ShipDate?: string
  TrackingNum?: string
  ShipMethodRef?: { value: string; name?: string }
}

export interface BookedDocument {
  orderKey: string
  docType: 'SalesReceipt' | 'Invoice'
  docId: string
  syncToken: string
  docNumber: string | null
  totalCents: number
  state: 'booked' | 'voided' | 'credited'
  /** At least one; the first is the order that created the document. */
  parts: BookedPart[]
  shipping: BookedShipping | null
  creditId: string | null
}

export interface DocumentStore {
  get(orderKey: string): Promise<BookedDocument | undefined>
  put(document: BookedDocument): Promise<void>
  /**
   * QuickBooks replays a requestid's first answer, faults included (reference §8), so once it refused
   * an event's write, the event's next try must send new ids: the generation is part of them.
   */
  generation(eventId: string): Promise<number>
  nextGeneration(eventId: string): Promise<void>
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
    const first = document.parts[0]!
    const values = {
      order_id: first.orderId,
      doc_type: document.docType,
      doc_id: document.docId,
      sync_token: document.syncToken,
      doc_number: document.docNumber,
      total_cents: document.totalCents,
      payment_id: first.paymentId,
      state: document.state,
      parts: JSON.stringify(document.parts),
      shipping: document.shipping && JSON.stringify(document.shipping),
      credit_id: document.creditId,
      updated_at: this.now(),
    }
    await quickBooksDb(this.db)
      .insertInto('quickbooks_documents')
      .values({ destination_id: this.destinationId, order_key: document.orderKey, ...values })
      .onConflict((oc) => oc.columns(['destination_id', 'order_key']).doUpdateSet(values))
      .execute()
  }

  async generation(eventId: string): Promise<number> {
    const row = await quickBooksDb(this.db)
      .selectFrom('quickbooks_request_generations')
      .select('generation')
      .where('destination_id', '=', this.destinationId)
      .where('event_id', '=', eventId)
      .executeTakeFirst()
    return Number(row?.generation ?? 0)
  }

  async nextGeneration(eventId: string): Promise<void> {
    await quickBooksDb(this.db)
      .insertInto('quickbooks_request_generations')
      .values({ destination_id: this.destinationId, event_id: eventId, generation: 1 })
      .onConflict((oc) =>
        oc
          .columns(['destination_id', 'event_id'])
          .doUpdateSet((eb) => ({ generation: eb('quickbooks_request_generations.generation', '+', 1) })),
      )
      .execute()
  }
}

function fromRow(row: QuickBooksDocumentTable): BookedDocument {
  const state = row.state as BookedDocument['state']
  // Rows from before migration 0004 hold one order, whose number is the key's.
  const parts: BookedPart[] = row.parts
    ? JSON.parse(row.parts)
    : [
        {
          orderId: Number(row.order_id),
          orderNumber: row.order_key.slice(row.order_key.indexOf(':') + 1),
          totalCents: Number(row.total_cents),
          paymentId: row.payment_id,
          state: state === 'booked' ? 'booked' : 'cancelled',
        },
      ]
  return {
    orderKey: row.order_key,
    docType: row.doc_type as BookedDocument['docType'],
    docId: row.doc_id,
    syncToken: row.sync_token,
    docNumber: row.doc_number,
    totalCents: Number(row.total_cents),
    state,
    parts,
    shipping: row.shipping ? JSON.parse(row.shipping) : null,
    creditId: row.credit_id,
  }
}

export class MemoryDocumentStore implements DocumentStore {
  readonly documents = new Map<string, BookedDocument>()
  readonly generations = new Map<string, number>()
  async generation(eventId: string): Promise<number> {
    return this.generations.get(eventId) ?? 0
  }
  async nextGeneration(eventId: string): Promise<void> {
    this.generations.set(eventId, (this.generations.get(eventId) ?? 0) + 1)
  }
  async get(orderKey: string): Promise<BookedDocument | undefined> {
    const found = this.documents.get(orderKey)
    return found && structuredClone(found)
  }
  async put(document: BookedDocument): Promise<void> {
    this.documents.set(document.orderKey, structuredClone(document))
  }
}
