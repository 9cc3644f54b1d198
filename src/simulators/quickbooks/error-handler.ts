/**
 * Every failure becomes the answer QuickBooks would give on that surface: Fault envelopes on the API,
 * the gateway's lower-case body for 401/403, OAuth JSON on the token and revoke endpoints, plain JSON
 * on /_sim. Nothing escapes as Fastify's own error format; an unexpected exception is a 500 that is
 * also counted, so tests can assert it never happens.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ZodError, z } from 'zod'
import { JSON_TYPE } from './api-routes.js'
import { MAX_BODY_BYTES } from './body.js'
import {
  faultBody,
  GatewayFault,
  OAuthError,
  QboFault,
  systemFault,
  unsupportedOperation,
  unsupportedProperty,
} from './errors.js'
import type { Realm } from './operations.js'
import { surfaceOf } from './paths.js'
import { envelopeTime } from './time.js'

export interface ErrorCounter {
  unexpected: number
}

const DEFAULT_ZONE = 'America/Los_Angeles'

/** The zone of the envelope `time`: the company's when the URL names one. */
export function zoneOf(realms: ReadonlyMap<string, Realm>, request: FastifyRequest): string {
  const realmId = (request.params as { realmId?: string } | undefined)?.realmId
  return (realmId && realms.get(realmId)?.company.settings.timezone) || DEFAULT_ZONE
}

/** Answers errors Fastify raises before routing (a path with bad percent-encoding). */
export type FrameworkErrorHandler = (error: Error, request: FastifyRequest, reply: FastifyReply) => void

/** Installs the error and not-found handlers; returns the handler for Fastify's `frameworkErrors`. */
export function installErrorHandling(
  app: FastifyInstance,
  deps: { realms: ReadonlyMap<string, Realm>; now: () => number; counter: ErrorCounter },
): FrameworkErrorHandler {
  const json = (reply: FastifyReply, status: number, body: unknown) =>
    reply.code(status).header('content-type', JSON_TYPE).send(JSON.stringify(body))
  const fault = (request: FastifyRequest, reply: FastifyReply, error: QboFault) =>
    json(reply, error.status, faultBody(error, envelopeTime(deps.now(), zoneOf(deps.realms, request))))

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const surface = surfaceOf(request.url)
    if (surface === 'control') {
      const status = error instanceof ZodError ? 400 : statusOf(error)
      const message = error instanceof ZodError ? z.prettifyError(error) : error.message
      return json(reply, status, { error: message })
    }
    if (error instanceof GatewayFault) return json(reply, error.status, error.body(deps.now()))
    if (error instanceof OAuthError) return json(reply, error.status, error.body())
    if (error instanceof QboFault) return fault(request, reply, error)
    const status = statusOf(error)
    if (status < 500) {
      // Oversized bodies, bad Content-Length, aborted uploads …
      const detail =
        error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? `a body over ${MAX_BODY_BYTES} bytes` : undefined
      if (surface !== 'api')
        return json(reply, status, { error: 'invalid_request', error_description: detail })
      if (detail !== undefined) {
        const tooLarge = unsupportedOperation(detail)
        return fault(request, reply, new QboFault(tooLarge.errors, tooLarge.type, 413))
      }
      return fault(
        request,
        reply,
        new QboFault([unsupportedProperty('failed to parse json object; a property')]),
      )
    }
    deps.counter.unexpected++
    request.log.error({ err: error }, 'unexpected error in the QuickBooks simulator')
    if (surface !== 'api') return json(reply, 500, { error: 'server_error' })
    return fault(request, reply, systemFault())
  })

  app.setNotFoundHandler((request, reply) => {
    if (surfaceOf(request.url) === 'control') {
      return json(reply, 404, { error: `no control route ${request.method} ${request.url.split('?')[0]}` })
    }
    return fault(request, reply, notFound(request, 404))
  })

  return (_error, request, reply) => {
    if (surfaceOf(request.url) === 'api') fault(request, reply, notFound(request, 400))
    else json(reply, 400, { error: 'invalid_request', error_description: 'malformed URL' })
  }
}

/** An unknown resource (reference §9: 404 unknown URL), in the Fault shape of an unsupported operation. */
function notFound(request: FastifyRequest, status: number): QboFault {
  const path = request.url.split('?')[0] ?? ''
  const full = `${request.protocol}://${request.host}${request.url}`
  const fault = unsupportedOperation(`Could not find resource for relative : ${path} of full path: ${full}`)
  return new QboFault(fault.errors, fault.type, status)
}

function statusOf(error: unknown): number {
  const code =
    typeof error === 'object' && error !== null && 'statusCode' in error ? Number(error.statusCode) : 500
  return code >= 400 && code < 600 ? code : 500
}
