/**
 * Real time: ShipStation webhooks into `shiprelay run`'s receiver, through real HTTP both ways, and the
 * receiver's defences against hostile requests.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type RunningService, startService } from '../../src/runtime/service.js'
import {
  ensureWebhooks,
  listWebhooks,
  receiverPath,
  webhookToken,
} from '../../src/source/shipstation/webhooks.js'
import { DATABASES } from '../helpers/databases.js'
import { type Pipeline, silentLogger, startPipeline } from '../helpers/pipeline.js'

const until = async (check: () => boolean | Promise<boolean>, ms = 10_000) => {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('ShipStation webhooks', () => {
  let p: Pipeline
  let service: RunningService
  let stop: AbortController
  let running: Promise<void>
  let receiver: string

  beforeEach(async () => {
    // A long poll interval: only webhooks can make these events fast.
    p = await startPipeline(DATABASES[0]!, {
      shipstation: { orders: 20, seed: 41 },
      accountYaml: '    pollInterval: 10m\n',
    })
    await p.relay.close()
    service = await startService(p.config, { logger: silentLogger })
    stop = new AbortController()
    running = service.run(stop.signal)
    const token = webhookToken('main', 'test-ss-secret')
    receiver = `${service.url}${receiverPath('main', token)}`
    await until(
      async () =>
        (await service.relay.store.db.selectFrom('account_state').select('phase').executeTakeFirst())
          ?.phase === 'live',
    )
  })

  afterEach(async () => {
    stop?.abort()
    await running
    await Promise.all([p.ss.close(), p.kl.close()])
  })

  const post = (
    url: string,
    body: unknown,
    headers: Record<string, string> = { 'content-type': 'application/json' },
  ) => fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })

  it('subscribes idempotently and replaces hooks that point at an old URL, leaving other apps alone', async () => {
    const client = service.relay.accounts[0]!.client
    p.ss.world.subscribe({
      url: 'https://other-app.example/hook',
      event: 'ORDER_NOTIFY',
      storeId: null,
      name: 'Other app',
    })
    const first = await ensureWebhooks(client, 'main', receiver)
    expect(first.create).toEqual(['ORDER_NOTIFY', 'SHIP_NOTIFY', 'FULFILLMENT_SHIPPED'])
    const again = await ensureWebhooks(client, 'main', receiver)
    expect([again.keep.length, again.create.length, again.remove.length]).toEqual([3, 0, 0])
    const moved = `http://127.0.0.1:1${receiverPath('main', 'new-token')}`
    const third = await ensureWebhooks(client, 'main', moved)
    expect([third.keep.length, third.create.length, third.remove.length]).toEqual([0, 3, 3])
    const hooks = await listWebhooks(client)
    expect(hooks.filter((h) => h.Url === moved)).toHaveLength(3)
    expect(hooks.filter((h) => h.Url === receiver)).toHaveLength(0)
    expect(hooks.filter((h) => h.Url === 'https://other-app.example/hook')).toHaveLength(1)
  })

  it('delivers a new order and its label shipment within seconds of the webhook', async () => {
    await ensureWebhooks(service.relay.accounts[0]!.client, 'main', receiver)
    const started = Date.now()
    const order = p.ss.world.createOrder({ status: 'awaiting_shipment', email: 'fast@example.com' })
    const arrived = (metric: string) => () =>
      p.stored().some((e) => e.profile?.email === 'fast@example.com' && e.metric === metric)
    await until(arrived('Order Awaiting Shipment'), 5000)
    const newOrderMs = Date.now() - started
    const label = p.ss.world.createLabel(order.orderId, { carrierCode: 'ups' })
    const shippedAt = Date.now()
    await until(arrived('Order Shipped'), 5000)
    const shippedMs = Date.now() - shippedAt
    const shipped = p
      .stored()
      .find((e) => e.profile?.email === 'fast@example.com' && e.metric === 'Order Shipped')!
    expect((shipped.attributes.properties as Record<string, unknown>).TrackingNumber).toBe(
      label.trackingNumber,
    )
    expect(newOrderMs).toBeLessThan(5000)
    expect(shippedMs).toBeLessThan(5000)
    expect(p.ss.stats().webhooks.sent).toBeGreaterThanOrEqual(2)
  })

  it('answers hostile requests without hinting at accounts, fetching elsewhere, or falling over', async () => {
    const wrongToken = await post(`${service.url}${receiverPath('main', 'x'.repeat(32))}`, {
      resource_url: `${p.ss.url}/orders`,
      resource_type: 'ORDER_NOTIFY',
    })
    const noAccount = await post(`${service.url}${receiverPath('nobody', 'x'.repeat(32))}`, {
      resource_url: `${p.ss.url}/orders`,
      resource_type: 'ORDER_NOTIFY',
    })
    expect([wrongToken.status, noAccount.status]).toEqual([404, 404])
    expect(await wrongToken.text()).toBe(await noAccount.text())

    expect((await post(receiver, '{"resource_url": ')).status).toBe(400)
    expect((await post(receiver, { resource_type: 'ORDER_NOTIFY' })).status).toBe(400)
    expect(
      (await post(receiver, { resource_url: 'x'.repeat(20_000), resource_type: 'ORDER_NOTIFY' })).status,
    ).toBe(413)

    // A resource_url on another host is refused and never fetched.
    let evilHits = 0
    const evil = createServer((_req, res) => {
      evilHits++
      res.end('{}')
    })
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r))
    const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/orders?importBatch=1`
    const refused = await post(receiver, { resource_url: evilUrl, resource_type: 'ORDER_NOTIFY' })
    expect(refused.status).toBe(400)
    expect(await refused.json()).toEqual({ error: "resource_url is not on the account's ShipStation host" })
    expect(
      (await post(receiver, { resource_url: `${p.ss.url}/stores`, resource_type: 'ORDER_NOTIFY' })).status,
    ).toBe(400)
    await service.inbox.idle()
    expect(evilHits).toBe(0)
    evil.close()

    const health = await fetch(`${service.url}/healthz`)
    expect(health.status).toBe(200)
  })

  it('absorbs a burst of 1,000 webhooks with a handful of ShipStation requests', async () => {
    const before = p.ss.stats().requests.total
    const sends: Promise<Response>[] = []
    for (let i = 0; i < 1000; i++) {
      // Half repeat one URL (a doubled webhook), half are distinct import batches.
      const batch = i % 2 === 0 ? 'same' : `b${i}`
      sends.push(
        post(receiver, {
          resource_url: `${p.ss.url}/orders?importBatch=${batch}`,
          resource_type: 'ORDER_NOTIFY',
        }),
      )
    }
    const answers = await Promise.all(sends)
    expect(answers.every((r) => r.status === 200)).toBe(true)
    await service.inbox.idle()
    const used = p.ss.stats().requests.total - before
    expect(used).toBeLessThanOrEqual(12)
    expect((await fetch(`${service.url}/healthz`)).status).toBe(200)
  })

  it('serves the reconciliation as JSON, with 400 for bad input', async () => {
    const ok = await fetch(`${service.url}/api/reconcile?from=2026-01-01&to=2026-01-03&tz=UTC`)
    expect(ok.status).toBe(200)
    const report = (await ok.json()) as { days: { day: string }[]; timeZone: string }
    expect(report.days.map((d) => d.day)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03'])
    expect(report.timeZone).toBe('UTC')
    const bad = await fetch(`${service.url}/api/reconcile?from=2026-01-05&to=2026-01-01`)
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ error: 'to= is before from=' })
    expect(
      (await fetch(`${service.url}/api/reconcile?account=nobody&from=2026-01-01&to=2026-01-01`)).status,
    ).toBe(400)
  })

  it('exposes health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200)
    const metrics = await (await fetch(`${service.url}/metrics`)).text()
    for (const name of [
      'shiprelay_shipstation_requests_total',
      'shiprelay_shipstation_rate_limit_remaining',
      'shiprelay_sync_lag_seconds',
      'shiprelay_events_created_total',
      'shiprelay_deliveries_total',
      'shiprelay_delivery_queue_depth',
      'shiprelay_delivery_latency_seconds_bucket',
    ]) {
      expect(metrics).toContain(name)
    }
    expect(metrics).toMatch(
      /shiprelay_shipstation_requests_total\{account="main",endpoint="\/orders",status="200"\} \d+/,
    )
    expect(metrics).not.toContain('test-ss-secret')
  })
})
