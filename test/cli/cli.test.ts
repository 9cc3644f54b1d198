/** The CLI as a user runs it: real child processes against the simulators. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli, startCli } from '../helpers/cli.js'
import { DATABASES } from '../helpers/databases.js'
import { type Pipeline, startPipeline } from '../helpers/pipeline.js'

describe('shiprelay CLI', () => {
  let p: Pipeline
  let dir: string
  let file: string
  beforeAll(async () => {
    p = await startPipeline(DATABASES[0]!, { shipstation: { orders: 40, seed: 31 } })
    dir = mkdtempSync(join(tmpdir(), 'shiprelay-cli-'))
    file = join(dir, 'shiprelay.yaml')
    writeFileSync(file, p.yaml)
  })
  afterAll(async () => p.dispose())

  it('check validates the config and tries both credentials', async () => {
    const ok = await runCli(['check', '-c', file], p.env)
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/account main .*: ok, \d+ stores/)
    expect(ok.stdout).toContain('destination klaviyo (klaviyo): ok')

    const bad = await runCli(['check', '-c', file], { SS_SECRET: 'wrong-secret-123' })
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/account main .*: FAILED: ShipStation rejected the API key and secret/)
    expect(bad.stdout + bad.stderr).not.toContain('wrong-secret-123')
  })

  it('sync --once backfills and delivers, exit 0; status and events show the result', async () => {
    const sync = await runCli(['sync', '--once', '-c', file], p.env)
    expect(sync.stderr).toBe('')
    expect(sync.code).toBe(0)
    expect(sync.stdout).toMatch(/account main: \d+ orders read, \d+ new events \(backfill\)/)
    expect(sync.stdout).toMatch(/destination klaviyo: \d+ delivered, \d+ skipped, 0 pending, 0 dead/)

    const status = await runCli(['status', '-c', file, '--json'], p.env)
    const parsed = JSON.parse(status.stdout) as {
      accounts: { phase: string; ordersSeen: number }[]
      destinations: { delivered: number }[]
    }
    expect(parsed.accounts[0]).toMatchObject({ phase: 'live' })
    expect(parsed.accounts[0]!.ordersSeen).toBeGreaterThan(0)
    expect(parsed.destinations[0]!.delivered).toBe(p.stored().length)

    const events = await runCli(
      ['events', '-c', file, '--json', '--limit', '5', '--name', 'Order Shipped'],
      p.env,
    )
    const lines = events.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; deliveries: unknown[] })
    expect(lines.length).toBeGreaterThan(0)
    expect(lines.every((e) => e.name === 'Order Shipped' && e.deliveries.length === 1)).toBe(true)
  })

  it('sync --once exits non-zero with a one-line reason when Klaviyo keeps failing', async () => {
    p.ss.world.createOrder({ status: 'awaiting_shipment', email: 'late@example.com' })
    p.kl.faults.set({ errorRate: 1, errorStatus: 503 })
    try {
      const sync = await runCli(['sync', '--once', '-c', file, '--wait', '1s'], p.env)
      expect(sync.code).toBe(1)
      expect(sync.stderr.trim().split('\n')).toHaveLength(1)
      expect(sync.stderr).toMatch(/^shiprelay: destination klaviyo: 1 events still pending \(.*503/)
    } finally {
      p.kl.faults.set({})
    }
  })

  it('run keeps syncing: a change made while it runs reaches Klaviyo within seconds; SIGTERM stops it', async () => {
    const run = startCli(['run', '-c', file], p.env)
    try {
      const order = p.ss.world.createOrder({ status: 'awaiting_shipment', email: 'running@example.com' })
      const arrived = async () => p.stored().some((e) => e.profile?.email === 'running@example.com')
      const deadline = Date.now() + 20_000
      while (!(await arrived()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      expect(await arrived()).toBe(true)
      p.ss.world.createLabel(order.orderId)
      const shipped = () =>
        p.stored().some((e) => e.profile?.email === 'running@example.com' && e.metric === 'Order Shipped')
      while (!shipped() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      expect(shipped()).toBe(true)
    } finally {
      run.child.kill('SIGTERM')
    }
    const ended = await run.done
    expect(ended.code).toBe(0)
  })

  it('names the key and line of a bad config, and never echoes a secret', async () => {
    const bad = join(dir, 'bad.yaml')
    writeFileSync(
      bad,
      'accounts:\n  - id: main\n    shipstation: { apiKey: k, apiSecret: s3cr3t-value }\n    pollIntervall: 5s\n',
    )
    const result = await runCli(['status', '-c', bad])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`${bad}:4:5: accounts[0].pollIntervall: unknown key`)
    expect(result.stderr).not.toContain('s3cr3t-value')
    const missing = await runCli(['sync', '--once', '-c', join(dir, 'nope.yaml')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('config file not found')
  })

  it('demo runs both simulators and shows live events flowing', async () => {
    const demoDir = join(dir, 'demo')
    const demo = await runCli([
      'demo',
      '--dir',
      demoDir,
      '--orders',
      '60',
      '--shipstation-port',
      '0',
      '--klaviyo-port',
      '0',
      '--change-every',
      '100ms',
      '--duration',
      '8s',
    ])
    expect(demo.code).toBe(0)
    const live = [...demo.stdout.matchAll(/\((\d+) live/g)].map((m) => Number(m[1]))
    expect(live.at(-1)).toBeGreaterThan(0)
    expect(demo.stdout).toContain('demo stopped')
  })
})
