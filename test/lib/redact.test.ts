import { describe, expect, it } from 'vitest'
import { REDACTED, Redactor } from '../../src/lib/redact.js'

const KEY = 'ss-key-0123456789abcdef'
const SECRET = 'ss-secret-fedcba9876543210'
const PK = 'pk_live_abcdef0123456789'

function redactor(): Redactor {
  return new Redactor().add(KEY).add(SECRET).add(PK)
}

describe('Redactor.redact', () => {
  it('replaces every occurrence of every secret', () => {
    const out = redactor().redact(`key=${KEY} secret=${SECRET} again ${KEY}`)
    expect(out).toBe(`key=${REDACTED} secret=${REDACTED} again ${REDACTED}`)
  })

  it('leaves text without secrets alone and ignores empty secrets', () => {
    const r = new Redactor().add('')
    expect(r.redact('nothing to see')).toBe('nothing to see')
    expect(redactor().redact('nothing to see')).toBe('nothing to see')
  })

  it('redacts the base64 Basic credential of a registered key:secret pair', () => {
    const basic = Buffer.from(`${KEY}:${SECRET}`).toString('base64')
    const out = redactor().redact(`authorization: Basic ${basic}`)
    expect(out).toBe(`authorization: Basic ${REDACTED}`)
    expect(out).not.toContain(basic)
  })

  it('redacts any Basic credential, even of unregistered secrets, but not prose about Basic auth', () => {
    const basic = Buffer.from('someone:hunter2').toString('base64')
    const r = new Redactor()
    expect(r.redact(`{"authorization":"Basic ${basic}"}`)).toBe(`{"authorization":"Basic ${REDACTED}"}`)
    expect(r.redact('ShipStation uses Basic authentication')).toBe('ShipStation uses Basic authentication')
  })

  it('redacts Klaviyo-API-Key and Bearer credentials', () => {
    const r = new Redactor()
    expect(r.redact('Authorization: Klaviyo-API-Key pk_other_0123456789')).toBe(
      `Authorization: Klaviyo-API-Key ${REDACTED}`,
    )
    expect(r.redact('authorization: bearer eyJhbGciOi.abc.def')).toBe(`authorization: bearer ${REDACTED}`)
  })

  it('redacts JSON-escaped and percent-encoded forms', () => {
    const odd = 'p"a\\ss w/rd&1'
    const r = new Redactor().add(odd)
    expect(r.redact(JSON.stringify({ password: odd }))).toBe(`{"password":"${REDACTED}"}`)
    expect(r.redact(`https://x.test/?p=${encodeURIComponent(odd)}`)).toBe(`https://x.test/?p=${REDACTED}`)
  })

  it('prefers the longest secret when one contains another', () => {
    const r = new Redactor().add('abcd').add('abcdefgh')
    expect(r.redact('xx abcdefgh yy')).toBe(`xx ${REDACTED} yy`)
  })

  it('treats regular-expression characters in secrets literally', () => {
    const r = new Redactor().add('a.b*c+')
    expect(r.redact('a.b*c+ axbbbcc')).toBe(`${REDACTED} axbbbcc`)
  })

  it('picks up secrets added after first use', () => {
    const r = new Redactor().add(KEY)
    expect(r.redact(SECRET)).toBe(SECRET)
    r.add(SECRET)
    expect(r.redact(SECRET)).toBe(REDACTED)
  })
})

describe('Redactor.redactDeep', () => {
  it('redacts strings and keys in nested objects, arrays, maps and sets without touching the input', () => {
    const input = {
      headers: { authorization: `Klaviyo-API-Key ${PK}` },
      list: [1, null, true, `x${KEY}x`, { deeper: [SECRET] }],
      map: new Map([[KEY, SECRET]]),
      set: new Set([PK]),
      [SECRET]: 'key named like a secret',
      when: new Date(0),
    }
    const out = redactor().redactDeep(input)
    expect(out).toEqual({
      headers: { authorization: `Klaviyo-API-Key ${REDACTED}` },
      list: [1, null, true, `x${REDACTED}x`, { deeper: [REDACTED] }],
      map: new Map([[REDACTED, REDACTED]]),
      set: new Set([REDACTED]),
      [REDACTED]: 'key named like a secret',
      when: new Date(0),
    })
    expect(input.list[3]).toBe(`x${KEY}x`)
  })

  it('keeps errors as errors with message, stack, fields and cause redacted', () => {
    const cause = new Error(`inner ${SECRET}`)
    const error = Object.assign(new TypeError(`request with ${KEY} failed`, { cause }), { body: PK })
    const out = redactor().redactDeep(error)
    expect(out).toBeInstanceOf(Error)
    expect(out.name).toBe('TypeError')
    expect(out.message).toBe(`request with ${REDACTED} failed`)
    expect(out.stack).toContain(`request with ${REDACTED} failed`)
    expect(out.body).toBe(REDACTED)
    expect((out.cause as Error).message).toBe(`inner ${REDACTED}`)
    expect(JSON.stringify([out.stack, (out.cause as Error).stack])).not.toMatch(/ss-key|ss-secret/)
  })

  it('survives cycles', () => {
    const a: Record<string, unknown> = { secret: KEY }
    a.self = a
    const out = redactor().redactDeep(a)
    expect(out.secret).toBe(REDACTED)
    expect(out.self).toBe(out)
  })
})
