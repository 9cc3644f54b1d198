/**
 * Token rotation through the pipeline (tokens.test.ts covers one destination on a memory store): the
 * QuickBooks simulator expires the access token twice while a sync books the world, with concurrent
 * creates in flight; every refresh rotates the refresh token and the superseded one stops working at
 * once (no grace), so only the rotated token stored in the database keeps the realm connected. Each
 * expiry costs exactly one refresh, every order is booked once, the stored refresh token is the
 * simulator's current one, and after a restart (a new Relay reading the database) a further expiry is
 * refreshed with it.
 */
import { afterEach, beforeEach, expect, it } from 'vitest'
import { SecretBox } from '../../../src/destinations/quickbooks/secret-box.js'
import type { QuickBooksSimulator } from '../../../src/simulators/quickbooks/index.js'
import { DatabaseTokenStore } from '../../../src/store/quickbooks-tokens.js'
import { forEachDatabase } from '../../helpers/databases.js'
import { type Pipeline, startPipeline } from '../../helpers/pipeline.js'
import { connectDatabase, REALM, simulator } from './helpers.js'
import { backfillFrom, expectBookedOnce, quickBooksYaml, shippedRoots } from './through-pipeline.js'

const KEY = '7a'.repeat(32)

const refreshes = (qb: QuickBooksSimulator) =>
  qb.requests().filter((r) => r.operation === 'refresh_token' && r.status === 200).length
const currentRefreshToken = (qb: QuickBooksSimulator) =>
  qb.tokens.list().filter((t) => t.kind === 'refresh' && t.state === 'active')

forEachDatabase('QuickBooks: token rotation mid-run through the pipeline', (database) => {
  let pipeline: Pipeline | undefined
  let saved: string | undefined
  beforeEach(() => {
    saved = process.env.SHIPRELAY_SECRET_KEY
    process.env.SHIPRELAY_SECRET_KEY = KEY
  })
  afterEach(async () => {
    await pipeline?.dispose()
    pipeline = undefined
    if (saved === undefined) delete process.env.SHIPRELAY_SECRET_KEY
    else process.env.SHIPRELAY_SECRET_KEY = saved
  })

  it('books everything once across expiries, one refresh each, the rotated refresh token stored and used after a restart', async () => {
    const qb = await simulator({
      realms: [{ realmId: REALM, settings: { duplicateDocNumberCheck: false } }],
      tokens: { refreshGraceMs: 0 },
    })
    // The access token expires as the 5th and the 15th document create leaves shiprelay.
    let creates = 0
    const expireOnCreate = new Set([5, 15])
    const expiring: typeof fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input)
      if (init?.method === 'POST' && /\/v3\/company\/\d+\/(salesreceipt|invoice)\?/.test(url)) {
        creates++
        if (expireOnCreate.has(creates)) expect(qb.tokens.expire()).toBeGreaterThan(0)
      }
      return fetch(input, init)
    }
    const p = await startPipeline(database, {
      shipstation: { orders: 30, seed: 31 },
      destinationYaml: quickBooksYaml(qb),
      fetch: expiring,
    })
    pipeline = p
    await connectDatabase(p.relay.store.db, qb, Date.now())
    const store = new DatabaseTokenStore(p.relay.store.db, SecretBox.fromEnv())
    const issued = (await store.load(REALM))!.tokens.refreshToken

    await p.cycle()
    expect(creates).toBeGreaterThan(15)
    expect(qb.requests().filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(2)
    expect(refreshes(qb)).toBe(2)
    expectBookedOnce(qb, shippedRoots(p.ss, await backfillFrom(p)))
    const stored = (await store.load(REALM))!
    expect(stored.reconnectReason).toBeNull()
    expect(stored.tokens.refreshToken).not.toBe(issued)
    expect(currentRefreshToken(qb).map((t) => t.token)).toEqual([stored.tokens.refreshToken])

    // A restart reads the stored tokens; the superseded ones would be refused (invalid_grant).
    await p.restart()
    for (let i = 0; i < 3; i++) {
      const order = p.ss.world.createOrder({ status: 'awaiting_shipment' })
      p.ss.world.createLabel(order.orderId)
    }
    expect(qb.tokens.expire()).toBeGreaterThan(0)
    await p.cycle()
    expect(refreshes(qb)).toBe(3)
    const pending = await p.relay.store.db
      .selectFrom('deliveries')
      .select(['event_id', 'reason'])
      .where('state', '!=', 'delivered')
      .where('state', '!=', 'skipped')
      .execute()
    expect(pending).toEqual([])
    expectBookedOnce(qb, shippedRoots(p.ss, await backfillFrom(p)))
    const after = (await new DatabaseTokenStore(p.relay.store.db, SecretBox.fromEnv()).load(REALM))!
    expect(after.reconnectReason).toBeNull()
    expect(currentRefreshToken(qb).map((t) => t.token)).toEqual([after.tokens.refreshToken])
  }, 120_000)
})
