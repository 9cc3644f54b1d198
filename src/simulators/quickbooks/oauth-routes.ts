/**
 * The OAuth endpoints on the simulator's origin (reference §1–2): authorize (auto-approving redirect),
 * token (code exchange and refresh, form-encoded, client authentication by Basic header or form
 * fields), revoke (JSON `{token}`), and the OpenID discovery document pointing at all of them.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { JSON_TYPE } from './api-routes.js'
import { OAuthError } from './errors.js'
import type { QuickBooksFaults } from './faults.js'
import type { TokenAuthority } from './oauth.js'
import { PATHS } from './paths.js'
import type { RequestLog } from './request-log.js'

type Form = Record<string, string | undefined>

function form(body: unknown): Form {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new OAuthError(400, 'invalid_request', 'the body must be application/x-www-form-urlencoded')
  }
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]))
}

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`
}

/** An HTML page like the one a browser shows when Intuit refuses the authorize request. */
function errorPage(message: string): string {
  const safe = message.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)
  return `<!DOCTYPE html><html><head><title>Intuit</title></head><body><h1>Something went wrong</h1><p>${safe}</p></body></html>`
}

export function registerOAuthRoutes(
  app: FastifyInstance,
  deps: { tokens: TokenAuthority; faults: QuickBooksFaults; log: RequestLog },
): void {
  const { tokens } = deps

  app.get(PATHS.authorize, async (request, reply) => {
    const result = tokens.authorize(request.query as Form)
    if ('page' in result) return reply.code(400).type('text/html; charset=utf-8').send(errorPage(result.page))
    return reply.redirect(result.redirect, 302)
  })

  app.post(PATHS.token, async (request, reply) => {
    if (
      !String(request.headers['content-type']).toLowerCase().startsWith('application/x-www-form-urlencoded')
    ) {
      throw new OAuthError(400, 'invalid_request', 'the body must be application/x-www-form-urlencoded')
    }
    const fields = form(request.body)
    const client = tokens.authenticateClient(request.headers.authorization, fields)
    const includeHard =
      String(request.headers['x-include-refresh-token-hard-expires-in']).toLowerCase() === 'true'
    deps.log.note(request, { operation: fields.grant_type ?? 'token' })
    let body: object
    if (fields.grant_type === 'authorization_code') body = tokens.exchangeCode(client, fields, includeHard)
    else if (fields.grant_type === 'refresh_token') body = tokens.refresh(client, fields, includeHard)
    else if (fields.grant_type === undefined)
      throw new OAuthError(400, 'invalid_request', 'grant_type is required')
    else throw new OAuthError(400, 'unsupported_grant_type')
    // The tokens exist now even if the answer never arrives (a refresh then leans on the grace period).
    if (deps.faults.loseResponse(request)) return reply.hijack()
    return reply
      .header('content-type', JSON_TYPE)
      .header('cache-control', 'no-cache, no-store')
      .header('pragma', 'no-cache')
      .send(JSON.stringify(body))
  })

  app.post(PATHS.revoke, async (request, reply) => {
    const fields = form(request.body)
    const client = tokens.authenticateClient(request.headers.authorization, fields)
    deps.log.note(request, { operation: 'revoke' })
    if (!fields.token) throw new OAuthError(400, 'invalid_request', 'token is required')
    tokens.revoke(client, fields.token)
    return reply.code(200).send()
  })

  const discovery = async (request: FastifyRequest) => {
    const base = origin(request)
    return {
      issuer: 'https://oauth.platform.intuit.com/op/v1',
      authorization_endpoint: `${base}${PATHS.authorize}`,
      token_endpoint: `${base}${PATHS.token}`,
      userinfo_endpoint: `${base}/v1/openid_connect/userinfo`,
      revocation_endpoint: `${base}${PATHS.revoke}`,
      jwks_uri: `${base}/op/v1/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile', 'address', 'phone'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      claims_supported: ['aud', 'exp', 'iat', 'iss', 'realmid', 'sub'],
    }
  }
  app.get(PATHS.discovery, discovery)
  app.get(PATHS.sandboxDiscovery, discovery)
}
