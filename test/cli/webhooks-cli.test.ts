/** `run` with webhooks.publicUrl subscribes at ShipStation; `webhooks list|remove` manage it. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, startCli } from '../helpers/cli.js'
import { DATABASES } from '../helpers/databases.js'
import { freePort } from '../helpers/net.js'
import { type Pipeline, startPipeline } from '../helpers/pipeline.js'

describe('webhooks from the command line', () => {
  let p: Pipeline
  let file: string
  beforeAll(async () => {
    p = await startPipeline(DATABASES[0]!, {
      shipstation: { orders: 10, seed: 51 },
      accountYaml: '    pollInterval: 10m\n',
    })
    const port = await freePort()
    file = join(mkdtempSync(join(tmpdir(), 'shiprelay-hooks-')), 'shiprelay.yaml')
    writeFileSync(
      file,
      p.yaml.replace(
        'server: { port: 0 }',
        `server: { port: ${port} }\nwebhooks: { publicUrl: "http://127.0.0.1:${port}" }`,
      ),
    )
  })
  afterAll(async () => p.dispose())

  it('run subscribes once, receives webhooks, and `webhooks remove` takes only its own hooks away', async () => {
    p.ss.world.subscribe({
      url: 'https://other-app.example/hook',
      event: 'SHIP_NOTIFY',
      storeId: null,
      name: 'Other app',
    })
    const run = startCli(['run', '-c', file], p.env)
    try {
      const deadline = Date.now() + 20_000
      const subscribed = () =>
        [...p.ss.world.webhooks.values()].filter((h) => h.url.includes('/webhooks/shipstation/main/')).length
      while (subscribed() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      expect(subscribed()).toBe(3)
      // Let the backfill finish, then a new order must arrive through the webhook (polling is 10 min).
      while (
        !(await p.relay.store.db
          .selectFrom('account_state')
          .select('phase')
          .where('phase', '=', 'live')
          .executeTakeFirst()) &&
        Date.now() < deadline
      )
        await new Promise((r) => setTimeout(r, 50))
      p.ss.world.createOrder({ status: 'awaiting_shipment', email: 'hooked@example.com' })
      while (!p.stored().some((e) => e.profile?.email === 'hooked@example.com') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50))
      expect(p.stored().some((e) => e.profile?.email === 'hooked@example.com')).toBe(true)
    } finally {
      run.child.kill('SIGTERM')
      await run.done
    }

    const list = await runCli(['webhooks', 'list', '-c', file], p.env)
    expect(list.code).toBe(0)
    expect(list.stdout).toContain('account main: 4 webhooks')
    expect(list.stdout.match(/shiprelay /g)).toHaveLength(3)
    expect(list.stdout).toContain('[redacted]') // the secret path token is never printed
    const removed = await runCli(['webhooks', 'remove', '-c', file], p.env)
    expect(removed.stdout).toContain('account main: removed 3 shiprelay webhooks')
    expect([...p.ss.world.webhooks.values()].map((h) => h.url)).toEqual(['https://other-app.example/hook'])
  })
})
