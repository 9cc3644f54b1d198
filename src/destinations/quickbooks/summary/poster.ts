/**
 * Posts a closed day of one store: one SalesReceipt (or Invoice with `document: invoice`) from the
 * day's entries, which no longer change. The write's requestid comes from (destination, store, day,
 * revision), so a post cut short by a crash replays the same document; the revision is the day's
 * requestid generation, moved on only when QuickBooks answered with a fault (nothing written, and that
 * fault would be replayed even after its cause is fixed). A DocNumber already taken (6140: requestids
 * forgotten, database lost) is adopted when its total is this day's total.
 */
import type { OrderEvent } from '../../../events/model.js'
import type { DocumentStore } from '../../../store/quickbooks-documents.js'
import type { PostedDay, SummaryStore } from '../../../store/quickbooks-summary.js'
import { type QuickBooksClient, QuickBooksError, type RequestIds } from '../client.js'
import type { Directory } from '../directory.js'
import { toCents } from '../money.js'
import type { QboTransaction } from '../types.js'
import { firstOpenDay } from './calendar.js'
import { type DaySummary, isEmpty, type SummaryRefs, summarize, summaryForm } from './lines.js'
import { storeCode, storeOfKey, summaryDocNumber, summaryRequestIds } from './naming.js'

export interface PosterOptions {
  id: string
  document: 'auto' | 'salesReceipt' | 'invoice'
  numbering: 'order' | 'quickbooks'
  timeZone: string
  closeAfter: number
  summaryPrefix: string
  summaryStoreCodes: Readonly<Record<string, string>>
  /** The item the day's tax is booked on. */
  taxItem: string
}

type FormType = 'SalesReceipt' | 'Invoice'

export class SummaryPoster {
  constructor(
    private readonly options: PosterOptions,
    private readonly client: QuickBooksClient,
    private readonly directory: Directory,
    private readonly store: SummaryStore,
    private readonly generations: Pick<DocumentStore, 'generation' | 'nextGeneration'>,
    private readonly now: () => number,
  ) {}

  async post(storeKey: string, day: string): Promise<PostedDay> {
    const done = await this.store.posted(storeKey, day)
    if (done) return done
    let entries = await this.store.ofDay(storeKey, day)
    let summary = summarize(entries)
    if (summary.totalCents < 0) {
      // No negative sales form: cancellations of posted orders wait for a day whose sales absorb them.
      const carried = entries.filter((e) => e.section.startsWith('canceled:'))
      const next = firstOpenDay(this.now(), this.options.timeZone, this.options.closeAfter)
      await this.store.move(
        carried.map((e) => e.eventId),
        next,
      )
      entries = entries.filter((e) => !carried.includes(e))
      summary = summarize(entries)
    }
    const storeName = entries.find((e) => e.storeName)?.storeName ?? null
    const base = { storeKey, day, entries: entries.length }
    if (isEmpty(summary)) {
      const empty: PostedDay = { ...base, docType: null, docId: null, docNumber: null, totalCents: 0 }
      await this.store.markPosted(empty)
      return empty
    }
    const docNumber =
      this.options.numbering === 'quickbooks'
        ? undefined
        : summaryDocNumber(
            this.options.summaryPrefix,
            day,
            storeCode(this.options.summaryStoreCodes, storeOfKey(storeKey, storeName)),
          )
    const type: FormType = this.options.document === 'invoice' ? 'Invoice' : 'SalesReceipt'
    const generation = `summary ${storeKey} ${day}`
    const write = async () => {
      const revision = await this.generations.generation(generation)
      try {
        return await this.#write(type, summary, { storeKey, storeName, day, docNumber }, revision)
      } catch (error) {
        if (error instanceof QuickBooksError && error.kind === 'permanent' && error.status !== undefined)
          await this.generations.nextGeneration(generation)
        throw error
      }
    }
    let written: { type: FormType; document: QboTransaction }
    try {
      written = { type, document: await write() }
    } catch (error) {
      if (!(error instanceof QuickBooksError)) throw error
      if (error.has('6140') && docNumber !== undefined) {
        written = await this.#adopt(error, docNumber, summary.totalCents)
      } else if (error.has('610')) {
        // A cached customer or item went inactive: reload, and write again (the next revision).
        this.directory.invalidate()
        written = { type, document: await write() }
      } else throw error
    }
    const posted: PostedDay = {
      ...base,
      docType: written.type,
      docId: written.document.Id,
      docNumber: written.document.DocNumber ?? docNumber ?? null,
      totalCents: toCents(written.document.TotalAmt ?? 0),
    }
    await this.store.markPosted(posted)
    return posted
  }

  async #write(
    type: FormType,
    summary: DaySummary,
    header: { storeKey: string; storeName: string | null; day: string; docNumber: string | undefined },
    revision: number,
  ): Promise<QboTransaction> {
    const ids = summaryRequestIds(this.options.id, header.storeKey, header.day, revision)
    const refs = await this.#refs(summary, header.storeKey, header.storeName, ids)
    const body = summaryForm(summary, refs, {
      day: header.day,
      docNumber: header.docNumber,
      storeName: header.storeName ?? header.storeKey,
    })
    return this.client.write<QboTransaction>(type, body, ids('doc'))
  }

  /** The store's customer, an item per SKU group (placeholder for none), and the tax item. */
  async #refs(
    summary: DaySummary,
    storeKey: string,
    storeName: string | null,
    ids: RequestIds,
  ): Promise<SummaryRefs> {
    const items = summary.groups.map((g) => ({ sku: g.sku, name: g.name }))
    const resolved = await this.directory.resolve(asOrder(storeKey, storeName, items), ids)
    if (summary.taxCents === 0) return resolved
    return {
      ...resolved,
      tax: await this.directory.namedItem(this.options.taxItem, 'Sales tax collected', ids),
    }
  }

  async #adopt(
    error: QuickBooksError,
    docNumber: string,
    wantedCents: number,
  ): Promise<{ type: FormType; document: QboTransaction }> {
    const holder = /TxnType=(\w+) with TxnId=(\w+)/.exec(error.errors.find((e) => e.code === '6140')!.detail)
    const type: FormType = holder?.[1] === 'Invoice' ? 'Invoice' : 'SalesReceipt'
    const document = await this.client.read<QboTransaction>(type, holder?.[2] ?? '')
    const cents = toCents(document.TotalAmt ?? 0)
    if (cents !== wantedCents) {
      throw new QuickBooksError(
        'permanent',
        `DocNumber ${docNumber} is already used by ${type} ${document.Id} with total ${(cents / 100).toFixed(2)}, ` +
          `not this summary's ${(wantedCents / 100).toFixed(2)}: set summaryPrefix or summaryStoreCodes`,
      )
    }
    return { type, document }
  }
}

/**
 * The Directory resolves an order's customer and items; a store's day is resolved as one order of that
 * store (perStore customers) whose items are the day's SKU groups.
 */
function asOrder(
  storeKey: string,
  storeName: string | null,
  items: { sku: string | null; name: string | null }[],
): OrderEvent {
  const store = storeOfKey(storeKey, storeName)
  return {
    id: `summary:${storeKey}`,
    accountId: storeKey.slice(0, storeKey.indexOf(':')),
    name: 'Order Shipped',
    occurredAt: 0,
    historical: false,
    customer: { email: null, firstName: null, lastName: null, phone: null },
    shipping: null,
    order: {
      orderId: 0,
      orderNumber: `summary ${storeKey}`,
      orderKey: '',
      storeId: store.storeId,
      storeName,
      marketplace: null,
      status: 'shipped',
      orderDate: null,
      value: 0,
      currency: 'USD',
      items: items.map((i) => ({ ...i, quantity: 0, unitPrice: 0, imageUrl: null })),
      shipTo: { city: null, region: null, country: null, postalCode: null },
      holdUntil: null,
      parentOrderId: null,
      parentOrderNumber: null,
    },
  }
}
