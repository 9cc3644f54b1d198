/**
 * Reads shiprelay.yaml: YAML → `${VAR}` interpolation → validation → a frozen, typed Config. Every
 * problem found is reported at once, each with its line, column and key path (see ConfigError).
 */
import { readFileSync } from 'node:fs'
import { LineCounter, parseDocument, type YAMLError } from 'yaml'
import type { z } from 'zod'
import { Redactor } from '../lib/redact.js'
import { ConfigError, type ConfigIssue, type ConfigPath, formatPath } from './config-error.js'
import { postgresPasswords } from './database-url.js'
import { type Env, interpolate } from './interpolate.js'
import { type Config, ConfigSchema } from './schema.js'
import { secretFieldValues } from './secrets.js'
import { locate, positionOf, visitSource } from './yaml-source.js'

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
  // logLevel 'error': the yaml package would otherwise print warnings quoting the source to stderr.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, logLevel: 'error' })
  const issues: ConfigIssue[] = []
  const report = (path: ConfigPath, at: 'key' | 'value', message: string): void => {
    issues.push({ path: formatPath(path), ...locate(doc, lines, path, at), message })
  }
  const fromEnv: string[] = []
  const fail = (data: () => unknown): never => {
    throw new ConfigError(sourceName, withoutSecrets(issues, data, fromEnv).sort(byPosition))
  }

  if (doc.errors.length > 0) {
    issues.push(...syntaxIssues(doc.errors, text, lines))
    fail(() => doc.toJS())
  }

  const unresolved: ConfigPath[] = []
  let complexKeys = false
  visitSource(doc, {
    string(scalar, path) {
      if (!scalar.value.includes('$')) return
      const { value, errors, substituted } = interpolate(scalar.value, env)
      scalar.value = value
      fromEnv.push(...substituted)
      for (const message of errors) report(path, 'value', message)
      if (errors.length > 0) unresolved.push(path)
    },
    complexKey(key, path) {
      complexKeys = true
      const message = 'a key must be plain text, not a list or mapping'
      issues.push({ path: formatPath(path), ...positionOf(key, lines), message })
    },
  })
  // Plain data would hold such a key only as a stringified copy of its source.
  if (complexKeys) fail(() => undefined)

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
 * Messages quote a value only where it should not be a credential (ids, event names, time zones). As a
 * second line of defence, every secret field's value is redacted from them, and so is any quoted value
 * that came from the environment. Secret values under 4 characters are skipped: they cannot be real
 * credentials, and redacting them would garble every message.
 */
function withoutSecrets(issues: ConfigIssue[], data: () => unknown, fromEnv: string[]): ConfigIssue[] {
  let values: unknown
  try {
    values = data()
  } catch {
    values = undefined
  }
  const database = (values as { database?: unknown } | null | undefined)?.database
  const secrets = [
    ...secretFieldValues(values),
    ...(typeof database === 'string' ? postgresPasswords(database) : []),
  ]
  const redactor = new Redactor()
  for (const secret of secrets) if (secret.length >= 4) redactor.add(secret)
  for (const value of fromEnv) redactor.add(JSON.stringify(value))
  return issues.map((issue) => ({
    ...issue,
    path: redactor.redact(issue.path),
    message: redactor.redact(issue.message),
  }))
}

const MAX_SYNTAX_ISSUES = 10

/**
 * The yaml package's errors, cleaned up: its messages may end by quoting the offending source text
 * (which can be a credential), one broken bracket cascades into dozens of follow-up errors, and the
 * most common cause, an unquoted ${VAR} inside [ ] or { }, deserves a hint.
 */
function syntaxIssues(errors: readonly YAMLError[], text: string, lines: LineCounter): ConfigIssue[] {
  const byLine = new Map<number, ConfigIssue>()
  for (const error of errors) {
    const { line, col } = lines.linePos(error.pos[0])
    if (byLine.has(line)) continue
    let message = `YAML: ${error.message.replace(/: ("(?:[^"\\]|\\.)*"|\S+)$/, '')}`
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the hint shows the config syntax itself
    if (text.startsWith('${', error.pos[0] - 1)) message += '; inside [ ] or { }, write "${VAR}" in quotes'
    byLine.set(line, { path: '', line, column: col, message })
  }
  const issues = [...byLine.values()]
  if (issues.length <= MAX_SYNTAX_ISSUES) return issues
  const rest = issues.slice(MAX_SYNTAX_ISSUES)
  const { line, column } = rest[0]!
  return [
    ...issues.slice(0, MAX_SYNTAX_ISSUES),
    { path: '', line, column, message: `YAML: ${rest.length} more lines with errors, probably follow-ups` },
  ]
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
