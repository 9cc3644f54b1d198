/**
 * `${VAR}` substitution, so that secrets live in the environment rather than in the file.
 *
 * `${VAR}` must be set; `${VAR:-default}` falls back when VAR is unset or empty (as in the shell);
 * `$${` is a literal `${`. Substitution is not recursive: a value taken from the environment is used
 * as it is.
 */

export type Env = Readonly<Record<string, string | undefined>>

export interface Interpolated {
  value: string
  /** One message per reference that could not be resolved; `value` is meaningless when non-empty. */
  errors: string[]
  /** The environment values substituted in, so error messages can keep them out. */
  substituted: string[]
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}|\$\{/g
const INNER = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/

export function interpolate(text: string, env: Env): Interpolated {
  const errors: string[] = []
  const substituted: string[] = []
  const value = text.replace(REFERENCE, (match, inner: string | undefined) => {
    if (match === '$${') return '${'
    if (inner === undefined) {
      errors.push('unterminated ${ (write $${ for a literal ${)')
      return ''
    }
    const m = INNER.exec(inner)
    if (!m) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the message shows the config syntax itself
      errors.push('malformed ${...}: expected ${NAME} or ${NAME:-default}')
      return ''
    }
    const [, name, fallback] = m as unknown as [string, string, string | undefined]
    const set = env[name]
    if (set === undefined || (set === '' && fallback !== undefined)) {
      if (fallback === undefined) errors.push(`environment variable ${name} is not set`)
      return fallback ?? ''
    }
    substituted.push(set)
    return set
  })
  return { value, errors, substituted }
}
