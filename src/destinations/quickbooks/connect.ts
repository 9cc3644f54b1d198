/**
 * Connecting a QuickBooks company (reference §2): the authorization URL for the merchant's browser, a
 * one-shot local listener for Intuit's redirect (state checked against CSRF), the code exchanged once
 * (a second exchange poisons it), and the tokens stored sealed. Also clears `reconnect needed`.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { TokenStore } from '../../store/quickbooks-tokens.js'
import { ACCOUNTING_SCOPE, exchangeCode, revokeToken } from './oauth.js'
import { RECONNECT_HINT } from './tokens.js'

export interface ConnectOptions {
  clientId: string
  clientSecret: string
  authorizeUrl: string
  tokenUrl: string
  /** Must be registered with the Intuit app; its host and port are where we listen. Port 0: any free port. */
  redirectUri: string
  /** The company the config names; a different one is refused (its tokens would go to the wrong books). */
  realmId?: string
  store: TokenStore
  /** Receives the URL to open in a browser. */
  onAuthorizeUrl: (url: string) => void
  timeoutMs?: number
  fetch?: typeof fetch
  now?: () => number
}

export async function connectQuickBooks(options: ConnectOptions): Promise<{ realmId: string }> {
  const state = randomBytes(16).toString('hex')
  const wanted = new URL(options.redirectUri)
  let redirectUri = options.redirectUri
  let settle: { resolve: (realmId: string) => void; reject: (error: Error) => void } | undefined
  const done = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject }
  })

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', redirectUri)
    if (url.pathname !== wanted.pathname) return page(response, 404, 'Not found')
    const params = url.searchParams
    if (params.get('state') !== state)
      return page(response, 400, 'State mismatch: start the connection again.')
    const error = params.get('error')
    if (error) {
      page(response, 400, `QuickBooks said: ${error}`)
      return settle?.reject(new Error(`QuickBooks authorization refused: ${error}`))
    }
    const code = params.get('code')
    const realmId = params.get('realmId')
    if (!code || !realmId) return page(response, 400, 'The redirect carried no code or realmId.')
    if (options.realmId && realmId !== options.realmId) {
      page(response, 400, `This is company ${realmId}; the configuration names ${options.realmId}.`)
      return settle?.reject(
        new Error(`connected company ${realmId}, but the destination is for ${options.realmId}`),
      )
    }
    try {
      const now = options.now ?? Date.now
      const tokens = await exchangeCode({ ...options, fetch: options.fetch }, code, redirectUri, now())
      await options.store.save(realmId, { tokens, reconnectReason: null })
      page(response, 200, 'Connected to QuickBooks. You can close this window.')
      settle?.resolve(realmId)
    } catch (failure) {
      page(response, 500, 'The code exchange failed; see the terminal.')
      settle?.reject(failure as Error)
    }
  }

  const server = createServer((request, response) => {
    void handle(request, response)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(Number(wanted.port || 80), wanted.hostname, resolve)
  })
  const address = server.address()
  if (typeof address === 'object' && address && wanted.port === '0') {
    const actual = new URL(options.redirectUri)
    actual.port = String(address.port)
    redirectUri = actual.toString()
  }
  const authorize = new URL(options.authorizeUrl)
  authorize.search = new URLSearchParams({
    client_id: options.clientId,
    response_type: 'code',
    scope: ACCOUNTING_SCOPE,
    redirect_uri: redirectUri,
    state,
  }).toString()
  options.onAuthorizeUrl(authorize.toString())
  const timer = setTimeout(
    () => settle?.reject(new Error('no answer from QuickBooks in time; run connect again')),
    options.timeoutMs ?? 10 * 60_000,
  )
  try {
    return { realmId: await done }
  } finally {
    clearTimeout(timer)
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
}

/**
 * Revokes the realm's connection at Intuit and marks it `reconnect needed`, so deliveries wait (with
 * that reason) instead of failing at QuickBooks. Returns false when there was nothing to revoke.
 */
export async function disconnectQuickBooks(options: {
  clientId: string
  clientSecret: string
  revokeUrl: string
  realmId: string
  store: TokenStore
  fetch?: typeof fetch
}): Promise<boolean> {
  const connection = await options.store.load(options.realmId)
  if (!connection) return false
  await revokeToken(options, options.revokeUrl, connection.tokens.refreshToken)
  await options.store.save(options.realmId, {
    ...connection,
    reconnectReason: `reconnect needed: disconnected by \`shiprelay quickbooks disconnect\`; ${RECONNECT_HINT}`,
  })
  return true
}

function page(response: ServerResponse, status: number, text: string): void {
  const safe = text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8' })
  response.end(`<!DOCTYPE html><html><head><title>shiprelay</title></head><body><p>${safe}</p></body></html>`)
}
