/**
 * Which configured values are credentials, so they can be redacted from every log line and message.
 * Decided by key name rather than by a list of fields, so a new destination's `clientSecret` or
 * `refreshToken` is covered without touching this file.
 */
import { Redactor } from '../lib/redact.js'
import { postgresPasswords } from './database-url.js'
import type { Config } from './schema.js'

const SECRET_KEY = /^(api_?key|partner_?key)$|secret|token|passw(or)?d/i

/** Every string under a secret-named key, anywhere in `value` (any JSON-like data, cycles allowed). */
export function secretFieldValues(value: unknown): string[] {
  const found: string[] = []
  const seen = new Set<object>()
  const visit = (node: unknown, key: string | undefined): void => {
    if (typeof node === 'string') {
      if (key !== undefined && SECRET_KEY.test(key)) found.push(node)
      return
    }
    if (typeof node !== 'object' || node === null || seen.has(node)) return
    seen.add(node)
    if (Array.isArray(node)) {
      for (const item of node) visit(item, key)
    } else {
      for (const [k, v] of Object.entries(node)) visit(v, k)
    }
  }
  visit(value, undefined)
  return found
}

/**
 * All secrets in a loaded config: secret fields, the postgres password, and each ShipStation account's
 * Basic credential (base64 of key:secret), which is what actually travels in request headers.
 */
export function secretsOf(config: Config): string[] {
  const basic = config.accounts.map(({ shipstation: { apiKey, apiSecret } }) =>
    Buffer.from(`${apiKey}:${apiSecret}`).toString('base64'),
  )
  const database = config.database.kind === 'postgres' ? postgresPasswords(config.database.url) : []
  return [...new Set([...secretFieldValues(config), ...database, ...basic])]
}

/** A redactor that knows every secret of `config`. */
export function redactorFor(config: Config): Redactor {
  const redactor = new Redactor()
  for (const secret of secretsOf(config)) redactor.add(secret)
  return redactor
}
