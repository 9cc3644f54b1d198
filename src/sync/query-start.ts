import { DateTime } from 'luxon'
import { PACIFIC } from '../lib/pacific-time.js'

const HOUR = 3_600_000

/**
 * Where the next read of a stream starts: the cursor minus an overlap (ShipStation may show a change a
 * little after the time it stamps on it), and one more hour when the Pacific clock fell back since.
 * After the fall-back, ShipStation stamps changes with wall times up to an hour *earlier* than stamps
 * it wrote just before, so a server that compares wall times would hide them behind the cursor.
 *
 * The offset comparison detects a fall-back exactly for spans under four months (the shortest gap
 * between a fall-back and the next spring-forward); a longer span means the cursor is months old, and
 * then the fall-back lies well inside the range read anyway.
 */
export function queryStart(cursor: number, overlapMs: number, now: number): number {
  const start = cursor - overlapMs
  const before = DateTime.fromMillis(start - HOUR, { zone: PACIFIC }).offset
  const after = DateTime.fromMillis(now, { zone: PACIFIC }).offset
  return before > after ? start - HOUR : start
}
