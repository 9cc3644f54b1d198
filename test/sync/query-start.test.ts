import { describe, expect, it } from 'vitest'
import { parsePacific } from '../../src/lib/pacific-time.js'
import { queryStart } from '../../src/sync/query-start.js'

const HOUR = 3_600_000
const MIN = 60_000

describe('queryStart', () => {
  it('is the cursor minus the overlap on an ordinary day', () => {
    const cursor = parsePacific('2024-07-01 12:00:00')!
    expect(queryStart(cursor, 5 * MIN, cursor + MIN)).toBe(cursor - 5 * MIN)
  })

  it('reaches back one more hour when the Pacific clock fell back since', () => {
    // 2024-11-03 01:59:00 PDT; the clock falls back to 01:00 PST a minute later.
    const cursor = parsePacific('2024-11-03 01:59:00', 'earlier')!
    const now = cursor + 30 * MIN
    expect(queryStart(cursor, 5 * MIN, now)).toBe(cursor - 5 * MIN - HOUR)
  })

  it('does not reach back at spring-forward', () => {
    const cursor = parsePacific('2024-03-10 01:58:00')!
    expect(queryStart(cursor, 5 * MIN, cursor + 10 * MIN)).toBe(cursor - 5 * MIN)
  })
})
