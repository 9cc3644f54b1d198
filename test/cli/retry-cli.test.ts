/**
 * `shiprelay retry` as a person uses it, every command a child process: a QuickBooks delivery dead for
 * a missing item is requeued once the item exists and booked exactly once; a running `shiprelay run`
 * delivers a delivery requeued by another process. Pipeline: ShipStation simulator → sync → Klaviyo and
 * QuickBooks simulators.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { requeueFilter } from '../../src/cli/commands/retry.js'
import { UserError } from '../../src/cli/context.js'
import { parseConfig } from '../../src/config/load.js'
import {
  DEFAULT_CLIENT,
  type QuickBooksSimulator,
  startQuickBooksSimulator,
} from '../../src/simulators/quickbooks/index.js'
import type { Order } from '../../src/simulators/shipstation/model.js'
import { connectDatabase, REALM, writeAsUser } from '../destinations/quickbooks/helpers.js'
import { runCli, startCli } from '../helpers/cli.js'
import { forEachDatabase } from '../helpers/databases.js'
import { type Pipeline, startPipeline } from '../helpers/pipeline.js'

const KEY = 'ef'.repeat(32)
/** An item the seeded company has (booked without trouble), and one it lacks until the test adds it. */
const KNOWN_SKU = 'MUG-BLUE'
const MISSING_SKU = 'MUG-RETRY'

describe('shiprelay retry: flags', () => {
  const config = parseConfig(
    `database: "sqlite:${join(tmpdir(), 'shiprelay-retry-flags-never-opened.db')}"
accounts:
  - id: main
    shipstation: { apiKey: flags-key-0001, apiSecret: flags-secret-0001 }
destinations:
  - { id: klaviyo, type: klaviyo, apiKey: pk_test_flags }
  - { id: hook, type: klaviyo, apiKey: pk_test_flags2 }
`,
    'flags.yaml',
  )
  const refusal = (opts: Parameters<typeof requeueFilter>[0]) => {
    try {
      requeueFilter(opts, config)
    } catch (error) {
      expect(error).toBeInstanceOf(UserError)
      return (error as Error).message
    }
    return 'accepted'
  }

  it('an unknown destination and a retry of everything without --all fail with one line, exit 1, before any change', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shiprelay-retry-flags-'))
    const file = join(dir, 'shiprelay.yaml')
    writeFileSync(
      file,
      `database: "sqlite:${join(dir, 'never-opened.db')}"
accounts:
  - id: main
    shipstation: { apiKey: flags-key-0001, apiSecret: flags-secret-0001 }
destinations:
  - { id: klaviyo, type: klaviyo, apiKey: pk_test_flags }
`,
    )
    const unknown = await runCli(['retry', '-c', file, '--destination', 'ledger', '--all'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toBe(
      'shiprelay: --destination ledger is not a configured destination (configured: klaviyo)\n',
    )
    const unfiltered = await runCli(['retry', '-c', file, '--destination', 'klaviyo'])
    expect(unfiltered.code).toBe(1)
    expect(unfiltered.stderr).toMatch(
      /^shiprelay: name what to requeue .*or pass --all for every dead delivery/,
    )
    expect(existsSync(join(dir, 'never-opened.db'))).toBe(false)
  }, 60_000)

  it('names the flag at fault', () => {
    expect(refusal({ all: true })).toBe('--destination <id> is required')
    expect(refusal({ destination: 'hook' })).toMatch(/^name what to requeue/)
    expect(refusal({ destination: 'hook', all: true, order: '1001' })).toBe(
      '--all cannot be combined with --account, --order, --reason or --event',
    )
    expect(refusal({ destination: 'hook', reason: ' ' })).toBe('--reason must not be empty')
    expect(refusal({ destination: 'hook', order: '' })).toBe('--order must not be empty')
    expect(refusal({ destination: 'hook', account: 'other' })).toBe(
      '--account other is not a configured account',
    )
    expect(refusal({ destination: 'books', order: '1001' })).toBe(
      '--destination books is not a configured destination (configured: klaviyo, hook)',
    )
    expect(requeueFilter({ destination: 'hook', all: true }, config)).toEqual({ destinationId: 'hook' })
    expect(
      requeueFilter(
        { destination: 'hook', account: 'main', order: '1001', reason: 'missing', event: 'e1' },
        config,
      ),
    ).toEqual({
      destinationId: 'hook',
      accountId: 'main',
      orderNumber: '1001',
      reason: 'missing',
      eventId: 'e1',
    })
  })
})

forEachDatabase('shiprelay retry', (database) => {
  let sim: QuickBooksSimulator
  let p: Pipeline
  let file: string
  let env: Record<string, string>
  let saved: string | undefined
  let dead: Order
  let booked: Order

  const retry = (...args: string[]) => runCli(['retry', '-c', file, ...args], env)
  const delivery = async (order: Order, destination: string) => {
    const rows = await p.relay.store.db
      .selectFrom('deliveries')
      .innerJoin('events', 'events.id', 'deliveries.event_id')
      .select(['deliveries.state', 'deliveries.reason', 'deliveries.attempts', 'events.name'])
      .where('events.order_id', '=', order.orderId)
      .where('deliveries.destination_id', '=', destination)
      .where('events.name', '=', 'Order Shipped')
      .execute()
    expect(rows).toHaveLength(1)
    return rows[0]!
  }
  /** Sales documents in the simulated company numbered like `order`. */
  const documentsOf = (order: Order) =>
    [...sim.read.entities(REALM, 'SalesReceipt'), ...sim.read.entities(REALM, 'Invoice')].filter(
      (d) => (d as { DocNumber?: string }).DocNumber === order.orderNumber,
    )

  beforeAll(async () => {
    saved = process.env.SHIPRELAY_SECRET_KEY
    process.env.SHIPRELAY_SECRET_KEY = KEY
    sim = await startQuickBooksSimulator({ limits: { perMinute: 100_000, perSecond: 10_000 } })
    p = await startPipeline(database, {
      shipstation: { orders: 4, seed: 83 },
      destinationYaml: `  - id: books
    type: quickbooks
    realmId: "${REALM}"
    clientId: ${DEFAULT_CLIENT.clientId}
    clientSecret: ${DEFAULT_CLIENT.clientSecret}
    endpoints: { api: ${sim.url}, bearer: ${sim.oauthUrls.token}, revoke: ${sim.oauthUrls.revoke} }
    missingItem: dead
`,
    })
    await connectDatabase(p.relay.store.db, sim)
    await p.cycle() // the backfill: history, not booked
    const item = (sku: string) => [{ sku, name: `Item ${sku}`, quantity: 1, unitPrice: 12.5 }]
    dead = p.ss.world.createOrder({ status: 'awaiting_shipment', items: item(MISSING_SKU) })
    booked = p.ss.world.createOrder({ status: 'awaiting_shipment', items: item(KNOWN_SKU) })
    p.ss.world.createLabel(dead.orderId)
    p.ss.world.createLabel(booked.orderId)
    await p.cycle()
    const dir = mkdtempSync(join(tmpdir(), 'shiprelay-retry-'))
    file = join(dir, 'shiprelay.yaml')
    writeFileSync(file, p.yaml)
    env = { ...p.env, SHIPRELAY_SECRET_KEY: KEY }
  }, 60_000)

  afterAll(async () => {
    await p?.dispose()
    await sim?.close()
    if (saved === undefined) delete process.env.SHIPRELAY_SECRET_KEY
    else process.env.SHIPRELAY_SECRET_KEY = saved
  })

  it('requeues the dead QuickBooks delivery once the item exists: booked once, nothing else re-sent', async () => {
    const before = await delivery(dead, 'books')
    expect(before.state).toBe('dead')
    expect(before.reason).toContain(`"${MISSING_SKU}" is not in QuickBooks (missingItem: dead)`)
    expect((await delivery(booked, 'books')).state).toBe('delivered')
    expect(documentsOf(dead)).toHaveLength(0)
    expect(documentsOf(booked)).toHaveLength(1)
    const klaviyoBefore = p.stored().length

    const dry = await retry('--destination', 'books', '--reason', 'missingItem: dead', '--dry-run')
    expect(dry.stderr).toBe('')
    expect(dry.code).toBe(0)
    expect(dry.stdout).toBe(
      `books: would requeue 1 dead delivery (order #${dead.orderNumber}); dry run, nothing changed\n`,
    )
    expect(await delivery(dead, 'books')).toEqual(before)

    // The person creates the item in QuickBooks, as the reason asks.
    const income = (sim.read.entities(REALM, 'Account') as { Id: string; AccountType?: string }[]).find(
      (a) => a.AccountType === 'Income',
    )!
    const created = await writeAsUser(sim, 'item', {
      Name: MISSING_SKU,
      Type: 'NonInventory',
      IncomeAccountRef: { value: income.Id },
    })
    expect(created.status).toBe(200)

    const requeued = await retry('--destination', 'books', '--reason', 'missingItem: dead', '--json')
    expect(requeued.code).toBe(0)
    expect(JSON.parse(requeued.stdout)).toEqual({
      destination: 'books',
      dryRun: false,
      count: 1,
      orders: [dead.orderNumber],
    })
    expect(await delivery(dead, 'books')).toMatchObject({
      state: 'pending',
      attempts: 0,
      reason: `retry requested (was: ${before.reason})`,
    })
    const status = await runCli(['status', '-c', file, '--json'], env)
    const books = (
      JSON.parse(status.stdout) as {
        destinations: { destinationId: string; pending: number; dead: unknown[] }[]
      }
    ).destinations.find((d) => d.destinationId === 'books')!
    expect(books).toMatchObject({ pending: 1, dead: [] })

    const sync = await runCli(['sync', '--once', '-c', file], env)
    expect(sync.stderr).toBe('')
    expect(sync.code).toBe(0)
    expect(await delivery(dead, 'books')).toMatchObject({ state: 'delivered', reason: null, attempts: 1 })
    expect(documentsOf(dead)).toHaveLength(1)
    expect(documentsOf(booked)).toHaveLength(1)
    expect(p.stored()).toHaveLength(klaviyoBefore)

    // Nothing dead is left: a second retry requeues nothing, a second sync books nothing.
    const again = await retry('--destination', 'books', '--order', dead.orderNumber)
    expect(again.code).toBe(0)
    expect(again.stdout).toBe('books: no dead deliveries match; nothing requeued\n')
    expect((await runCli(['sync', '--once', '-c', file], env)).code).toBe(0)
    expect(documentsOf(dead)).toHaveLength(1)
  }, 180_000)

  it('a company whose subscription ended: dead with 6190; renewed and retried, booked once', async () => {
    sim.read.setSettings(REALM, { status: 'subscriptionEnded' })
    const order = p.ss.world.createOrder({
      status: 'awaiting_shipment',
      items: [{ sku: KNOWN_SKU, name: 'Item', quantity: 2, unitPrice: 12.5 }],
    })
    p.ss.world.createLabel(order.orderId)
    await p.cycle()
    const before = await delivery(order, 'books')
    expect(before.state).toBe('dead')
    expect(before.reason).toMatch(/^QuickBooks 400 6190 /)
    expect(documentsOf(order)).toHaveLength(0)

    sim.read.setSettings(REALM, { status: 'active' })
    const requeued = await retry('--destination', 'books', '--reason', 'QuickBooks 400 6190')
    expect(requeued.code).toBe(0)
    expect(requeued.stdout).toContain(`books: requeued 1 dead delivery (order #${order.orderNumber})`)
    const sync = await runCli(['sync', '--once', '-c', file], env)
    expect(sync.code).toBe(0)
    expect(await delivery(order, 'books')).toMatchObject({ state: 'delivered', reason: null })
    expect(documentsOf(order)).toHaveLength(1)
  }, 120_000)

  it('a running `shiprelay run` delivers what another process requeued', async () => {
    const email = 'requeued-while-running@example.com'
    const order = p.ss.world.createOrder({ status: 'awaiting_shipment', email })
    await p.relay.syncAll()
    // Stands in for an event Klaviyo refused (e.g. a profile it judged invalid), since fixed there.
    const event = await p.relay.store.db
      .selectFrom('events')
      .select('id')
      .where('order_id', '=', order.orderId)
      .executeTakeFirstOrThrow()
    await p.relay.store.db
      .updateTable('deliveries')
      .set({ state: 'dead', attempts: 1, reason: 'Klaviyo 400: Invalid phone number' })
      .where('event_id', '=', event.id)
      .where('destination_id', '=', 'klaviyo')
      .execute()
    const arrivedFor = (address: string) => p.stored().filter((e) => e.profile?.email === address)
    const waitFor = async (done: () => boolean) => {
      const deadline = Date.now() + 20_000
      while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    }

    const run = startCli(['run', '-c', file], env)
    try {
      // An order made now reaches Klaviyo: the run's delivery loop is going, and passed the dead one by.
      const witness = 'witness@example.com'
      p.ss.world.createOrder({ status: 'awaiting_shipment', email: witness })
      await waitFor(() => arrivedFor(witness).length > 0)
      expect(arrivedFor(witness)).toHaveLength(1)
      expect(arrivedFor(email)).toHaveLength(0)

      const requeued = await retry('--destination', 'klaviyo', '--event', event.id)
      expect(requeued.code).toBe(0)
      expect(requeued.stdout).toContain(`klaviyo: requeued 1 dead delivery (order #${order.orderNumber})`)
      await waitFor(() => arrivedFor(email).length > 0)
      expect(arrivedFor(email)).toHaveLength(1)
    } finally {
      run.child.kill('SIGTERM')
    }
    expect((await run.done).code).toBe(0)
    const events = await runCli(['events', '-c', file, '--order', order.orderNumber, '--json'], env)
    const row = JSON.parse(events.stdout.trim().split('\n')[0]!) as {
      deliveries: { destinationId: string; state: string }[]
    }
    expect(row.deliveries.find((d) => d.destinationId === 'klaviyo')?.state).toBe('delivered')
  }, 120_000)
})
