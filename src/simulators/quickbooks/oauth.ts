/**
 * Intuit's OAuth 2 server as far as a connect flow and a token manager need it (reference §2, §13.1):
 * an auto-approving authorize endpoint, code exchange (single-use codes), refresh with rotation — a
 * new refresh token each time, the superseded one still accepted for a grace period, `invalid_grant`
 * after it — rolling and absolute refresh-token expiry, revoke (the whole connection), and the bearer
 * check of the accounting API (401/403 in the gateway's lower-case shape).
 */

import type { SeededRandom } from '../common/seeded-random.js'
import { GatewayFault, OAuthError } from './errors.js'

const ACCOUNTING_SCOPE = 'com.intuit.quickbooks.accounting'
const KNOWN_SCOPES = new Set([
  ACCOUNTING_SCOPE,
  'com.intuit.quickbooks.payment',
  'openid',
  'profile',
  'email',
  'phone',
  'address',
  'indirect-tax.tax-calculation.quickbooks',
  'app-foundations.custom-field-definitions',
])

export interface ClientConfig {
  clientId: string
  clientSecret: string
  /** Registered redirect URIs; empty accepts any http(s) URI. */
  redirectUris: string[]
}

export interface TokenSettings {
  accessTokenTtlSeconds: number
  /** Rolling life of a refresh token (`x_refresh_token_expires_in`). */
  refreshTokenTtlSeconds: number
  /** Absolute life of a connection (`x_refresh_token_hard_expires_in`). */
  hardExpirySeconds: number
  /** How long a superseded refresh token keeps working. */
  refreshGraceMs: number
  /** 0: every refresh hands out a new refresh token; N: only when the current one is older than N ms. */
  rotationIntervalMs: number
  authCodeTtlMs: number
}

/** One authorization of one app on one company; revoking any of its tokens ends all of them. */
interface Grant {
  id: number
  clientId: string
  realmId: string
  scopes: string[]
  createdAt: number
  hardExpiresAt: number
  revoked: boolean
}

interface RefreshToken {
  value: string
  grant: Grant
  issuedAt: number
  expiresAt: number
  supersededAt?: number
}

interface AccessToken {
  value: string
  grant: Grant
  expiresAt: number
}

interface AuthCode {
  value: string
  clientId: string
  realmId: string
  redirectUri: string
  scopes: string[]
  expiresAt: number
  used: boolean
}

export interface TokenResponse {
  token_type: 'bearer'
  access_token: string
  expires_in: number
  refresh_token: string
  x_refresh_token_expires_in: number
  x_refresh_token_hard_expires_in?: number
}

/** What the API gate learns from a valid bearer token. */
export interface Caller {
  clientId: string
  realmId: string
  scopes: readonly string[]
}

/** The authorize endpoint's answer: a redirect back to the app, or an error page (bad client/redirect). */
export type AuthorizeResult = { redirect: string } | { page: string }

export interface TokenView {
  kind: 'access' | 'refresh'
  token: string
  clientId: string
  realmId: string
  grantId: number
  expiresAt: string
  state: 'active' | 'superseded' | 'expired' | 'revoked'
}

export interface TokenFilter {
  token?: string
  realmId?: string
  clientId?: string
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

export class TokenAuthority {
  readonly #clients: Map<string, ClientConfig>
  readonly #codes = new Map<string, AuthCode>()
  readonly #refresh = new Map<string, RefreshToken>()
  readonly #access = new Map<string, AccessToken>()
  #grants = 0
  /** Simulator switch: false answers the authorize endpoint with `error=access_denied`. */
  autoApprove = true

  constructor(
    clients: readonly ClientConfig[],
    private readonly realms: readonly string[],
    readonly settings: TokenSettings,
    private readonly now: () => number,
    private readonly random: SeededRandom,
  ) {
    this.#clients = new Map(clients.map((c) => [c.clientId, c]))
  }

  #token(length: number): string {
    let text = ''
    for (let i = 0; i < length; i++) text += BASE62[this.random.int(0, 61)]
    return text
  }

  /** GET /connect/oauth2 (reference §2 "Authorize"); `realmId` picks the company (simulator extension). */
  authorize(query: Record<string, string | undefined>): AuthorizeResult {
    const client = this.#clients.get(query.client_id ?? '')
    if (!client) return { page: 'invalid_client: unknown client_id' }
    const redirectUri = query.redirect_uri ?? ''
    if (!isHttpUrl(redirectUri))
      return { page: 'invalid_request: redirect_uri must be an absolute http(s) URL' }
    if (client.redirectUris.length > 0 && !client.redirectUris.includes(redirectUri)) {
      return { page: 'invalid_request: redirect_uri is not registered for this app' }
    }
    const realmId = query.realmId ?? this.realms[0]!
    if (!this.realms.includes(realmId)) return { page: `invalid_request: unknown realmId ${realmId}` }
    const back = (params: Record<string, string | undefined>) => {
      const url = new URL(redirectUri)
      for (const [key, value] of Object.entries(params))
        if (value !== undefined) url.searchParams.set(key, value)
      return { redirect: url.toString() }
    }
    const state = query.state
    if (query.response_type !== 'code') return back({ error: 'unsupported_response_type', state })
    const scopes = (query.scope ?? '').split(/\s+/).filter((s) => s !== '')
    if (scopes.length === 0 || scopes.some((s) => !KNOWN_SCOPES.has(s)))
      return back({ error: 'invalid_scope', state })
    if (!state) return back({ error: 'invalid_request', error_description: 'state is required' })
    if (!this.autoApprove) return back({ error: 'access_denied', state })
    const code: AuthCode = {
      value: `AB11${Math.floor(this.now() / 1000)}${this.#token(32)}`,
      clientId: client.clientId,
      realmId,
      redirectUri,
      scopes,
      expiresAt: this.now() + this.settings.authCodeTtlMs,
      used: false,
    }
    this.#codes.set(code.value, code)
    return back({ code: code.value, state, realmId })
  }

  /**
   * Client authentication: `Authorization: Basic base64(id:secret)` (client_secret_basic) or
   * `client_id`/`client_secret` form fields (client_secret_post, advertised by the discovery document).
   */
  authenticateClient(header: string | undefined, form: Record<string, string | undefined>): ClientConfig {
    let id = form.client_id
    let secret = form.client_secret
    const basic = /^Basic\s+(\S+)\s*$/i.exec(header ?? '')
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      id = colon < 0 ? undefined : decoded.slice(0, colon)
      secret = colon < 0 ? undefined : decoded.slice(colon + 1)
    }
    const client = this.#clients.get(id ?? '')
    if (!client || client.clientSecret !== secret) throw new OAuthError(401, 'invalid_client')
    return client
  }

  exchangeCode(
    client: ClientConfig,
    form: Record<string, string | undefined>,
    includeHard: boolean,
  ): TokenResponse {
    const code = this.#codes.get(form.code ?? '')
    if (!code || code.clientId !== client.clientId || code.expiresAt <= this.now()) {
      throw new OAuthError(400, 'invalid_grant', 'Token invalid')
    }
    if (code.used) throw new OAuthError(400, 'invalid_grant', 'Token invalid')
    code.used = true
    if (form.redirect_uri !== code.redirectUri) throw new OAuthError(400, 'invalid_grant', 'Token invalid')
    return this.#issue(this.#newGrant(client.clientId, code.realmId, code.scopes), includeHard)
  }

  refresh(
    client: ClientConfig,
    form: Record<string, string | undefined>,
    includeHard: boolean,
  ): TokenResponse {
    const presented = this.#refresh.get(form.refresh_token ?? '')
    const now = this.now()
    if (
      !presented ||
      presented.grant.clientId !== client.clientId ||
      this.#refreshState(presented) !== 'active'
    ) {
      throw new OAuthError(400, 'invalid_grant', 'Incorrect or invalid refresh token')
    }
    const latest = this.#latestRefresh(presented.grant)
    const keep =
      this.settings.rotationIntervalMs > 0 &&
      presented === latest &&
      now - latest.issuedAt < this.settings.rotationIntervalMs
    return this.#issue(presented.grant, includeHard, keep ? latest : undefined)
  }

  /** POST /v2/oauth2/tokens/revoke: an access or refresh token of this client ends its whole grant. */
  revoke(client: ClientConfig, token: string): void {
    const grant = (this.#refresh.get(token) ?? this.#access.get(token))?.grant
    if (grant && grant.clientId === client.clientId) grant.revoked = true
  }

  /** Tokens without the flow, for tests and the CLI (`POST /_sim/tokens`). */
  issue(realmId: string, clientId: string, scopes: string[] = [ACCOUNTING_SCOPE]): TokenResponse {
    if (!this.realms.includes(realmId)) throw new RangeError(`unknown realm ${realmId}`)
    if (!this.#clients.has(clientId)) throw new RangeError(`unknown client ${clientId}`)
    return this.#issue(this.#newGrant(clientId, realmId, scopes), false)
  }

  /** The bearer check of the accounting API: 401 (3200) for a bad token, 403 (3100) for the wrong company. */
  verify(header: string | undefined, realmId: string): Caller {
    const match = /^Bearer\s+(.*)$/i.exec(header ?? '')
    if (!match) throw new GatewayFault(401, null)
    const value = match[1]!.trim()
    if (value.length < 10 || value.length > 4096) {
      throw new GatewayFault(401, 'Malformed bearer token: too short or too long')
    }
    const token = this.#access.get(value)
    if (!token || token.grant.revoked) throw new GatewayFault(401, null)
    if (token.expiresAt <= this.now()) throw new GatewayFault(401, `Token expired: ${value.slice(0, 12)}...`)
    const { grant } = token
    if (grant.realmId !== realmId || !grant.scopes.includes(ACCOUNTING_SCOPE))
      throw new GatewayFault(403, null)
    return { clientId: grant.clientId, realmId: grant.realmId, scopes: grant.scopes }
  }

  /** Expires matching access tokens now (and refresh tokens with `refresh`); returns how many. */
  expire(filter: TokenFilter, refresh = false): number {
    const now = this.now()
    let count = 0
    const tokens: (AccessToken | RefreshToken)[] = [
      ...this.#access.values(),
      ...(refresh ? this.#refresh.values() : []),
    ]
    for (const token of tokens) {
      if (matches(token, filter) && token.expiresAt > now) {
        token.expiresAt = now
        count++
      }
    }
    return count
  }

  /** Revokes the grants of matching tokens; returns how many grants ended. */
  revokeWhere(filter: TokenFilter): number {
    const grants = new Set<Grant>()
    for (const token of [...this.#access.values(), ...this.#refresh.values()]) {
      if (matches(token, filter) && !token.grant.revoked) grants.add(token.grant)
    }
    for (const grant of grants) grant.revoked = true
    return grants.size
  }

  list(): TokenView[] {
    const now = this.now()
    const view = (
      kind: TokenView['kind'],
      t: AccessToken | RefreshToken,
      state: TokenView['state'],
    ): TokenView => ({
      kind,
      token: t.value,
      clientId: t.grant.clientId,
      realmId: t.grant.realmId,
      grantId: t.grant.id,
      expiresAt: new Date(t.expiresAt).toISOString(),
      state,
    })
    return [
      ...[...this.#access.values()].map((t) =>
        view('access', t, t.grant.revoked ? 'revoked' : t.expiresAt <= now ? 'expired' : 'active'),
      ),
      ...[...this.#refresh.values()].map((t) => view('refresh', t, this.#refreshState(t))),
    ]
  }

  #refreshState(token: RefreshToken): TokenView['state'] {
    const now = this.now()
    if (token.grant.revoked) return 'revoked'
    if (token.expiresAt <= now || token.grant.hardExpiresAt <= now) return 'expired'
    if (token.supersededAt === undefined) return 'active'
    return now < token.supersededAt + this.settings.refreshGraceMs ? 'active' : 'superseded'
  }

  #latestRefresh(grant: Grant): RefreshToken {
    let latest: RefreshToken | undefined
    for (const token of this.#refresh.values()) {
      if (token.grant === grant && (!latest || token.issuedAt >= latest.issuedAt)) latest = token
    }
    return latest!
  }

  #newGrant(clientId: string, realmId: string, scopes: string[]): Grant {
    const now = this.now()
    return {
      id: ++this.#grants,
      clientId,
      realmId,
      scopes,
      createdAt: now,
      hardExpiresAt: now + this.settings.hardExpirySeconds * 1000,
      revoked: false,
    }
  }

  /** A new access token, and a new refresh token unless `keep` is handed back again. */
  #issue(grant: Grant, includeHard: boolean, keep?: RefreshToken): TokenResponse {
    const now = this.now()
    const { settings } = this
    const access: AccessToken = {
      value: `eyJ${this.#token(72)}`,
      grant,
      expiresAt: now + settings.accessTokenTtlSeconds * 1000,
    }
    this.#access.set(access.value, access)
    let refresh = keep
    if (!refresh) {
      for (const token of this.#refresh.values()) {
        if (token.grant === grant && token.supersededAt === undefined) token.supersededAt = now
      }
      refresh = {
        value: `RT1-${grant.id}-H0-${Math.floor(now / 1000)}${this.#token(20).toLowerCase()}`,
        grant,
        issuedAt: now,
        expiresAt: Math.min(now + settings.refreshTokenTtlSeconds * 1000, grant.hardExpiresAt),
      }
      this.#refresh.set(refresh.value, refresh)
    }
    const response: TokenResponse = {
      token_type: 'bearer',
      access_token: access.value,
      expires_in: settings.accessTokenTtlSeconds,
      refresh_token: refresh.value,
      x_refresh_token_expires_in: Math.max(0, Math.floor((refresh.expiresAt - now) / 1000)),
    }
    if (includeHard) response.x_refresh_token_hard_expires_in = Math.floor((grant.hardExpiresAt - now) / 1000)
    return response
  }
}

function matches(token: AccessToken | RefreshToken, filter: TokenFilter): boolean {
  return (
    (filter.token === undefined || token.value === filter.token) &&
    (filter.realmId === undefined || token.grant.realmId === filter.realmId) &&
    (filter.clientId === undefined || token.grant.clientId === filter.clientId)
  )
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text)
    return url.protocol === 'http:' || url.protocol === 'https:'
  } catch {
    return false
  }
}
