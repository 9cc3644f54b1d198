import { describe, expect, it } from 'vitest'
import { parseDuration } from '../../src/lib/duration.js'

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['60s', 60_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['1.5s', 1500],
    ['90', 90_000],
    [' 2m ', 120_000],
    [30, 30_000],
    [0.25, 250],
  ] as const)('%j is %i ms', (input, ms) => {
    expect(parseDuration(input)).toBe(ms)
  })

  it.each(['', 'soon', '5 minutes', '-1s', '1w', 'm', '1e3s', '1.s'])(
    'rejects %j with a clear message',
    (input) => {
      expect(() => parseDuration(input)).toThrow(/expected a duration such as 500ms, 60s/)
    },
  )

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('rejects the number %d', (input) => {
    expect(() => parseDuration(input)).toThrow(/non-negative number/)
  })
})
