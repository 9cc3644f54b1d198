/**
 * Private-key authentication and scopes (reference §1). Keys belong to accounts; all keys of one
 * account share its rate limits. A key without `scopes` has full access, like Klaviyo's "Full access"
 * keys; a key with scopes gets 403 on endpoints whose scope it lacks.
 */
import { KlaviyoError, TITLES } from './errors.js'

export interface ApiKeyConfig {
  key: string
  /** Accounts are named freely; keys that omit it share the account `default`. */
  account?: string
  /** e.g. `['events:write']`; omitted = full access. */
  scopes?: string[]
}

export interface Caller {
  key: string
  account: string
  /** Undefined for a full-access key. */
  scopes: ReadonlySet<string> | undefined
}

/** Thrown when the request must be answered by the Cloudflare edge with HTML (see `authenticate`). */
export class EdgeRejection extends Error {
  constructor(readonly status: number) {
    super(`edge rejected the request with ${status}`)
  }
}

/** A 401; the error handler sends it in fixture 10's exact shape. */
export class NotAuthenticated extends Error {}

const SCHEME = 'Klaviyo-API-Key'

export class KeyRing {
  readonly #keys = new Map<string, { account: string; scopes: Set<string> | undefined }>()

  constructor(keys: readonly (string | ApiKeyConfig)[]) {
    for (const entry of keys) {
      const config = typeof entry === 'string' ? { key: entry } : entry
      this.#keys.set(config.key, {
        account: config.account ?? 'default',
        scopes: config.scopes ? new Set(config.scopes) : undefined,
      })
    }
  }

  /**
   * Reads `Authorization: Klaviyo-API-Key <key>`. Anything else is a 401 `not_authenticated` (fixture
   * 10), except a private key sent as a Bearer token: Klaviyo's Cloudflare edge answered that with an
   * HTML 400 (fixture 11), so the simulator does too.
   */
  authenticate(header: string | undefined): Caller {
    const match = header === undefined ? null : /^(\S+) (\S+)$/.exec(header)
    if (match?.[1] === 'Bearer' && match[2]?.startsWith('pk_')) throw new EdgeRejection(400)
    if (match?.[1] !== SCHEME) {
      throw new NotAuthenticated('Missing or invalid authorization scheme. Please use Klaviyo-API-Key.')
    }
    const key = match[2]!
    const entry = this.#keys.get(key)
    if (!entry) throw new NotAuthenticated('Incorrect authentication credentials.')
    return { key, account: entry.account, scopes: entry.scopes }
  }

  /** 403 `permission_denied` when a scoped key lacks `scope` (body unconfirmed; reference §12). */
  authorize(caller: Caller, scope: string): void {
    if (caller.scopes === undefined || caller.scopes.has(scope)) return
    throw new KlaviyoError([
      {
        status: 403,
        code: 'permission_denied',
        title: TITLES.permission_denied,
        detail: `This API key is missing the required scope '${scope}'.`,
      },
    ])
  }
}
