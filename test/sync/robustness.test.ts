/**
 * Nothing lost, nothing doubled: the sync under the conditions that break naive integrations.
 */
import { afterEach, expect, it } from 'vitest'
import { runSyncCycle } from '../../src/sync/account-sync.js'
import { forEachDatabase } from '../helpers/databases.js'
import { type Pipeline, startPipeline } from '../helpers/pipeline.js'

forEachDatabase('robustness', (database) => {
  let p: Pipeline | undefined
  afterEach(async () => {
    await p?.dispose()
    p = undefined
  })

  async function snapshotIds(pipeline: Pipeline): Promise<Set<number>> {
    const rows = await pipeline.relay.store.db.selectFrom('orders').select('order_id').execute()
    return new Set(rows.map((r) => Number(r.order_id)))
  }

  function liveOrders(pipeline: Pipeline) {
    return [...pipeline.ss.world.orders.values()].filter((o) => !o.deleted)
  }

  it('misses no order when orders change while the backfill pages through them', async () => {
    let touched = 0
    const changed: number[] = []
    const pipeline = await startPipeline(database, {
      shipstation: { orders: 1400, seed: 3 },
      fetch: async (input, init) => {
        const response = await fetch(input, init)
        const url = new URL(String(input))
        if (url.pathname === '/orders' && touched === 0 && url.searchParams.get('modifyDateStart')) {
          touched++
          // Modify orders from the first page: they jump to the end of the modifyDate order, and every
          // later order moves up a place, which is where page-number paging loses one per change.
          const body = (await response.clone().json()) as {
            orders: { orderId: number; orderStatus: string }[]
          }
          for (const o of body.orders.filter((x) => x.orderStatus === 'awaiting_shipment').slice(0, 20)) {
            pipeline.ss.world.hold(o.orderId, pipeline.ss.world.now() + 86_400_000)
            changed.push(o.orderId)
          }
        }
        return response
      },
    })
    p = pipeline
    await pipeline.cycle()
    expect(changed.length).toBeGreaterThan(0)
    const seen = await snapshotIds(pipeline)
    const missing = liveOrders(pipeline).filter((o) => !seen.has(o.orderId))
    expect(missing.map((o) => o.orderNumber)).toEqual([])
    const held = await pipeline.relay.store.db
      .selectFrom('orders')
      .select(['order_id', 'status'])
      .where('order_id', 'in', changed)
      .execute()
    expect(held.every((r) => r.status === 'on_hold')).toBe(true)
  })

  it('reads 600 orders that share one modifyDate, even when one leaves the group mid-read', async () => {
    let leaves = 0
    const pipeline = await startPipeline(database, {
      shipstation: { orders: 10, seed: 4 },
      fetch: async (input, init) => {
        const response = await fetch(input, init)
        const url = new URL(String(input))
        if (url.pathname === '/orders' && url.searchParams.get('modifyDateEnd') && leaves === 0) {
          leaves++
          const body = (await response.clone().json()) as { orders: { orderId: number }[] }
          pipeline.ss.world.hold(body.orders[3]!.orderId, pipeline.ss.world.now() + 86_400_000)
        }
        return response
      },
    })
    p = pipeline
    await pipeline.cycle()
    const w = pipeline.ss.world
    w.now() // the clock keeps running until frozen
    pipeline.ss.clock.freeze()
    const bulk = Array.from({ length: 600 }, (_, i) =>
      w.createOrder({ status: 'awaiting_shipment', email: `bulk${i}@example.com` }),
    )
    pipeline.ss.clock.unfreeze()
    expect(new Set(bulk.map((o) => o.modifyDate)).size).toBe(1)
    await pipeline.cycle()
    await pipeline.drain() // 600 live events at once meet Klaviyo's 350/s burst limit: some wait
    expect(leaves).toBe(1)
    const seen = await snapshotIds(pipeline)
    expect(bulk.filter((o) => !seen.has(o.orderId))).toEqual([])
    const events = pipeline.stored().filter((e) => String(e.profile?.email).startsWith('bulk'))
    expect(new Set(events.map((e) => e.profile?.email)).size).toBe(600)
  })

  it('catches a change made inside the repeated fall-back hour and times it in UTC correctly', async () => {
    // 01:40 PDT on the night the clock falls back to 01:00 PST.
    const pipeline = await startPipeline(database, {
      shipstation: { orders: 20, seed: 5, startAt: '2024-11-03T08:40:00Z' },
    })
    p = pipeline
    const { ss, relay } = pipeline
    const account = relay.accounts[0]!
    const cycle = async () => {
      await runSyncCycle({
        accountId: 'main',
        backfillDays: 90,
        client: account.client,
        db: relay.store.db,
        routes: relay.routes,
        now: () => ss.clock.now(),
      })
      await relay.deliverAll()
    }
    await cycle()
    const w = ss.world
    const early = w.createOrder({ status: 'awaiting_shipment', email: 'early@example.com' }) // 01:40 PDT
    await cycle()
    ss.clock.advance(30 * 60_000) // 09:10Z = 01:10 PST: wall time is now behind the cursor
    w.hold(early.orderId, w.now() + 86_400_000)
    w.createOrder({ status: 'awaiting_shipment', email: 'late@example.com' })
    expect(new Date(w.now()).toISOString()).toMatch(/^2024-11-03T09:10:00/)
    await cycle()
    const hold = pipeline
      .stored()
      .find((e) => e.profile?.email === 'early@example.com' && e.metric === 'Order On Hold')
    const created = pipeline.stored().find((e) => e.profile?.email === 'late@example.com')
    expect(hold?.time).toMatch(/^2024-11-03T09:10:00/)
    expect(created?.time).toMatch(/^2024-11-03T09:10:00/)
    expect(created?.metric).toBe('Order Awaiting Shipment')
  })

  it('reads a backfill longer than 90 days in windows of at most 90 days', async () => {
    const windows: [string, string | null][] = []
    const pipeline = await startPipeline(database, {
      shipstation: { orders: 30, seed: 10 },
      accountYaml: '    backfillDays: 200\n',
      fetch: async (input, init) => {
        const url = new URL(String(input))
        const start = url.searchParams.get('modifyDateStart')
        if (url.pathname === '/orders' && start) windows.push([start, url.searchParams.get('modifyDateEnd')])
        return fetch(input, init)
      },
    })
    p = pipeline
    await pipeline.cycle()
    expect(windows.length).toBeGreaterThanOrEqual(3)
    const DAY = 86_400_000
    for (const [start, end] of windows.slice(0, -1)) {
      expect(end).not.toBeNull()
      expect(
        Date.parse(`${end!.replace(' ', 'T')}Z`) - Date.parse(`${start.replace(' ', 'T')}Z`),
      ).toBeLessThanOrEqual(90 * DAY)
    }
    expect(windows.at(-1)![1]).toBeNull()
    const seen = await snapshotIds(pipeline)
    expect(liveOrders(pipeline).filter((o) => !seen.has(o.orderId))).toEqual([])
  })

  it('rides out a 429 storm from ShipStation without losing a page', async () => {
    const pipeline = await startPipeline(database, { shipstation: { orders: 600, seed: 6 } })
    p = pipeline
    pipeline.ss.faults.set({ burst429: 4 })
    await pipeline.cycle()
    expect(pipeline.ss.faults.counts.throttled).toBe(4)
    const seen = await snapshotIds(pipeline)
    expect(liveOrders(pipeline).filter((o) => !seen.has(o.orderId))).toEqual([])
  })

  it('retries through a Klaviyo outage and 429s: every event stored exactly once', async () => {
    const pipeline = await startPipeline(database, { shipstation: { orders: 40, seed: 8 } })
    p = pipeline
    await pipeline.cycle() // backfill delivered
    const w = pipeline.ss.world
    const orders = Array.from({ length: 12 }, (_, i) =>
      w.createOrder({ status: 'awaiting_shipment', email: `o${i}@example.com` }),
    )
    pipeline.kl.faults.set({ errorRate: 1, errorStatus: 503 })
    await pipeline.cycle()
    const { db } = pipeline.relay.store
    const pending = await db.selectFrom('deliveries').selectAll().where('state', '=', 'pending').execute()
    expect(pending.length).toBe(12)
    expect(pending.every((d) => d.reason?.includes('503'))).toBe(true)
    pipeline.kl.faults.set({ burst429: 5 })
    await pipeline.drain()
    const live = pipeline.stored().filter((e) => !e.backfill)
    expect(live.map((e) => e.profile?.email).sort()).toEqual(orders.map((_, i) => `o${i}@example.com`).sort())
    expect(new Set(live.map((e) => e.uniqueId)).size).toBe(12)
    const stats = pipeline.kl.stats().requests['POST /api/events']
    expect(stats?.total).toBeGreaterThan(12)
    expect(stats?.byStatus['503']).toBeGreaterThanOrEqual(12)
    expect(await db.selectFrom('deliveries').selectAll().where('state', '=', 'pending').execute()).toEqual([])
  })

  it('keeps two accounts apart, each with its own key, stores and events', async () => {
    const pipeline = await startPipeline(database, {
      shipstation: {
        accounts: [
          { apiKey: 'key-a', apiSecret: 'test-ss-secret', seed: 11, orders: 30 },
          { apiKey: 'key-b', apiSecret: 'test-ss-secret', seed: 12, orders: 20 },
        ],
      },
      accountsYaml: (ss) => `accounts:
  - id: east
    shipstation: { apiKey: key-a, apiSecret: "\${SS_SECRET}", baseUrl: "${ss.url}", rateLimitReserve: 0 }
  - id: west
    shipstation: { apiKey: key-b, apiSecret: "\${SS_SECRET}", baseUrl: "${ss.url}", rateLimitReserve: 0 }
`,
    })
    p = pipeline
    await pipeline.cycle()
    const { db } = pipeline.relay.store
    const perAccount = await db
      .selectFrom('orders')
      .select(['account_id', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('account_id')
      .orderBy('account_id')
      .execute()
    const count = (key: string) =>
      [...pipeline.ss.account(key).orders.values()].filter((o) => !o.deleted).length
    expect(perAccount.map((r) => [r.account_id, Number(r.n)])).toEqual([
      ['east', count('key-a')],
      ['west', count('key-b')],
    ])
    const b = pipeline.ss.account('key-b')
    const order = b.createOrder({ status: 'awaiting_shipment', email: 'west@example.com' })
    await pipeline.cycle()
    const events = await db.selectFrom('events').selectAll().where('order_id', '=', order.orderId).execute()
    expect(events.map((e) => e.account_id)).toEqual(['west'])
  })

  it('applies store and event filters, recording why each event was skipped', async () => {
    let storeName = ''
    const pipeline = await startPipeline(database, {
      shipstation: { orders: 80, seed: 9 },
      destinationYaml: '    stores: [STORE]\n    events: [Order Shipped]\n',
    })
    // The store name is only known once the simulator exists: rewrite the filter and reopen.
    storeName = pipeline.ss.world.stores[0]!.storeName
    await pipeline.dispose()
    p = await startPipeline(database, {
      shipstation: { orders: 80, seed: 9 },
      destinationYaml: `    stores: ["${storeName}"]\n    events: [Order Shipped]\n`,
    })
    await p.cycle()
    const stored = p.stored()
    expect(stored.length).toBeGreaterThan(0)
    expect(stored.every((e) => e.metric === 'Order Shipped')).toBe(true)
    expect(
      stored.every((e) => (e.attributes.properties as Record<string, unknown>).StoreName === storeName),
    ).toBe(true)
    const reasons = await p.relay.store.db
      .selectFrom('deliveries')
      .select('reason')
      .where('state', '=', 'skipped')
      .groupBy('reason')
      .execute()
    expect(reasons.map((r) => r.reason).sort()).toEqual(
      expect.arrayContaining(['filtered: event', 'filtered: store']),
    )
  })
})
