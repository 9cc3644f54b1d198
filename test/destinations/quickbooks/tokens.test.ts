/**
 * OAuth tokens: refresh on 401 and before expiry, one refresher at a time, rotation persisted,
 * reconnect needed on invalid_grant; tokens sealed at rest in every database.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { QuickBooksClient } from '../../../src/destinations/quickbooks/client.js'
import { SecretBox } from '../../../src/destinations/quickbooks/secret-box.js'
import { TokenManager } from '../../../src/destinations/quickbooks/tokens.js'
import type { Store } from '../../../src/store/open-database.js'
import { DatabaseDocumentStore } from '../../../src/store/quickbooks-documents.js'
import { DatabaseTokenStore } from '../../../src/store/quickbooks-tokens.js'
import { forEachDatabase, freshStore } from '../../helpers/databases.js'
import { defaults, docs, harness, issuedTokens, paidOrder, REALM, simulator } from './helpers.js'

const KEY = 'ab'.repeat(32)

const refreshes = (sim: Awaited<ReturnType<typeof simulator>>) =>
  sim.requests().filter((r) => r.operation === 'refresh_token').length

describe('QuickBooks tokens', () => {
  it('refreshes once on a 401 mid-run, persists the rotated refresh token, and delivers', async () => {
    const sim = await simulator()
    const { destination, tokens } = await harness(sim)
    await destination.send([paidOrder(1)])
    const before = (await tokens.load(REALM))!.tokens
    expect(sim.tokens.expire()).toBeGreaterThan(0)
    const event = paidOrder(2)
    expect((await destination.send([event])).get(event.id)?.kind).toBe('delivered')
    const after = (await tokens.load(REALM))!.tokens
    expect(after.refreshToken).not.toBe(before.refreshToken)
    expect(after.accessToken).not.toBe(before.accessToken)
    expect(refreshes(sim)).toBe(1)
    expect(docs(sim, 'SalesReceipt')).toHaveLength(2)
  })

  it('concurrent callers of an expiring token share one refresh', async () => {
    const sim = await simulator()
    const store = await issuedTokens(sim)
    const connection = (await store.load(REALM))!
    await store.save(REALM, { ...connection, tokens: { ...connection.tokens, accessExpiresAt: Date.now() } })
    const options = defaults(sim)
    const manager = new TokenManager(REALM, { ...options, tokenUrl: sim.oauthUrls.token }, store)
    const got = await Promise.all(Array.from({ length: 8 }, () => manager.accessToken()))
    expect(new Set(got).size).toBe(1)
    expect(refreshes(sim)).toBe(1)
    expect((await store.load(REALM))!.tokens.accessToken).toBe(got[0])
  })

  it('a refused refresh token puts the realm in reconnect needed, shown as the retry reason', async () => {
    const sim = await simulator()
    const { destination, tokens } = await harness(sim)
    sim.tokens.revoke()
    const event = paidOrder(3)
    const outcome = (await destination.send([event])).get(event.id)
    expect(outcome).toMatchObject({
      kind: 'retry',
      retryAfterMs: 600_000,
      reason: expect.stringMatching(/^reconnect needed: .*invalid_grant.*shiprelay quickbooks connect/),
    })
    expect((await tokens.load(REALM))!.reconnectReason).toMatch(/^reconnect needed/)
    const refreshesSoFar = refreshes(sim)
    expect((await destination.send([event])).get(event.id)?.kind).toBe('retry')
    expect(refreshes(sim)).toBe(refreshesSoFar)
  })

  it('surfaces validation faults as permanent with code and Detail', async () => {
    const sim = await simulator()
    const tokens = await issuedTokens(sim)
    const manager = new TokenManager(REALM, { ...defaults(sim), tokenUrl: sim.oauthUrls.token }, tokens)
    const client = new QuickBooksClient({ realmId: REALM, baseUrl: sim.url }, { tokens: manager })
    const error = await client.write('Customer', { Notes: 'no name' }, 'test-6080').catch((e: unknown) => e)
    expect(error).toMatchObject({
      kind: 'permanent',
      status: 400,
      message: expect.stringContaining('6080 No Name Provided: No Name Provided : You must supply'),
    })
  })
})

describe('SecretBox', () => {
  it('seals and opens; refuses a missing, malformed or different key with a clear message', () => {
    const box = SecretBox.fromEnv({ SHIPRELAY_SECRET_KEY: KEY })
    const sealed = box.seal('refresh-token-value', REALM)
    expect(sealed).not.toContain('refresh-token-value')
    expect(box.open(sealed, REALM)).toBe('refresh-token-value')
    expect(() => SecretBox.fromEnv({})).toThrow(/SHIPRELAY_SECRET_KEY is not set/)
    expect(() => SecretBox.fromEnv({ SHIPRELAY_SECRET_KEY: 'short' })).toThrow(/must be 32 bytes/)
    const other = SecretBox.fromEnv({ SHIPRELAY_SECRET_KEY: 'cd'.repeat(32) })
    expect(() => other.open(sealed, REALM)).toThrow(/not the key they were stored with/)
    expect(() => box.open(sealed, '42')).toThrow(/not the key they were stored with/)
  })
})

forEachDatabase('QuickBooks stores', (database) => {
  let store: Store
  let dispose: () => Promise<void>
  beforeEach(async () => {
    ;({ store, dispose } = await freshStore(database))
  })
  afterEach(async () => dispose())

  it('keeps tokens sealed and the order → document map per destination', async () => {
    const box = new SecretBox(Buffer.from(KEY, 'hex'))
    const tokens = new DatabaseTokenStore(store.db, box)
    const connection = {
      tokens: { accessToken: 'at-1', accessExpiresAt: 1, refreshToken: 'rt-1', refreshExpiresAt: 2 },
      reconnectReason: null,
    }
    await tokens.save(REALM, connection)
    await tokens.save(REALM, { ...connection, tokens: { ...connection.tokens, refreshToken: 'rt-2' } })
    expect((await tokens.load(REALM))?.tokens.refreshToken).toBe('rt-2')
    const raw = await store.db
      .selectFrom('quickbooks_tokens' as never)
      .selectAll()
      .execute()
    expect(JSON.stringify(raw)).not.toContain('rt-2')
    await expect(
      new DatabaseTokenStore(store.db, new SecretBox(Buffer.alloc(32))).load(REALM),
    ).rejects.toThrow(/not the key/)

    const documents = new DatabaseDocumentStore(store.db, 'qbo')
    const part = {
      orderId: 5,
      orderNumber: '1001',
      totalCents: 3497,
      paymentId: null,
      state: 'booked' as const,
    }
    const booked = {
      orderKey: 'main:1001',
      docType: 'Invoice' as const,
      docId: '12',
      syncToken: '0',
      docNumber: '1001',
      totalCents: 3497,
      state: 'booked' as const,
      parts: [part],
      shipping: null,
      creditId: null,
    }
    await documents.put(booked)
    const later = {
      ...booked,
      syncToken: '1',
      parts: [
        { ...part, paymentId: '7' },
        { ...part, orderId: 6, orderNumber: '1001-1', totalCents: 100 },
      ],
      shipping: { TrackingNum: '1Z9' },
    }
    await documents.put(later)
    expect(await documents.get('main:1001')).toEqual(later)
    expect(await new DatabaseDocumentStore(store.db, 'other').get('main:1001')).toBeUndefined()
  })
})
