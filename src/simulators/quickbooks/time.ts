/**
 * QuickBooks writes times in the company's zone with its UTC offset: MetaData timestamps in whole
 * seconds (`2014-09-16T14:59:48-07:00`), the envelope `time` with milliseconds, dates as `YYYY-MM-DD`
 * (reference §3, fixtures entities/ and query/).
 */
import { DateTime } from 'luxon'

export function timestamp(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ")
}

export function envelopeTime(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZZ")
}

export function localDate(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd')
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** A real calendar date written `YYYY-MM-DD`. */
export function isDate(text: string): boolean {
  const m = DATE.exec(text)
  if (!m) return false
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!))
  return date.getUTCFullYear() === +m[1]! && date.getUTCMonth() === +m[2]! - 1 && date.getUTCDate() === +m[3]!
}

export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toFormat('yyyy-MM-dd')
}

/**
 * An instant from query text: ISO 8601 with or without offset (no offset = company zone) or a bare
 * date (its midnight in the company zone). Undefined when it is not a date.
 */
export function parseInstant(text: string, zone: string): number | undefined {
  const parsed = DateTime.fromISO(text, { zone, setZone: true })
  return parsed.isValid ? parsed.toMillis() : undefined
}
