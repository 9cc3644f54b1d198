/**
 * Malformed requests of every kind get QuickBooks' Fault (or the OAuth error) and never crash or 500
 * the simulator: broken JSON, wrong JSON types, non-UTF-8 bytes, media types, size limits, bad URLs,
 * odd methods, torn connections, and random bodies and queries (fast-check).
 */
import { connect } from 'node:net'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { type Json, REALM, SEED, salesReceipt, useSimulator } from './helpers.js'

const client = useSimulator()

afterEach(() => {
  expect(client().sim.stats().unexpectedErrors).toBe(0)
})

const code = (answer: { body: Json }) => answer.body?.Fault?.Error?.[0]?.code

describe('bodies', () => {
  it('JSON that does not parse, or is not an object → 2010', async () => {
    for (const body of ['{bad json', '', '[]', '42', '"text"', 'null', '{"Line": [}']) {
      const answer = await client().post('salesreceipt', body, {
        headers: { 'content-type': 'application/json' },
      })
      expect(answer.status, body).toBe(400)
      expect(code(answer), body).toBe('2010')
    }
  })

  it('bytes that are not UTF-8 → 500 Unsupported Operation (reference §3)', async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0x44, 0xe9, 0x22, 0x3a, 0x31, 0x7d])
    const answer = await client().post('customer', bytes, { headers: { 'content-type': 'application/json' } })
    expect(answer.status).toBe(400)
    expect(answer.body.Fault.Error[0]).toMatchObject({
      code: '500',
      Message: 'Unsupported Operation',
      Detail: 'Operation Invalid byte 1 of 1-byte UTF-8 sequence. is not supported.',
    })
  })

  it('media types other than JSON (or text for queries) → 415 Fault', async () => {
    for (const type of ['application/xml', 'multipart/form-data; boundary=x', 'image/png']) {
      const answer = await client().post('customer', '{"DisplayName":"X"}', {
        headers: { 'content-type': type },
      })
      expect(answer.status, type).toBe(415)
      expect(code(answer)).toBe('500')
    }
    const charset = await client().post('customer', '{"DisplayName":"Charset"}', {
      headers: { 'content-type': 'application/json; charset=UTF-8' },
    })
    expect(charset.status).toBe(200)
  })

  it('a body over 5 MB → 413 Fault', async () => {
    const answer = await client().post('customer', { DisplayName: 'Big', Notes: 'x'.repeat(6 * 1024 * 1024) })
    expect(answer.status).toBe(413)
    expect(code(answer)).toBe('500')
  })

  it('hostile nesting and odd keys are parse errors, not crashes', async () => {
    for (const depth of [5000, 200_000]) {
      const deep = `${'{"CustomerRef":'.repeat(depth)}{"value":"1"}${'}'.repeat(depth)}`
      const answer = await client().post(`invoice?requestid=deep-${depth}`, deep, {
        headers: { 'content-type': 'application/json' },
      })
      expect(code(answer), String(depth)).toBe('2010')
    }
    const proto = '{"__proto__":{"admin":true},"DisplayName":"Proto"}'
    const answer = await client().post('customer', proto, { headers: { 'content-type': 'application/json' } })
    expect(code(answer)).toBe('2010')
    expect(({} as Json).admin).toBeUndefined()
  })

  it('token endpoint: garbage forms are OAuth errors', async () => {
    for (const body of ['', '%%%', 'grant_type', 'grant_type=refresh_token&refresh_token=']) {
      const answer = await client().request('POST', '/oauth2/v1/tokens/bearer', body, {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      expect(answer.status, body).toBeGreaterThanOrEqual(400)
      expect(answer.body.error, body).toBeTypeOf('string')
    }
  })
})

describe('URLs and methods', () => {
  it('unknown paths and methods → 404 Fault; unknown entities → 400', async () => {
    for (const [method, path] of [
      ['GET', `/v3/company/${REALM}/salesreceipt/1/pdf`],
      ['PUT', `/v3/company/${REALM}/customer`],
      ['DELETE', `/v3/company/${REALM}/invoice/1`],
      ['HEAD', `/v3/company/${REALM}/customer/1`],
      ['GET', '/'],
      ['GET', '/v2/company/1/customer/1'],
    ] as const) {
      const answer = await client().request(method, path)
      expect(answer.status, `${method} ${path}`).toBe(404)
      if (method !== 'HEAD') expect(code(answer)).toBe('500')
    }
    const entity = await client().get('SalesReceipt/1')
    expect(entity.status).toBe(400)
    expect(entity.body.Fault.Error[0].Detail).toBe('Operation /SalesReceipt is not supported.')
  })

  it('a path with bad percent-encoding → 400 Fault', async () => {
    const answer = await raw(`GET /v3/company/${REALM}/customer/%zz HTTP/1.1\r\nHost: x\r\n\r\n`)
    expect(answer).toMatch(/^HTTP\/1.1 400/)
    expect(answer).toContain('"code":"500"')
  })

  it('repeated parameters and odd authorization headers', async () => {
    expect(code(await client().get('query?query=a&query=b'))).toBe('4000')
    expect((await client().get(`customer/${SEED.customer}?requestid=a&requestid=b`)).status).toBe(200)
    for (const authorization of [
      'Bearer',
      'Basic abc',
      `Bearer ${'x'.repeat(5000)}`,
      'bearer  spaced  token ',
    ]) {
      expect((await client().get('customer/1', { headers: { authorization } })).status, authorization).toBe(
        401,
      )
    }
  })

  it('a connection torn mid-body does not disturb the next request', async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(client().sim.port, '127.0.0.1', () => {
        socket.write(
          `POST /v3/company/${REALM}/customer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${client().token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"Disp`,
        )
        setTimeout(() => socket.destroy(), 20)
      })
      socket.on('close', () => resolve())
    })
    expect((await client().post('salesreceipt', salesReceipt())).status).toBe(200)
  })
})

function raw(text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(client().sim.port, '127.0.0.1', () => socket.end(text))
    let out = ''
    socket.on('data', (chunk) => {
      out += chunk
    })
    socket.on('close', () => resolve(out))
  })
}

describe('random input (fast-check)', () => {
  const entities = ['customer', 'item', 'account', 'salesreceipt', 'invoice', 'payment', 'taxcode', 'batch']

  it('random JSON bodies on every write route: 200 or a 4xx Fault, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...entities),
        fc.constantFrom(
          '',
          '?operation=update',
          '?operation=delete',
          '?operation=void',
          '?include=allowduplicatedocnum',
        ),
        fc.jsonValue(),
        async (entity, query, value) => {
          const answer = await client().post(`${entity}${query}`, JSON.stringify(value), {
            headers: { 'content-type': 'application/json' },
          })
          expect([200, 400]).toContain(answer.status)
          if (answer.status === 400) expect(code(answer)).toMatch(/^\d+$/)
        },
      ),
      { numRuns: 120 },
    )
  })

  it('random objects shaped like the entities (known keys, random values)', async () => {
    const keys = [
      'Id',
      'SyncToken',
      'sparse',
      'Line',
      'CustomerRef',
      'DocNumber',
      'TxnDate',
      'TotalAmt',
      'Active',
      'DisplayName',
      'Name',
      'Type',
      'IncomeAccountRef',
      'TxnTaxDetail',
      'AccountType',
    ]
    const lineKeys = ['Amount', 'DetailType', 'SalesItemLineDetail', 'DiscountLineDetail', 'Id', 'LinkedTxn']
    const shaped = fc.dictionary(
      fc.constantFrom(...keys),
      fc.oneof(
        fc.jsonValue(),
        fc.array(fc.dictionary(fc.constantFrom(...lineKeys), fc.jsonValue(), { maxKeys: 4 }), {
          maxLength: 3,
        }),
      ),
      { maxKeys: 6 },
    )
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...entities.slice(0, 6)), shaped, async (entity, body) => {
        const answer = await client().post(entity, body)
        expect([200, 400]).toContain(answer.status)
      }),
      { numRuns: 120 },
    )
  })

  it('random query text: 200 or a 4000/4001 Fault', async () => {
    const words = fc.constantFrom(
      'select',
      '*',
      'count(*)',
      'from',
      'Customer',
      'Item',
      'where',
      'DisplayName',
      'Id',
      '=',
      'in',
      '(',
      ')',
      ',',
      'like',
      "'a%'",
      "'x\\'y'",
      'and',
      'or',
      'orderby',
      'desc',
      'maxresults',
      'startposition',
      '5',
      '0',
      '1001',
      'true',
      "'",
      '%',
      '<=',
    )
    await fc.assert(
      fc.asyncProperty(fc.array(words, { maxLength: 14 }), fc.string(), async (tokens, tail) => {
        const answer = await client().query(`${tokens.join(' ')}${tail}`)
        expect([200, 400]).toContain(answer.status)
        if (answer.status === 400) expect(['4000', '4001']).toContain(code(answer))
      }),
      { numRuns: 200 },
    )
  })
})
