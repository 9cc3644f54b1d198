import { describe, expect, it } from 'vitest'
import { RateGovernor } from '../../src/source/shipstation/rate-governor.js'

function fakeTime() {
  let now = 1_000_000
  const slept: number[] = []
  return {
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms)
      now += ms
    },
    advance: (ms: number) => {
      now += ms
    },
    slept,
  }
}

const headers = (limit: number, remaining: number, reset: number) =>
  new Headers({
    'X-Rate-Limit-Limit': String(limit),
    'X-Rate-Limit-Remaining': String(remaining),
    'X-Rate-Limit-Reset': String(reset),
  })

describe('RateGovernor', () => {
  it('sends freely while more than the reserve is left', async () => {
    const t = fakeTime()
    const g = new RateGovernor({ reserve: 5, now: t.now, sleep: t.sleep })
    g.observe(headers(40, 20, 30), 200)
    for (let i = 0; i < 10; i++) await g.run(async () => i)
    expect(t.slept).toEqual([])
  })

  it('waits for the window to reset when only the reserve is left', async () => {
    const t = fakeTime()
    const g = new RateGovernor({ reserve: 5, now: t.now, sleep: t.sleep, marginMs: 100 })
    g.observe(headers(40, 5, 12), 200)
    await g.run(async () => undefined)
    expect(t.slept).toEqual([12_100])
    expect(g.waits).toBe(1)
  })

  it('adapts to another app using the same key: the headers, not our count, decide', async () => {
    const t = fakeTime()
    const g = new RateGovernor({ reserve: 0, now: t.now, sleep: t.sleep, marginMs: 0 })
    g.observe(headers(40, 39, 50), 200)
    await g.run(async () => undefined) // we think 38 are left…
    g.observe(headers(40, 0, 49), 200) // …but another app used them all
    await g.run(async () => undefined)
    expect(t.slept).toEqual([49_000])
  })

  it('after a 429 waits the announced reset', () => {
    const t = fakeTime()
    const g = new RateGovernor({ reserve: 0, now: t.now, sleep: t.sleep, marginMs: 100 })
    g.observe(headers(40, 0, 7), 429)
    expect(g.retryDelayAfter429()).toBe(7100)
  })

  it('runs requests one at a time', async () => {
    const g = new RateGovernor({ reserve: 0 })
    let inFlight = 0
    let most = 0
    await Promise.all(
      Array.from({ length: 5 }, () =>
        g.run(async () => {
          inFlight++
          most = Math.max(most, inFlight)
          await new Promise((r) => setTimeout(r, 5))
          inFlight--
        }),
      ),
    )
    expect(most).toBe(1)
  })

  it('ignores nonsense header values', () => {
    const g = new RateGovernor({ reserve: 0 })
    g.observe(new Headers({ 'X-Rate-Limit-Remaining': 'lots', 'X-Rate-Limit-Reset': '-3' }), 200)
    expect(g.state).toEqual({ limit: undefined, remaining: undefined, resetAt: undefined })
  })
})
