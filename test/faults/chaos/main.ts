/**
 * `npm run test:faults -- [--rounds N] [--seed N] [--orders N] [--postgres] [--json] [--keep]`: the long form of
 * the crash-and-fault harness (the short form runs in CI as test/faults/chaos.test.ts). PostgreSQL
 * needs SHIPRELAY_TEST_DATABASE_URL (a server where a scratch database may be created and dropped).
 * Exits 1 when any event was missing, doubled or extra, or the store was left inconsistent.
 */
import { parseArgs } from 'node:util'
import { DATABASES } from '../../helpers/databases.js'
import { formatReport, passed, runChaos } from './harness.js'

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    orders: { type: 'string', default: '3000' },
    postgres: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
})

const number = (name: string, text: string | undefined) => {
  const n = Number(text)
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`)
  return n
}

const name = values.postgres ? 'postgres' : 'sqlite'
const database = DATABASES.find((d) => d.name === name)
if (!database) {
  process.stderr.write(
    '--postgres needs SHIPRELAY_TEST_DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/test\n',
  )
  process.exit(2)
}

const report = await runChaos({
  rounds: number('rounds', values.rounds),
  seed: number('seed', values.seed),
  orders: number('orders', values.orders),
  database,
  keep: values.keep,
  log: (line) => process.stderr.write(`${line}\n`),
})
process.stdout.write(
  `${values.json ? JSON.stringify({ ...report, problems: report.verdict.problems }, null, 2) : formatReport(report)}\n`,
)
process.exitCode = passed(report) ? 0 : 1
