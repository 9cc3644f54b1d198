/**
 * Everything wrong with a config file, reported at once so a user fixes it in one pass. Each issue
 * says where (file, line, column, key path) and what, in the shape compilers use, so editors link it:
 *
 *   shiprelay.yaml:7:5: accounts[0].shipstation.apiKey: required
 *
 * Messages quote a value only where it cannot be a credential (an id, an event name, a time zone), and
 * the loader also redacts every secret field's value from them, so an error is always safe to print.
 */

export type ConfigPath = readonly (string | number)[]

export interface ConfigIssue {
  /** Key path as printed, e.g. `accounts[0].shipstation.apiKey`; empty for the file as a whole. */
  path: string
  /** 1-based position in the file; 0 when the issue concerns the whole file (e.g. it is missing). */
  line: number
  column: number
  message: string
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'

  constructor(
    /** The file name (or other label) the issues refer to. */
    readonly source: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(issues.map((issue) => formatIssue(source, issue)).join('\n'))
  }
}

export function formatIssue(source: string, { path, line, column, message }: ConfigIssue): string {
  const where = line > 0 ? `${source}:${line}:${column}` : source
  return path === '' ? `${where}: ${message}` : `${where}: ${path}: ${message}`
}

/** `accounts[0].shipstation.apiKey`; keys that are not identifiers are quoted: `eventNames["Order Shipped"]`. */
export function formatPath(path: ConfigPath): string {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`
    else out += `[${JSON.stringify(segment)}]`
  }
  return out
}
