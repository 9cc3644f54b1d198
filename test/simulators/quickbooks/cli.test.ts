/** `shiprelay sim quickbooks` as a real process: flags reach the simulator, SIGTERM stops it. */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Command } from 'commander'
import { afterAll, expect, it } from 'vitest'
import { optionsFromFlags, registerQuickBooksSim } from '../../../src/simulators/quickbooks/cli.js'
import { quickBooksSimulatorOptionsSchema } from '../../../src/simulators/quickbooks/options.js'
import { jsonOrUndefined } from '../common/json-text.js'
import type { Json } from './helpers.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
/** `shiprelay` with only the `sim` commands registered, as src/cli/main.ts registers them. */
const ENTRY = `
import { Command } from 'commander'
import { registerSimCommands } from './src/cli/commands/sim.ts'
const program = new Command().name('shiprelay')
registerSimCommands(program)
await program.parseAsync(process.argv.slice(1), { from: 'user' })
`
const shiprelay = (...args: string[]) =>
  spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', ENTRY, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
let child: ChildProcess | undefined

afterAll(() => {
  child?.kill('SIGKILL')
})

async function call(url: string, method: string, body?: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method, body, headers })
  return { status: response.status, body: jsonOrUndefined(await response.text()) as Json }
}

it('starts with the given app, realms, limits and faults, and exits on SIGTERM', async () => {
  child = shiprelay(
    'sim',
    'quickbooks',
    '--port',
    '0',
    '--client-id',
    'cli-app',
    '--client-secret',
    'cli-secret',
    '--realm',
    '111',
    '--realm',
    '222',
    '--per-minute',
    '3',
    '--no-duplicate-docnumber-check',
    '--error-rate',
    '1',
    '--error-status',
    '503',
  )
  const url = await new Promise<string>((resolve, reject) => {
    let output = ''
    child?.stdout?.on('data', (chunk) => {
      output += chunk
      const match = /QuickBooks simulator on (http:\/\/\S+)/.exec(output)
      if (match) resolve(match[1]!)
    })
    child?.stderr?.on('data', (chunk) => {
      output += chunk
    })
    child?.on('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)))
  })
  const json = { 'content-type': 'application/json' }
  const tokens = (await call(`${url}/_sim/tokens`, 'POST', JSON.stringify({ realmId: '222' }), json)).body
  const api = (path: string) =>
    call(`${url}/v3/company/222/${path}`, 'GET', undefined, {
      authorization: `Bearer ${tokens.access_token}`,
      accept: 'application/json',
    })
  expect((await api('companyinfo/1')).status).toBe(503)
  expect((await call(`${url}/_sim/limits`, 'GET')).body.perMinute).toBe(3)
  expect((await call(`${url}/_sim/realms/111/settings`, 'GET')).body.duplicateDocNumberCheck).toBe(false)
  await call(`${url}/_sim/faults`, 'PUT', '{}', json)
  expect((await api('companyinfo/1')).status).toBe(200)

  const basic = Buffer.from('cli-app:cli-secret').toString('base64')
  const refreshed = await call(
    `${url}/oauth2/v1/tokens/bearer`,
    'POST',
    `grant_type=refresh_token&refresh_token=${tokens.refresh_token}`,
    {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
  )
  expect(refreshed.status).toBe(200)

  const exited = new Promise<number | null>((resolve) => child?.on('exit', resolve))
  child.kill('SIGTERM')
  expect(await exited).toBe(0)
})

it('rejects a bad flag value before starting', async () => {
  const run = shiprelay('sim', 'quickbooks', '--lost-response-rate', '2')
  let stderr = ''
  run.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const code = await new Promise<number | null>((resolve) => run.on('exit', resolve))
  expect(code).not.toBe(0)
  expect(stderr).toContain('expected a number between 0 and 1')
})

function parseFlags(args: string[]) {
  const program = new Command().exitOverride()
  program.command('sim')
  registerQuickBooksSim(program)
  const command = program.commands
    .find((c) => c.name() === 'sim')!
    .commands.find((c) => c.name() === 'quickbooks')!
  command.action(() => {})
  program.parse(['node', 'shiprelay', 'sim', 'quickbooks', ...args])
  return optionsFromFlags(command.opts())
}

it('maps every flag onto options; defaults stay with the options schema', () => {
  const options = parseFlags([
    '--redirect-uri',
    'http://localhost/cb',
    '--timezone',
    'America/Chicago',
    '--tax-model',
    'global',
    '--no-automated-sales-tax',
    '--no-custom-txn-numbers',
    '--no-shipping',
    '--access-token-ttl',
    '60',
    '--refresh-grace-ms',
    '1000',
    '--requestid-retention-ms',
    '0',
    '--per-second',
    '2',
    '--concurrent',
    '3',
    '--batch-per-minute',
    '4',
    '--minute-window-ms',
    '600',
    '--second-window-ms',
    '10',
    '--max-batch-items',
    '5',
    '--shuffle-batch',
    '--start-at',
    '2026-07-15T09:00:00-07:00',
    '--latency-ms',
    '7',
    '--ok-fault-rate',
    '0.1',
    '--fault-seed',
    '9',
  ])
  const parsed = quickBooksSimulatorOptionsSchema.parse(options)
  expect(parsed).toMatchObject({
    port: 4030,
    clients: [
      { clientId: 'sim-client-id', clientSecret: 'sim-client-secret', redirectUris: ['http://localhost/cb'] },
    ],
    realms: [
      {
        realmId: '9341450000000001',
        settings: {
          timezone: 'America/Chicago',
          taxModel: 'global',
          automatedSalesTax: false,
          customTxnNumbers: false,
          allowShipping: false,
          duplicateDocNumberCheck: true,
        },
      },
    ],
    tokens: { accessTokenTtlSeconds: 60, refreshGraceMs: 1000, refreshTokenTtlSeconds: 8_726_400 },
    limits: {
      perMinute: 500,
      perSecond: 2,
      concurrent: 3,
      batchPerMinute: 4,
      minuteWindowMs: 600,
      secondWindowMs: 10,
    },
    requestIdRetentionMs: 0,
    maxBatchItems: 5,
    shuffleBatch: true,
    startAt: '2026-07-15T09:00:00-07:00',
    faults: { latencyMs: 7, okFaultRate: 0.1, seed: 9 },
  })
  expect(() => quickBooksSimulatorOptionsSchema.parse(parseFlags(['--realm', 'abc']))).toThrow(
    'a realm id is 1–20 digits',
  )
})
