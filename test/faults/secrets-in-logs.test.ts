/**
 * Secrets never reach the output: the real CLI (run with debug logging, sync, check, status, events)
 * with distinctive keys against failing simulators — wrong credentials (401s), 5xx, cut-off and HTML
 * bodies, 429s, Cloudflare pages, webhook subscriptions, and upstream error pages that echo the
 * request's Authorization header back — and every byte it printed, plus the database file, searched
 * for every form a secret travels in.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { startKlaviyoSimulator } from '../../src/simulators/klaviyo/index.js'
import { startShipStationSimulator } from '../../src/simulators/shipstation/index.js'
import { webhookToken } from '../../src/source/shipstation/webhooks.js'
import { runCli, startCli } from '../helpers/cli.js'

/** Distinctive, with characters that change under URL, JSON and base64 encoding. */
const SECRETS = {
  goodKey: 'ssKEY-Qz7+vW/9x=Lm',
  goodSecret: 'ssSECRET-3Rt%2F+Hk/p&q=Zy"n',
  badKey: 'ssKEYwrong-Ub5/Ja+8',
  badSecret: 'ssSECRETwrong-Pw4+Vn/0==',
  klaviyoGood: 'pk_GOODprivate9d8c7b6a5f4e3d2c1b',
  klaviyoBad: 'pk_BADprivate1a2b3c4d5e6f7a8b9c',
}

/** Every form a secret takes on the way: as is, in JSON, in a URL, as a Basic credential, as a token. */
function forms(): Map<string, string> {
  const all = new Map<string, string>()
  for (const [name, secret] of Object.entries(SECRETS)) {
    all.set(name, secret)
    all.set(`${name} (JSON)`, JSON.stringify(secret).slice(1, -1))
    all.set(`${name} (URL)`, encodeURIComponent(secret))
  }
  const basic = (key: string, secret: string) => Buffer.from(`${key}:${secret}`).toString('base64')
  all.set('good Basic credential', basic(SECRETS.goodKey, SECRETS.goodSecret))
  all.set('bad Basic credential', basic(SECRETS.badKey, SECRETS.badSecret))
  all.set('good webhook token', webhookToken('good', SECRETS.goodSecret))
  all.set('bad webhook token', webhookToken('bad', SECRETS.badSecret))
  return all
}

const yamlText = (s: string) => JSON.stringify(s)

/**
 * Forwards to `target`, except the requests `picks` chooses, which get a non-retryable error whose text
 * quotes the request's Authorization header (as some proxies and debug error pages do).
 */
async function echoingProxy(
  target: string,
  picks: (path: string) => boolean,
  echo: (authorization: string, path: string) => string,
) {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    if (picks(req.url ?? '')) {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(echo(req.headers.authorization ?? '', req.url ?? ''))
      return
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        ([k, v]) => typeof v === 'string' && k !== 'host' && k !== 'connection',
      ),
    ) as Record<string, string>
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined
    const response = await fetch(`${target}${req.url}`, { method: req.method, headers, body })
    const out = Buffer.from(await response.arrayBuffer())
    const back: Record<string, string> = {}
    response.headers.forEach((value, key) => {
      if (key !== 'content-length' && key !== 'transfer-encoding' && key !== 'connection') back[key] = value
    })
    res.writeHead(response.status, back).end(out)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) }
}

it('prints no secret in any form, whatever fails', async () => {
  const ss = await startShipStationSimulator({
    orders: 30,
    seed: 61,
    apiKey: SECRETS.goodKey,
    apiSecret: SECRETS.goodSecret,
    rateLimit: 1000,
    rateWindowMs: 1000,
    faults: { errorRate: 0.1, truncateRate: 0.05, malformedRate: 0.05, seed: 61 },
  })
  const kl = await startKlaviyoSimulator({
    apiKeys: [SECRETS.klaviyoGood],
    faults: { errorRate: 0.2, errorStatus: 503, cloudflareRate: 0.1, burst429: 2, seed: 61 },
  })
  // The next `echoes` shipments reads fail with this text: the cycle fails, logged and stored.
  let echoes = 1
  const ssProxy = await echoingProxy(
    ss.url,
    (path) => path.startsWith('/shipments?') && echoes-- > 0,
    (authorization) =>
      JSON.stringify({ Message: `The request is invalid. Rejected header Authorization: ${authorization}` }),
  )
  // Klaviyo blames the event itself (a pointer into it): the event goes dead with this text as reason.
  let klaviyoRequests = 0
  const klProxy = await echoingProxy(
    kl.url,
    () => ++klaviyoRequests === 1,
    (authorization, path) =>
      JSON.stringify({
        errors: [
          {
            status: 400,
            code: 'invalid',
            title: 'Invalid input.',
            detail: `Not valid with the credential "${authorization.replace(/^\S+\s+/, '')}" (${authorization}).`,
            source: {
              pointer: path.includes('bulk')
                ? '/data/attributes/events-bulk-create/data/0/attributes/events/data/0/attributes/properties'
                : '/data/attributes/properties',
            },
          },
        ],
      }),
  )
  const dir = mkdtempSync(join(tmpdir(), 'shiprelay-secrets-'))
  const database = join(dir, 'shiprelay.db')
  const config = join(dir, 'shiprelay.yaml')
  writeFileSync(
    config,
    `database: "sqlite:${database}"
log: { level: debug }
server: { host: 127.0.0.1, port: 0 }
webhooks: { publicUrl: "http://127.0.0.1:9" }
accounts:
  - id: good
    shipstation: { apiKey: ${yamlText(SECRETS.goodKey)}, apiSecret: ${yamlText(SECRETS.goodSecret)}, baseUrl: "${ssProxy.url}", rateLimitReserve: 0 }
    pollInterval: 1s
  - id: bad
    shipstation: { apiKey: ${yamlText(SECRETS.badKey)}, apiSecret: ${yamlText(SECRETS.badSecret)}, baseUrl: "${ss.url}", rateLimitReserve: 0 }
    pollInterval: 1s
destinations:
  - { id: good, type: klaviyo, apiKey: ${yamlText(SECRETS.klaviyoGood)}, baseUrl: "${klProxy.url}" }
  - { id: bad, type: klaviyo, apiKey: ${yamlText(SECRETS.klaviyoBad)}, baseUrl: "${kl.url}" }
`,
  )
  try {
    const outputs: string[] = []
    const run = startCli(['run', '-c', config])
    let log = ''
    run.child.stderr?.on('data', (d: Buffer) => {
      log += d.toString()
    })
    // Until the good account completed a cycle (a debug line) and the bad one failed a few times.
    const deadline = Date.now() + 30_000
    while (!log.includes('"msg":"sync cycle done"') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100))
    await new Promise((resolve) => setTimeout(resolve, 1000))
    run.child.kill('SIGTERM')
    const ran = await run.done
    outputs.push(ran.stdout, ran.stderr)
    // sync --once meets the echo again: its cycle fails, and status shows the stored error.
    echoes = 1
    const once = await runCli(['sync', '--once', '--wait', '0s', '-c', config])
    outputs.push(once.stdout, once.stderr)
    const reads = await Promise.all(
      [['check'], ['status'], ['events', '--json']].map((args) => runCli([...args, '-c', config])),
    )
    for (const r of reads) outputs.push(r.stdout, r.stderr)
    const printed = outputs.join('\n')
    const stored = readFileSync(database).toString('latin1')

    // The failures really happened and were reported: this is not a quiet run.
    expect(ran.code).toBe(0)
    expect(once.code).toBe(1)
    expect(printed).toMatch(/401/)
    expect(printed).toContain('sync cycle failed; will retry')
    expect(printed).toContain('check the Klaviyo API key')
    expect(printed).toMatch(/"level":20,.*"msg":"sync cycle done"/) // debug lines were written
    // Secrets came back in error texts, and were caught.
    expect(printed).toContain('Authorization: Basic [redacted]')
    expect(printed).toContain('Klaviyo-API-Key [redacted]')
    expect(printed).toMatch(/last sync .* FAILED: ShipStation \/shipments: HTTP 400 .*Basic \[redacted\]/)
    expect(stored).toContain('[redacted]')
    expect(kl.stats().requests['POST /api/event-bulk-create-jobs']?.total).toBeGreaterThan(0)

    const leaks = [...forms()]
      .filter(([, value]) => printed.includes(value) || stored.includes(value))
      .map(([name]) => name)
    expect(leaks).toEqual([])
  } finally {
    await Promise.all([ss.close(), kl.close(), ssProxy.close(), klProxy.close()])
    rmSync(dir, { recursive: true, force: true })
  }
}, 60_000)

it.todo(
  'webhook receiver: a request with a wrong or missing token is refused without echoing the token (src/server)',
)
