/**
 * The delivery loop's bookkeeping per outcome kind, against a scripted destination on both databases:
 * retries count attempts and back off, deferrals wait until their time without counting as attempts,
 * and a pass goes on through batches that were only deferred but ends at a batch that only failed.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { DeliveryOutcome, Destination } from '../../src/destinations/destination.js'
import type { OrderEvent } from '../../src/events/model.js'
import { deliverAllDue, deliverBatch } from '../../src/runtime/deliver.js'
import { appendEvents } from '../../src/store/event-log.js'
import type { Store } from '../../src/store/open-database.js'
import { orderEvent } from '../destinations/order-event.js'
import { forEachDatabase, freshStore } from '../helpers/databases.js'

const T0 = Date.parse('2026-11-24T12:00:00Z')

function scripted(
  answer: (event: OrderEvent) => DeliveryOutcome,
  batchSize = 2,
): Destination & { sent: string[] } {
  const sent: string[] = []
  return {
    id: 'd',
    type: 'test',
    batchSize,
    sent,
    async send(events) {
      sent.push(...events.map((e) => e.id))
      return new Map(events.map((e) => [e.id, answer(e)]))
    },
    async check() {},
  }
}

const events = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    orderEvent({ id: `ev${i}`, order: { orderId: i + 1, orderNumber: String(1000 + i) } }),
  )

forEachDatabase('delivery outcomes', (database) => {
  let store: Store
  let dispose: () => Promise<void>
  beforeEach(async () => {
    ;({ store, dispose } = await freshStore(database))
    await appendEvents(store.db, events(5), [{ id: 'd', skipReason: () => undefined }], T0)
  })
  afterEach(async () => dispose())

  const rows = () =>
    store.db
      .selectFrom('deliveries')
      .select(['event_id', 'state', 'attempts', 'next_attempt_at', 'reason'])
      .orderBy('event_id')
      .execute()

  it('deferred: pending until `until`, no attempt counted; the pass goes on through deferred batches', async () => {
    const until = T0 + 3_600_000
    const destination = scripted(() => ({ kind: 'deferred', reason: 'in the summary of the day', until }))
    const result = await deliverAllDue(store.db, destination, { now: () => T0 })
    expect(result).toMatchObject({ sent: 5, deferred: 5, retried: 0 })
    expect(destination.sent).toHaveLength(5)
    for (const row of await rows()) {
      expect(row).toMatchObject({ state: 'pending', attempts: 0, reason: 'in the summary of the day' })
      expect(Number(row.next_attempt_at)).toBe(until)
    }
    expect((await deliverBatch(store.db, destination, { now: () => until - 1 })).sent).toBe(0)
    expect((await deliverBatch(store.db, destination, { now: () => until })).sent).toBe(2)
  })

  it('a deferral into the past waits at least a second, so the loop cannot spin', async () => {
    const destination = scripted(() => ({ kind: 'deferred', reason: 'soon', until: T0 - 5 }))
    await deliverAllDue(store.db, destination, { now: () => T0 })
    expect(destination.sent).toHaveLength(5)
    for (const row of await rows()) expect(Number(row.next_attempt_at)).toBe(T0 + 1000)
  })

  it('a stop request ends the pass after the batch in hand', async () => {
    const stop = new AbortController()
    const destination = scripted(() => {
      stop.abort()
      return { kind: 'delivered', receipt: 'ok' }
    })
    const result = await deliverAllDue(store.db, destination, { now: () => T0, signal: stop.signal })
    expect(result).toMatchObject({ sent: 2, delivered: 2 })
    expect((await rows()).filter((r) => r.state === 'pending')).toHaveLength(3)
  })

  it('retry with Retry-After: waits what the destination said, however many attempts came before', async () => {
    await store.db.updateTable('deliveries').set({ attempts: 15 }).execute()
    const destination = scripted(() => ({ kind: 'retry', reason: 'HTTP 429', retryAfterMs: 2_000 }))
    await deliverAllDue(store.db, destination, { now: () => T0 })
    const waited = (await rows()).filter((r) => r.reason === 'HTTP 429')
    expect(waited).toHaveLength(2)
    for (const row of waited) {
      expect(row.attempts).toBe(16)
      expect(Number(row.next_attempt_at)).toBeGreaterThanOrEqual(T0 + 2_000)
      expect(Number(row.next_attempt_at)).toBeLessThanOrEqual(T0 + 2_200)
    }
  })

  it('retry: counts the attempt, backs off, and a batch that only failed ends the pass', async () => {
    const destination = scripted(() => ({ kind: 'retry', reason: 'HTTP 503' }))
    const result = await deliverAllDue(store.db, destination, { now: () => T0 })
    expect(result).toMatchObject({ sent: 2, retried: 2 })
    const retried = (await rows()).filter((r) => r.reason === 'HTTP 503')
    expect(retried).toHaveLength(2)
    for (const row of retried) {
      expect(row.attempts).toBe(1)
      expect(Number(row.next_attempt_at)).toBeGreaterThan(T0)
    }
  })
})
