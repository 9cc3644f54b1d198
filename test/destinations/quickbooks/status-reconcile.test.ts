/**
 * What a person sees of the QuickBooks destination: `status` (connection, documents, dead reasons),
 * `quickbooks documents` (per order) and `reconcile` / GET /api/reconcile (per day: documents of the
 * shipped orders, and why an order has none). Driven through the real pipeline: ShipStation simulator →
 * sync → the real QuickBooks destination → the QuickBooks simulator; CLI commands as child processes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DateTime } from 'luxon'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type ReconcileReport, reconcile } from '../../../src/reconcile/reconcile.js'
import { WebhookInbox } from '../../../src/runtime/webhook-inbox.js'
import { buildServer } from '../../../src/server/app.js'
import {
  DEFAULT_CLIENT,
  type QuickBooksSimulator,
  startQuickBooksSimulator,
} from '../../../src/simulators/quickbooks/index.js'
import { orderTotal } from '../../../src/simulators/shipstation/factory.js'
import type { Order } from '../../../src/simulators/shipstation/model.js'
import { quickBooksConnection } from '../../../src/store/quickbooks-status.js'
import { runCli } from '../../helpers/cli.js'
import { forEachDatabase } from '../../helpers/databases.js'
import { type Pipeline, silentLogger, startPipeline } from '../../helpers/pipeline.js'
import { connectDatabase, REALM } from './helpers.js'

const KEY = 'cd'.repeat(32)
const TZ = 'America/New_York'
/** The Klaviyo destination's API key: a configured secret, so status must never print it. */
const KLAVIYO_KEY = 'pk_test_shiprelay'
/** Tests running the CLI: each run starts node with tsx, seconds apiece on a busy machine. */
const CLI_TIMEOUT = 120_000

forEachDatabase('QuickBooks in status, documents and reconcile', (database) => {
  let sim: QuickBooksSimulator
  let p: Pipeline
  let file: string
  let env: Record<string, string>
  let saved: string | undefined
  const orders = {} as Record<'booked' | 'dead' | 'skipped' | 'voided' | 'parent' | 'part', Order>
  const today = () => DateTime.now().setZone(TZ)
  const range = () => ({
    from: today().minus({ days: 1 }).toFormat('yyyy-MM-dd'),
    to: today().toFormat('yyyy-MM-dd'),
  })

  beforeAll(async () => {
    saved = process.env.SHIPRELAY_SECRET_KEY
    process.env.SHIPRELAY_SECRET_KEY = KEY
    sim = await startQuickBooksSimulator({ limits: { perMinute: 100_000, perSecond: 10_000 } })
    // Only the first store's orders are booked; the ShipStation simulator's stores are fixed by its seed.
    const probe = await startPipeline(database, { shipstation: { orders: 6, seed: 71 } })
    const [bookedStore, otherStore] = probe.ss.world.stores
    await probe.dispose()
    p = await startPipeline(database, {
      shipstation: { orders: 6, seed: 71 },
      destinationYaml: `  - id: books
    type: quickbooks
    realmId: "${REALM}"
    clientId: ${DEFAULT_CLIENT.clientId}
    clientSecret: ${DEFAULT_CLIENT.clientSecret}
    endpoints: { api: ${sim.url}, bearer: ${sim.oauthUrls.token}, revoke: ${sim.oauthUrls.revoke} }
    missingItem: dead
    stores: ["${bookedStore!.storeName}"]
`,
    })
    await connectDatabase(p.relay.store.db, sim)
    await p.cycle() // the backfill: history, not booked
    const w = p.ss.world
    const order = (sku: string, storeId = bookedStore!.storeId, quantity = 1) =>
      w.createOrder({
        status: 'awaiting_shipment',
        storeId,
        items: [{ sku, name: `Item ${sku}`, quantity, unitPrice: 19.99 }],
      })
    orders.booked = order('MUG-BLUE')
    orders.dead = order(`NOPE-${KLAVIYO_KEY}`)
    orders.skipped = order('MUG-BLUE', otherStore!.storeId)
    orders.voided = order('MUG-BLUE')
    // A split order: both parts ship, one document under the parent's number covers them.
    orders.parent = order('MUG-BLUE', bookedStore!.storeId, 2)
    orders.part = w.split(orders.parent.orderId)
    for (const o of Object.values(orders)) w.createLabel(o.orderId)
    await p.cycle()
    // The voided order: its label voided, the order cancelled, so its document is voided.
    const label = [...w.shipments.values()].find((s) => s.orderId === orders.voided.orderId)!
    w.voidLabel(label.shipmentId)
    w.cancel(orders.voided.orderId)
    await p.cycle()
    const dir = mkdtempSync(join(tmpdir(), 'shiprelay-qb-status-'))
    file = join(dir, 'shiprelay.yaml')
    writeFileSync(file, p.yaml)
    env = { ...p.env, SHIPRELAY_SECRET_KEY: KEY }
  }, CLI_TIMEOUT)

  afterAll(async () => {
    await p?.dispose()
    await sim?.close()
    if (saved === undefined) delete process.env.SHIPRELAY_SECRET_KEY
    else process.env.SHIPRELAY_SECRET_KEY = saved
  })

  const books = (report: ReconcileReport) =>
    report.days.flatMap((d) => d.destinations.filter((x) => x.destinationId === 'books'))

  it('reconcile: per day, documents of the shipped orders and why the others have none', async () => {
    const report = await reconcile(p.relay.store.db, p.relay.accounts[0]!.client, {
      accountId: 'main',
      ...range(),
      timeZone: TZ,
      destinationIds: ['klaviyo', 'books'],
      quickbooks: [{ destinationId: 'books', bookOn: 'Order Shipped' }],
    })
    const qb = books(report).map((d) => d.quickbooks!)
    const inState = (state: string) =>
      qb.flatMap((d) => d.documents.filter((g) => g.state === state).flatMap((g) => g.orders))
    const why = (order: Order) =>
      qb.flatMap((d) =>
        d.withoutDocument.filter((g) => g.orders.includes(order.orderNumber)).map((g) => g.why),
      )

    const booked = inState('booked').find((d) => d.orderNumber === orders.booked.orderNumber)
    const inSim = [...sim.read.entities(REALM, 'SalesReceipt'), ...sim.read.entities(REALM, 'Invoice')].find(
      (e) => (e as { DocNumber?: string }).DocNumber === orders.booked.orderNumber,
    ) as { Id: string } | undefined
    expect(inSim).toBeDefined()
    expect(booked).toMatchObject({ orderKey: `main:${orders.booked.orderNumber}`, docId: inSim!.Id })
    expect(inState('voided').map((d) => d.orderNumber)).toEqual([orders.voided.orderNumber])
    const split = inState('booked').filter((d) =>
      [orders.parent.orderNumber, orders.part.orderNumber].includes(d.orderNumber),
    )
    expect(split.map((d) => d.orderKey)).toEqual([
      `main:${orders.parent.orderNumber}`,
      `main:${orders.parent.orderNumber}`,
    ])
    expect(new Set(split.map((d) => d.docId)).size).toBe(1)
    expect(why(orders.dead)).toEqual([
      expect.stringMatching(/^dead: item .*"NOPE-pk_test_shiprelay" is not in QuickBooks/),
    ])
    expect(why(orders.skipped)).toEqual(['skipped: filtered: store'])
    expect(report.days.every((d) => d.unexplained === 0)).toBe(true)
    // Klaviyo's part is as before: each shipped event of the day has its delivery state.
    for (const day of report.days) {
      const k = day.destinations.find((x) => x.destinationId === 'klaviyo')!
      const count = (groups: { orders: string[] }[]) => groups.reduce((n, g) => n + g.orders.length, 0)
      expect(k.quickbooks).toBeUndefined()
      expect(k.delivered + k.pending + count(k.dead) + count(k.skipped)).toBe(day.events)
    }
  })

  it(
    'status shows the connection, documents by type and state, and dead reasons, redacted',
    async () => {
      const json = await runCli(['status', '-c', file, '--json'], env)
      expect(json.stderr).toBe('')
      const parsed = JSON.parse(json.stdout) as {
        destinations: {
          destinationId: string
          quickbooks?: {
            connection: { state: string }
            documents: { docType: string; state: string; count: number }[]
          }
          dead: { reason: string; orders: string[] }[]
        }[]
      }
      const qb = parsed.destinations.find((d) => d.destinationId === 'books')!
      expect(qb.quickbooks?.connection).toEqual({ state: 'connected' })
      expect(await quickBooksConnection(p.relay.store.db, '4620816365000000001')).toEqual({
        state: 'not connected',
      })
      const documents = qb.quickbooks!.documents
      expect(documents.reduce((n, c) => n + c.count, 0)).toBe(3)
      expect(documents.filter((c) => c.state === 'voided').map((c) => c.count)).toEqual([1])
      expect(qb.dead).toEqual([
        {
          reason: expect.stringContaining('"NOPE-[redacted]" is not in QuickBooks'),
          count: 1,
          orders: [orders.dead.orderNumber],
        },
      ])
      expect(json.stdout).not.toContain(KLAVIYO_KEY)

      const disconnect = await runCli(['quickbooks', 'disconnect', '-c', file], env)
      expect(disconnect.code).toBe(0)
      const text = await runCli(['status', '-c', file], env)
      expect(text.code).toBe(0)
      expect(text.stdout).toContain(
        `company     ${REALM}: reconnect needed: disconnected by \`shiprelay quickbooks disconnect\``,
      )
      expect(text.stdout).toMatch(/documents {3}.*(SalesReceipt|Invoice) booked 2\b/)
      expect(text.stdout).toMatch(/documents {3}.*(SalesReceipt|Invoice) voided 1\b/)
      expect(text.stdout).toContain(`(orders #${orders.dead.orderNumber})`)
      expect(text.stdout).toContain('NOPE-[redacted]')
      expect(text.stdout).not.toContain(KLAVIYO_KEY)
    },
    CLI_TIMEOUT,
  )

  it(
    'quickbooks documents: the document of an order, or why it has none',
    async () => {
      const documents = (...args: string[]) => runCli(['quickbooks', 'documents', '-c', file, ...args], env)
      const [json, part, dead, all] = await Promise.all([
        documents('--order', orders.booked.orderNumber, '--json'),
        documents('--order', orders.part.orderNumber, '--json'),
        documents('--order', orders.dead.orderNumber),
        documents(),
      ])
      expect(json.stderr).toBe('')
      const parsed = JSON.parse(json.stdout) as {
        documents: { orderKey: string; docNumber: string; state: string; total: string }[]
        withoutDocument: unknown[]
      }
      expect(parsed.documents).toEqual([
        expect.objectContaining({
          orderKey: `main:${orders.booked.orderNumber}`,
          docNumber: orders.booked.orderNumber,
          state: 'booked',
          total: orderTotal(orders.booked).toFixed(2),
        }),
      ])
      expect(parsed.withoutDocument).toEqual([])

      // A split part finds the document booked under its parent's number.
      expect(
        (JSON.parse(part.stdout) as { documents: { orderKey: string; state: string }[] }).documents,
      ).toEqual([expect.objectContaining({ orderKey: `main:${orders.parent.orderNumber}`, state: 'booked' })])

      expect(dead.stdout).toMatch(
        new RegExp(
          `^books: order #${orders.dead.orderNumber} \\(account main\\) has no document: dead: item .*"NOPE-\\[redacted\\]" is not in QuickBooks`,
        ),
      )
      const rows = all.stdout.trim().split('\n')
      expect(rows[0]).toMatch(/^destination +order key +type +id +DocNumber +state +total +updated$/)
      expect(
        rows
          .slice(1)
          .map((r) => r.split(/ +/)[5])
          .sort(),
      ).toEqual(['booked', 'booked', 'voided'])
    },
    CLI_TIMEOUT,
  )

  it('GET /api/reconcile: the QuickBooks part as JSON, errors naming the query parameters', async () => {
    const app = buildServer({
      relay: p.relay,
      inbox: new WebhookInbox(p.relay, silentLogger),
      logger: silentLogger,
      webhookTokens: new Map(),
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    try {
      const address = app.server.address()
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/api/reconcile`
      const get = async (query: string) => {
        const response = await fetch(`${base}?${query}`)
        return { status: response.status, body: (await response.json()) as Record<string, unknown> }
      }
      const { from, to } = range()
      const ok = await get(`from=${from}&to=${to}&tz=${encodeURIComponent(TZ)}`)
      expect(ok.status).toBe(200)
      const voided = books(ok.body as unknown as ReconcileReport).flatMap(
        (d) => d.quickbooks?.documents.filter((g) => g.state === 'voided').flatMap((g) => g.orders) ?? [],
      )
      expect(voided.map((o) => o.orderNumber)).toEqual([orders.voided.orderNumber])
      expect(await get(`from=2026-13-01&to=${to}`)).toEqual({
        status: 400,
        body: { error: 'from= must be a date, yyyy-MM-dd' },
      })
      expect((await get('from=2026-11-05&to=2026-11-01')).body).toEqual({ error: 'to= is before from=' })
      expect((await get(`from=${from}&to=${to}&tz=Mars/Base`)).body).toEqual({
        error: 'tz=: unknown time zone "Mars/Base"',
      })
      expect((await get(`from=${from}`)).body.error).toBe(
        'from= and to= are required query parameters (yyyy-MM-dd)',
      )
      expect((await get(`account=nope&from=${from}&to=${to}`)).body.error).toBe(
        'account=nope is not a configured account',
      )
    } finally {
      await app.close()
    }
  })

  it(
    'reconcile CLI: the QuickBooks lines; exit 1 once an order has no document and no delivery',
    async () => {
      // Shipped while the company is disconnected (the status test disconnected it): waits as pending.
      const waiting = p.ss.world.createOrder({
        status: 'awaiting_shipment',
        storeId: p.ss.world.stores[0]!.storeId,
        items: [{ sku: 'MUG-BLUE', name: 'Mug', quantity: 1, unitPrice: 19.99 }],
      })
      p.ss.world.createLabel(waiting.orderId)
      await p.cycle()
      const { from, to } = range()
      const args = ['reconcile', '-c', file, '--from', from, '--to', to, '--tz', TZ]
      const ok = await runCli(args, env)
      expect(ok.stderr).toBe('')
      expect(ok.code).toBe(0)
      expect(ok.stdout).toMatch(/books documents: \d+ booked, 1 voided; 3 shipped without a document/)
      expect(ok.stdout).toContain(
        `books no document 1 (pending: reconnect needed: disconnected by \`shiprelay quickbooks disconnect\`; run \`shiprelay quickbooks connect\`): #${waiting.orderNumber}`,
      )
      expect(ok.stdout).toContain(`books voided 1: #${orders.voided.orderNumber} (`)
      expect(ok.stdout).toContain(
        `books no document 1 (skipped: filtered: store): #${orders.skipped.orderNumber}`,
      )
      expect(ok.stdout).toMatch(
        new RegExp(
          `books no document 1 \\(dead: item .*"NOPE-\\[redacted\\]" is not in QuickBooks.*\\): #${orders.dead.orderNumber}\n`,
        ),
      )
      expect(ok.stdout).not.toContain(KLAVIYO_KEY)

      // A booking event that lost its delivery row: nothing explains the missing document.
      const event = await p.relay.store.db
        .selectFrom('events')
        .select('id')
        .where('order_id', '=', orders.dead.orderId)
        .where('name', '=', 'Order Shipped')
        .executeTakeFirstOrThrow()
      await p.relay.store.db
        .deleteFrom('deliveries')
        .where('event_id', '=', event.id)
        .where('destination_id', '=', 'books')
        .execute()
      const broken = await runCli(args, env)
      expect(broken.code).toBe(1)
      expect(broken.stdout).toContain(`books UNEXPLAINED: #${orders.dead.orderNumber} without a document`)
    },
    CLI_TIMEOUT,
  )
})
