/**
 * The `revision` header (reference §1). Klaviyo's docs say "the revision passed in must be a valid
 * revision"; what exactly happens otherwise is unconfirmed, so the simulator is strict:
 * - missing or not `YYYY-MM-DD[.suffix]` → 400 (parameter `revision`);
 * - a well-formed date that is not a released revision (a typo, a future date) → 400;
 * - a released revision older than the oldest supported one (2024-05-15) → 410, Klaviyo's answer
 *   for retired API versions;
 * - (every served revision has all simulated endpoints — bulk create arrived in 2024-05-15 — so the
 *   404 "No valid revisions found for method" of klaviyo/klaviyo-swift-sdk#730 cannot occur);
 * - `.pre` (beta) suffixes of a released date are accepted and served as that date.
 */
import { invalidParameter, KlaviyoError, TITLES } from './errors.js'

/** GA revisions, oldest first. The simulator serves 2024-05-15 … 2026-07-15. */
const REVISIONS = [
  '2022-10-17',
  '2023-01-24',
  '2023-02-22',
  '2023-06-15',
  '2023-07-15',
  '2023-08-15',
  '2023-09-15',
  '2023-10-15',
  '2023-12-15',
  '2024-02-15',
  '2024-05-15',
  '2024-06-15',
  '2024-07-15',
  '2024-10-15',
  '2025-01-15',
  '2025-04-15',
  '2025-07-15',
  '2025-10-15',
  '2026-01-15',
  '2026-04-15',
  '2026-07-15',
] as const

export const LATEST_REVISION = REVISIONS[REVISIONS.length - 1]!
export const OLDEST_SUPPORTED_REVISION = '2024-05-15'
/** `backfill` on events and bulk entries exists from this revision on. */
export const BACKFILL_REVISION = '2026-04-15'
/** `anonymous_id` left profile payloads (profile-import) in this revision. */
export const NO_ANONYMOUS_ID_REVISION = '2026-01-15'

const FORMAT = /^(\d{4}-\d{2}-\d{2})(?:\.([a-z]+))?$/

/** Returns the served revision date for `header`, or throws the error Klaviyo would send. */
export function resolveRevision(header: string | string[] | undefined): string {
  const text = Array.isArray(header) ? header[0] : header
  if (text === undefined || text.trim() === '') {
    throw new KlaviyoError([invalidParameter('Missing required header: revision.', 'revision')])
  }
  const match = FORMAT.exec(text.trim())
  const date = match?.[1]
  if (date === undefined || !isCalendarDate(date)) {
    throw new KlaviyoError([
      invalidParameter(`Invalid revision header '${text}'. Expected the format YYYY-MM-DD.`, 'revision'),
    ])
  }
  if (!(REVISIONS as readonly string[]).includes(date)) {
    throw new KlaviyoError([invalidParameter(`'${date}' is not a valid revision.`, 'revision')])
  }
  if (date < OLDEST_SUPPORTED_REVISION) {
    throw new KlaviyoError([
      {
        status: 410,
        code: 'gone',
        title: TITLES.gone,
        detail: `Revision ${date} has been retired. Use revision ${OLDEST_SUPPORTED_REVISION} or later.`,
        source: { parameter: 'revision' },
      },
    ])
  }
  return date
}

/** False for dates like 2025-02-30 that Date would roll over. */
function isCalendarDate(date: string): boolean {
  const ms = Date.parse(`${date}T00:00:00Z`)
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === date
}
