/**
 * Days of the accounting zone. Day D closes `closeAfter` after the midnight that ends it; until then
 * events may still add to it, afterwards it is frozen and posted. The first open day at a moment is
 * therefore the day of (moment − closeAfter): now < closesAt(D) ⇔ day(now − closeAfter) ≤ D.
 */
import { DateTime } from 'luxon'
import { dayInZone } from '../../../lib/pacific-time.js'

export function closesAt(day: string, zone: string, closeAfterMs: number): number {
  return DateTime.fromISO(day, { zone }).plus({ days: 1 }).startOf('day').toMillis() + closeAfterMs
}

export function firstOpenDay(now: number, zone: string, closeAfterMs: number): string {
  return dayInZone(now - closeAfterMs, zone)
}

/** `2026-11-25 02:00 America/Los_Angeles`, for reasons people read. */
export function describeMoment(ms: number, zone: string): string {
  return `${DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd HH:mm')} ${zone}`
}
