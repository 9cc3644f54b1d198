/**
 * `npm run bench` (`-- --quick` for a small run): runs the benchmarks and writes bench/results/*.json.
 * Figures are ratios against a bound measured in the same run, so they mean the same on any machine.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { benchBackfill } from './backfill.js'

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } })
const sizes = values.quick ? [2000] : [10_000]
mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
for (const orders of sizes) {
  // A 2-second window keeps the run short; 40 requests per window as ShipStation allows per minute.
  const result = await benchBackfill({ orders, windowMs: 2000, limit: 40, reserve: 0, seed: 1 })
  writeFileSync(
    new URL(`./results/backfill-${orders}.json`, import.meta.url),
    `${JSON.stringify(result, null, 2)}\n`,
  )
  console.log(
    `backfill ${result.orders} orders: ${result.requests} requests / ${result.minimumRequests} minimum = ${result.requestsPerMinimum.toFixed(3)}, ` +
      `429s ${result.throttled}, rate-limit waits ${result.rateLimitWaits}, ${Math.round(result.wallMs)} ms ` +
      `(${Math.round(result.realWorldMs / 1000)} s with 60-s windows)`,
  )
}
