/**
 * The one way to make a logger. Every line goes through the redactor as the final text pino writes, so
 * secrets are caught wherever they hide: message, bound fields, serialized errors and their stacks.
 * Output is JSON lines (pino-pretty is not installed; pipe through it when reading by eye).
 */
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino'
import type { Redactor } from './redact.js'

export type { Logger } from 'pino'
export type LogLevel = LevelWithSilent

export const LOG_LEVELS = [
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
  'silent',
] as const satisfies readonly LogLevel[]

export interface LoggerOptions {
  level: LogLevel
  redactor: Redactor
  /** Where lines go; standard output when omitted. */
  destination?: DestinationStream
}

export function createLogger({ level, redactor, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      hooks: { streamWrite: (line) => redactor.redact(line) },
    },
    destination ?? pino.destination(1),
  )
}
