/** requeueDeadDeliveries: which dead rows move back to pending, how, and that nothing else moves. */
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { OrderEvent } from '../../src/events/model.js'
import { dueDeliveries } from '../../src/store/deliveries.js'
import { appendEvents, type DeliveryRoute } from '../../src/store/event-log.js'
import type { Store } from '../../src/store/open-database.js'
import { requeueDeadDeliveries } from '../../src/store/requeue.js'
import { customer, order } from '../events/fixtures.js'
import { forEachDatabase, freshStore } from '../helpers/databases.js'

const MISSING_ITEM =
  'item named "MUG" is not in QuickBooks (missingItem: dead): create or map it in QuickBooks, then retry the delivery'
const SUBSCRIPTION = 'QuickBooks 400 6190 Invalid Company Status: Subscription period has ended'

function event(id: string, orderNumber: string, accountId = 'main'): OrderEvent {
  return {
    id,
    accountId,
    name: 'Order Shipped',
    occurredAt: 1_700_000_000_000,
    historical: false,
    customer,
    order: order({ orderNumber }),
    shipping: null,
  }
}

const routes: DeliveryRoute[] = [
  { id: 'books', skipReason: () => undefined },
  { id: 'klaviyo', skipReason: () => undefined },
]

/** Each row of `books` as [event id, state, attempts, reason], in log order. */
type Row = [string, string, number, string | null]

forEachDatabase('requeueing dead deliveries', (database) => {
  let store: Store
  let dispose: () => Promise<void>

  const set = async (
    destination: string,
    eventId: string,
    state: string,
    reason: string | null,
    attempts = 1,
  ) =>
    store.db
      .updateTable('deliveries')
      .set({
        state,
        reason,
        attempts,
        // A pending row here is a retry scheduled far ahead: it is not due at the tests' times.
        next_attempt_at: state === 'pending' ? 9_000_000_000_000 : 5,
        receipt: state === 'delivered' ? '202' : null,
      })
      .where('destination_id', '=', destination)
      .where('event_id', '=', eventId)
      .execute()

  const books = async (): Promise<Row[]> =>
    (
      await store.db
        .selectFrom('deliveries')
        .select(['event_id', 'state', 'attempts', 'reason'])
        .where('destination_id', '=', 'books')
        .orderBy('event_seq')
        .execute()
    ).map((r) => [r.event_id, r.state, r.attempts, r.reason])

  beforeEach(async () => {
    ;({ store, dispose } = await freshStore(database))
    await appendEvents(
      store.db,
      [
        event('e1', '1001'),
        event('e2', '1002'),
        event('e3', '1003', 'second'),
        event('e4', '1004'),
        event('e5', '1005'),
        event('e6', '1006'),
        event('e7', '1001'),
      ],
      routes,
      1,
      new Set(['e6']),
    )
    await set('books', 'e1', 'dead', MISSING_ITEM, 1)
    await set('books', 'e2', 'dead', SUBSCRIPTION, 3)
    await set('books', 'e3', 'dead', MISSING_ITEM, 1)
    await set('books', 'e4', 'delivered', null)
    await set('books', 'e5', 'skipped', 'filtered: store')
    // e6 stays held, e7 pending (retrying).
    await set('books', 'e7', 'pending', 'HTTP 503', 4)
    // The same events are dead at another destination too: never touched by a retry of books.
    await set('klaviyo', 'e1', 'dead', MISSING_ITEM, 1)
    await set('klaviyo', 'e2', 'dead', SUBSCRIPTION, 1)
  })
  afterEach(async () => dispose())

  const untouched: Row[] = [
    ['e4', 'delivered', 1, null],
    ['e5', 'skipped', 1, 'filtered: store'],
    ['e6', 'held', 0, null],
    ['e7', 'pending', 4, 'HTTP 503'],
  ]

  it('moves every dead delivery of the destination to pending, due now, attempts 0, the old reason kept', async () => {
    const result = await requeueDeadDeliveries(store.db, { destinationId: 'books' }, 1000)
    expect(result).toEqual({ count: 3, orders: ['1001', '1002', '1003'] })
    expect(await books()).toEqual([
      ['e1', 'pending', 0, `retry requested (was: ${MISSING_ITEM})`],
      ['e2', 'pending', 0, `retry requested (was: ${SUBSCRIPTION})`],
      ['e3', 'pending', 0, `retry requested (was: ${MISSING_ITEM})`],
      ...untouched,
    ])
    const due = await dueDeliveries(store.db, 'books', 1000, 10)
    expect(due.map((d) => [d.event.id, d.attempts])).toEqual([
      ['e1', 0],
      ['e2', 0],
      ['e3', 0],
    ])
    const klaviyo = await store.db
      .selectFrom('deliveries')
      .select(['event_id', 'state'])
      .where('destination_id', '=', 'klaviyo')
      .where('state', '=', 'dead')
      .orderBy('event_seq')
      .execute()
    expect(klaviyo.map((r) => r.event_id)).toEqual(['e1', 'e2'])
    // Nothing dead is left to requeue: a second run changes nothing.
    expect(await requeueDeadDeliveries(store.db, { destinationId: 'books' }, 2000)).toEqual({
      count: 0,
      orders: [],
    })
  })

  it('a dry run counts the same deliveries and changes nothing', async () => {
    const before = await books()
    const dry = await requeueDeadDeliveries(store.db, { destinationId: 'books' }, 1000, { dryRun: true })
    expect(dry).toEqual({ count: 3, orders: ['1001', '1002', '1003'] })
    expect(await books()).toEqual(before)
    expect(await dueDeliveries(store.db, 'books', 1000, 10)).toEqual([])
  })

  it('filters by reason piece (case-sensitive), account, order number and event id', async () => {
    const requeued = async () =>
      (await books()).filter((r) => r[1] === 'pending' && r[2] === 0).map((r) => r[0])

    expect(
      await requeueDeadDeliveries(
        store.db,
        { destinationId: 'books', reason: 'is not in quickbooks' },
        1000,
        { dryRun: true },
      ),
    ).toEqual({ count: 0, orders: [] })
    expect(
      await requeueDeadDeliveries(store.db, { destinationId: 'books', reason: 'missingItem: dead' }, 1000, {
        dryRun: true,
      }),
    ).toEqual({ count: 2, orders: ['1001', '1003'] })
    expect(
      await requeueDeadDeliveries(
        store.db,
        { destinationId: 'books', reason: 'missingItem: dead', accountId: 'second' },
        1000,
      ),
    ).toEqual({ count: 1, orders: ['1003'] })
    expect(await requeued()).toEqual(['e3'])

    // e7 shares order 1001 with e1 but is pending: only the dead one moves.
    expect(
      await requeueDeadDeliveries(store.db, { destinationId: 'books', orderNumber: '1001' }, 1000),
    ).toEqual({ count: 1, orders: ['1001'] })
    expect(await requeued()).toEqual(['e1', 'e3'])

    expect(await requeueDeadDeliveries(store.db, { destinationId: 'books', eventId: 'e4' }, 1000)).toEqual({
      count: 0,
      orders: [],
    })
    expect(await requeueDeadDeliveries(store.db, { destinationId: 'books', eventId: 'e2' }, 1000)).toEqual({
      count: 1,
      orders: ['1002'],
    })
    expect(await books()).toEqual([
      ['e1', 'pending', 0, `retry requested (was: ${MISSING_ITEM})`],
      ['e2', 'pending', 0, `retry requested (was: ${SUBSCRIPTION})`],
      ['e3', 'pending', 0, `retry requested (was: ${MISSING_ITEM})`],
      ...untouched,
    ])
  })

  it('an unknown destination or a filter matching nothing requeues nothing', async () => {
    const before = await books()
    expect(await requeueDeadDeliveries(store.db, { destinationId: 'nope' }, 1000)).toEqual({
      count: 0,
      orders: [],
    })
    expect(
      await requeueDeadDeliveries(store.db, { destinationId: 'books', orderNumber: '1004' }, 1000),
    ).toEqual({ count: 0, orders: [] })
    expect(await books()).toEqual(before)
  })
})
