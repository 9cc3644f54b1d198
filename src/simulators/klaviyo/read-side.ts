/** The read side shared by the in-process handle and the /_sim routes. */
import { isValidZone } from '../../lib/pacific-time.js'
import { type ProfileView, profileView } from './documents.js'
import type { KlaviyoFaultCounts, KlaviyoFaults } from './faults.js'
import type { ProfileDirectory } from './profiles.js'
import type { EndpointCounts, RequestLog } from './request-log.js'
import type { DailyCounts, EventFilter, EventStore, Metric, StoredEvent } from './store.js'

export interface KlaviyoReadSide {
  /** Stored events by default; `status: 'dropped'` for duplicates and unresolvable profiles. */
  events(filter?: EventFilter): StoredEvent[]
  profiles(): ProfileView[]
  /** Stored events per metric per day of their `time` in the IANA zone `tz`. */
  counts(tz: string, metric?: string): DailyCounts
  metrics(): Metric[]
}

export interface KlaviyoStats {
  /** `POST /api/events` → requests received and responses per status (retries included). */
  requests: Record<string, EndpointCounts>
  /** Events answered with 202 (each event of a bulk job counts). */
  eventsAccepted: number
  eventsStored: number
  duplicatesDropped: number
  /** Accepted events whose only identifier was an unknown profile id. */
  unknownProfilesDropped: number
  /** Stored events that would skip flows (late, not backfill). */
  eventsSkippingFlows: number
  /** 429 responses, from rate limits and from the 429-burst fault. */
  throttled: number
  faults: KlaviyoFaultCounts
  /** Exceptions the simulator did not expect (answered 500); should stay 0. */
  unexpectedErrors: number
}

export function createReadSide(store: EventStore, profiles: ProfileDirectory): KlaviyoReadSide {
  return {
    events: (filter) => store.events(filter).map((e) => ({ ...e })),
    profiles: () => profiles.all().map(profileView),
    counts: (tz, metric) => {
      if (!isValidZone(tz)) throw new RangeError(`unknown IANA time zone '${tz}'`)
      return store.counts(tz, metric)
    },
    metrics: () => store.metrics().map((m) => ({ ...m })),
  }
}

export function collectStats(
  store: EventStore,
  log: RequestLog,
  faults: KlaviyoFaults,
  unexpectedErrors: number,
): KlaviyoStats {
  const all = store.events({ status: 'all' })
  const requests = log.counts()
  const stored = all.filter((e) => e.status === 'stored')
  return {
    requests,
    eventsAccepted: all.length,
    eventsStored: stored.length,
    duplicatesDropped: all.filter((e) => e.dropReason === 'duplicate').length,
    unknownProfilesDropped: all.filter((e) => e.dropReason === 'unknown_profile').length,
    eventsSkippingFlows: stored.filter((e) => e.skipsFlows).length,
    throttled: Object.values(requests).reduce((n, r) => n + (r.byStatus['429'] ?? 0), 0),
    faults: faults.counts,
    unexpectedErrors,
  }
}
