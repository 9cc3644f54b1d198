/** The shiprelay config a benchmark worker runs with: N ShipStation accounts, one Klaviyo destination. */

import { parseConfig } from '../../src/config/load.js'
import type { Config } from '../../src/config/schema.js'

export interface BenchAccount {
  id: string
  apiKey: string
  apiSecret: string
  /** Requests per window left for other apps; 0 in benchmarks, so the allowed rate is the limit. */
  reserve?: number
  pollIntervalMs?: number
}

export function relayConfig(options: {
  database: string
  shipstationUrl: string
  klaviyoUrl: string
  klaviyoKey: string
  accounts: readonly BenchAccount[]
}): Config {
  const accounts = options.accounts.map(
    (a) =>
      `  - id: ${a.id}\n` +
      `    shipstation: { apiKey: ${a.apiKey}, apiSecret: ${a.apiSecret}, baseUrl: "${options.shipstationUrl}", rateLimitReserve: ${a.reserve ?? 0} }\n` +
      (a.pollIntervalMs === undefined ? '' : `    pollInterval: ${a.pollIntervalMs}ms\n`),
  )
  const yaml =
    `database: "${options.database}"\n` +
    `accounts:\n${accounts.join('')}` +
    `destinations:\n  - { id: klaviyo, type: klaviyo, apiKey: ${options.klaviyoKey}, baseUrl: "${options.klaviyoUrl}" }\n`
  return parseConfig(yaml, 'bench.yaml', {})
}
