/**
 * Files an event into a store's day, durably, before any outcome is reported. The day of a sale is the
 * day it reached bookOn, or, when that day has closed, the first open day (a late order, in a section
 * naming its own day). A cancellation takes the sale back: on the sale's day while that day is open
 * (it nets out), else on the first open day as negative lines naming the day the order was posted.
 * An event already filed, or a second bookOn event of a filed order, adds nothing.
 */
import type { EventName } from '../../../config/event-names.js'
import type { OrderEvent } from '../../../events/model.js'
import { dayInZone } from '../../../lib/pacific-time.js'
import type { SummaryEntry, SummaryStore } from '../../../store/quickbooks-summary.js'
import type { DeliveryOutcome } from '../../destination.js'
import { type MappingOptions, taxModeOf } from '../to-document.js'
import { firstOpenDay } from './calendar.js'
import { contributionOf, reversed } from './contribution.js'
import { canceledSection, lateSection } from './lines.js'
import { storeKeyOf } from './naming.js'

/** `tax` and `untaxedStores` decide whether an order's tax counts; a summary books it as a line. */
export interface RecorderOptions extends MappingOptions {
  bookOn: EventName
  onCancel: string
  closeAfter: number
}

/** The entry the event's outcome follows, or an outcome of its own (nothing to file). */
export type Filed = { entry: SummaryEntry } | { outcome: DeliveryOutcome }

export class SummaryRecorder {
  constructor(
    private readonly options: RecorderOptions,
    private readonly store: SummaryStore,
    private readonly now: () => number,
  ) {}

  /** `known`: the entry already filed under this event id, if any. */
  async file(event: OrderEvent, known: SummaryEntry | undefined): Promise<Filed> {
    if (known) return { entry: known }
    if (event.name === 'Order Canceled') return this.#cancel(event)
    if (event.name !== this.options.bookOn) {
      return {
        outcome: {
          kind: 'skipped',
          reason: `summary mode: only ${this.options.bookOn} and Order Canceled change a summary`,
        },
      }
    }
    const orderKey = orderKeyOf(event)
    const sale = activeSale(await this.store.ofOrder(orderKey))
    if (sale) return { entry: sale }
    const own = dayInZone(event.occurredAt, this.options.timeZone)
    const open = firstOpenDay(this.now(), this.options.timeZone, this.options.closeAfter)
    // yyyy-MM-dd sorts as text: the order's own day, or the first open one when that has closed.
    const day = [own, open].sort()[1]!
    const { content, totalCents } = contributionOf(event, taxModeOf(event, this.options) !== 'none')
    return this.#add({
      eventId: event.id,
      orderKey,
      kind: 'sale',
      storeKey: storeKeyOf(event),
      storeName: event.order.storeName,
      day,
      section: day === own ? '' : lateSection(own),
      content,
      totalCents,
    })
  }

  async #cancel(event: OrderEvent): Promise<Filed> {
    if (this.options.onCancel === 'ignore')
      return { outcome: { kind: 'skipped', reason: 'onCancel: ignore' } }
    const entries = await this.store.ofOrder(orderKeyOf(event))
    const sale = activeSale(entries)
    if (!sale) {
      const earlier = entries.findLast((e) => e.kind === 'cancel')
      return earlier ? { entry: earlier } : { outcome: { kind: 'skipped', reason: 'not in a summary' } }
    }
    const open = firstOpenDay(this.now(), this.options.timeZone, this.options.closeAfter)
    const posted = await this.store.posted(sale.storeKey, sale.day)
    const nets = !posted && sale.day >= open
    const { content, totalCents } = reversed(sale)
    return this.#add({
      eventId: event.id,
      orderKey: sale.orderKey,
      kind: 'cancel',
      storeKey: sale.storeKey,
      storeName: sale.storeName,
      day: nets ? sale.day : open,
      section: nets ? sale.section : canceledSection(sale.day),
      content,
      totalCents,
    })
  }

  async #add(entry: Omit<SummaryEntry, 'createdAt'>): Promise<Filed> {
    if (await this.store.add(entry)) return { entry: { ...entry, createdAt: this.now() } }
    // Another process filed this event first: its entry is the one that counts.
    const stored = (await this.store.entries([entry.eventId])).get(entry.eventId)
    return { entry: stored ?? { ...entry, createdAt: this.now() } }
  }
}

/** Each split part is an order of its own: its items and amounts are its own. */
export function orderKeyOf(event: OrderEvent): string {
  return `${event.accountId}:${event.order.orderId}`
}

/** The order's sale still standing (more sales than cancellations: it was re-opened and shipped again). */
function activeSale(entries: readonly SummaryEntry[]): SummaryEntry | undefined {
  const sales = entries.filter((e) => e.kind === 'sale')
  const cancels = entries.length - sales.length
  return sales.length > cancels ? sales.at(-1) : undefined
}
