import { describe, expect, it } from 'vitest'
import { FixedWindowLimiter } from '../../../src/simulators/common/fixed-window-limiter.js'

describe('FixedWindowLimiter', () => {
  it('allows `limit` per aligned window per key, then refuses until the next window', () => {
    let now = 60_000 * 10 + 1_000
    const limiter = new FixedWindowLimiter(3, 60_000, () => now)
    const states = [1, 2, 3, 4].map(() => limiter.take('a'))
    expect(states.map((s) => [s.allowed, s.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
      [false, 0],
    ])
    expect(states[3]!.resetMs).toBe(59_000)
    expect(limiter.take('b')).toMatchObject({ allowed: true, remaining: 2, limit: 3 })
    now = 60_000 * 11
    expect(limiter.take('a')).toMatchObject({ allowed: true, remaining: 2, resetMs: 60_000 })
  })

  it('exhausts a key for the rest of its window', () => {
    let now = 0
    const limiter = new FixedWindowLimiter(5, 1_000, () => now)
    limiter.exhaust('k')
    expect(limiter.take('k').allowed).toBe(false)
    now = 1_000
    expect(limiter.take('k').allowed).toBe(true)
  })

  it('rejects a limit or window that is not positive', () => {
    expect(() => new FixedWindowLimiter(0, 1_000)).toThrow(RangeError)
    expect(() => new FixedWindowLimiter(1, 0)).toThrow(RangeError)
  })
})
