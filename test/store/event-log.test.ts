import { afterEach, beforeEach, expect, it } from 'vitest'
import type { OrderEvent } from '../../src/events/model.js'
import { dueDeliveries, settleDeliveries } from '../../src/store/deliveries.js'
import { appendEvents, backfillDeliveryRows, type DeliveryRoute } from '../../src/store/event-log.js'
import type { Store } from '../../src/store/open-database.js'
import { customer, order } from '../events/fixtures.js'
import { forEachDatabase, freshStore } from '../helpers/databases.js'

function event(id: string, storeName = 'My Shopify Store'): OrderEvent {
  return {
    id,
    accountId: 'main',
    name: 'Order Shipped',
    occurredAt: 1_700_000_000_000,
    historical: false,
    customer,
    order: order({ storeName }),
    shipping: null,
  }
}

const all: DeliveryRoute = { id: 'klaviyo', skipReason: () => undefined }
const onlyShopify: DeliveryRoute = {
  id: 'hook',
  skipReason: (e) => (e.order.storeName === 'My Shopify Store' ? undefined : 'filtered: store'),
}

forEachDatabase('event log', (database) => {
  let store: Store
  let dispose: () => Promise<void>
  beforeEach(async () => {
    ;({ store, dispose } = await freshStore(database))
  })
  afterEach(async () => dispose())

  it('appends each event id once, however often it is appended', async () => {
    expect(await appendEvents(store.db, [event('e1'), event('e2')], [all], 1)).toEqual(['e1', 'e2'])
    expect(await appendEvents(store.db, [event('e1'), event('e2'), event('e3')], [all], 2)).toEqual(['e3'])
    const rows = await store.db.selectFrom('events').select('id').orderBy('seq').execute()
    expect(rows.map((r) => r.id)).toEqual(['e1', 'e2', 'e3'])
    const deliveries = await store.db.selectFrom('deliveries').selectAll().execute()
    expect(deliveries).toHaveLength(3)
  })

  it('records filtered events as skipped with the reason', async () => {
    await appendEvents(store.db, [event('e1'), event('e2', 'Amazon')], [all, onlyShopify], 1)
    const hook = await store.db
      .selectFrom('deliveries')
      .selectAll()
      .where('destination_id', '=', 'hook')
      .orderBy('event_seq')
      .execute()
    expect(hook.map((d) => [d.event_id, d.state, d.reason])).toEqual([
      ['e1', 'pending', null],
      ['e2', 'skipped', 'filtered: store'],
    ])
  })

  it('gives a destination added later a row for every logged event', async () => {
    await appendEvents(store.db, [event('e1'), event('e2', 'Amazon')], [all], 1)
    expect(await backfillDeliveryRows(store.db, onlyShopify, 5)).toBe(2)
    expect(await backfillDeliveryRows(store.db, onlyShopify, 6)).toBe(0)
    const due = await dueDeliveries(store.db, 'hook', 10, 100)
    expect(due.map((d) => d.event.id)).toEqual(['e1'])
  })

  it('settles deliveries: delivered leaves the queue, retry comes back when due, settled rows stay settled', async () => {
    await appendEvents(store.db, [event('e1'), event('e2')], [all], 1)
    await settleDeliveries(
      store.db,
      'klaviyo',
      [
        { eventId: 'e1', outcome: { kind: 'delivered', receipt: '202' }, attempts: 1, nextAttemptAt: 2 },
        { eventId: 'e2', outcome: { kind: 'retry', reason: 'HTTP 503' }, attempts: 1, nextAttemptAt: 100 },
      ],
      2,
    )
    expect(await dueDeliveries(store.db, 'klaviyo', 50, 10)).toEqual([])
    const later = await dueDeliveries(store.db, 'klaviyo', 100, 10)
    expect(later.map((d) => [d.event.id, d.attempts])).toEqual([['e2', 1]])
    await settleDeliveries(
      store.db,
      'klaviyo',
      [{ eventId: 'e1', outcome: { kind: 'retry', reason: 'x' }, attempts: 2, nextAttemptAt: 0 }],
      3,
    )
    const e1 = await store.db
      .selectFrom('deliveries')
      .selectAll()
      .where('event_id', '=', 'e1')
      .executeTakeFirstOrThrow()
    expect([e1.state, e1.receipt]).toEqual(['delivered', '202'])
  })
})
