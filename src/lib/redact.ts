/**
 * Keeps credentials out of anything we print: logs, error messages, status output. Secrets are
 * registered once (from the loaded config) and every outgoing text passes through `redact`.
 *
 * Besides each secret verbatim, the forms in which it shows up in practice are covered: escaped inside
 * a JSON string (a log line), percent-encoded (a URL), and as an HTTP credential (`Basic <base64 of
 * key:secret>`, `Bearer <token>`, Klaviyo's `Klaviyo-API-Key <key>`), the last even for keys never
 * registered, since such a header value is a credential whatever it contains.
 */

export const REDACTED = '[redacted]'

/** An HTTP Authorization value: the scheme stays readable, the credential goes. */
const CREDENTIAL = /\b(Basic|Bearer|Klaviyo-API-Key)(\s+)([A-Za-z0-9._~+/-]+=*)/gi

export class Redactor {
  readonly #secrets = new Set<string>()
  #pattern: RegExp | undefined

  /** Registers a secret; empty strings are ignored (they would match everywhere). */
  add(secret: string): this {
    if (secret.length === 0 || this.#secrets.has(secret)) return this
    this.#secrets.add(secret)
    this.#pattern = undefined
    return this
  }

  /** `text` with every registered secret, and every HTTP credential, replaced by `[redacted]`. */
  redact(text: string): string {
    const pattern = this.#compiled()
    const out = pattern ? text.replace(pattern, REDACTED) : text
    return out.replace(CREDENTIAL, (whole, scheme: string, space: string, token: string) =>
      isCredential(scheme, token) ? `${scheme}${space}${REDACTED}` : whole,
    )
  }

  /**
   * A copy of `value` with every string (and object key) redacted. Errors stay Errors (message, stack
   * and own fields redacted); other class instances become plain objects of their own fields.
   */
  redactDeep<T>(value: T): T {
    return this.#deep(value, new WeakMap()) as T
  }

  #deep(value: unknown, seen: WeakMap<object, unknown>): unknown {
    if (typeof value === 'string') return this.redact(value)
    if (typeof value !== 'object' || value === null) return value
    if (value instanceof Date || value instanceof RegExp || ArrayBuffer.isView(value)) return value
    const done = seen.get(value)
    if (done !== undefined) return done
    if (Array.isArray(value)) {
      const copy: unknown[] = []
      seen.set(value, copy)
      for (const item of value) copy.push(this.#deep(item, seen))
      return copy
    }
    if (value instanceof Map) {
      const copy = new Map()
      seen.set(value, copy)
      for (const [k, v] of value) copy.set(this.#deep(k, seen), this.#deep(v, seen))
      return copy
    }
    if (value instanceof Set) {
      const copy = new Set()
      seen.set(value, copy)
      for (const v of value) copy.add(this.#deep(v, seen))
      return copy
    }
    const copy: Record<string, unknown> =
      value instanceof Error ? redactedError(value, (s) => this.redact(s)) : {}
    seen.set(value, copy)
    for (const [k, v] of Object.entries(value)) copy[this.redact(k)] = this.#deep(v, seen)
    if (value instanceof Error && value.cause !== undefined) copy.cause = this.#deep(value.cause, seen)
    return copy
  }

  /** One alternation of every form of every secret, longest first so no form is cut short. */
  #compiled(): RegExp | undefined {
    if (this.#pattern || this.#secrets.size === 0) return this.#pattern
    const forms = new Set<string>()
    for (const secret of this.#secrets) {
      forms.add(secret)
      forms.add(JSON.stringify(secret).slice(1, -1))
      forms.add(encodeURIComponent(secret))
    }
    const sorted = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp)
    this.#pattern = new RegExp(sorted.join('|'), 'g')
    return this.#pattern
  }
}

function redactedError(error: Error, redact: (s: string) => string): Error & Record<string, unknown> {
  const copy = new Error(redact(error.message)) as Error & Record<string, unknown>
  copy.name = error.name
  copy.stack = error.stack === undefined ? undefined : redact(error.stack)
  return copy
}

/** Basic credentials are base64 of `user:password`; anything else after "Basic" is prose. */
function isCredential(scheme: string, token: string): boolean {
  if (scheme.toLowerCase() !== 'basic') return token.length >= 8
  return /^[A-Za-z0-9+/]+=*$/.test(token) && Buffer.from(token, 'base64').toString('latin1').includes(':')
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
