/**
 * ShipStation V1 speaks US Pacific local time with no offset (reference §4.1). Every conversion between
 * those naive strings and UTC instants lives here, so that the daylight-saving rules are in one place.
 *
 * Luxon is used rather than hand-written offset arithmetic because it reads the IANA database that
 * ships with Node's ICU, so future US rule changes need no code change.
 */
import { DateTime } from 'luxon'

export const PACIFIC = 'America/Los_Angeles'

/** Which instant to pick for a local time inside the fall-back hour, when it happened twice. */
export type Ambiguity = 'earlier' | 'later'

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/

/**
 * Parses a naive Pacific date or date-time ("2024-11-03T01:30:00.0000000", "2024-11-03 01:30:00",
 * "2024-11-03") into epoch milliseconds. Fractions beyond milliseconds are truncated.
 * Inside the repeated fall-back hour the `ambiguity` choice decides (default: the earlier instant,
 * PDT, so a lower query bound never skips anything). Returns undefined for text that is not a date.
 */
export function parsePacific(text: string, ambiguity: Ambiguity = 'earlier'): number | undefined {
  const m = NAIVE.exec(text)
  if (!m) return undefined
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = ''] = m
  const ms = Number(`${frac}000`.slice(0, 3))
  const local = DateTime.fromObject(
    { year: +y!, month: +mo!, day: +d!, hour: +h, minute: +mi, second: +s, millisecond: ms },
    { zone: PACIFIC },
  )
  if (!local.isValid) return undefined
  // Luxon resolves ambiguous wall times to the earlier offset (PDT). One hour later in absolute
  // time shows the same wall clock only when the time was inside the repeated hour.
  if (ambiguity === 'later') {
    const plusHour = local.plus({ hours: 1 })
    if (plusHour.toFormat('yyyy-MM-dd HH:mm:ss.SSS') === local.toFormat('yyyy-MM-dd HH:mm:ss.SSS')) {
      return plusHour.toMillis()
    }
  }
  // A wall time inside the spring-forward gap does not exist; Luxon moves it forward, as ShipStation
  // would have to; we keep that.
  return local.toMillis()
}

/** True when the naive Pacific wall time occurred twice (the fall-back hour). */
export function isAmbiguousPacific(text: string): boolean {
  const a = parsePacific(text, 'earlier')
  const b = parsePacific(text, 'later')
  return a !== undefined && a !== b
}

function pacific(ms: number): DateTime {
  return DateTime.fromMillis(ms, { zone: PACIFIC })
}

/** `2015-06-29T08:46:27.0000000`: orders' and shipments' createDate/modifyDate shape. */
export function formatPacific7(ms: number): string {
  return `${pacific(ms).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS")}0000`
}

/** `2015-08-17T09:24:14.78`: items', stores' and products' dates, trailing zeros trimmed. */
export function formatPacificTrimmed(ms: number): string {
  const text = pacific(ms).toFormat("yyyy-MM-dd'T'HH:mm:ss.SSS")
  return text.replace(/\.?0+$/, '')
}

/** `2015-07-02`: orders' and shipments' shipDate. */
export function formatPacificDate(ms: number): string {
  return pacific(ms).toFormat('yyyy-MM-dd')
}

/** `2016-11-29 23:59:59`: the format ShipStation documents for query filters. */
export function formatPacificQuery(ms: number): string {
  return pacific(ms).toFormat('yyyy-MM-dd HH:mm:ss')
}

/** Calendar day (yyyy-MM-dd) of an instant in any IANA zone. */
export function dayInZone(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-MM-dd')
}

/** True when `zone` is an IANA zone this runtime knows. */
export function isValidZone(zone: string): boolean {
  return DateTime.local().setZone(zone).isValid
}
