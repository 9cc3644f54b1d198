/**
 * The short, seeded form of the crash-and-fault harness (the long form: `npm run test:faults -- --rounds
 * 60`, see docs/reliability.md): `shiprelay run` SIGKILLed three times, during the backfill and in live
 * traffic, against faulty simulators, while the world changes; then every expected event is in Klaviyo
 * exactly once and the store is consistent.
 */
import { expect, it } from 'vitest'
import { DATABASES } from '../helpers/databases.js'
import { formatReport, runChaos } from './chaos/harness.js'

const sqlite = DATABASES.find((d) => d.name === 'sqlite')!

it('survives three SIGKILLs across backfill and live traffic: nothing missing, doubled or extra', async () => {
  const report = await runChaos({
    rounds: 3,
    seed: 11,
    orders: 400,
    database: sqlite,
    convergeTimeoutMs: 60_000,
  })
  console.log(formatReport(report))
  expect(report.verdict.problems).toEqual([])
  expect(report.storeProblems).toEqual([])
  expect(report.unexpectedExits).toEqual([])
  expect(report.cleanStop).toBe(true)
  expect(report.killsDuringBackfill).toBeGreaterThanOrEqual(1)
  expect(report.killsLive).toBeGreaterThanOrEqual(1)
  expect(report.verdict.expected).toBeGreaterThan(350)
  expect(report.changes).toBeGreaterThan(10)
}, 120_000)
