/**
 * Daily summary mode: events are filed into their store's day (durably, one entry per event id), and
 * a day is posted as one document once it closes. An event's delivery stays pending until the document
 * holding it exists — `retry` until the day closes, with the reason naming the day and the posting time —
 * so `delivered` always means "in QuickBooks", and the events of a day coming due at its close are what
 * post it: no timer of its own, nothing lost in a crash (entries and days are in the database; posting
 * again replays the same requestid).
 */
import type { Kysely } from 'kysely'
import type { OrderEvent } from '../../../events/model.js'
import type { DocumentStore } from '../../../store/quickbooks-documents.js'
import { type PostedDay, type SummaryEntry, SummaryStore } from '../../../store/quickbooks-summary.js'
import type { Database } from '../../../store/schema.js'
import type { DeliveryOutcome } from '../../destination.js'
import type { QuickBooksClient } from '../client.js'
import { Directory, type DirectoryOptions } from '../directory.js'
import { closesAt, describeMoment } from './calendar.js'
import type { SummaryOptions } from './options.js'
import { type PosterOptions, SummaryPoster } from './poster.js'
import { type RecorderOptions, SummaryRecorder } from './recorder.js'

export type SummaryBookerOptions = SummaryOptions & RecorderOptions & PosterOptions & DirectoryOptions

/** Turns a failure into an outcome the way the per-order destination does (dead, retry, reconnect). */
export type Settle = (work: () => Promise<DeliveryOutcome>) => Promise<DeliveryOutcome>

export interface SummaryBookerDeps {
  client: QuickBooksClient
  /** Requestid generations (a fault answered under a day's ids moves it to new ones). */
  documents: DocumentStore
  db: Kysely<Database> | undefined
  now: () => number
  settle: Settle
}

export function createSummaryBooker(options: SummaryBookerOptions, deps: SummaryBookerDeps): SummaryBooker {
  if (!deps.db) {
    throw new Error(
      `QuickBooks destination ${options.id} in summary mode needs the database (the days are kept there): ` +
        'pass { db } to createDestination',
    )
  }
  const store = new SummaryStore(deps.db, options.id, deps.now)
  // One customer per store: a summary has no shopper.
  const directory = new Directory(deps.client, { ...options, customers: 'perStore' })
  return new SummaryBooker(
    options,
    store,
    new SummaryRecorder(options, store, deps.now),
    new SummaryPoster(options, deps.client, directory, store, deps.documents, deps.now),
    deps,
  )
}

export class SummaryBooker {
  constructor(
    private readonly options: { timeZone: string; closeAfter: number },
    private readonly store: SummaryStore,
    private readonly recorder: SummaryRecorder,
    private readonly poster: SummaryPoster,
    private readonly deps: Pick<SummaryBookerDeps, 'now' | 'settle'>,
  ) {}

  /** A batch in delivery order; `skipReason` is the destination's filter. */
  async send(
    events: readonly OrderEvent[],
    skipReason: (event: OrderEvent) => string | undefined,
  ): Promise<Map<string, DeliveryOutcome>> {
    const outcomes = new Map<string, DeliveryOutcome>()
    const known = await this.store.entries(events.map((e) => e.id))
    const filed = new Map<string, SummaryEntry>()
    // One at a time: an order's sale is filed before its cancellation in the same batch.
    for (const event of events) {
      if (outcomes.has(event.id) || filed.has(event.id)) continue
      const skip = skipReason(event)
      if (skip) {
        outcomes.set(event.id, { kind: 'skipped', reason: skip })
        continue
      }
      try {
        const result = await this.recorder.file(event, known.get(event.id))
        if ('outcome' in result) outcomes.set(event.id, result.outcome)
        else filed.set(event.id, result.entry)
      } catch (error) {
        outcomes.set(event.id, await this.#failed(error))
      }
    }
    const failures = new Map<string, DeliveryOutcome>()
    const closed = new Map<string, SummaryEntry>()
    for (const entry of filed.values()) {
      if (this.deps.now() >= this.#closesAt(entry.day)) closed.set(dayKey(entry), entry)
    }
    for (const [key, entry] of closed) {
      await this.poster.post(entry.storeKey, entry.day).catch(async (error: unknown) => {
        failures.set(key, await this.#failed(error))
      })
    }
    // Posting may carry cancellations to a later day: their outcome follows where they are now.
    const current = closed.size > 0 ? await this.store.entries([...filed.keys()]) : filed
    const posted = new Map<string, PostedDay | undefined>()
    for (const [eventId, filedEntry] of filed) {
      const entry = current.get(eventId) ?? filedEntry
      const key = dayKey(entry)
      if (!posted.has(key)) posted.set(key, await this.store.posted(entry.storeKey, entry.day))
      outcomes.set(eventId, failures.get(key) ?? this.#outcome(entry, posted.get(key)))
    }
    return outcomes
  }

  #outcome(entry: SummaryEntry, posted: PostedDay | undefined): DeliveryOutcome {
    const where = `${entry.day}, store ${entry.storeName ?? entry.storeKey}`
    if (posted?.docId) {
      const document = `${posted.docType} ${posted.docId}${posted.docNumber ? ` #${posted.docNumber}` : ''}`
      return {
        kind: 'delivered',
        receipt: `${entry.kind === 'cancel' ? 'taken back on' : 'in'} summary ${document} (${where})`,
      }
    }
    if (posted) {
      return {
        kind: 'skipped',
        reason: `nothing booked for ${where}: its orders were canceled before it closed`,
      }
    }
    const at = this.#closesAt(entry.day)
    return {
      kind: 'deferred',
      reason: `in the summary of ${where}, posted after ${describeMoment(at, this.options.timeZone)}`,
      until: at + 1000,
    }
  }

  #closesAt(day: string): number {
    return closesAt(day, this.options.timeZone, this.options.closeAfter)
  }

  #failed(error: unknown): Promise<DeliveryOutcome> {
    return this.deps.settle(() => Promise.reject(error))
  }
}

function dayKey(entry: SummaryEntry): string {
  return `${entry.storeKey}\n${entry.day}`
}
