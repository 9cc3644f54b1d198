/**
 * The simulator's URL layout: Intuit's hosts collapsed onto one (reference §1), so a client points its
 * API base, authorize, token and revoke URLs at the same origin.
 */
export const PATHS = {
  authorize: '/connect/oauth2',
  token: '/oauth2/v1/tokens/bearer',
  revoke: '/v2/oauth2/tokens/revoke',
  discovery: '/.well-known/openid_configuration',
  sandboxDiscovery: '/.well-known/openid_sandbox_configuration',
} as const

export type Surface = 'api' | 'oauth' | 'page' | 'control'

/** Which part of the simulator a URL belongs to; decides the shape of its error bodies. */
export function surfaceOf(url: string): Surface {
  const path = url.split('?')[0] ?? ''
  if (path === '/_sim' || path.startsWith('/_sim/')) return 'control'
  if (path.startsWith(PATHS.token) || path.startsWith(PATHS.revoke)) return 'oauth'
  if (path.startsWith(PATHS.authorize)) return 'page'
  return 'api'
}
