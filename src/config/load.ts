/**
 * Reads shiprelay.yaml: YAML → `${VAR}` interpolation → validation → a frozen, typed Config. Every
 * problem found is reported at once, each with its line, column and key path (see ConfigError).
 */
import { readFileSync } from 'node:fs'
import { LineCounter, parseDocument } from 'yaml'
import type { z } from 'zod'
import { Redactor } from '../lib/redact.js'
import { ConfigError, type ConfigIssue, type ConfigPath, formatPath } from './config-error.js'
import { postgresPasswords } from './database-url.js'
import { type Env, interpolate } from './interpolate.js'
import { type Config, ConfigSchema } from './schema.js'
import { secretFieldValues } from './secrets.js'
import { forEachStringValue, locate } from './yaml-source.js'

export { ConfigError, type ConfigIssue } from './config-error.js'
export type { Env } from './interpolate.js'

/** Reads and validates the config file at `path`. Throws ConfigError, and nothing else, on any problem. */
export function loadConfig(path: string, env: Env = process.env): Config {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const message =
      code === 'ENOENT'
        ? `config file not found: ${path}`
        : `cannot read config file ${path}: ${code ?? (error as Error).message}`
    throw new ConfigError(path, [{ path: '', line: 0, column: 0, message }])
  }
  return parseConfig(text, path, env)
}

/** Validates config text; `sourceName` labels the issues (normally the file path). */
export function parseConfig(text: string, sourceName: string, env: Env = process.env): Config {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false })
  const issues: ConfigIssue[] = []
  const report = (path: ConfigPath, at: 'key' | 'value', message: string): void => {
    issues.push({ path: formatPath(path), ...locate(doc, lines, path, at), message })
  }
  const fail = (data: () => unknown): never => {
    throw new ConfigError(sourceName, withoutSecrets(issues, data).sort(byPosition))
  }

  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const { line, col } = lines.linePos(error.pos[0])
      issues.push({ path: '', line, column: col, message: `YAML: ${error.message}` })
    }
    fail(() => doc.toJS())
  }

  const unresolved: ConfigPath[] = []
  forEachStringValue(doc, (scalar, path) => {
    if (!scalar.value.includes('$')) return
    const { value, errors } = interpolate(scalar.value, env)
    scalar.value = value
    for (const message of errors) report(path, 'value', message)
    if (errors.length > 0) unresolved.push(path)
  })

  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: 100 })
  } catch (error) {
    // The yaml package refuses alias bombs here rather than while parsing.
    issues.push({ path: '', line: 1, column: 1, message: `YAML: ${(error as Error).message}` })
    fail(() => undefined)
  }

  const result = ConfigSchema.safeParse(data, { error: messageFor })
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)))
      // A value whose ${VAR} failed is already reported; its placeholder would only add noise.
      if (unresolved.some((u) => u.every((segment, i) => path[i] === segment))) continue
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) report([...path, key], 'key', 'unknown key')
      } else report(path, 'value', issue.message)
    }
  }
  if (issues.length > 0 || !result.success) fail(() => data)
  return deepFreeze(result.data) as Config
}

/**
 * Messages are built to name keys, not values; as a second line of defence, any secret field's value
 * that still shows up is redacted. Strings under 4 characters are skipped: they cannot be real
 * credentials, and redacting them would garble every message.
 */
function withoutSecrets(issues: ConfigIssue[], data: () => unknown): ConfigIssue[] {
  let values: unknown
  try {
    values = data()
  } catch {
    return issues
  }
  const database = (values as { database?: unknown } | null)?.database
  const secrets = [
    ...secretFieldValues(values),
    ...(typeof database === 'string' ? postgresPasswords(database) : []),
  ]
  const redactor = new Redactor()
  for (const secret of secrets) if (secret.length >= 4) redactor.add(secret)
  return issues.map((issue) => ({ ...issue, message: redactor.redact(issue.message) }))
}

function byPosition(a: ConfigIssue, b: ConfigIssue): number {
  return a.line - b.line || a.column - b.column
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
}

function kindOf(value: unknown): string {
  if (value === null) return 'an empty value'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'number' && !Number.isInteger(value)) return 'a fractional number'
  return TYPE_NAMES[typeof value] ?? typeof value
}

/** Zod's messages, reworded for someone editing YAML. None of them repeats the offending value. */
const messageFor: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required'
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, got ${kindOf(issue.input)}`
    case 'too_small':
    case 'too_big': {
      const small = issue.code === 'too_small'
      const limit = Number(small ? issue.minimum : issue.maximum)
      if (issue.origin === 'string' && small && limit === 1) return 'must not be empty'
      const bound = small ? 'at least' : 'at most'
      if (issue.origin === 'array') return `must have ${bound} ${limit} ${limit === 1 ? 'entry' : 'entries'}`
      if (issue.origin === 'string') return `must be ${bound} ${limit} characters`
      return `must be ${bound} ${limit}`
    }
    case 'invalid_value':
      return `must be one of: ${issue.values.map(String).join(', ')}`
    case 'invalid_union': {
      if (issue.note !== 'No matching discriminator') return undefined
      const options = (issue.options as unknown[] | undefined)?.map(String).join(', ')
      const given = (issue.input as Record<string, unknown> | undefined)?.[String(issue.discriminator)]
      return given === undefined
        ? `required; one of: ${options}`
        : `unknown type; expected one of: ${options}`
    }
    default:
      return undefined
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const child of Object.values(value)) deepFreeze(child)
  }
  return value
}
