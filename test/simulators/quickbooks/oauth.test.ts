/**
 * OAuth 2 against the simulator as a connect flow and a token manager use it: authorize redirect, code
 * exchange (single use), client authentication, refresh rotation with the grace period, expiry,
 * revocation, and what the accounting API answers for each kind of token.
 */
import { describe, expect, it } from 'vitest'
import { startQuickBooksSimulator } from '../../../src/simulators/quickbooks/index.js'
import { type Answer, CLIENT, Client, type Json, REALM, useSimulator } from './helpers.js'

const client = useSimulator({
  clients: [
    { ...CLIENT, redirectUris: [] },
    { clientId: 'other', clientSecret: 'x' },
  ],
})
const REDIRECT = 'http://127.0.0.1:9999/callback'
const HOUR = 3_600_000

const basic = (id = CLIENT.clientId, secret = CLIENT.clientSecret) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`

function tokenRequest(
  form: Record<string, string>,
  headers: Record<string, string | undefined> = {},
): Promise<Answer> {
  return client().request('POST', '/oauth2/v1/tokens/bearer', new URLSearchParams(form).toString(), {
    headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded', ...headers },
  })
}

async function authorize(params: Record<string, string> = {}): Promise<URL> {
  const query = new URLSearchParams({
    client_id: CLIENT.clientId,
    response_type: 'code',
    scope: 'com.intuit.quickbooks.accounting openid',
    redirect_uri: REDIRECT,
    state: 'csrf-123',
    ...params,
  })
  const answer = await client().request('GET', `/connect/oauth2?${query}`)
  expect(answer.status).toBe(302)
  return new URL(answer.headers.get('location')!)
}

const refresh = (token: string) => tokenRequest({ grant_type: 'refresh_token', refresh_token: token })
const apiWith = (token: string) => client().get('companyinfo/1', { token })

describe('authorize and code exchange', () => {
  it('auto-approves: redirect with code, state and realmId; the code buys working tokens', async () => {
    const back = await authorize()
    expect(back.origin + back.pathname).toBe(REDIRECT)
    expect(back.searchParams.get('state')).toBe('csrf-123')
    expect(back.searchParams.get('realmId')).toBe(REALM)
    const code = back.searchParams.get('code')!
    const answer = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({
      token_type: 'bearer',
      expires_in: 3600,
      x_refresh_token_expires_in: 8726400,
    })
    expect(answer.body.refresh_token).toMatch(/^RT1-/)
    expect(answer.headers.get('cache-control')).toBe('no-cache, no-store')
    expect((await apiWith(answer.body.access_token)).status).toBe(200)
  })

  it('a code works once; reuse, a different redirect_uri or an expired code → invalid_grant', async () => {
    const code = (await authorize()).searchParams.get('code')!
    expect(
      (await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })).status,
    ).toBe(200)
    const again = await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT })
    expect(again.status).toBe(400)
    expect(again.body).toEqual({ error: 'invalid_grant', error_description: 'Token invalid' })

    const other = (await authorize()).searchParams.get('code')!
    const wrongRedirect = await tokenRequest({
      grant_type: 'authorization_code',
      code: other,
      redirect_uri: `${REDIRECT}2`,
    })
    expect(wrongRedirect.body.error).toBe('invalid_grant')

    const late = (await authorize()).searchParams.get('code')!
    client().sim.clock.advance(11 * 60_000)
    const expired = await tokenRequest({
      grant_type: 'authorization_code',
      code: late,
      redirect_uri: REDIRECT,
    })
    expect(expired.body.error).toBe('invalid_grant')
  })

  it('errors the app can handle go back to redirect_uri with the state', async () => {
    expect((await authorize({ response_type: 'token' })).searchParams.get('error')).toBe(
      'unsupported_response_type',
    )
    const badScope = await authorize({ scope: 'com.intuit.quickbooks.nothing' })
    expect(badScope.searchParams.get('error')).toBe('invalid_scope')
    expect(badScope.searchParams.get('state')).toBe('csrf-123')
    expect((await authorize({ state: '' })).searchParams.get('error')).toBe('invalid_request')
    client().sim.tokens.autoApprove = false
    const denied = await authorize()
    expect(denied.searchParams.get('error')).toBe('access_denied')
    expect(denied.searchParams.has('code')).toBe(false)
  })

  it('an unknown client or a non-URL redirect gets an error page, not a redirect', async () => {
    const unknown = await client().request(
      'GET',
      '/connect/oauth2?client_id=nope&response_type=code&redirect_uri=x',
    )
    expect(unknown.status).toBe(400)
    expect(unknown.headers.get('content-type')).toContain('text/html')
    expect(unknown.text).toContain('invalid_client')
    const noRedirect = await client().request(
      'GET',
      `/connect/oauth2?client_id=${CLIENT.clientId}&response_type=code&redirect_uri=javascript:alert(1)`,
    )
    expect(noRedirect.status).toBe(400)
    expect(noRedirect.headers.get('location')).toBeNull()
  })

  it('registered redirect URIs are enforced when configured', async () => {
    const sim = await startQuickBooksSimulator({
      clients: [{ ...CLIENT, redirectUris: ['https://app.example.com/cb'] }],
    })
    try {
      const go = (uri: string) =>
        fetch(
          `${sim.url}/connect/oauth2?client_id=${CLIENT.clientId}&response_type=code&scope=com.intuit.quickbooks.accounting&state=s&redirect_uri=${encodeURIComponent(uri)}`,
          { redirect: 'manual' },
        )
      expect((await go('https://app.example.com/cb')).status).toBe(302)
      expect((await go('https://evil.example.com/cb')).status).toBe(400)
    } finally {
      await sim.close()
    }
  })
})

describe('client authentication', () => {
  it('Basic header or client_secret_post; a wrong secret → 401 invalid_client', async () => {
    const tokens = client().sim.tokens.issue()
    const post = await tokenRequest(
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, ...CLIENT_FORM },
      { authorization: undefined },
    )
    expect(post.status).toBe(200)
    const wrong = await tokenRequest(
      { grant_type: 'refresh_token', refresh_token: post.body.refresh_token },
      {
        authorization: basic(CLIENT.clientId, 'wrong'),
      },
    )
    expect(wrong.status).toBe(401)
    expect(wrong.body).toEqual({ error: 'invalid_client' })
  })

  it("another app cannot use this app's refresh token", async () => {
    const tokens = client().sim.tokens.issue()
    const answer = await tokenRequest(
      { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
      { authorization: basic('other', 'x') },
    )
    expect(answer.body.error).toBe('invalid_grant')
  })

  it('form encoding and grant_type are required', async () => {
    const json = await client().request(
      'POST',
      '/oauth2/v1/tokens/bearer',
      { grant_type: 'refresh_token' },
      {
        headers: { authorization: basic() },
      },
    )
    expect(json.status).toBe(400)
    expect(json.body.error).toBe('invalid_request')
    expect((await tokenRequest({})).body.error).toBe('invalid_request')
    expect((await tokenRequest({ grant_type: 'password' })).body).toEqual({ error: 'unsupported_grant_type' })
  })
})

const CLIENT_FORM = { client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret }

describe('refresh rotation', () => {
  it('every refresh rotates; the previous token works for 24 h, then invalid_grant', async () => {
    const first = client().sim.tokens.issue()
    const second = await refresh(first.refresh_token)
    expect(second.status).toBe(200)
    expect(second.body.refresh_token).not.toBe(first.refresh_token)
    expect(second.body.access_token).not.toBe(first.access_token)

    // A worker that lost the answer retries with the old token inside the grace period.
    client().sim.clock.advance(23 * HOUR)
    const retry = await refresh(first.refresh_token)
    expect(retry.status).toBe(200)
    const newest = retry.body.refresh_token
    expect(new Set([first.refresh_token, second.body.refresh_token, newest]).size).toBe(3)

    client().sim.clock.advance(2 * HOUR)
    const stale = await refresh(first.refresh_token)
    expect(stale.status).toBe(400)
    expect(stale.body).toEqual({
      error: 'invalid_grant',
      error_description: 'Incorrect or invalid refresh token',
    })
    // `second` was superseded only by the retry at 23 h, so its own grace period still runs.
    expect((await refresh(second.body.refresh_token)).status).toBe(200)
    client().sim.clock.advance(25 * HOUR)
    expect((await refresh(newest)).status).toBe(400)
  })

  it('the refresh token expires after x_refresh_token_expires_in of inactivity', async () => {
    const sim = await startQuickBooksSimulator({ tokens: { refreshTokenTtlSeconds: 100 } })
    try {
      const tokens = sim.tokens.issue()
      expect(tokens.x_refresh_token_expires_in).toBe(100)
      sim.clock.advance(101_000)
      const answer = await fetch(`${sim.url}/oauth2/v1/tokens/bearer`, {
        method: 'POST',
        headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=refresh_token&refresh_token=${tokens.refresh_token}`,
      })
      expect(answer.status).toBe(400)
      expect(((await answer.json()) as Json).error).toBe('invalid_grant')
    } finally {
      await sim.close()
    }
  })

  it('rotationIntervalMs hands back the same refresh token until it is that old', async () => {
    const sim = await startQuickBooksSimulator({ tokens: { rotationIntervalMs: HOUR } })
    try {
      const first = sim.tokens.issue()
      const refreshOnce = async (token: string) =>
        (
          await fetch(`${sim.url}/oauth2/v1/tokens/bearer`, {
            method: 'POST',
            headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' },
            body: `grant_type=refresh_token&refresh_token=${token}`,
          })
        ).json() as Promise<Json>
      expect((await refreshOnce(first.refresh_token)).refresh_token).toBe(first.refresh_token)
      sim.clock.advance(HOUR)
      expect((await refreshOnce(first.refresh_token)).refresh_token).not.toBe(first.refresh_token)
    } finally {
      await sim.close()
    }
  })
})

describe('access tokens on the API', () => {
  it('expire after expires_in: 401 3200 "Token expired", then a refresh fixes it', async () => {
    const tokens = client().sim.tokens.issue()
    expect((await apiWith(tokens.access_token)).status).toBe(200)
    client().sim.clock.advance(HOUR)
    const expired = await apiWith(tokens.access_token)
    expect(expired.status).toBe(401)
    expect(expired.body.fault.error[0]).toMatchObject({ code: '3200' })
    expect(expired.body.fault.error[0].detail).toMatch(/^Token expired: /)
    const renewed = await refresh(tokens.refresh_token)
    expect((await apiWith(renewed.body.access_token)).status).toBe(200)
  })

  it('the access token life is configurable', async () => {
    const sim = await startQuickBooksSimulator({ tokens: { accessTokenTtlSeconds: 5 } })
    try {
      const tokens = sim.tokens.issue()
      expect(tokens.expires_in).toBe(5)
      const other = new Client(sim)
      other.token = tokens.access_token
      expect((await other.get('companyinfo/1')).status).toBe(200)
      sim.clock.advance(5000)
      expect((await other.get('companyinfo/1')).status).toBe(401)
    } finally {
      await sim.close()
    }
  })

  it('/_sim/tokens/expire expires access tokens now; refresh tokens only when asked', async () => {
    const tokens = client().sim.tokens.issue()
    const expire = await client().request('POST', '/_sim/tokens/expire', { token: tokens.access_token })
    expect(expire.body).toEqual({ expired: 1 })
    expect((await apiWith(tokens.access_token)).status).toBe(401)
    expect((await refresh(tokens.refresh_token)).status).toBe(200)

    const more = client().sim.tokens.issue()
    expect(client().sim.tokens.expire({ token: more.refresh_token }, true)).toBe(1)
    expect((await refresh(more.refresh_token)).body.error).toBe('invalid_grant')
  })

  it('a token without the accounting scope → 403 3100', async () => {
    const answer = await client().request('POST', '/_sim/tokens', { scope: 'openid email' })
    const forbidden = await apiWith(answer.body.access_token)
    expect(forbidden.status).toBe(403)
    expect(forbidden.body.fault.error[0].code).toBe('3100')
  })
})

describe('revoke', () => {
  it('revoking the refresh token ends the connection: API 401, refresh invalid_grant', async () => {
    const tokens = client().sim.tokens.issue()
    const answer = await client().request(
      'POST',
      '/v2/oauth2/tokens/revoke',
      { token: tokens.refresh_token },
      {
        headers: { authorization: basic() },
      },
    )
    expect(answer.status).toBe(200)
    expect(answer.text).toBe('')
    expect((await apiWith(tokens.access_token)).status).toBe(401)
    expect((await refresh(tokens.refresh_token)).body.error).toBe('invalid_grant')
  })

  it('another app cannot revoke; unknown tokens are a quiet 200; a missing token is invalid_request', async () => {
    const tokens = client().sim.tokens.issue()
    const revoke = (body: unknown, id?: string, secret?: string) =>
      client().request('POST', '/v2/oauth2/tokens/revoke', body, {
        headers: { authorization: basic(id, secret) },
      })
    expect((await revoke({ token: tokens.access_token }, 'other', 'x')).status).toBe(200)
    expect((await apiWith(tokens.access_token)).status).toBe(200)
    expect((await revoke({ token: 'never-issued' })).status).toBe(200)
    expect((await revoke({})).body.error).toBe('invalid_request')
    expect((await revoke({ token: tokens.access_token }, CLIENT.clientId, 'bad')).status).toBe(401)
  })

  it('/_sim/tokens/revoke revokes every connection of a realm', async () => {
    const tokens = client().sim.tokens.issue()
    const answer = await client().request('POST', '/_sim/tokens/revoke', { realmId: REALM })
    expect(answer.body.revokedGrants).toBeGreaterThanOrEqual(2)
    expect((await apiWith(tokens.access_token)).status).toBe(401)
    const states = client()
      .sim.tokens.list()
      .filter((t) => t.realmId === REALM)
    expect(states.every((t) => t.state === 'revoked')).toBe(true)
  })
})
