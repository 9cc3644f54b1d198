/**
 * ShipStation simulator → sync → event log → QuickBooks simulator: real orders (random amounts, split
 * and merged orders, blank SKUs) book one document per marketplace order whose total is the sum of
 * its parts' ShipStation totals, and a second pass books nothing more. Until Relay passes `db` to createDestination, the destination is
 * built here on the relay's store. It runs at QuickBooks' real 10 requests a second, hence few orders.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import type { OrderEvent } from '../../../src/events/model.js'
import { forEachDatabase } from '../../helpers/databases.js'
import { type Pipeline, startPipeline } from '../../helpers/pipeline.js'
import { configuredDestination, connectDatabase, docs, simulator } from './helpers.js'

const KEY = 'ef'.repeat(32)

forEachDatabase('QuickBooks behind the real pipeline', (database) => {
  let pipeline: Pipeline
  let saved: string | undefined
  beforeEach(async () => {
    saved = process.env.SHIPRELAY_SECRET_KEY
    process.env.SHIPRELAY_SECRET_KEY = KEY
    pipeline = await startPipeline(database, { shipstation: { orders: 15, seed: 11 } })
  })
  afterEach(async () => {
    await pipeline.dispose()
    if (saved === undefined) delete process.env.SHIPRELAY_SECRET_KEY
    else process.env.SHIPRELAY_SECRET_KEY = saved
  })

  it('books each shipped order once with the ShipStation total', async () => {
    const sim = await simulator()
    await pipeline.cycle()
    const db = pipeline.relay.store.db
    await connectDatabase(db, sim)
    const destination = configuredDestination(sim, db, { sendHistory: true })
    const rows = await db.selectFrom('events').select('payload').orderBy('seq').execute()
    const events = rows.map((r) => JSON.parse(r.payload) as OrderEvent)
    const shipped = events.filter((e) => e.name === 'Order Shipped')
    expect(shipped.length).toBeGreaterThan(3)
    const outcomes = new Map()
    for (let i = 0; i < events.length; i += 25) {
      for (const [id, o] of await destination.send(events.slice(i, i + 25))) outcomes.set(id, o)
    }
    const problems = shipped.filter(
      (e) => outcomes.get(e.id)?.kind !== 'delivered' && outcomes.get(e.id)?.kind !== 'skipped',
    )
    expect(problems.map((e) => outcomes.get(e.id))).toEqual([])
    const booked = [...docs(sim, 'SalesReceipt'), ...docs(sim, 'Invoice')]
    const roots = new Set(shipped.map((e) => e.order.parentOrderNumber ?? e.order.orderNumber))
    expect(booked).toHaveLength(roots.size)
    // Every document is its whole marketplace order: the parts' ShipStation totals summed (merge).
    const rootOf = (e: OrderEvent) => e.order.parentOrderNumber ?? e.order.orderNumber
    const cancelled = new Set(events.filter((e) => e.name === 'Order Canceled').map(rootOf))
    const parts = new Map<string, Map<number, number>>()
    for (const e of shipped) {
      const byOrder = parts.get(rootOf(e)) ?? new Map<number, number>()
      byOrder.set(e.order.orderId, Math.round(e.order.value * 100))
      parts.set(rootOf(e), byOrder)
    }
    const checked = [...parts].filter(([root]) => !cancelled.has(root))
    expect(checked.length).toBeGreaterThan(3)
    expect(
      checked.some(([, byOrder]) => byOrder.size > 1),
      'the world has a split order',
    ).toBe(true)
    for (const [root, byOrder] of checked) {
      const doc = booked.find((d) => d.DocNumber === root.slice(-21))
      const cents = [...byOrder.values()].reduce((sum, c) => sum + c, 0)
      expect(Math.round((doc?.TotalAmt ?? 0) * 100), `order ${root}`).toBe(cents)
    }
    await destination.send(events)
    expect([...docs(sim, 'SalesReceipt'), ...docs(sim, 'Invoice')]).toHaveLength(roots.size)
  })
})
