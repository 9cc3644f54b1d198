/**
 * ShipStation V1 speaks US Pacific local time with no offset (reference §4.1). Every conversion between
 * those naive strings and UTC instants lives here, so that the daylight-saving rules are in one place.
 *
 * Offsets come from Luxon, which reads the IANA database that ships with Node's ICU, so future US rule
 * changes need no code change. Formatting is done by hand from a per-hour offset cache because a
 * simulator renders hundreds of thousands of timestamps and Luxon's formatter costs ~20 µs each.
 */
import { DateTime } from 'luxon'

export const PACIFIC = 'America/Los_Angeles'

/**
 * Which instant stands for a wall time that did not occur exactly once. 'earlier' (for lower bounds):
 * the first instant the wall clock showed that time or, inside the spring-forward gap, the moment the
 * clocks jumped past it. 'later' (for upper bounds): the last such instant, or the last millisecond
 * before the jump. Together they make a [start, end] filter include everything displayed in it.
 */
export type Ambiguity = 'earlier' | 'later'

const HOUR = 3_600_000
const MINUTE = 60_000
const NAIVE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?)?$/

const offsetByHour = new Map<number, number>()

/** Pacific offset from UTC in minutes at an instant (-480 PST, -420 PDT). */
export function pacificOffsetMinutes(ms: number): number {
  // US transitions fall on whole UTC hours since standard time began (1883); before that, ask Luxon.
  if (ms < -2_717_640_000_000) return DateTime.fromMillis(ms, { zone: PACIFIC }).offset
  const hour = Math.floor(ms / HOUR)
  let offset = offsetByHour.get(hour)
  if (offset === undefined) {
    offset = DateTime.fromMillis(hour * HOUR, { zone: PACIFIC }).offset
    offsetByHour.set(hour, offset)
  }
  return offset
}

/** The naive fields read as if they were UTC, or undefined when they name no calendar time. */
function naiveUtc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number) {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined
  const date = new Date(0)
  date.setUTCFullYear(y, mo - 1, d)
  if (date.getUTCDate() !== d) return undefined
  date.setUTCHours(h, mi, s, ms)
  return date.getTime()
}

/**
 * Parses a naive Pacific date or date-time ("2024-11-03T01:30:00.0000000", "2024-11-03 01:30:00",
 * "2024-11-03") into epoch milliseconds. Fractions beyond milliseconds are truncated. `ambiguity`
 * settles the fall-back hour and the spring-forward gap (see {@link Ambiguity}); the default, 'earlier',
 * is what a lower query bound needs. Returns undefined for text that is not a date.
 */
export function parsePacific(text: string, ambiguity: Ambiguity = 'earlier'): number | undefined {
  const m = NAIVE.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = ''] = m
  const naive = naiveUtc(+y!, +mo!, +d!, +h, +mi, +s, Number(`${frac}000`.slice(0, 3)))
  if (naive === undefined) return undefined
  // Try every offset the zone uses around that date; a candidate is real when the zone agrees.
  const offsets = [
    ...new Set([pacificOffsetMinutes(naive - 12 * HOUR), pacificOffsetMinutes(naive + 12 * HOUR)]),
  ]
  const real = offsets
    .map((o) => naive - o * MINUTE)
    .filter((ms) => naive - pacificOffsetMinutes(ms) * MINUTE === ms)
  if (real.length > 0) return ambiguity === 'earlier' ? Math.min(...real) : Math.max(...real)
  const jump = transitionBetween(naive - Math.max(...offsets) * MINUTE, naive - Math.min(...offsets) * MINUTE)
  return ambiguity === 'earlier' ? jump : jump - 1
}

/** First instant in (from, to] whose offset differs from the offset at `from` (binary search). */
function transitionBetween(from: number, to: number): number {
  const before = pacificOffsetMinutes(from)
  let lo = from
  let hi = to
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2)
    if (pacificOffsetMinutes(mid) === before) lo = mid
    else hi = mid
  }
  return hi
}

/** True when the naive Pacific wall time occurred twice (the fall-back hour). */
export function isAmbiguousPacific(text: string): boolean {
  const a = parsePacific(text, 'earlier')
  const b = parsePacific(text, 'later')
  return a !== undefined && b !== undefined && b - a >= HOUR
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`)
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`)

/** Wall-clock fields of an instant in Pacific time. */
function wall(ms: number) {
  const d = new Date(ms + pacificOffsetMinutes(ms) * MINUTE)
  const year = d.getUTCFullYear()
  const date = `${year < 1000 ? `${year}`.padStart(4, '0') : year}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
  return { date, time, millis: pad3(d.getUTCMilliseconds()) }
}

/** `2015-06-29T08:46:27.0000000`: orders' and shipments' createDate/modifyDate shape. */
export function formatPacific7(ms: number): string {
  const w = wall(ms)
  return `${w.date}T${w.time}.${w.millis}0000`
}

/** `2015-08-17T09:24:14.78`: items', stores' and products' dates, trailing zeros trimmed. */
export function formatPacificTrimmed(ms: number): string {
  const w = wall(ms)
  const fraction = w.millis.replace(/0+$/, '')
  return fraction === '' ? `${w.date}T${w.time}` : `${w.date}T${w.time}.${fraction}`
}

/** `2015-07-02`: orders' and shipments' shipDate. */
export function formatPacificDate(ms: number): string {
  return wall(ms).date
}

/** Midnight Pacific at the start of the instant's Pacific calendar day (date-only fields). */
export function startOfPacificDay(ms: number): number {
  return parsePacific(formatPacificDate(ms))!
}

/** `2016-11-29 23:59:59`: the format ShipStation documents for query filters. */
export function formatPacificQuery(ms: number): string {
  const w = wall(ms)
  return `${w.date} ${w.time}`
}

/** Calendar day (yyyy-MM-dd) of an instant in any IANA zone. */
export function dayInZone(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd')
}

/** True when `zone` is an IANA zone this runtime knows. */
export function isValidZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid
}

/**
 * The instant a ShipStation wall time most likely names, given that it lies in the past: inside the
 * repeated fall-back hour, the later instant when it has already happened (a change read live during
 * or just after the second pass of that hour), else the earlier one. Outside that hour there is only
 * one candidate.
 */
export function resolvePacific(text: string, notAfter: number): number | undefined {
  const later = parsePacific(text, 'later')
  if (later !== undefined && later <= notAfter) return later
  return parsePacific(text, 'earlier')
}
