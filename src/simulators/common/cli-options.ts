/** Pieces of the `shiprelay sim <service>` commands that every simulator shares. */
import { type Command, InvalidArgumentError } from 'commander'
import type { FaultSettings } from './faults.js'

export const int = (value: string): number => {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('expected an integer')
  return Number(value)
}

export const positive = (value: string): number => {
  const n = Number(value)
  if (!(n > 0)) throw new InvalidArgumentError('expected a positive number')
  return n
}

export const rate = (value: string): number => {
  const n = Number(value)
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError('expected a number between 0 and 1')
  return n
}

/**
 * The object without its undefined entries, so flags left out fall back to the options' defaults. The
 * values are left for the options schema to check.
 */
export const defined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined))

type FaultFlag = Exclude<keyof FaultSettings, 'seed'>

/** The common fault knobs as flags (`--error-rate` sets `errorRate`, and so on). */
export type FaultFlags = Partial<Record<FaultFlag, number>>

const FAULT_FLAGS: [flag: string, key: FaultFlag, parse: (value: string) => number, help: string][] = [
  ['--error-rate <p>', 'errorRate', rate, 'fraction of requests answered with --error-status'],
  ['--error-status <n>', 'errorStatus', int, 'status of injected errors'],
  ['--latency-ms <n>', 'latencyMs', int, 'latency added to each request'],
  ['--burst-429 <n>', 'burst429', int, 'answer the next N requests with 429'],
  ['--truncate-rate <p>', 'truncateRate', rate, 'fraction of JSON success bodies cut in half'],
  ['--malformed-rate <p>', 'malformedRate', rate, 'fraction of JSON success bodies replaced by non-JSON'],
  ['--drop-rate <p>', 'dropRate', rate, 'fraction of connections dropped without an answer'],
]

/**
 * Adds the common fault flags to `command`, in one order for every simulator. `help` rewords a flag
 * where a simulator describes it its own way.
 */
export function addFaultOptions(command: Command, help: Partial<Record<FaultFlag, string>> = {}): Command {
  for (const [flag, key, parse, text] of FAULT_FLAGS) command.option(flag, help[key] ?? text, parse)
  return command
}

/** The fault settings given on the command line; the ones left out keep their defaults. */
export function faultFlags(flags: FaultFlags): FaultFlags {
  const given: FaultFlags = {}
  for (const [, key] of FAULT_FLAGS) if (flags[key] !== undefined) given[key] = flags[key]
  return given
}

/**
 * Adds `sim <name>` to `program` (creating `sim` if this simulator registers first), with the flags every
 * simulator takes first: where to listen.
 */
export function addSimCommand(program: Command, name: string, description: string, port: number): Command {
  const sim = program.commands.find((c) => c.name() === 'sim') ?? program.command('sim')
  return sim
    .command(name)
    .description(description)
    .option('--port <n>', 'port to listen on (0 = any free port)', int, port)
    .option('--host <host>', 'address to bind', '127.0.0.1')
}

/** Closes the simulator and exits on Ctrl-C or SIGTERM. */
export function closeOnSignal(simulator: { close(): Promise<void> }): void {
  const stop = () => void simulator.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
