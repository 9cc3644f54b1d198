import { DateTime } from 'luxon'
import { afterEach, expect, it } from 'vitest'
import { render } from '../../src/cli/commands/reconcile.js'
import { ReconcileInputError, reconcile } from '../../src/reconcile/reconcile.js'
import { forEachDatabase } from '../helpers/databases.js'
import { type Pipeline, startPipeline } from '../helpers/pipeline.js'

const TZ = 'America/New_York'

forEachDatabase('reconcile', (database) => {
  let p: Pipeline | undefined
  afterEach(async () => {
    await p?.dispose()
    p = undefined
  })

  it('explains every difference between ShipStation, the event log and Klaviyo, day by day', async () => {
    const probe = await startPipeline(database, { shipstation: { orders: 150, seed: 61 } })
    const store = probe.ss.world.stores[0]!.storeName
    await probe.dispose()
    p = await startPipeline(database, {
      shipstation: { orders: 150, seed: 61 },
      destinationYaml: `    stores: ["${store}"]\n`,
    })
    const w = p.ss.world
    const bad = w.createOrder({
      status: 'awaiting_shipment',
      email: 'not-an-email@@example',
      storeId: w.stores[0]!.storeId,
    })
    w.createLabel(bad.orderId)
    await p.cycle()
    p.kl.faults.set({ errorRate: 1, errorStatus: 503 })
    const pending = w.createOrder({
      status: 'awaiting_shipment',
      email: 'pending@example.com',
      storeId: w.stores[0]!.storeId,
    })
    w.createLabel(pending.orderId)
    await p.cycle()
    p.kl.faults.set({})
    const unsynced = w.createOrder({ status: 'awaiting_shipment', email: 'late@example.com' })
    w.createLabel(unsynced.orderId)

    const to = DateTime.now().setZone(TZ).toFormat('yyyy-MM-dd')
    const from = DateTime.now().setZone(TZ).minus({ days: 91 }).toFormat('yyyy-MM-dd')
    const account = p.relay.accounts[0]!
    const report = await reconcile(p.relay.store.db, account.client, {
      accountId: 'main',
      from,
      to,
      timeZone: TZ,
      destinationIds: ['klaviyo'],
    })

    // ShipStation's side, computed here from the simulator's own records.
    const firstShipped = new Map<number, number>()
    for (const s of w.shipments.values()) {
      if (s.voided || s.isReturnLabel) continue
      firstShipped.set(
        s.orderId,
        Math.min(firstShipped.get(s.orderId) ?? Number.POSITIVE_INFINITY, s.createDate),
      )
    }
    for (const f of w.fulfillments.values()) {
      if (f.voided) continue
      firstShipped.set(
        f.orderId,
        Math.min(firstShipped.get(f.orderId) ?? Number.POSITIVE_INFINITY, f.createDate),
      )
    }
    const start = DateTime.fromISO(from, { zone: TZ }).toMillis()
    const perDay = new Map<string, number>()
    for (const at of firstShipped.values()) {
      if (at < start) continue
      const day = DateTime.fromMillis(at, { zone: TZ }).toFormat('yyyy-MM-dd')
      perDay.set(day, (perDay.get(day) ?? 0) + 1)
    }
    for (const day of report.days) {
      expect(day.shipstationShipped, day.day).toBe(perDay.get(day.day) ?? 0)
      expect(day.unexplained).toBe(0)
      expect(day.shipstationShipped - day.missingEvents.length + day.extraEvents.length).toBe(day.events)
      const k = day.destinations[0]!
      const count = (groups: { orders: string[] }[]) => groups.reduce((n, g) => n + g.orders.length, 0)
      expect(k.delivered + k.pending + count(k.dead) + count(k.skipped)).toBe(day.events)
    }
    const all = report.days.flatMap((d) => d.destinations[0]!)
    const reasons = new Set(all.flatMap((d) => d.skipped.map((s) => s.reason)))
    expect(reasons).toContain('filtered: store')
    expect(all.flatMap((d) => d.dead.flatMap((g) => g.orders))).toContain(bad.orderNumber)
    expect(all.reduce((n, d) => n + d.pending, 0)).toBe(1)
    expect(report.days.flatMap((d) => d.missingEvents)).toContain(unsynced.orderNumber)
    const text = render(report)
    expect(text).toContain(`no event yet for 1 shipped orders (not synced yet?): #${unsynced.orderNumber}`)
    expect(text).toMatch(/klaviyo skipped \d+ \(filtered: store\)/)
  })

  it('rejects a bad range or time zone with a clear error', async () => {
    p = await startPipeline(database, { shipstation: { orders: 5, seed: 62 } })
    const run = (from: string, to: string, timeZone = TZ) =>
      reconcile(p!.relay.store.db, p!.relay.accounts[0]!.client, {
        accountId: 'main',
        from,
        to,
        timeZone,
        destinationIds: [],
      })
    await expect(run('2026-13-01', '2026-12-02')).rejects.toThrow(ReconcileInputError)
    await expect(run('2026-11-05', '2026-11-01')).rejects.toThrow('--to is before --from')
    await expect(run('2026-11-01', '2026-11-02', 'Mars/Base')).rejects.toThrow('unknown time zone')
  })
})
