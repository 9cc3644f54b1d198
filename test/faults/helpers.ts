/** Checks the fault scenarios share: exactly-once against the store, cursors against the data. */
import { expect } from 'vitest'
import { formatPacific7 } from '../../src/lib/pacific-time.js'
import { ShipStationClient } from '../../src/source/shipstation/http-client.js'
import { RateGovernor } from '../../src/source/shipstation/rate-governor.js'
import { wallTime } from '../../src/source/shipstation/streams.js'
import { runSyncCycle } from '../../src/sync/account-sync.js'
import type { Pipeline } from '../helpers/pipeline.js'

/**
 * Every event shiprelay logged for Klaviyo (not skipped) is stored there exactly once, nothing else is
 * stored, and no delivery is left pending or dead.
 */
export async function expectExactlyOnce(p: Pipeline): Promise<void> {
  const { db } = p.relay.store
  const rows = await db.selectFrom('deliveries').select(['event_id', 'state', 'reason']).execute()
  const stuck = rows.filter((r) => r.state !== 'delivered' && r.state !== 'skipped')
  expect(stuck, 'deliveries neither delivered nor skipped').toEqual([])
  const sent = rows.filter((r) => r.state === 'delivered').map((r) => r.event_id)
  const stored = p.stored().map((e) => e.uniqueId)
  expect(new Set(stored).size, 'an event stored twice in Klaviyo').toBe(stored.length)
  expect([...stored].sort()).toEqual([...sent].sort())
}

/** A record's ShipStation time as cursors hold it: wall-time encoding, whole seconds. */
export const cursorSecond = (ms: number) => Math.floor(wallTime(formatPacific7(ms)) / 1000) * 1000

/**
 * The orders cursor against the data: every order stamped before it is stored in its current version,
 * and the cursor is the second of the newest order stored — not one second further.
 */
export async function expectOrdersCursorHonest(p: Pipeline): Promise<number> {
  const { db } = p.relay.store
  const state = await db.selectFrom('account_state').select('orders_cursor').executeTakeFirstOrThrow()
  const cursor = Number(state.orders_cursor)
  const stored = new Map(
    (await db.selectFrom('orders').select(['order_id', 'modify_ms']).execute()).map((r) => [
      Number(r.order_id),
      Number(r.modify_ms),
    ]),
  )
  const orders = [...p.ss.world.orders.values()].filter((o) => !o.deleted)
  const behind = orders.filter((o) => cursorSecond(o.modifyDate) < cursor)
  const unprocessed = behind.filter((o) => stored.get(o.orderId) !== wallTime(formatPacific7(o.modifyDate)))
  expect(
    unprocessed.map((o) => o.orderNumber),
    'orders behind the cursor but not stored',
  ).toEqual([])
  expect(cursor).toBe(
    cursorSecond(Math.max(...orders.filter((o) => stored.has(o.orderId)).map((o) => o.modifyDate))),
  )
  return cursor
}

/**
 * A sync cycle with a client that gives up quickly (3 attempts, 1 ms backoff, short timeout), so a test
 * can make a cycle fail in well under a second; the relay's own client retries for much longer. `sleep`
 * replaces the waits for rate-limit windows (to record them instead of sitting them out).
 */
export function quickCycle(
  p: Pipeline,
  fetchImpl?: typeof fetch,
  options: { timeoutMs?: number; sleep?: (ms: number) => Promise<void> } = {},
) {
  const account = p.relay.accounts[0]!
  const client = new ShipStationClient({
    baseUrl: p.ss.url,
    apiKey: p.ss.world.apiKey,
    apiSecret: 'test-ss-secret',
    governor: new RateGovernor({ reserve: 0, sleep: options.sleep }),
    maxAttempts: 3,
    backoffMs: 1,
    timeoutMs: options.timeoutMs ?? 300,
    fetch: fetchImpl,
    sleep: options.sleep,
  })
  return runSyncCycle({
    accountId: account.id,
    backfillDays: account.backfillDays,
    client,
    db: p.relay.store.db,
    routes: p.relay.routes,
  })
}
