import { describe, expect, it } from 'vitest'
import {
  formatPacific7,
  formatPacificDate,
  formatPacificQuery,
  formatPacificTrimmed,
  isAmbiguousPacific,
  pacificOffsetMinutes,
  parsePacific,
  startOfPacificDay,
} from '../../src/lib/pacific-time.js'

const utc = (iso: string) => Date.parse(iso)

describe('parsePacific', () => {
  it('reads summer and winter wall times with their own offsets', () => {
    expect(parsePacific('2024-07-01 12:00:00')).toBe(utc('2024-07-01T19:00:00Z'))
    expect(parsePacific('2024-01-15T08:30:00.0000000')).toBe(utc('2024-01-15T16:30:00Z'))
    expect(parsePacific('2024-01-15')).toBe(utc('2024-01-15T08:00:00Z'))
  })

  it('keeps milliseconds and truncates the 7-digit fraction', () => {
    expect(parsePacific('2024-01-15T08:30:00.1234567')).toBe(utc('2024-01-15T16:30:00.123Z'))
  })

  it('picks PDT (earlier) or PST (later) inside the fall-back hour', () => {
    expect(parsePacific('2024-11-03 01:30:00', 'earlier')).toBe(utc('2024-11-03T08:30:00Z'))
    expect(parsePacific('2024-11-03 01:30:00', 'later')).toBe(utc('2024-11-03T09:30:00Z'))
    expect(isAmbiguousPacific('2024-11-03 01:30:00')).toBe(true)
    expect(isAmbiguousPacific('2024-11-03 02:30:00')).toBe(false)
  })

  it('maps a time in the spring-forward gap to the jump (start) or just before it (end)', () => {
    expect(parsePacific('2024-03-10 02:30:00', 'earlier')).toBe(utc('2024-03-10T10:00:00Z'))
    expect(parsePacific('2024-03-10 02:30:00', 'later')).toBe(utc('2024-03-10T09:59:59.999Z'))
    expect(parsePacific('2024-03-10 03:00:00')).toBe(utc('2024-03-10T10:00:00Z'))
  })

  it('rejects text that names no calendar time', () => {
    for (const bad of [
      '',
      'yesterday',
      '2024-02-30',
      '2024-13-01',
      '2024-01-01 24:00:00',
      '2024-01-01T10:00:00Z',
    ]) {
      expect(parsePacific(bad)).toBeUndefined()
    }
  })
})

describe('formatting', () => {
  const summer = utc('2015-06-29T15:46:27.780Z')
  it('renders the three ShipStation shapes in Pacific time', () => {
    expect(formatPacific7(summer)).toBe('2015-06-29T08:46:27.7800000')
    expect(formatPacificTrimmed(summer)).toBe('2015-06-29T08:46:27.78')
    expect(formatPacificTrimmed(utc('2015-06-29T15:46:27Z'))).toBe('2015-06-29T08:46:27')
    expect(formatPacificDate(summer)).toBe('2015-06-29')
    expect(formatPacificQuery(summer)).toBe('2015-06-29 08:46:27')
  })

  it('shows the repeated hour twice across fall-back and skips the gap in spring', () => {
    expect(formatPacific7(utc('2024-11-03T08:30:00Z'))).toBe('2024-11-03T01:30:00.0000000')
    expect(formatPacific7(utc('2024-11-03T09:30:00Z'))).toBe('2024-11-03T01:30:00.0000000')
    expect(formatPacific7(utc('2024-03-10T09:59:59Z'))).toBe('2024-03-10T01:59:59.0000000')
    expect(formatPacific7(utc('2024-03-10T10:00:00Z'))).toBe('2024-03-10T03:00:00.0000000')
  })

  it('round-trips every hour of a year', () => {
    for (let ms = utc('2024-01-01T00:00:00Z'); ms < utc('2025-01-01T00:00:00Z'); ms += 3_600_000 + 1234) {
      const shown = formatPacific7(ms)
      expect(ms === parsePacific(shown, 'earlier') || ms === parsePacific(shown, 'later')).toBe(true)
    }
  })

  it('knows the offsets and the start of a Pacific day', () => {
    expect(pacificOffsetMinutes(utc('2024-07-01T00:00:00Z'))).toBe(-420)
    expect(pacificOffsetMinutes(utc('2024-12-01T00:00:00Z'))).toBe(-480)
    expect(startOfPacificDay(utc('2024-07-02T06:59:00Z'))).toBe(utc('2024-07-01T07:00:00Z'))
  })
})
