/**
 * Daily summary mode against the simulator: a destination in `mode: summary` on a real store (its days
 * live in the database), a clock the test moves, and orders of one store at one moment.
 */

import type { Kysely } from 'kysely'
import type { Destination } from '../../../src/destinations/destination.js'
import { createQuickBooksDestination } from '../../../src/destinations/quickbooks/index.js'
import { RateLimiter } from '../../../src/destinations/quickbooks/rate-limiter.js'
import type { SummaryOptions } from '../../../src/destinations/quickbooks/summary/options.js'
import type { OrderEvent } from '../../../src/events/model.js'
import type { QuickBooksSimulator } from '../../../src/simulators/quickbooks/index.js'
import { DatabaseDocumentStore } from '../../../src/store/quickbooks-documents.js'
import type { MemoryTokenStore } from '../../../src/store/quickbooks-tokens.js'
import type { Database } from '../../../src/store/schema.js'
import type { OrderEventOverrides } from '../order-event.js'
import { defaults, FAST_LIMITS, paidOrder } from './helpers.js'

export const ZONE = 'America/Los_Angeles'

/** A Pacific wall time (November: UTC−8) as epoch ms. */
export function pacific(wall: string): number {
  return Date.parse(`${wall}-08:00`)
}

export class TestClock {
  constructor(public ms: number) {}
  readonly now = () => this.ms
  set(wall: string): void {
    this.ms = pacific(wall)
  }
}

export function summaryDestination(
  sim: QuickBooksSimulator,
  db: Kysely<Database>,
  tokens: MemoryTokenStore,
  clock: TestClock,
  overrides: Partial<Parameters<typeof createQuickBooksDestination>[0]> & Partial<SummaryOptions> = {},
  fetchImpl?: typeof fetch,
): Destination {
  const options = { ...defaults(sim), mode: 'summary' as const, closeAfter: 2 * 3_600_000, ...overrides }
  return createQuickBooksDestination(options, {
    db,
    tokenStore: tokens,
    documentStore: new DatabaseDocumentStore(db, options.id, clock.now),
    limiter: new RateLimiter(FAST_LIMITS),
    now: clock.now,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  })
}

export const STORES = [
  { storeId: 301, storeName: 'Amazon' },
  { storeId: 302, storeName: 'Etsy' },
  { storeId: 303, storeName: 'Web Shop' },
] as const

/** Order Shipped of order n in a store at a Pacific wall time. */
export function shipped(
  n: number,
  store: { storeId: number; storeName: string },
  wall: string,
  overrides: OrderEventOverrides = {},
): OrderEvent {
  return paidOrder(n, {
    occurredAt: pacific(wall),
    ...overrides,
    order: { ...store, ...overrides.order },
  })
}

/** The Order Canceled of an order event. */
export function canceled(of: OrderEvent, wall: string): OrderEvent {
  return { ...of, id: `${of.id}:canceled`, name: 'Order Canceled', occurredAt: pacific(wall) }
}

export function outcomeKinds(outcomes: Map<string, { kind: string }>): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const o of outcomes.values()) counts[o.kind] = (counts[o.kind] ?? 0) + 1
  return counts
}
