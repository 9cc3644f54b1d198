import { describe, expect, it } from 'vitest'
import { faultErrors } from '../../../src/destinations/quickbooks/client.js'
import { RateLimiter } from '../../../src/destinations/quickbooks/rate-limiter.js'

describe('faultErrors', () => {
  it('reads the validation envelope and the gateway lower-case one alike', () => {
    const validation = {
      Fault: {
        Error: [
          {
            Message: 'Duplicate Name Exists Error',
            Detail: 'The name supplied already exists.',
            code: '6240',
            element: '',
          },
        ],
        type: 'ValidationFault',
      },
      time: '2026-07-15T09:12:03.551-07:00',
    }
    const gateway = {
      warnings: null,
      fault: {
        error: [
          {
            message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
            detail: 'Token expired',
            code: '3200',
            element: null,
          },
        ],
        type: 'AUTHENTICATION',
      },
      time: 1790000000000,
    }
    expect(faultErrors(validation)).toEqual([
      {
        code: '6240',
        message: 'Duplicate Name Exists Error',
        detail: 'The name supplied already exists.',
        element: '',
      },
    ])
    expect(faultErrors(gateway)).toEqual([
      {
        code: '3200',
        message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
        detail: 'Token expired',
        element: '',
      },
    ])
    expect(faultErrors({ SalesReceipt: { Id: '1' } })).toEqual([])
  })
})

describe('RateLimiter', () => {
  it('keeps at most `concurrent` in flight and `perSecond` starts in any second', async () => {
    const limiter = new RateLimiter({ concurrent: 3, perSecond: 5, perMinute: 500 })
    let inFlight = 0
    let peak = 0
    const starts: number[] = []
    await Promise.all(
      Array.from({ length: 12 }, () =>
        limiter.run(async () => {
          starts.push(Date.now())
          peak = Math.max(peak, ++inFlight)
          await new Promise((r) => setTimeout(r, 20))
          inFlight--
        }),
      ),
    )
    expect(peak).toBe(3)
    for (const t of starts) expect(starts.filter((s) => s >= t && s < t + 1000).length).toBeLessThanOrEqual(5)
    expect(Math.max(...starts) - Math.min(...starts)).toBeGreaterThanOrEqual(2000)
  })
})
