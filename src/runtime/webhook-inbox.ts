/**
 * What happens after the receiver has said 200: per account, webhooks wait in a small inbox and are
 * applied one batch at a time, inside the account's serial queue (never beside a poll cycle).
 *
 * Identical resource URLs (a repeated or late webhook) collapse into one fetch. When more distinct
 * webhooks are waiting than a sync cycle costs, one cycle reads everything they point at for less of
 * the account's 40-a-minute budget, so a burst of a thousand webhooks costs a handful of requests.
 *
 * - ORDER_NOTIFY: the orders in the resource are compared with their snapshots right away.
 * - SHIP_NOTIFY / FULFILLMENT_SHIPPED: the labels or fulfilments are stored, then the orders stream is
 *   read (one request), so `Order Shipped` goes out with its tracking data within seconds.
 */
import type { Logger } from '../lib/logger.js'
import { fulfillmentsStream, ordersStream, shipmentsStream } from '../source/shipstation/streams.js'
import { loadStores, upsertShipping } from '../store/snapshots.js'
import { processOrderPage, runSyncCycle, toShippingRow } from '../sync/account-sync.js'
import { shippingFromFulfillment, shippingFromShipment } from '../sync/to-event-facts.js'
import type { AccountRuntime, Relay } from './relay.js'

/** More distinct waiting webhooks than this and a full sync cycle (3 requests) is cheaper. */
const FETCH_LIMIT = 3

export interface InboxTiming {
  /** How long the first webhook of a burst waits for others to join it. */
  gatherMs: number
  /** Least time between two applications for one account: a burst costs a few requests, not one each. */
  minGapMs: number
}

export class WebhookInbox {
  readonly #waiting = new Map<string, Map<string, string>>()
  readonly #scheduled = new Map<string, Promise<void>>()
  readonly #lastDrain = new Map<string, number>()

  constructor(
    private readonly relay: Relay,
    private readonly logger: Logger,
    private readonly timing: InboxTiming = { gatherMs: 250, minGapMs: 2000 },
  ) {}

  /** Queues a webhook; returns at once. */
  accept(account: AccountRuntime, resourceUrl: string, resourceType: string): void {
    let waiting = this.#waiting.get(account.id)
    if (!waiting) {
      waiting = new Map()
      this.#waiting.set(account.id, waiting)
    }
    waiting.set(resourceUrl, resourceType)
    if (this.#scheduled.has(account.id)) return
    const sinceLast = Date.now() - (this.#lastDrain.get(account.id) ?? 0)
    const delay = Math.max(this.timing.gatherMs, this.timing.minGapMs - sinceLast)
    const work = new Promise<void>((resolve) => setTimeout(resolve, delay))
      .then(() => account.queue.run(() => this.#drain(account)))
      .catch(() => undefined)
      .finally(() => this.#scheduled.delete(account.id))
    this.#scheduled.set(account.id, work)
  }

  /** Settles when every webhook accepted so far has been applied (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#scheduled.size > 0) await Promise.all(this.#scheduled.values())
  }

  async #drain(account: AccountRuntime): Promise<void> {
    this.#lastDrain.set(account.id, Date.now())
    const waiting = this.#waiting.get(account.id)
    if (!waiting || waiting.size === 0) return
    const batch = [...waiting]
    waiting.clear()
    try {
      if (batch.length > FETCH_LIMIT) {
        await runSyncCycle(this.relay.syncOptions(account))
        return
      }
      let readOrders = false
      for (const [url, type] of batch) readOrders = (await this.#apply(account, url, type)) || readOrders
      if (readOrders) await runSyncCycle(this.relay.syncOptions(account, undefined, ['orders']))
    } catch (error) {
      // The poll loop is the safety net: whatever this missed, the next cycle reads.
      this.logger.warn(
        { account: account.id, err: error },
        'applying a webhook failed; the next poll will catch up',
      )
      this.relay.requestSync(account.id)
    }
  }

  /** Applies one resource; true when the orders stream should be read afterwards. */
  async #apply(account: AccountRuntime, url: string, type: string): Promise<boolean> {
    const options = this.relay.syncOptions(account)
    const now = Date.now()
    if (type === 'ORDER_NOTIFY') {
      const page = await account.client.getPage(url, ordersStream.key, ordersStream.schema, {})
      const stores = await loadStores(options.db, account.id)
      // A webhook announces something that just happened: live, even while the backfill still runs.
      await processOrderPage(options, page.records, undefined, stores, false)
      return false
    }
    if (type === 'SHIP_NOTIFY' || type === 'ITEM_SHIP_NOTIFY') {
      const page = await account.client.getPage(url, shipmentsStream.key, shipmentsStream.schema, {})
      await upsertShipping(
        options.db,
        account.id,
        page.records.map((s) => toShippingRow(shippingFromShipment(s, now))),
      )
      return true
    }
    if (type === 'FULFILLMENT_SHIPPED') {
      const page = await account.client.getPage(url, fulfillmentsStream.key, fulfillmentsStream.schema, {})
      await upsertShipping(
        options.db,
        account.id,
        page.records.map((f) => toShippingRow(shippingFromFulfillment(f, now))),
      )
      return true
    }
    // A notification we did not subscribe to (ITEM_ORDER_NOTIFY, FULFILLMENT_REJECTED…): read the orders.
    return true
  }
}
