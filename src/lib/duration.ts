/**
 * Durations as people write them in config ("500ms", "60s", "5m", "1h", "1d", or a bare number of
 * seconds). Hand-written on purpose: the grammar is five suffixes, and no duration library is installed.
 */

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/

/**
 * Milliseconds in `input`, rounded to a whole millisecond. A number, or a string without a unit, counts
 * seconds. Throws an Error whose message says what is accepted; the message does not repeat the input,
 * so callers may attach it to any field.
 */
export function parseDuration(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) throw new Error('a duration must be a non-negative number')
    return Math.round(input * 1000)
  }
  const m = DURATION.exec(input.trim())
  if (!m) {
    throw new Error('expected a duration such as 500ms, 60s, 5m, 1h, 1d or a number of seconds')
  }
  const unit = (m[2] ?? 's') as keyof typeof UNIT_MS
  return Math.round(Number(m[1]) * UNIT_MS[unit])
}
