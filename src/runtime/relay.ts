/**
 * The embedded runtime: one process, every configured account and destination. It owns the store,
 * one ShipStation client per account (sharing one rate governor per API key), the destinations, and
 * the loops that run them.
 */
import type { Config } from '../config/schema.js'
import type { Destination } from '../destinations/destination.js'
import { createDestination } from '../destinations/registry.js'
import type { Logger } from '../lib/logger.js'
import { ShipStationClient } from '../source/shipstation/http-client.js'
import { abortableSleep, RateGovernor } from '../source/shipstation/rate-governor.js'
import { backfillDeliveryRows, type DeliveryRoute } from '../store/event-log.js'
import { openStore, type Store } from '../store/open-database.js'
import { type CycleResult, runSyncCycle, type SyncProgress } from '../sync/account-sync.js'
import { type DeliverResult, deliverAllDue } from './deliver.js'

export interface RelayOptions {
  logger: Logger
  fetch?: typeof fetch
  onProgress?: (progress: SyncProgress) => void
  /** Counts every ShipStation answer (for metrics and benchmarks). */
  onShipStationResponse?: (accountId: string, info: { path: string; status: number; ms: number }) => void
}

interface AccountRuntime {
  id: string
  backfillDays: number
  pollIntervalMs: number
  currency: string
  client: ShipStationClient
}

export class Relay {
  readonly accounts: AccountRuntime[]
  readonly destinations: Destination[]
  readonly routes: DeliveryRoute[]
  #wake = new Set<() => void>()

  private constructor(
    readonly config: Config,
    readonly store: Store,
    private readonly options: RelayOptions,
  ) {
    const governors = new Map<string, RateGovernor>()
    this.accounts = config.accounts.map((account) => {
      const key = `${account.shipstation.baseUrl} ${account.shipstation.apiKey}`
      let governor = governors.get(key)
      if (!governor) {
        governor = new RateGovernor({ reserve: account.shipstation.rateLimitReserve })
        governors.set(key, governor)
      }
      return {
        id: account.id,
        backfillDays: account.backfillDays,
        pollIntervalMs: account.pollInterval,
        currency: account.currency,
        client: new ShipStationClient({
          baseUrl: account.shipstation.baseUrl,
          apiKey: account.shipstation.apiKey,
          apiSecret: account.shipstation.apiSecret,
          partnerKey: account.shipstation.partnerKey,
          governor,
          fetch: options.fetch,
          onResponse: (info) => options.onShipStationResponse?.(account.id, info),
        }),
      }
    })
    const configured = config.destinations.map((d) => createDestination(d, { fetch: options.fetch }))
    this.destinations = configured.map((c) => c.destination)
    this.routes = configured.map((c) => c.route)
  }

  static async open(config: Config, options: RelayOptions): Promise<Relay> {
    const store = await openStore(config.database)
    const relay = new Relay(config, store, options)
    for (const route of relay.routes) {
      const added = await backfillDeliveryRows(store.db, route, Date.now())
      if (added > 0)
        options.logger.info(
          { destination: route.id, events: added },
          'queued logged events for a new destination',
        )
    }
    return relay
  }

  /** One cycle for one account. */
  syncAccount(account: AccountRuntime, signal?: AbortSignal): Promise<CycleResult> {
    return runSyncCycle({
      accountId: account.id,
      backfillDays: account.backfillDays,
      currency: account.currency,
      client: account.client,
      db: this.store.db,
      routes: this.routes,
      signal,
      onProgress: this.options.onProgress,
    })
  }

  /** One cycle for every account, side by side (each has its own key and budget). */
  async syncAll(signal?: AbortSignal): Promise<PromiseSettledResult<CycleResult>[]> {
    return Promise.allSettled(this.accounts.map((a) => this.syncAccount(a, signal)))
  }

  /** Delivers everything due to every destination. */
  async deliverAll(signal?: AbortSignal): Promise<Map<string, DeliverResult>> {
    const results = new Map<string, DeliverResult>()
    await Promise.all(
      this.destinations.map(async (d) =>
        results.set(d.id, await deliverAllDue(this.store.db, d, { signal })),
      ),
    )
    return results
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

  async #pollLoop(account: AccountRuntime, signal: AbortSignal): Promise<void> {
    let failures = 0
    while (!signal.aborted) {
      const started = Date.now()
      try {
        const result = await this.syncAccount(account, signal)
        failures = 0
        if (result.events > 0) this.#wakeDelivery()
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
      await abortableSleep(Math.max(0, wait), signal).catch(() => undefined)
    }
  }

  async #deliveryLoop(destination: Destination, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        const r = await deliverAllDue(this.store.db, destination, { signal })
        if (r.sent > 0) this.options.logger.info({ destination: destination.id, ...r }, 'delivered')
      } catch (error) {
        if (signal.aborted) return
        this.options.logger.error({ destination: destination.id, err: error }, 'delivery failed; will retry')
      }
      await this.#sleepUntilWoken(1000, signal)
    }
  }

  #wakeDelivery(): void {
    for (const wake of this.#wake) wake()
  }

  #sleepUntilWoken(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.#wake.delete(done)
        signal.removeEventListener('abort', done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.#wake.add(done)
      signal.addEventListener('abort', done, { once: true })
    })
  }
}
