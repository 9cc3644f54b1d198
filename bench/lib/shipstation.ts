/** The seeded ShipStation simulator the benches read from, and the credentials their workers use. */
import {
  type ShipStationSimulator,
  startShipStationSimulator,
} from '../../src/simulators/shipstation/index.js'

export const BENCH_CREDENTIALS = { apiKey: 'bench-key', apiSecret: 'bench-secret' } as const

/** A seeded world with no rate limit to speak of: benches that measure the pipeline, not the 40/min. */
export function unthrottledShipStation(orders: number, seed: number): Promise<ShipStationSimulator> {
  return startShipStationSimulator({ orders, seed, ...BENCH_CREDENTIALS, rateLimit: 1_000_000_000 })
}
