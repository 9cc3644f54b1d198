/**
 * The access token of one realm: refreshed shortly before it expires (Intuit asks apps not to refresh
 * per call), by one refresher at a time — concurrent callers await the same refresh, since two refreshes
 * with one refresh token is the classic road to `invalid_grant` (reference §2, §15). The rotated refresh
 * token is persisted before the new access token is used. A refused refresh token puts the realm in
 * `reconnect needed`, remembered in the store so no further refresh is attempted until a reconnect.
 */
import type { StoredConnection, TokenStore } from '../../store/quickbooks-tokens.js'
import { type OAuthApp, ReconnectNeededError, refreshTokens } from './oauth.js'

/** Refresh this long before the access token expires, so a request never starts with a dying token. */
const REFRESH_MARGIN_MS = 5 * 60_000

export const RECONNECT_HINT = 'run `shiprelay quickbooks connect`'

export class TokenManager {
  #refreshing: Promise<string> | undefined

  constructor(
    readonly realmId: string,
    private readonly app: OAuthApp,
    private readonly store: TokenStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** A usable access token; throws ReconnectNeededError or TokenEndpointError. */
  async accessToken(): Promise<string> {
    if (this.#refreshing) return this.#refreshing
    const connection = await this.#load()
    if (connection.tokens.accessExpiresAt - REFRESH_MARGIN_MS > this.now())
      return connection.tokens.accessToken
    return this.#refresh()
  }

  /** After a 401 with `rejected`: refresh unless someone already replaced that token. */
  async renew(rejected: string): Promise<string> {
    if (this.#refreshing) return this.#refreshing
    const connection = await this.#load()
    if (connection.tokens.accessToken !== rejected) return connection.tokens.accessToken
    return this.#refresh()
  }

  #refresh(): Promise<string> {
    this.#refreshing ??= this.#doRefresh().finally(() => {
      this.#refreshing = undefined
    })
    return this.#refreshing
  }

  async #doRefresh(): Promise<string> {
    const connection = await this.#load()
    try {
      const tokens = await refreshTokens(this.app, connection.tokens.refreshToken, this.now())
      await this.store.save(this.realmId, { tokens, reconnectReason: null })
      return tokens.accessToken
    } catch (error) {
      if (error instanceof ReconnectNeededError) {
        const reason = `reconnect needed: ${error.message}; ${RECONNECT_HINT}`
        await this.store.save(this.realmId, { ...connection, reconnectReason: reason })
        throw new ReconnectNeededError(reason)
      }
      throw error
    }
  }

  async #load(): Promise<StoredConnection> {
    const connection = await this.store.load(this.realmId)
    if (!connection) {
      throw new ReconnectNeededError(
        `reconnect needed: no QuickBooks tokens for realm ${this.realmId}; ${RECONNECT_HINT}`,
      )
    }
    if (connection.reconnectReason) throw new ReconnectNeededError(connection.reconnectReason)
    return connection
  }
}
