/**
 * Klaviyo's error bodies. The API tier answers with JSON:API error documents (reference §5, fixtures
 * 06–14); the Cloudflare edge in front of it answers with small HTML pages (fixture 11).
 */
import { randomUUID } from 'node:crypto'
import type { FastifyReply } from 'fastify'

export interface ApiError {
  status: number
  code: string
  title: string
  detail: string
  /** `pointer` into the body or the query/header `parameter` at fault; defaults to `/data`. */
  source?: { pointer: string } | { parameter: string }
  links?: Record<string, string>
  meta?: Record<string, unknown>
}

/** Thrown anywhere in request handling; the error handler renders it as an error document. */
export class KlaviyoError extends Error {
  constructor(
    readonly errors: readonly ApiError[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(errors[0]?.detail ?? 'Klaviyo error')
  }

  get status(): number {
    return this.errors[0]?.status ?? 500
  }
}

/**
 * Titles are the fixed texts Klaviyo sends per code (they are Django REST framework's defaults, which
 * is also where the unconfirmed ones below come from).
 */
export const TITLES = {
  invalid: 'Invalid input.',
  not_authenticated: 'Authentication credentials were not provided.',
  permission_denied: 'You do not have permission to perform this action.',
  throttled: 'Request was throttled.',
  parse_error: 'Malformed request.',
  unsupported_media_type: 'Unsupported media type.',
  payload_too_large: 'Payload too large.',
  not_found: 'Not found.',
  method_not_allowed: 'Method not allowed.',
  gone: 'Gone.',
  conflict: 'Conflict.',
  error: 'A server error occurred.',
  service_unavailable: 'Service temporarily unavailable, try again later.',
} as const

/** Fixture 09's text for a body that is not the expected resource-object shape. */
export const PAYLOAD_INVALID = 'The payload provided in the request is invalid.'
/** Fixture 07's text for a resource object without attributes. */
export const ATTRIBUTES_MISSING =
  'One of `attributes`, `relationships` or `id` must be included in the request payload.'

export function invalid(detail: string, pointer = '/data'): ApiError {
  return { status: 400, code: 'invalid', title: TITLES.invalid, detail, source: { pointer } }
}

export function invalidParameter(detail: string, parameter: string): ApiError {
  return { status: 400, code: 'invalid', title: TITLES.invalid, detail, source: { parameter } }
}

/** Any error as a JSON:API document: a fresh uuid per occurrence, `links`/`meta` as in 2024+ captures. */
export function errorDocument(errors: readonly ApiError[]): { errors: unknown[] } {
  return {
    errors: errors.map((e) => ({
      id: randomUUID(),
      status: e.status,
      code: e.code,
      title: e.title,
      detail: e.detail,
      source: e.source ?? { pointer: '/data' },
      links: e.links ?? {},
      meta: e.meta ?? {},
    })),
  }
}

/** The 401 exactly as captured (fixture 10): pointer `/data/`, no `links`, no `meta`. */
export function notAuthenticatedDocument(detail: string): { errors: unknown[] } {
  return {
    errors: [
      {
        id: randomUUID(),
        status: 401,
        code: 'not_authenticated',
        title: TITLES.not_authenticated,
        detail,
        source: { pointer: '/data/' },
      },
    ],
  }
}

/** Fixture 12's throttled error; the detail pluralises like Django REST framework's. */
export function throttledError(retryAfterSeconds: number): ApiError {
  const unit = retryAfterSeconds === 1 ? 'second' : 'seconds'
  return {
    status: 429,
    code: 'throttled',
    title: TITLES.throttled,
    detail: `Request was throttled. Expected available in ${retryAfterSeconds} ${unit}.`,
    links: { type: 'https://developers.klaviyo.com/en/docs/rate_limits_and_error_handling#rate-limits' },
  }
}

/** JSON:API 5xx bodies for errors raised by Klaviyo's own servers (500, 503). */
export function serverError(status: number): ApiError {
  if (status === 503) {
    return {
      status,
      code: 'service_unavailable',
      title: TITLES.service_unavailable,
      detail: TITLES.service_unavailable,
    }
  }
  return { status, code: 'error', title: TITLES.error, detail: TITLES.error }
}

interface HtmlPage {
  status: number
  headers: Record<string, string>
  body: string
}

const CLOUDFLARE_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  502: 'Bad Gateway',
  504: 'Gateway Time-out',
  524: 'A Timeout Occurred',
}

/**
 * A Cloudflare edge page. 400 is fixture 11 with nginx's CRLF line ends (the fixture shows LF, but its
 * captured Content-Length, 155, only adds up with CRLF); 403 carries `cf-mitigated: challenge` as in
 * klaviyo-api-python#84; gateway statuses (502/504/524) use the same nginx-style page, since those
 * come from the edge rather than from Klaviyo's API tier.
 */
function cloudflarePage(status: number): HtmlPage {
  const text = `${status} ${CLOUDFLARE_TEXT[status] ?? 'Error'}`
  const body =
    status === 403
      ? '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body>' +
        '<noscript>Enable JavaScript and cookies to continue</noscript></body></html>\n'
      : `<html>\r\n<head><title>${text}</title></head>\r\n<body>\r\n<center><h1>${text}</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n`
  const headers: Record<string, string> = {
    server: 'cloudflare',
    'content-type': status === 403 ? 'text/html; charset=UTF-8' : 'text/html',
  }
  if (status === 403) headers['cf-mitigated'] = 'challenge'
  return { status, headers, body }
}

export function sendCloudflarePage(reply: FastifyReply, status: number): FastifyReply {
  const page = cloudflarePage(status)
  return reply.code(page.status).headers(page.headers).send(page.body)
}
