/** `shiprelay sim klaviyo` as a real process: flags reach the simulator, SIGTERM stops it. */
import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterAll, expect, it } from 'vitest'
import { apiHeaders, eventBody } from './helpers.js'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
/**
 * `shiprelay` with only the `sim` commands registered, as src/cli/main.ts registers them: the other
 * commands' imports are not needed to test this one.
 */
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

it('starts with the given key, rate scale and fault flags, and exits on SIGTERM', async () => {
  child = shiprelay(
    'sim',
    'klaviyo',
    '--port',
    '0',
    '--api-key',
    'pk_cli_one',
    '--api-key',
    'pk_cli_two',
    '--rate-scale',
    '0.01',
    '--error-rate',
    '1',
    '--error-status',
    '503',
  )
  const url = await new Promise<string>((resolve, reject) => {
    let output = ''
    child?.stdout?.on('data', (chunk) => {
      output += chunk
      const match = /Klaviyo simulator on (http:\/\/\S+)/.exec(output)
      if (match) resolve(match[1]!)
    })
    child?.stderr?.on('data', (chunk) => {
      output += chunk
    })
    child?.on('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)))
  })
  const send = (key: string) =>
    fetch(`${url}/api/events`, {
      method: 'POST',
      headers: apiHeaders({ authorization: `Klaviyo-API-Key ${key}` }),
      body: JSON.stringify(eventBody()),
    })
  expect((await send('pk_cli_one')).status).toBe(503)
  const faults = await (await fetch(`${url}/_sim/faults`)).json()
  expect(faults).toMatchObject({ errorRate: 1, errorStatus: 503 })
  await fetch(`${url}/_sim/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  })
  const ok = await send('pk_cli_two')
  expect(ok.status).toBe(202)
  expect(ok.headers.get('ratelimit-limit')).toBe('35')
  expect((await send('pk_test')).status).toBe(401)

  const exited = new Promise<number | null>((resolve) => child?.on('exit', resolve))
  child.kill('SIGTERM')
  expect(await exited).toBe(0)
})

it('rejects a bad flag value before starting', async () => {
  const run = shiprelay('sim', 'klaviyo', '--error-rate', '2')
  let stderr = ''
  run.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const code = await new Promise<number | null>((resolve) => run.on('exit', resolve))
  expect(code).not.toBe(0)
  expect(stderr).toContain('expected a number between 0 and 1')
})
