/**
 * The `database` setting: one URL picks the store. SQLite is the embedded default (one file, or
 * `:memory:` for tests); PostgreSQL is for running many workers.
 */

export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string }

export const DEFAULT_DATABASE = 'sqlite:./shiprelay.db'

/**
 * Parses `sqlite:<file>` (relative paths are relative to the working directory) or
 * `postgres://` / `postgresql://` URLs. Throws an Error whose message never repeats the URL, which may
 * hold a password.
 */
export function parseDatabaseUrl(text: string): DatabaseConfig {
  if (text.startsWith('sqlite:')) {
    const file = text.slice('sqlite:'.length)
    if (file === '' || file.startsWith('//')) {
      throw new Error('expected sqlite:./relative.db, sqlite:/absolute/path.db or sqlite::memory:')
    }
    return { kind: 'sqlite', file }
  }
  if (/^postgres(ql)?:\/\//.test(text)) {
    let url: URL
    try {
      url = new URL(text)
    } catch {
      throw new Error('not a valid postgres:// URL')
    }
    if (url.hostname === '') throw new Error('a postgres:// URL needs a host')
    return { kind: 'postgres', url: text }
  }
  throw new Error('expected sqlite:<file> or postgres://user@host:5432/db')
}

/** The password inside a postgres URL, as written and percent-decoded, for redaction; [] when none. */
export function postgresPasswords(url: string): string[] {
  let raw: string
  try {
    raw = new URL(url).password
  } catch {
    return []
  }
  if (raw === '') return []
  let decoded = raw
  try {
    decoded = decodeURIComponent(raw)
  } catch {
    // A malformed escape: only the raw form can appear anywhere.
  }
  return decoded === raw ? [raw] : [raw, decoded]
}
