/**
 * ShipStation failing in the middle of a backfill: 5xx, timeouts, cut-off JSON, HTML where JSON belongs,
 * and 429 bursts. A cycle that cannot finish fails cleanly; the cursor never moves past a record that is
 * not stored (checked against the simulator's data, order by order); the next cycle finishes the job and
 * every event reaches Klaviyo exactly once.
 */
import { afterEach, expect, it } from 'vitest'
import { ShipStationHttpError } from '../../src/source/shipstation/errors.js'
import { forEachDatabase } from '../helpers/databases.js'
import { type Pipeline, startPipeline } from '../helpers/pipeline.js'
import { cursorSecond, expectExactlyOnce, expectOrdersCursorHonest, quickCycle } from './helpers.js'

interface FaultCase {
  name: string
  /** Switches the fault on once the first page of orders is stored; `fetch` may be replaced too. */
  start(p: Pipeline, state: { hang: boolean }): void
  message: RegExp
}

const CASES: FaultCase[] = [
  {
    name: '503s',
    start: (p) => p.ss.faults.set({ errorRate: 1, errorStatus: 503 }),
    message: /HTTP 503.*after 3 attempts/,
  },
  {
    name: 'timeouts',
    start: (_p, state) => {
      state.hang = true
    },
    message: /timed out/,
  },
  {
    name: 'cut-off JSON',
    start: (p) => p.ss.faults.set({ truncateRate: 1 }),
    message: /not JSON/,
  },
  {
    name: 'HTML instead of JSON',
    start: (p) => p.ss.faults.set({ malformedRate: 1 }),
    message: /not JSON/,
  },
]

forEachDatabase('ShipStation faults mid-backfill', (database) => {
  let p: Pipeline | undefined
  afterEach(async () => {
    await p?.dispose()
    p = undefined
  })

  // The store's part (page and cursor in one transaction) is the same for every fault: on PostgreSQL one
  // fault shows it; SQLite runs them all.
  it.each(database.name === 'sqlite' ? CASES : CASES.slice(0, 1))(
    '$name: the cycle fails cleanly, the cursor stays on the last stored page, the next cycle finishes',
    async (c) => {
      const pipeline = await startPipeline(database, { shipstation: { orders: 560, seed: 31 } })
      p = pipeline
      const state = { hang: false }
      let ordersPages = 0
      const faulty: typeof fetch = async (input, init) => {
        if (state.hang) {
          // A request that never gets an answer: only the client's timeout ends it.
          return new Promise<Response>((_resolve, reject) =>
            init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
          )
        }
        const response = await fetch(input, init)
        const url = new URL(String(input))
        if (url.pathname === '/orders' && url.searchParams.has('modifyDateStart') && ++ordersPages === 1)
          c.start(pipeline, state)
        return response
      }

      const failure = await quickCycle(pipeline, faulty).then(
        () => undefined,
        (error: unknown) => error,
      )
      expect(failure).toBeInstanceOf(ShipStationHttpError)
      expect((failure as ShipStationHttpError).retryable).toBe(true)
      expect(String((failure as Error).message)).toMatch(c.message)

      const { db } = pipeline.relay.store
      const account = await db.selectFrom('account_state').selectAll().executeTakeFirstOrThrow()
      expect(account.phase).toBe('backfill')
      expect(account.last_sync_error).toMatch(c.message)
      const stored = (await db.selectFrom('orders').select('order_id').execute()).length
      expect(stored).toBe(500) // the first page, and only it
      const cursor = await expectOrdersCursorHonest(pipeline)
      const orders = [...pipeline.ss.world.orders.values()]
      expect(orders.filter((o) => cursorSecond(o.modifyDate) > cursor).length).toBeGreaterThan(0)

      // The fault passes; the relay's next cycle (its own client) finishes and delivers.
      pipeline.ss.faults.set({})
      state.hang = false
      await pipeline.cycle()
      await pipeline.drain()
      expect((await db.selectFrom('orders').select('order_id').execute()).length).toBe(orders.length)
      expect(await expectOrdersCursorHonest(pipeline)).toBe(
        cursorSecond(Math.max(...orders.map((o) => o.modifyDate))),
      )
      await expectExactlyOnce(pipeline)
      expect(pipeline.stored().length).toBeGreaterThan(480)
    },
  )

  it('waits out 429 bursts on every page as the headers say, loses no page, ends the cursor on the newest order', async () => {
    const pipeline = await startPipeline(database, { shipstation: { orders: 1100, seed: 32 } })
    p = pipeline
    let ordersPages = 0
    const bursts: typeof fetch = async (input, init) => {
      const response = await fetch(input, init)
      const url = new URL(String(input))
      // After each page of orders the next two requests are refused.
      if (url.pathname === '/orders' && response.status === 200) {
        ordersPages++
        pipeline.ss.faults.set({ burst429: 2 })
      }
      return response
    }
    const waits: number[] = []
    await quickCycle(pipeline, bursts, { sleep: async (ms) => void waits.push(ms) })
    expect(ordersPages).toBeGreaterThanOrEqual(3)
    const throttled = pipeline.ss.faults.counts.throttled
    expect(throttled).toBeGreaterThanOrEqual(4)
    // One wait per 429, each until the window the headers announced is over (1 s windows here).
    expect(waits.length).toBeGreaterThanOrEqual(throttled)
    expect(waits.every((ms) => ms > 0 && ms <= 1200)).toBe(true)
    await pipeline.relay.deliverAll()
    await pipeline.drain()
    const orders = [...pipeline.ss.world.orders.values()]
    expect(await expectOrdersCursorHonest(pipeline)).toBe(
      cursorSecond(Math.max(...orders.map((o) => o.modifyDate))),
    )
    await expectExactlyOnce(pipeline)
  })

  it('keeps the cursor of a stream with nothing in it where it is, cycle after cycle', async () => {
    // An account that never uses fulfilments (or has no orders yet): its stream reads come back empty.
    const pipeline = await startPipeline(database, { shipstation: { orders: 0, seed: 33 } })
    p = pipeline
    const cursors = async () =>
      pipeline.relay.store.db
        .selectFrom('account_state')
        .select(['orders_cursor', 'shipments_cursor', 'fulfillments_cursor'])
        .executeTakeFirstOrThrow()
    await pipeline.cycle()
    const first = await cursors()
    for (let i = 0; i < 3; i++) await pipeline.cycle()
    // Before: each empty read moved the cursor back by the overlap (plus an hour across a DST change),
    // so the reads reached further back every poll, 90-day window after 90-day window.
    expect(await cursors()).toEqual(first)
    pipeline.ss.world.createOrder({ status: 'awaiting_shipment', email: 'first@example.com' })
    await pipeline.cycle()
    const orders = [...pipeline.ss.world.orders.values()]
    expect(await expectOrdersCursorHonest(pipeline)).toBe(
      cursorSecond(Math.max(...orders.map((o) => o.modifyDate))),
    )
  })
})
