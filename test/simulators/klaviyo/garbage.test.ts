/**
 * Malformed requests of every kind get Klaviyo's error and never crash or 500 the simulator: media
 * types, broken JSON, compressed bodies, size limits, hostile nesting, random bodies (fast-check).
 */
import { connect } from 'node:net'
import { deflateSync, gzipSync } from 'node:zlib'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { apiHeaders, bulkBody, eventBody, type Json, post, useSimulator } from './helpers.js'

// Generous limits: the property-based tests send hundreds of requests a second.
const sim = useSimulator({ rateScale: 1000 })

afterEach(() => {
  expect(sim().stats().unexpectedErrors).toBe(0)
})

describe('media types', () => {
  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'application/vnd.api+json',
    'application/vnd.api+json; charset=UTF-8',
    'Application/JSON',
  ])('%s is accepted', async (type) => {
    expect((await post(sim(), '/api/events', eventBody(), apiHeaders({ 'content-type': type }))).status).toBe(
      202,
    )
  })

  it.each([
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/xml',
  ])('%s → 415', async (type) => {
    const answer = await post(
      sim(),
      '/api/events',
      JSON.stringify(eventBody()),
      apiHeaders({ 'content-type': type }),
    )
    expect(answer.status).toBe(415)
    expect(answer.json.errors[0]).toMatchObject({ status: 415, code: 'unsupported_media_type' })
    expect(answer.headers.get('ratelimit-limit')).not.toBeNull()
  })

  it('a body without Content-Type → 415', async () => {
    const answer = await post(
      sim(),
      '/api/events',
      new TextEncoder().encode(JSON.stringify(eventBody())),
      apiHeaders({ 'content-type': undefined }),
    )
    expect(answer.status).toBe(415)
  })

  it('no body at all → 400 invalid payload', async () => {
    const answer = await post(sim(), '/api/events', undefined, apiHeaders({ 'content-type': undefined }))
    expect(answer.status).toBe(400)
    expect(answer.json.errors[0].detail).toBe('The payload provided in the request is invalid.')
  })
})

describe('broken JSON', () => {
  it.each(['', 'not json', '{', '{"data":', "{'data': {}}", '{"data": NaN}', '\u0000\u0001', '[1,]'])(
    '%j → 400 parse_error',
    async (text) => {
      const answer = await post(sim(), '/api/events', text)
      expect(answer.status).toBe(400)
      expect(answer.json.errors[0]).toMatchObject({ code: 'parse_error', title: 'Malformed request.' })
    },
  )

  it.each(['null', '1', '"event"', 'true', '[]', '[{"data": {}}]', '{}'])(
    '%s → 400 invalid payload',
    async (text) => {
      const answer = await post(sim(), '/api/events', text)
      expect(answer.status).toBe(400)
      expect(answer.json.errors[0]).toMatchObject({
        detail: 'The payload provided in the request is invalid.',
        source: { pointer: '/data' },
      })
    },
  )

  it('random bytes → 400', async () => {
    const bytes = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)
    expect((await post(sim(), '/api/events', bytes)).status).toBe(400)
  })
})

describe('compressed bodies', () => {
  const json = () => JSON.stringify(eventBody())

  it('gzip and deflate are decompressed', async () => {
    const gz = await post(sim(), '/api/events', gzipSync(json()), apiHeaders({ 'content-encoding': 'gzip' }))
    expect(gz.status).toBe(202)
    const df = await post(
      sim(),
      '/api/events',
      deflateSync(json()),
      apiHeaders({ 'content-encoding': 'deflate' }),
    )
    expect(df.status).toBe(202)
    expect(sim().store.events({ status: 'all' })).toHaveLength(2)
  })

  it('an unsupported encoding → 415', async () => {
    const answer = await post(sim(), '/api/events', json(), apiHeaders({ 'content-encoding': 'br' }))
    expect(answer.status).toBe(415)
    expect(answer.json.errors[0].detail).toBe("Unsupported content encoding 'br'.")
  })

  it('a body that does not decompress → 400', async () => {
    const answer = await post(sim(), '/api/events', json(), apiHeaders({ 'content-encoding': 'gzip' }))
    expect(answer.status).toBe(400)
    expect(answer.json.errors[0].code).toBe('parse_error')
  })

  it('the 5 MB limit applies after decompression (zip bomb)', async () => {
    const bomb = gzipSync(`{"data": "${' '.repeat(6 * 1024 * 1024)}"}`)
    expect(bomb.length).toBeLessThan(100_000)
    const answer = await post(sim(), '/api/events', bomb, apiHeaders({ 'content-encoding': 'gzip' }))
    expect(answer.status).toBe(413)
  })
})

describe('size limits', () => {
  it('a body over 5 MB → 413', async () => {
    const body = eventBody()
    body.data.attributes.properties = { Blob: 'x'.repeat(5 * 1024 * 1024) }
    const answer = await post(sim(), '/api/events', body)
    expect(answer.status).toBe(413)
    expect(answer.json.errors[0]).toMatchObject({
      status: 413,
      code: 'payload_too_large',
      detail: 'The request payload exceeds the maximum size of 5 MB.',
    })
  })

  it('a streamed body over 5 MB without Content-Length → 413', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(1024 * 1024))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 6) controller.enqueue(chunk)
        else controller.close()
      },
    })
    const response = await fetch(`${sim().url}/api/events`, {
      method: 'POST',
      headers: apiHeaders(),
      body: stream,
      duplex: 'half',
    } as RequestInit)
    expect(response.status).toBe(413)
  })

  it('a bulk body just under 5 MB is read and validated', async () => {
    const body = eventBody()
    body.data.attributes.properties = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [`p${i}`, 'x'.repeat(80_000)]),
    )
    const answer = await post(sim(), '/api/events', body)
    expect(answer.status).toBe(202)
  })

  it('profile-import over 100 KB → 413', async () => {
    const body = {
      data: {
        type: 'profile',
        attributes: { email: 'a@example.com', properties: { Notes: 'x'.repeat(101 * 1024) } },
      },
    }
    const answer = await post(sim(), '/api/profile-import', body)
    expect(answer.status).toBe(413)
    expect(answer.json.errors[0].detail).toBe('The request payload exceeds the maximum size of 100 KB.')
  })
})

describe('hostile structure', () => {
  it('100,000 levels of nesting are rejected, not recursed into', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    expect((await post(sim(), '/api/events', deep)).status).toBe(400)
    const inProperties = `{"data":{"type":"event","attributes":{"metric":{"data":{"type":"metric","attributes":{"name":"X"}}},"profile":{"data":{"type":"profile","attributes":{"email":"a@example.com"}}},"properties":{"d":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}}}`
    const answer = await post(sim(), '/api/events', inProperties)
    expect(answer.status).toBe(400)
    expect(answer.json.errors[0].detail).toBe('Ensure objects are nested no more than 10 levels deep.')
  })

  it('deep profile meta is held to the same limits', async () => {
    const body = eventBody()
    let deep: Json = 1
    for (let i = 0; i < 50; i++) deep = { a: deep }
    body.data.attributes.profile.data.meta = { patch_properties: { append: deep } }
    expect((await post(sim(), '/api/events', body)).status).toBe(400)
  })

  it('a wrong value of any size is echoed briefly', async () => {
    const body = eventBody()
    body.data.type = 'x'.repeat(10_000)
    const answer = await post(sim(), '/api/events', body)
    expect(answer.json.errors[0].detail.length).toBeLessThan(200)
  })

  it('__proto__ and constructor keys are stored as plain data, polluting nothing', async () => {
    const text = JSON.stringify(eventBody()).replace(
      '"OrderId"',
      '"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"OrderId"',
    )
    expect((await post(sim(), '/api/events', text)).status).toBe(202)
    const [event] = sim().store.events()
    expect(Object.keys(event?.attributes.properties as object)).toEqual([
      '__proto__',
      'constructor',
      'OrderId',
    ])
    expect(({} as Json).polluted).toBeUndefined()
  })

  it('a raw socket sending garbage gets an answer and the server keeps serving', async () => {
    const url = new URL(sim().url)
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () =>
        socket.write('GARBAGE \u0000\u0001 HTTP/9.9\r\n\r\n'),
      )
      let data = ''
      socket.on('data', (d) => {
        data += d
      })
      socket.on('close', () => resolve(data))
      socket.on('error', () => resolve(data))
    })
    expect(reply).toMatch(/^HTTP\/1\.1 400/)
    expect((await post(sim(), '/api/events', eventBody())).status).toBe(202)
  })
})

describe('random requests and bodies (property-based)', () => {
  it('any method on any path, with or without credentials → a 4xx or success, never a 5xx', async () => {
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']
    const paths = [
      '/api/events',
      '/api/events/',
      '/api/event-bulk-create-jobs',
      '/api/profile-import',
      '/api/accounts',
      '/api/metrics',
      '/api/profiles',
      '/api',
      '/',
      '/_sim/nope',
    ]
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...methods),
        fc.constantFrom(...paths),
        fc.boolean(),
        fc.option(fc.jsonValue()),
        async (method, path, authenticated, body) => {
          const headers = authenticated ? apiHeaders() : { 'content-type': 'application/json' }
          const response = await fetch(`${sim().url}${path}`, {
            method,
            headers,
            body: body === null || method === 'GET' || method === 'HEAD' ? undefined : JSON.stringify(body),
          })
          await response.arrayBuffer()
          expect(response.status).toBeLessThan(500)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('any JSON value as the body → 400, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const answer = await post(sim(), '/api/events', JSON.stringify(value))
        expect(answer.status).toBe(400)
        expect(answer.json.errors.length).toBeGreaterThan(0)
      }),
      { numRuns: 150 },
    )
  })

  it('any JSON value at any place of a valid event → 202 or 400 with a pointer', async () => {
    const places = [
      ['data'],
      ['data', 'type'],
      ['data', 'attributes'],
      ['data', 'attributes', 'properties'],
      ['data', 'attributes', 'time'],
      ['data', 'attributes', 'value'],
      ['data', 'attributes', 'value_currency'],
      ['data', 'attributes', 'unique_id'],
      ['data', 'attributes', 'backfill'],
      ['data', 'attributes', 'metric'],
      ['data', 'attributes', 'metric', 'data'],
      ['data', 'attributes', 'metric', 'data', 'attributes', 'name'],
      ['data', 'attributes', 'profile', 'data', 'attributes'],
      ['data', 'attributes', 'profile', 'data', 'attributes', 'email'],
      ['data', 'attributes', 'profile', 'data', 'attributes', 'phone_number'],
      ['data', 'attributes', 'profile', 'data', 'attributes', 'location'],
      ['data', 'attributes', 'profile', 'data', 'id'],
    ]
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...places), fc.jsonValue(), async (path, value) => {
        const body = eventBody()
        let target: Json = body
        for (const key of path.slice(0, -1)) target = target[key]
        target[path.at(-1)!] = value
        const answer = await post(sim(), '/api/events', body)
        expect([202, 400]).toContain(answer.status)
        if (answer.status === 400) {
          for (const error of answer.json.errors) expect(error.source.pointer).toMatch(/^\/data/)
        }
      }),
      { numRuns: 300 },
    )
  })

  it('any JSON value inside a bulk job → 202 or 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.nat(3), async (value, where) => {
        const body = bulkBody([{ profile: { email: 'a@example.com' }, events: [{}] }])
        const entry = body.data.attributes['events-bulk-create'].data[0]
        if (where === 0) entry.attributes.events.data[0] = value
        if (where === 1) entry.attributes.profile = value
        if (where === 2) entry.attributes.events = value
        if (where === 3) body.data.attributes['events-bulk-create'] = value
        const answer = await post(sim(), '/api/event-bulk-create-jobs', body)
        expect([202, 400]).toContain(answer.status)
      }),
      { numRuns: 150 },
    )
  })
})
