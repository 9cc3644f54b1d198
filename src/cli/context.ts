/** What every command that reads the config needs: the config, a redacting logger, clean exits. */
import pino from 'pino'
import { ConfigError, loadConfig } from '../config/load.js'
import type { Config } from '../config/schema.js'
import { redactorFor } from '../config/secrets.js'
import { createLogger, type Logger } from '../lib/logger.js'
import type { Redactor } from '../lib/redact.js'

export const DEFAULT_CONFIG_PATH = './shiprelay.yaml'

export interface CommandContext {
  config: Config
  logger: Logger
  redactor: Redactor
}

/** A failure the user can act on: printed as one line, exit code 1, no stack. */
export class UserError extends Error {
  override name = 'UserError'
}

/** `--limit`: a positive whole number, or a UserError naming the flag. */
export function parseLimit(value: unknown): number {
  const limit = Number(value)
  if (!Number.isInteger(limit) || limit < 1) throw new UserError('--limit must be a positive whole number')
  return limit
}

export function loadContext(configPath: string, logLevel?: string): CommandContext {
  const config = loadConfig(configPath)
  const redactor = redactorFor(config)
  // Logs go to standard error so standard output stays clean for results (`events --json`).
  const level = (logLevel ?? config.log.level) as Config['log']['level']
  const logger = createLogger({ level, redactor, destination: pino.destination(2) })
  return { config, logger, redactor }
}

/** Runs a command body, turning known failures into one clear line and an exit code. */
export async function runCommand(
  body: () => Promise<number | undefined>,
  redactor?: () => Redactor | undefined,
): Promise<void> {
  try {
    process.exitCode = (await body()) ?? 0
  } catch (error) {
    const text = error instanceof ConfigError || error instanceof UserError ? error.message : describe(error)
    const safe = redactor?.()?.redact(text) ?? text
    process.stderr.write(`shiprelay: ${safe}\n`)
    process.exitCode = 1
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message
  return String(error)
}
