/**
 * Crash anywhere, lose nothing: the real CLI is SIGKILLed in the middle of a backfill, restarted, and
 * the Klaviyo simulator must end up with every expected event exactly once.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { startCli } from '../helpers/cli.js'
import { forEachDatabase } from '../helpers/databases.js'
import { type Pipeline, startPipeline } from '../helpers/pipeline.js'

forEachDatabase('crash and restart', (database) => {
  let p: Pipeline | undefined
  afterEach(async () => {
    await p?.dispose()
    p = undefined
  })

  it('resumes a backfill killed mid-way and doubles nothing', async () => {
    p = await startPipeline(database, { shipstation: { orders: 3000, seed: 21, faults: { latencyMs: 40 } } })
    const dir = mkdtempSync(join(tmpdir(), 'shiprelay-crash-'))
    const file = join(dir, 'shiprelay.yaml')
    writeFileSync(file, p.yaml)
    const ordersRequests = () =>
      Object.values(p!.ss.stats().requests.byEndpoint['GET /orders'] ?? {}).reduce((a, b) => a + b, 0)

    const first = startCli(['sync', '--once', '-c', file], p.env)
    const deadline = Date.now() + 60_000
    while (ordersRequests() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    first.child.kill('SIGKILL')
    const killed = await first.done
    expect(killed.signal).toBe('SIGKILL')
    const stateAfterKill = await p.relay.store.db.selectFrom('account_state').select('phase').execute()
    expect(stateAfterKill.map((s) => s.phase)).toEqual(['backfill'])

    const second = await startCli(['sync', '--once', '-c', file], p.env).done
    expect(second.stderr).toBe('')
    expect(second.code).toBe(0)

    const orders = [...p.ss.world.orders.values()].filter((o) => !o.deleted)
    const mergedAway = new Set(orders.flatMap((o) => o.advancedOptions.mergedIds))
    const expected = orders.filter((o) => o.customerEmail && !mergedAway.has(o.orderId))
    const stored = p.stored()
    expect(new Set(stored.map((e) => e.uniqueId)).size).toBe(stored.length)
    expect(stored.length).toBe(expected.length)
    const events = await p.relay.store.db.selectFrom('events').select('id').execute()
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length)
    expect(second.stdout).toContain('0 pending, 0 dead')
  })
})
