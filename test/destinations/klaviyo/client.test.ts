import { describe, expect, it } from 'vitest'
import { parseRetryAfter } from '../../../src/destinations/klaviyo/client.js'

describe('parseRetryAfter', () => {
  it('reads integer seconds, as Klaviyo sends them', () => {
    expect(parseRetryAfter('1')).toBe(1000)
    expect(parseRetryAfter(' 30 ')).toBe(30_000)
  })

  it('reads an HTTP date relative to now, never negative', () => {
    const now = Date.parse('2026-09-01T14:00:00Z')
    expect(parseRetryAfter('Tue, 01 Sep 2026 14:00:05 GMT', now)).toBe(5000)
    expect(parseRetryAfter('Tue, 01 Sep 2026 13:59:00 GMT', now)).toBe(0)
  })

  it('ignores a missing or unreadable header', () => {
    expect(parseRetryAfter(null)).toBeUndefined()
    expect(parseRetryAfter('soon')).toBeUndefined()
  })
})
