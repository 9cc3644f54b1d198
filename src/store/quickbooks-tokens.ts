/**
 * QuickBooks OAuth tokens per realm, sealed at rest. The reconnect reason sits beside them in clear so
 * `status` and delivery reasons can show it without the key.
 */
import type { Kysely } from 'kysely'
import type { SecretBox } from '../destinations/quickbooks/secret-box.js'
import { quickBooksDb } from './quickbooks-tables.js'
import type { Database } from './schema.js'

export interface QuickBooksTokens {
  accessToken: string
  /** Epoch ms. */
  accessExpiresAt: number
  refreshToken: string
  /** Epoch ms. */
  refreshExpiresAt: number
}

export interface StoredConnection {
  tokens: QuickBooksTokens
  /** Set when the refresh token was refused: only a new `quickbooks connect` heals it. */
  reconnectReason: string | null
}

/** Where a token manager keeps its realm's tokens. */
export interface TokenStore {
  load(realmId: string): Promise<StoredConnection | undefined>
  save(realmId: string, connection: StoredConnection): Promise<void>
}

export class DatabaseTokenStore implements TokenStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
    private readonly now: () => number = Date.now,
  ) {}

  async load(realmId: string): Promise<StoredConnection | undefined> {
    const row = await quickBooksDb(this.db)
      .selectFrom('quickbooks_tokens')
      .selectAll()
      .where('realm_id', '=', realmId)
      .executeTakeFirst()
    if (!row) return undefined
    return {
      tokens: JSON.parse(this.box.open(row.sealed, realmId)) as QuickBooksTokens,
      reconnectReason: row.reconnect_reason,
    }
  }

  async save(realmId: string, connection: StoredConnection): Promise<void> {
    const values = {
      sealed: this.box.seal(JSON.stringify(connection.tokens), realmId),
      reconnect_reason: connection.reconnectReason,
      updated_at: this.now(),
    }
    await quickBooksDb(this.db)
      .insertInto('quickbooks_tokens')
      .values({ realm_id: realmId, ...values })
      .onConflict((oc) => oc.column('realm_id').doUpdateSet(values))
      .execute()
  }
}

/** In memory, for tests and one-off commands. */
export class MemoryTokenStore implements TokenStore {
  readonly connections = new Map<string, StoredConnection>()

  async load(realmId: string): Promise<StoredConnection | undefined> {
    const found = this.connections.get(realmId)
    return found && structuredClone(found)
  }

  async save(realmId: string, connection: StoredConnection): Promise<void> {
    this.connections.set(realmId, structuredClone(connection))
  }
}
