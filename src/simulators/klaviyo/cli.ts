/** `shiprelay sim klaviyo`: runs the Klaviyo simulator until interrupted. */
import { type Command, InvalidArgumentError } from 'commander'
import { type KlaviyoSimulatorOptions, startKlaviyoSimulator } from './index.js'
import { LATEST_REVISION, OLDEST_SUPPORTED_REVISION } from './revision.js'

const int = (value: string) => {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('expected an integer')
  return Number(value)
}
const positive = (value: string) => {
  const n = Number(value)
  if (!(n > 0)) throw new InvalidArgumentError('expected a positive number')
  return n
}
const rate = (value: string) => {
  const n = Number(value)
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a number between 0 and 1')
  return n
}
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value]

interface Flags {
  port: number
  host: string
  apiKey?: string[]
  rateScale: number
  burstWindowMs: number
  steadyWindowMs: number
  seed: number
  timezone: string
  errorRate?: number
  errorStatus?: number
  latencyMs?: number
  burst429?: number
  truncateRate?: number
  malformedRate?: number
  dropRate?: number
  cloudflareRate?: number
  cloudflareStatus?: number
  faultSeed?: number
}

/** Turns CLI flags into simulator options; option validation reports bad combinations. */
export function optionsFromFlags(flags: Flags): KlaviyoSimulatorOptions {
  const faults = Object.fromEntries(
    Object.entries({
      errorRate: flags.errorRate,
      errorStatus: flags.errorStatus,
      latencyMs: flags.latencyMs,
      burst429: flags.burst429,
      truncateRate: flags.truncateRate,
      malformedRate: flags.malformedRate,
      dropRate: flags.dropRate,
      cloudflareRate: flags.cloudflareRate,
      cloudflareStatus: flags.cloudflareStatus,
      seed: flags.faultSeed,
    }).filter(([, v]) => v !== undefined),
  )
  return {
    port: flags.port,
    host: flags.host,
    apiKeys: flags.apiKey ?? ['pk_test'],
    rateScale: flags.rateScale,
    burstWindowMs: flags.burstWindowMs,
    steadyWindowMs: flags.steadyWindowMs,
    seed: flags.seed,
    timezone: flags.timezone,
    faults,
  }
}

/** Adds `klaviyo` under the `sim` command of `program`. */
export function registerKlaviyoSim(program: Command): void {
  const sim = program.commands.find((c) => c.name() === 'sim') ?? program.command('sim')
  sim
    .command('klaviyo')
    .description('run the Klaviyo API simulator (see docs/simulators/klaviyo.md)')
    .option('--port <n>', 'port to listen on (0 = any free port)', int, 4020)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--api-key <key>', 'accepted private key; repeat for several keys of one account', collect)
    .option('--rate-scale <x>', 'multiply every rate limit (e.g. 0.01 to trip 429s quickly)', positive, 1)
    .option('--burst-window-ms <n>', 'length of the burst window', int, 1000)
    .option('--steady-window-ms <n>', 'length of the steady window', int, 60_000)
    .option('--seed <n>', 'seed of generated ids', int, 1)
    .option(
      '--timezone <iana>',
      'account time zone (GET /api/accounts, default for /_sim/counts)',
      'America/New_York',
    )
    .option('--error-rate <p>', 'fraction of requests answered with --error-status', rate)
    .option('--error-status <n>', 'status of injected errors: 500, 503 (JSON:API) or 504, 524 (HTML)', int)
    .option('--latency-ms <n>', 'latency added to each request', int)
    .option('--burst-429 <n>', 'answer the next N requests with 429', int)
    .option('--truncate-rate <p>', 'fraction of JSON success bodies cut in half', rate)
    .option('--malformed-rate <p>', 'fraction of JSON success bodies replaced by non-JSON', rate)
    .option('--drop-rate <p>', 'fraction of connections dropped without an answer', rate)
    .option('--cloudflare-rate <p>', 'fraction of requests answered by a Cloudflare HTML page', rate)
    .option('--cloudflare-status <n>', 'status of those pages: 400 or 403 (challenge)', int)
    .option('--fault-seed <n>', 'seed of the fault draws', int)
    .action(async (flags: Flags) => {
      const simulator = await startKlaviyoSimulator(optionsFromFlags(flags))
      console.log(
        `Klaviyo simulator on ${simulator.url} (revisions ${OLDEST_SUPPORTED_REVISION} … ${LATEST_REVISION}; control routes under /_sim)`,
      )
      const stop = () => void simulator.close().then(() => process.exit(0))
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
}
