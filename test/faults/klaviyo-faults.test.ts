/**
 * Klaviyo failing while orders keep changing: down (503) for hours, then back; and 429 storms. Events
 * wait, retried with capped backoff and never given up; when Klaviyo answers again the backlog drains
 * and every event is stored exactly once.
 */
import { afterEach, expect, it } from 'vitest'
import { deliverAllDue } from '../../src/runtime/deliver.js'
import { forEachDatabase } from '../helpers/databases.js'
import { type Pipeline, startPipeline } from '../helpers/pipeline.js'
import { expectExactlyOnce } from './helpers.js'

const MINUTE = 60_000

forEachDatabase('Klaviyo faults', (database) => {
  let p: Pipeline | undefined
  afterEach(async () => {
    await p?.dispose()
    p = undefined
  })

  it('is down (503) for three hours while orders keep changing; the backlog drains when it is back, none lost', async () => {
    const pipeline = await startPipeline(database, { shipstation: { orders: 60, seed: 41 } })
    p = pipeline
    await pipeline.cycle() // history delivered before the outage
    const { db } = pipeline.relay.store
    const klaviyo = pipeline.relay.destinations[0]!
    pipeline.kl.faults.set({ errorRate: 1, errorStatus: 503 })
    // Three simulated hours: every 15 minutes some orders change, a cycle runs, delivery is tried.
    let clock = Date.now()
    const w = pipeline.ss.world
    for (let step = 0; step < 12; step++) {
      w.createOrder({ status: 'awaiting_shipment', email: `outage${step}@example.com` })
      for (let i = 0; i < 3; i++) w.randomChange()
      const results = await pipeline.relay.syncAll()
      expect(results.every((r) => r.status === 'fulfilled')).toBe(true)
      clock += 15 * MINUTE
      const r = await deliverAllDue(db, klaviyo, { now: () => clock })
      expect(r.delivered).toBe(0)
      const pending = await db.selectFrom('deliveries').selectAll().where('state', '=', 'pending').execute()
      // Waiting, with the reason, retried within the 10-minute cap; never dead.
      expect(pending.length).toBeGreaterThanOrEqual(step + 1)
      expect(pending.every((d) => d.reason?.includes('503'))).toBe(true)
      expect(pending.every((d) => Number(d.next_attempt_at) <= clock + 10 * MINUTE)).toBe(true)
    }
    const waiting = await db.selectFrom('deliveries').selectAll().where('state', '=', 'pending').execute()
    expect(Math.max(...waiting.map((d) => d.attempts))).toBeGreaterThanOrEqual(10)
    expect(await db.selectFrom('deliveries').selectAll().where('state', '=', 'dead').execute()).toEqual([])
    const stats = pipeline.kl.stats().requests['POST /api/events']
    expect(stats?.byStatus['503']).toBeGreaterThanOrEqual(waiting.length)

    pipeline.kl.faults.set({})
    // Back up: the next delivery round (the loop runs every second; here the clock jumps to it) drains all.
    const drained = await deliverAllDue(db, klaviyo, { now: () => clock + 10 * MINUTE })
    expect(drained.delivered).toBe(waiting.length)
    await expectExactlyOnce(pipeline)
    const live = pipeline.stored().filter((e) => !e.backfill)
    expect(live.length).toBe(waiting.length)
    for (let step = 0; step < 12; step++)
      expect(live.some((e) => e.profile?.email === `outage${step}@example.com`)).toBe(true)
  })

  it('keeps its events through 429 storms, honouring Retry-After and not hammering a throttled endpoint', async () => {
    const pipeline = await startPipeline(database, { shipstation: { orders: 40, seed: 42 } })
    p = pipeline
    await pipeline.cycle()
    const { db } = pipeline.relay.store
    const klaviyo = pipeline.relay.destinations[0]!
    const w = pipeline.ss.world
    for (let i = 0; i < 30; i++)
      w.createOrder({ status: 'awaiting_shipment', email: `storm${i}@example.com` })
    await pipeline.relay.syncAll()
    let clock = Date.now()
    for (let storm = 0; storm < 4; storm++) {
      pipeline.kl.faults.set({ burst429: 50 })
      const before = pipeline.kl.requests().length
      const r = await deliverAllDue(db, klaviyo, { now: () => clock })
      // The first 429 stops the batch: at most one request per concurrent sender, the rest wait.
      expect(pipeline.kl.requests().length - before).toBeLessThanOrEqual(4)
      expect(r.delivered).toBe(0)
      const pending = await db.selectFrom('deliveries').selectAll().where('state', '=', 'pending').execute()
      expect(pending.length).toBe(30)
      // Retry-After: 1 s at least, whatever the backoff says.
      expect(pending.every((d) => Number(d.next_attempt_at) >= clock + 1000)).toBe(true)
      clock += 10 * MINUTE
    }
    pipeline.kl.faults.set({})
    expect((await deliverAllDue(db, klaviyo, { now: () => clock })).delivered).toBe(30)
    await expectExactlyOnce(pipeline)
    expect(pipeline.stored().filter((e) => String(e.profile?.email).startsWith('storm'))).toHaveLength(30)
    expect(pipeline.kl.stats().throttled).toBeGreaterThanOrEqual(4)
  })
})
