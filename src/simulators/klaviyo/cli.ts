/** `shiprelay sim klaviyo`: runs the Klaviyo simulator until interrupted. */
import type { Command } from 'commander'
import {
  addFaultOptions,
  addSimCommand,
  closeOnSignal,
  defined,
  type FaultFlags,
  faultFlags,
  int,
  positive,
  rate,
} from '../common/cli-options.js'
import { type KlaviyoSimulatorOptions, startKlaviyoSimulator } from './index.js'
import { LATEST_REVISION, OLDEST_SUPPORTED_REVISION } from './revision.js'

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value]

interface Flags extends FaultFlags {
  port: number
  host: string
  apiKey?: string[]
  rateScale: number
  burstWindowMs: number
  steadyWindowMs: number
  seed: number
  timezone: string
  cloudflareRate?: number
  cloudflareStatus?: number
  faultSeed?: number
}

/** Turns CLI flags into simulator options; option validation reports bad combinations. */
export function optionsFromFlags(flags: Flags): KlaviyoSimulatorOptions {
  const faults = {
    ...faultFlags(flags),
    ...defined({
      cloudflareRate: flags.cloudflareRate,
      cloudflareStatus: flags.cloudflareStatus,
      seed: flags.faultSeed,
    }),
  }
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
  const description = 'run the Klaviyo API simulator (see docs/simulators/klaviyo.md)'
  const command = addSimCommand(program, 'klaviyo', description, 4020)
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
  addFaultOptions(command, {
    errorStatus: 'status of injected errors: 500, 503 (JSON:API) or 504, 524 (HTML)',
  })
    .option('--cloudflare-rate <p>', 'fraction of requests answered by a Cloudflare HTML page', rate)
    .option('--cloudflare-status <n>', 'status of those pages: 400 or 403 (challenge)', int)
    .option('--fault-seed <n>', 'seed of the fault draws', int)
    .action(async (flags: Flags) => {
      const simulator = await startKlaviyoSimulator(optionsFromFlags(flags))
      console.log(
        `Klaviyo simulator on ${simulator.url} (revisions ${OLDEST_SUPPORTED_REVISION} … ${LATEST_REVISION}; control routes under /_sim)`,
      )
      closeOnSignal(simulator)
    })
}
