/**
 * Intuit's OAuth 2 token endpoint (reference §2): code exchange and refresh, form-encoded with the app's
 * Basic credentials. Errors are plain OAuth JSON; `invalid_grant` means only a new authorization helps.
 */
import type { QuickBooksTokens } from '../../store/quickbooks-tokens.js'
import { oauthErrorSchema, type TokenResponse, tokenResponseSchema } from './types.js'

export const DEFAULT_TOKEN_URL = 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer'
export const ACCOUNTING_SCOPE = 'com.intuit.quickbooks.accounting'

export interface OAuthApp {
  clientId: string
  clientSecret: string
  tokenUrl: string
  timeoutMs?: number
  fetch?: typeof fetch
}

/** The grant is dead (invalid_grant, invalid_client): a person must reconnect. */
export class ReconnectNeededError extends Error {}

/** Network, 5xx, 429 or an unreadable answer: try again later. */
export class TokenEndpointError extends Error {}

export function exchangeCode(
  app: OAuthApp,
  code: string,
  redirectUri: string,
  now: number,
): Promise<QuickBooksTokens> {
  return tokenRequest(app, { grant_type: 'authorization_code', code, redirect_uri: redirectUri }, now)
}

export function refreshTokens(app: OAuthApp, refreshToken: string, now: number): Promise<QuickBooksTokens> {
  return tokenRequest(app, { grant_type: 'refresh_token', refresh_token: refreshToken }, now)
}

/** Revokes a connection (reference §2): JSON `{token}` with the app's Basic credentials. */
export async function revokeToken(
  app: Omit<OAuthApp, 'tokenUrl'>,
  revokeUrl: string,
  token: string,
): Promise<void> {
  const basic = Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')
  const response = await (app.fetch ?? fetch)(revokeUrl, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${basic}`,
      Accept: 'application/json',
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ token }),
    signal: AbortSignal.timeout(app.timeoutMs ?? 30_000),
  })
  await response.text()
  if (!response.ok) throw new TokenEndpointError(`QuickBooks revoke endpoint: HTTP ${response.status}`)
}

/** The tokens to store from a token endpoint answer received at `now` (100 days when the refresh expiry is absent). */
export function tokensFrom(
  answer: Pick<TokenResponse, 'access_token' | 'refresh_token' | 'expires_in' | 'x_refresh_token_expires_in'>,
  now: number,
): QuickBooksTokens {
  return {
    accessToken: answer.access_token,
    accessExpiresAt: now + answer.expires_in * 1000,
    refreshToken: answer.refresh_token,
    refreshExpiresAt: now + (answer.x_refresh_token_expires_in ?? 8_726_400) * 1000,
  }
}

async function tokenRequest(
  app: OAuthApp,
  form: Record<string, string>,
  now: number,
): Promise<QuickBooksTokens> {
  const basic = Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')
  let response: Response
  let text: string
  try {
    response = await (app.fetch ?? fetch)(app.tokenUrl, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${basic}`,
        Accept: 'application/json',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(app.timeoutMs ?? 30_000),
    })
    text = await response.text()
  } catch (error) {
    throw new TokenEndpointError(`QuickBooks token endpoint unreachable: ${(error as Error).message}`)
  }
  const json = parseJson(text)
  if (response.ok) {
    const parsed = tokenResponseSchema.safeParse(json)
    if (!parsed.success) throw new TokenEndpointError('QuickBooks token endpoint: unreadable token response')
    return tokensFrom(parsed.data, now)
  }
  const error = oauthErrorSchema.safeParse(json)
  const what = error.success
    ? `${error.data.error}${error.data.error_description ? ` (${error.data.error_description})` : ''}`
    : `HTTP ${response.status}`
  if (response.status === 400 || response.status === 401) {
    if (
      error.success &&
      ['invalid_grant', 'invalid_client', 'unauthorized_client'].includes(error.data.error)
    ) {
      throw new ReconnectNeededError(`QuickBooks refused the authorization: ${what}`)
    }
  }
  throw new TokenEndpointError(`QuickBooks token endpoint: ${what}`)
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
