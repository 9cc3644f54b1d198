/**
 * The embedded runtime: one process, every configured account and destination. It owns the store,
 * one ShipStation client per account (sharing one rate governor per API key), the destinations, the
 * metrics, and the loops that run them.
 *
 * Work on one account is serial (a SerialQueue per account): a poll cycle and a webhook never compare
 * snapshots at the same time. Webhooks wake the poll loop or apply their resource directly; the poll
 * loop keeps running every pollInterval as the safety net for lost webhooks and for changes that fire
 * none (holds, cancellations).
 */
import type { Config } from '../config/schema.js'
import type { Destination } from '../destinations/destination.js'
import { createDestination } from '../destinations/registry.js'
import type { Logger } from '../lib/logger.js'
import { SerialQueue } from '../lib/serial-queue.js'
import { ShipStationClient } from '../source/shipstation/http-client.js'
import { RateGovernor } from '../source/shipstation/rate-governor.js'
import { listAccountStates } from '../store/account-state.js'
import { backfillDeliveryRows, type DeliveryRoute } from '../store/event-log.js'
import { openStore, type Store } from '../store/open-database.js'
import { destinationStatus } from '../store/status.js'
import {
  type AccountSyncOptions,
  type CycleResult,
  runSyncCycle,
  type SyncProgress,
} from '../sync/account-sync.js'
import { type DeliverResult, deliverAllDue } from './deliver.js'
import { createMetrics, type RelayMetrics } from './metrics.js'

export interface RelayOptions {
  logger: Logger
  fetch?: typeof fetch
  onProgress?: (progress: SyncProgress) => void
}

export interface AccountRuntime {
  id: string
  backfillDays: number
  pollIntervalMs: number
  currency: string
  baseUrl: string
  client: ShipStationClient
  queue: SerialQueue
}

type Streams = AccountSyncOptions['streams']

export class Relay {
  readonly accounts: AccountRuntime[]
  readonly destinations: Destination[]
  readonly routes: DeliveryRoute[]
  readonly metrics: RelayMetrics
  readonly #deliveryWake = new Set<() => void>()
  readonly #pollWake = new Map<string, () => void>()

  private constructor(
    readonly config: Config,
    readonly store: Store,
    private readonly options: RelayOptions,
  ) {
    this.metrics = createMetrics({
      queueDepth: async () =>
        (
          await destinationStatus(
            store.db,
            config.destinations.map((d) => d.id),
          )
        ).map((d) => ({
          destination: d.destinationId,
          pending: d.pending,
        })),
      syncLag: async () =>
        (await listAccountStates(store.db)).map((s) => ({
          account: s.account_id,
          seconds: s.last_sync_at === null ? Number.NaN : (Date.now() - s.last_sync_at) / 1000,
        })),
    })
    const governors = new Map<string, RateGovernor>()
    this.accounts = config.accounts.map((account) => {
      const key = `${account.shipstation.baseUrl} ${account.shipstation.apiKey}`
      let governor = governors.get(key)
      if (!governor) {
        governor = new RateGovernor({ reserve: account.shipstation.rateLimitReserve })
        governors.set(key, governor)
      }
      const rateGovernor = governor
      return {
        id: account.id,
        backfillDays: account.backfillDays,
        pollIntervalMs: account.pollInterval,
        currency: account.currency,
        baseUrl: account.shipstation.baseUrl,
        queue: new SerialQueue(),
        client: new ShipStationClient({
          baseUrl: account.shipstation.baseUrl,
          apiKey: account.shipstation.apiKey,
          apiSecret: account.shipstation.apiSecret,
          partnerKey: account.shipstation.partnerKey,
          governor,
          fetch: options.fetch,
          onResponse: (info) => {
            this.metrics.shipstationRequests.inc({
              account: account.id,
              endpoint: endpointOf(info.path),
              status: String(info.status),
            })
            const remaining = rateGovernor.state.remaining
            if (remaining !== undefined)
              this.metrics.rateLimitRemaining.set({ account: account.id }, remaining)
          },
        }),
      }
    })
    const configured = config.destinations.map((d) =>
      createDestination(d, { fetch: options.fetch, db: store.db }),
    )
    this.destinations = configured.map((c) => c.destination)
    this.routes = configured.map((c) => c.route)
  }

  static async open(config: Config, options: RelayOptions): Promise<Relay> {
    const store = await openStore(config.database)
    const relay = new Relay(config, store, options)
    for (const route of relay.routes) {
      const added = await backfillDeliveryRows(store.db, route, Date.now())
      if (added > 0) {
        options.logger.info(
          { destination: route.id, events: added },
          'queued logged events for a new destination',
        )
      }
    }
    return relay
  }

  account(id: string): AccountRuntime | undefined {
    return this.accounts.find((a) => a.id === id)
  }

  /** One cycle for one account, serialised with any other work on that account. */
  syncAccount(account: AccountRuntime, signal?: AbortSignal, streams?: Streams): Promise<CycleResult> {
    return account.queue.run(() => runSyncCycle(this.syncOptions(account, signal, streams)))
  }

  /** The options a sync of this account runs with (also used to apply webhook resources). */
  syncOptions(account: AccountRuntime, signal?: AbortSignal, streams?: Streams): AccountSyncOptions {
    return {
      accountId: account.id,
      backfillDays: account.backfillDays,
      currency: account.currency,
      client: account.client,
      db: this.store.db,
      routes: this.routes,
      signal,
      streams,
      logger: this.options.logger,
      onProgress: this.options.onProgress,
      onEvents: (events) => {
        for (const e of events) this.metrics.eventsCreated.inc({ account: account.id, name: e.name })
        this.wakeDelivery()
      },
    }
  }

  /** One cycle for every account, side by side (each has its own key and budget). */
  async syncAll(signal?: AbortSignal): Promise<PromiseSettledResult<CycleResult>[]> {
    return Promise.allSettled(this.accounts.map((a) => this.syncAccount(a, signal)))
  }

  /** Delivers everything due to every destination. */
  async deliverAll(signal?: AbortSignal): Promise<Map<string, DeliverResult>> {
    const results = new Map<string, DeliverResult>()
    await Promise.all(this.destinations.map(async (d) => results.set(d.id, await this.#deliver(d, signal))))
    return results
  }

  /** Asks an account's poll loop (when running) to sync now instead of at its next interval. */
  requestSync(accountId: string): void {
    this.#pollWake.get(accountId)?.()
  }

  wakeDelivery(): void {
    for (const wake of this.#deliveryWake) wake()
  }

  /** Runs until `signal` aborts: a poll loop per account, a delivery loop per destination. */
  async run(signal: AbortSignal): Promise<void> {
    await Promise.all([
      ...this.accounts.map((a) => this.#pollLoop(a, signal)),
      ...this.destinations.map((d) => this.#deliveryLoop(d, signal)),
    ])
  }

  async close(): Promise<void> {
    await this.store.close()
  }

  #deliver(destination: Destination, signal?: AbortSignal): Promise<DeliverResult> {
    return deliverAllDue(this.store.db, destination, {
      signal,
      onSettled: (settled) => {
        for (const s of settled) {
          this.metrics.deliveries.inc({ destination: destination.id, outcome: s.outcome })
          if (s.outcome === 'delivered') {
            this.metrics.deliveryLatency.observe(
              { destination: destination.id },
              (s.settledAt - s.loggedAt) / 1000,
            )
          }
        }
      },
    })
  }

  async #pollLoop(account: AccountRuntime, signal: AbortSignal): Promise<void> {
    let failures = 0
    while (!signal.aborted) {
      const started = Date.now()
      try {
        const result = await this.syncAccount(account, signal)
        failures = 0
        this.options.logger.debug({ account: account.id, ...result }, 'sync cycle done')
      } catch (error) {
        if (signal.aborted) return
        failures++
        this.options.logger.error({ account: account.id, err: error }, 'sync cycle failed; will retry')
      }
      const wait =
        failures === 0
          ? account.pollIntervalMs - (Date.now() - started)
          : Math.min(account.pollIntervalMs, 1000 * 2 ** failures)
      await this.#sleep(Math.max(0, wait), signal, (wake) => this.#pollWake.set(account.id, wake))
      this.#pollWake.delete(account.id)
    }
  }

  async #deliveryLoop(destination: Destination, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const r = await this.#deliver(destination, signal)
        if (r.sent > 0) this.options.logger.info({ destination: destination.id, ...r }, 'delivered')
      } catch (error) {
        if (signal.aborted) return
        this.options.logger.error({ destination: destination.id, err: error }, 'delivery failed; will retry')
      }
      // Woken at once by new events; otherwise look again for retries that fell due.
      await this.#sleep(1000, signal, (wake) => this.#deliveryWake.add(wake))
    }
  }

  /** Sleeps `ms`, or until aborted, or until the function handed to `register` is called. */
  #sleep(ms: number, signal: AbortSignal, register: (wake: () => void) => void): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.#deliveryWake.delete(done)
        signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      register(done)
      signal.addEventListener('abort', done, { once: true })
    })
  }
}

/** `/orders/123` → `/orders/:id`, so metrics do not get one series per order. */
function endpointOf(path: string): string {
  return path.replace(/\/\d+(?=\/|$)/g, '/:id')
}
