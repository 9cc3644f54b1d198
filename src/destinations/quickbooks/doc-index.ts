/**
 * DocNumbers already in QuickBooks, per type: read once per process for the last `lookbackDays` (one
 * metered read per 1000 documents), then kept current from our own writes. It catches orders booked by
 * someone else (by hand, a previous tool, or this destination with a lost database) before a second
 * document is created — without one query per order (reference §10, §15).
 */
import type { QuickBooksClient } from './client.js'
import { toCents } from './money.js'
import type { QboTransaction } from './types.js'

export type SalesFormType = 'SalesReceipt' | 'Invoice'

export interface IndexedDocument {
  type: SalesFormType
  id: string
  syncToken: string
  totalCents: number
}

export class DocIndex {
  #byNumber: Map<string, IndexedDocument> | undefined
  #loading: Promise<Map<string, IndexedDocument>> | undefined

  constructor(
    private readonly client: QuickBooksClient,
    private readonly sinceDay: () => string,
  ) {}

  async find(docNumber: string): Promise<IndexedDocument | undefined> {
    return (await this.#load()).get(docNumber.toLowerCase())
  }

  add(docNumber: string, document: IndexedDocument): void {
    this.#byNumber?.set(docNumber.toLowerCase(), document)
  }

  #load(): Promise<Map<string, IndexedDocument>> {
    if (this.#byNumber) return Promise.resolve(this.#byNumber)
    this.#loading ??= this.#read().then(
      (map) => {
        this.#byNumber = map
        return map
      },
      (error) => {
        this.#loading = undefined
        throw error
      },
    )
    return this.#loading
  }

  async #read(): Promise<Map<string, IndexedDocument>> {
    const map = new Map<string, IndexedDocument>()
    for (const type of ['SalesReceipt', 'Invoice'] as const) {
      const rows = await this.client.queryAll<QboTransaction>(
        type,
        `select * from ${type} where TxnDate >= '${this.sinceDay()}'`,
      )
      for (const row of rows) {
        if (!row.DocNumber) continue
        map.set(row.DocNumber.toLowerCase(), {
          type,
          id: row.Id,
          syncToken: row.SyncToken,
          totalCents: toCents(row.TotalAmt ?? 0),
        })
      }
    }
    return map
  }
}
