/**
 * Request bodies: `application/json` and `application/vnd.api+json` (parameters such as charset are
 * ignored; anything else is a 415), JSON that does not parse is a 400, and gzip/deflate request bodies
 * are decompressed before the size limit is applied, since Klaviyo states its 5 MB limit
 * "decompressed" (reference §2; other encodings are a 415).
 */
import { createGunzip, createInflate } from 'node:zlib'
import type { FastifyInstance } from 'fastify'
import { KlaviyoError, TITLES } from './errors.js'

/** Create Event and Bulk Create Events: 5 MB (taken as MiB). */
export const MAX_BODY_BYTES = 5 * 1024 * 1024
/** profile-import: 100 KB (taken as KiB). */
export const MAX_PROFILE_BODY_BYTES = 100 * 1024

const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = {
  gzip: createGunzip,
  'x-gzip': createGunzip,
  deflate: createInflate,
}

function parseError(detail: string): KlaviyoError {
  return new KlaviyoError([{ status: 400, code: 'parse_error', title: TITLES.parse_error, detail }])
}

export function installBodyParsing(app: FastifyInstance): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(
    ['application/json', 'application/vnd.api+json'],
    { parseAs: 'string' },
    (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string))
      } catch (error) {
        done(parseError(`JSON parse error - ${(error as Error).message}`), undefined)
      }
    },
  )
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase()
    if (encoding === 'identity' || encoding === '') return payload
    const decoder = DECODERS[encoding]
    if (!decoder) {
      throw new KlaviyoError([
        {
          status: 415,
          code: 'unsupported_media_type',
          title: TITLES.unsupported_media_type,
          detail: `Unsupported content encoding '${encoding}'.`,
        },
      ])
    }
    const decoded = payload.pipe(decoder()) as NodeJS.ReadWriteStream & { receivedEncodedLength?: number }
    // Fastify compares Content-Length with this instead of the decoded length.
    decoded.receivedEncodedLength = Number(request.headers['content-length']) || 0
    return decoded as unknown as typeof payload
  })
}
