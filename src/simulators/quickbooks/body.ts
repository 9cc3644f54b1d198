/**
 * Request bodies: JSON for entities and batch, `application/text` (or text/plain) for POST query as
 * the Java SDK sends it (reference §3), form-encoded for the token endpoint. Bodies must be UTF-8
 * (otherwise QBO's "Invalid byte 1 of 1-byte UTF-8 sequence", code 500); JSON that does not parse is
 * 2010; other media types are refused.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { OAuthError, QboFault, unsupportedOperation, unsupportedProperty } from './errors.js'
import { surfaceOf } from './paths.js'

export const MAX_BODY_BYTES = 5 * 1024 * 1024

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** An error in the shape the request's surface uses (control routes get a plain 400/415). */
function bodyError(request: FastifyRequest, status: 400 | 415, detail: string, fault: () => QboFault): Error {
  switch (surfaceOf(request.url)) {
    case 'api':
      return fault()
    case 'control':
      return Object.assign(new Error(detail), { statusCode: status })
    default:
      return new OAuthError(400, 'invalid_request', detail)
  }
}

function decode(request: FastifyRequest, body: Buffer): string {
  try {
    return utf8.decode(body)
  } catch {
    throw bodyError(request, 400, 'the body is not UTF-8', () =>
      unsupportedOperation('Invalid byte 1 of 1-byte UTF-8 sequence.'),
    )
  }
}

export function installBodyParsing(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(['application/json'], { parseAs: 'buffer' }, (request, body, done) => {
    try {
      const text = decode(request, body as Buffer)
      try {
        done(null, JSON.parse(text))
      } catch {
        throw bodyError(
          request,
          400,
          'the body is not JSON',
          () => new QboFault([unsupportedProperty('failed to parse json object; a property')]),
        )
      }
    } catch (error) {
      done(error as Error, undefined)
    }
  })
  app.addContentTypeParser(
    ['application/text', 'text/plain'],
    { parseAs: 'buffer' },
    (request, body, done) => {
      try {
        done(null, decode(request, body as Buffer))
      } catch (error) {
        done(error as Error, undefined)
      }
    },
  )
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer' },
    (request, body, done) => {
      try {
        done(null, Object.fromEntries(new URLSearchParams(decode(request, body as Buffer))))
      } catch (error) {
        done(error as Error, undefined)
      }
    },
  )
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, _body, done) => {
    const type = request.headers['content-type'] ?? '(none)'
    const error = bodyError(request, 415, `unsupported Content-Type ${type}`, () => {
      const fault = unsupportedOperation(`Content-Type ${type}`)
      return new QboFault(fault.errors, fault.type, 415)
    })
    done(error, undefined)
  })
}
