import { describe, expect, it } from 'vitest'
import { connectQuickBooks, disconnectQuickBooks } from '../../../src/destinations/quickbooks/connect.js'
import { DEFAULT_CLIENT } from '../../../src/simulators/quickbooks/index.js'
import { MemoryTokenStore } from '../../../src/store/quickbooks-tokens.js'
import { harness, issuedTokens, paidOrder, REALM, simulator } from './helpers.js'

describe('quickbooks connect', () => {
  it('prints the authorization URL, takes the redirect, exchanges the code and stores the tokens', async () => {
    const sim = await simulator()
    const store = new MemoryTokenStore()
    await store.save(REALM, {
      tokens: { accessToken: 'old', accessExpiresAt: 0, refreshToken: 'dead', refreshExpiresAt: 0 },
      reconnectReason: 'reconnect needed: invalid_grant',
    })
    let printed = ''
    const connected = connectQuickBooks({
      ...DEFAULT_CLIENT,
      authorizeUrl: sim.oauthUrls.authorize,
      tokenUrl: sim.oauthUrls.token,
      redirectUri: 'http://127.0.0.1:0/callback',
      realmId: REALM,
      store,
      onAuthorizeUrl: (url) => {
        printed = url
        // The simulator approves at once and redirects the "browser" to our listener.
        void fetch(url).then((r) => r.text())
      },
    })
    expect(await connected).toEqual({ realmId: REALM })
    const url = new URL(printed)
    expect(url.searchParams.get('scope')).toBe('com.intuit.quickbooks.accounting')
    expect(url.searchParams.get('state')).toMatch(/^[0-9a-f]{32}$/)
    const saved = await store.load(REALM)
    expect(saved?.reconnectReason).toBeNull()
    expect(sim.tokens.list().some((t) => t.state === 'active')).toBe(true)
    expect(saved?.tokens.refreshToken).not.toBe('dead')
    // The stored token works against the API.
    const answer = await fetch(
      `${sim.url}/v3/company/${REALM}/query?query=select%20*%20from%20Item&minorversion=75`,
      {
        headers: { Authorization: `Bearer ${saved?.tokens.accessToken}`, Accept: 'application/json' },
      },
    )
    expect(answer.status).toBe(200)
  })

  it('refuses a redirect with the wrong state and a denied authorization', async () => {
    const sim = await simulator()
    sim.tokens.autoApprove = false
    let printed = ''
    const connected = connectQuickBooks({
      ...DEFAULT_CLIENT,
      authorizeUrl: sim.oauthUrls.authorize,
      tokenUrl: sim.oauthUrls.token,
      redirectUri: 'http://127.0.0.1:0/callback',
      store: new MemoryTokenStore(),
      onAuthorizeUrl: (url) => {
        printed = url
      },
    })
    await new Promise((resolve) => setTimeout(resolve, 20))
    const redirect = new URL(new URL(printed).searchParams.get('redirect_uri')!)
    redirect.search = 'state=forged&code=x&realmId=1'
    expect((await fetch(redirect)).status).toBe(400)
    void fetch(printed).then((r) => r.text())
    await expect(connected).rejects.toThrow(/access_denied/)
  })

  it('disconnect revokes at Intuit and leaves deliveries waiting as reconnect needed', async () => {
    const sim = await simulator()
    const tokens = await issuedTokens(sim)
    const revoked = await disconnectQuickBooks({
      ...DEFAULT_CLIENT,
      revokeUrl: sim.oauthUrls.revoke,
      realmId: REALM,
      store: tokens,
    })
    expect(revoked).toBe(true)
    expect(sim.tokens.list().every((t) => t.state === 'revoked')).toBe(true)
    const { destination } = await harness(sim, {}, { tokens })
    const event = paidOrder(1)
    expect((await destination.send([event])).get(event.id)).toMatchObject({
      kind: 'retry',
      reason: expect.stringMatching(/^reconnect needed: disconnected/),
    })
    expect(sim.requests().filter((r) => r.url.startsWith('/v3/'))).toHaveLength(0)
  })
})
