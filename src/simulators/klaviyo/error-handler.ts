/**
 * Every failure becomes the response Klaviyo would send: JSON:API error documents from the API tier,
 * HTML from the Cloudflare edge. Nothing escapes as Fastify's own error format, and an unexpected
 * exception is a 500 document that is also counted, so tests can assert it never happens.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { EdgeRejection, NotAuthenticated } from './access.js'
import { JSON_API } from './api-routes.js'
import { MAX_BODY_BYTES } from './body.js'
import {
  errorDocument,
  KlaviyoError,
  notAuthenticatedDocument,
  sendCloudflarePage,
  serverError,
  TITLES,
  throttledError,
} from './errors.js'
import { API_ROUTES } from './gate.js'

export interface ErrorCounter {
  unexpected: number
}

export function installErrorHandling(app: FastifyInstance, counter: ErrorCounter): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof EdgeRejection) return sendCloudflarePage(reply, error.status)
    if (error instanceof NotAuthenticated) {
      return reply.code(401).type(JSON_API).send(notAuthenticatedDocument(error.message))
    }
    if (error instanceof KlaviyoError) {
      return reply.code(error.status).headers(error.headers).type(JSON_API).send(errorDocument(error.errors))
    }
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendErrors(reply, {
          status: 415,
          code: 'unsupported_media_type',
          title: TITLES.unsupported_media_type,
          detail: `Unsupported media type "${request.headers['content-type'] ?? ''}" in request.`,
        })
      case 'FST_ERR_CTP_BODY_TOO_LARGE': {
        const limit = request.routeOptions.bodyLimit ?? MAX_BODY_BYTES
        return sendErrors(reply, {
          status: 413,
          code: 'payload_too_large',
          title: TITLES.payload_too_large,
          detail: `The request payload exceeds the maximum size of ${describeBytes(limit)}.`,
        })
      }
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      // Bad Content-Length, a body that does not decompress, an aborted upload …
      return sendErrors(reply, {
        status: 400,
        code: 'parse_error',
        title: TITLES.parse_error,
        detail: TITLES.parse_error,
      })
    }
    counter.unexpected++
    request.log.error({ err: error }, 'unexpected error in the Klaviyo simulator')
    return sendErrors(reply, serverError(500))
  })

  app.setNotFoundHandler((request, reply) => {
    const path = (request.url.split('?')[0] ?? '').replace(/\/+$/, '')
    const allowed = Object.keys(API_ROUTES)
      .filter((route) => route.endsWith(` ${path}`))
      .map((route) => route.split(' ')[0]!)
    if (allowed.length > 0) {
      return sendErrors(reply.header('Allow', allowed.join(', ')), {
        status: 405,
        code: 'method_not_allowed',
        title: TITLES.method_not_allowed,
        detail: `Method "${request.method}" not allowed.`,
      })
    }
    return sendErrors(reply, {
      status: 404,
      code: 'not_found',
      title: TITLES.not_found,
      detail: TITLES.not_found,
    })
  })
}

function sendErrors(reply: FastifyReply, ...errors: Parameters<typeof errorDocument>[0]): FastifyReply {
  return reply.code(errors[0]!.status).type(JSON_API).send(errorDocument(errors))
}

/** Fault responders for the shared knobs: 5xx bodies and the 429 burst. */
export function faultResponders() {
  return {
    serverError(reply: FastifyReply, status: number): FastifyReply {
      // 500/503 come from Klaviyo's API tier; gateway errors (502/504/524) from the Cloudflare edge.
      if (status === 502 || status === 504 || status === 524) return sendCloudflarePage(reply, status)
      return sendErrors(reply, serverError(status))
    },
    tooManyRequests(_request: FastifyRequest, reply: FastifyReply): FastifyReply {
      for (const header of ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'])
        reply.removeHeader(header)
      return reply
        .code(429)
        .header('Retry-After', '1')
        .type(JSON_API)
        .send(errorDocument([throttledError(1)]))
    },
  }
}

function describeBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MB` : `${bytes / 1024} KB`
}
