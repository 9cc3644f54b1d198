/** `shiprelay sim shipstation`: runs the simulator until interrupted. */
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { z } from 'zod'
import {
  addFaultOptions,
  addSimCommand,
  closeOnSignal,
  defined,
  type FaultFlags,
  faultFlags,
  int,
  rate,
} from '../common/cli-options.js'
import { accountSchema, type SimulatorOptions } from './options.js'
import { startShipStationSimulator } from './server.js'

interface Flags extends FaultFlags {
  port: number
  host: string
  apiKey: string
  apiSecret: string
  seed: number
  orders: number
  stores?: number
  accounts?: string
  accountCount?: number
  rateLimit: number
  rateWindowMs: number
  startAt?: string
  publicUrl?: string
  webhookDelayMs?: number
  webhookDropRate?: number
  webhookDuplicateRate?: number
}

/** Turns CLI flags into simulator options (exported for tests). */
export function optionsFromFlags(flags: Flags): SimulatorOptions {
  let accounts: SimulatorOptions['accounts']
  if (flags.accounts)
    accounts = z.array(accountSchema).parse(JSON.parse(readFileSync(flags.accounts, 'utf8')))
  else if (flags.accountCount !== undefined) {
    accounts = Array.from({ length: flags.accountCount }, (_, i) => ({
      apiKey: `${flags.apiKey}-${i + 1}`,
      apiSecret: `${flags.apiSecret}-${i + 1}`,
      seed: flags.seed + i,
      orders: flags.orders,
      ...(flags.stores !== undefined && { stores: flags.stores }),
    }))
  }
  return {
    port: flags.port,
    host: flags.host,
    apiKey: flags.apiKey,
    apiSecret: flags.apiSecret,
    seed: flags.seed,
    orders: flags.orders,
    rateLimit: flags.rateLimit,
    rateWindowMs: flags.rateWindowMs,
    ...defined({ stores: flags.stores, accounts, startAt: flags.startAt, publicUrl: flags.publicUrl }),
    faults: faultFlags(flags),
    webhooks: defined({
      delayMs: flags.webhookDelayMs,
      dropRate: flags.webhookDropRate,
      duplicateRate: flags.webhookDuplicateRate,
    }),
  }
}

/** Adds `shipstation` under the `sim` command of `program`. */
export function registerShipStationSim(program: Command): void {
  const description = 'run the ShipStation V1 API simulator (see docs/simulators/shipstation.md)'
  const command = addSimCommand(program, 'shipstation', description, 4010)
    .option('--api-key <key>', 'API key of the account', 'ShipStation')
    .option('--api-secret <secret>', 'API secret of the account', 'Rocks')
    .option('--seed <n>', 'seed of the generated world', int, 1)
    .option('--orders <n>', 'orders generated over the last 90 days', int, 2000)
    .option('--stores <n>', 'active stores (1-8)', int)
    .option('--accounts <file>', 'JSON file with [{apiKey, apiSecret, seed, orders, stores?}]')
    .option('--account-count <n>', 'N accounts <api-key>-i / <api-secret>-i, seeds seed+i', int)
    .option('--rate-limit <n>', 'requests per window per key', int, 40)
    .option('--rate-window-ms <n>', 'rate-limit window length', int, 60_000)
    .option('--start-at <iso>', 'simulated start time (ISO with offset), for reproducible dates')
    .option('--public-url <url>', 'base URL used in webhook resource_urls')
  addFaultOptions(command, {
    errorRate: 'fraction of requests answered 500',
    truncateRate: 'fraction of bodies cut in half',
    malformedRate: 'fraction of bodies replaced by non-JSON',
    dropRate: 'fraction of connections dropped',
  })
    .option('--webhook-delay-ms <n>', 'delay before each webhook delivery', int)
    .option('--webhook-drop-rate <p>', 'fraction of webhooks never sent', rate)
    .option('--webhook-duplicate-rate <p>', 'fraction of webhooks sent twice', rate)
    .action(async (flags: Flags) => {
      const started = Date.now()
      const simulator = await startShipStationSimulator(optionsFromFlags(flags))
      const orders = simulator.worlds.reduce((sum, w) => sum + w.liveOrderCount, 0)
      console.log(
        `ShipStation simulator on ${simulator.url}: ${simulator.worlds.length} account(s), ${orders} orders, ready in ${Date.now() - started} ms`,
      )
      closeOnSignal(simulator)
    })
}
