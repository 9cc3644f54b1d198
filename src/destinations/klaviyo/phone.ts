/**
 * Light phone normalisation to E.164, which is all Klaviyo accepts (reference §4). ShipStation phones
 * are free text typed by shoppers ("(555) 010-2345", "+44 20 7946 0958", "555.010.2345 x12"), so we
 * only strip punctuation and, for North American ship-to countries, add the +1 a 10-digit number
 * lacks. Anything still not E.164 is dropped: a bad phone must never cost us the event.
 */

/** Countries of the North American Numbering Plan that ShipStation orders commonly ship to. */
const NANP_COUNTRIES = new Set(['US', 'CA', 'PR', 'VI', 'GU', 'AS', 'MP'])
/** A NANP number: area code and exchange both start with 2-9. */
const NANP = /^[2-9]\d{2}[2-9]\d{6}$/
const E164 = /^\+[1-9]\d{6,14}$/
/** Spaces, dashes, dots, slashes and parentheses people put in numbers. */
const PUNCTUATION = /[\s\-./()]/g

/**
 * `phone` as E.164, or undefined when it cannot be made valid. `country` is the ship-to country code;
 * a missing country is read as US (ShipStation is mostly used by US merchants).
 */
export function toE164(phone: string | null, country: string | null): string | undefined {
  if (phone === null) return undefined
  const compact = phone.replace(PUNCTUATION, '')
  if (compact.startsWith('+')) return E164.test(compact) ? compact : undefined
  if (!/^\d+$/.test(compact)) return undefined
  const nanp = country === null || NANP_COUNTRIES.has(country.trim().toUpperCase())
  if (!nanp) return undefined
  const national = compact.length === 11 && compact.startsWith('1') ? compact.slice(1) : compact
  return NANP.test(national) ? `+1${national}` : undefined
}
