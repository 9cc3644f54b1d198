/**
 * What Klaviyo does after a 202 (reference §2, §8), done synchronously here: resolve the profile, drop
 * duplicates on (profile, metric, `unique_id` — or the time truncated to the second when there is
 * none), keep the rest. Drops are invisible to the client, as with Klaviyo, but recorded for tests.
 * The read side (filters, daily counts in a time zone, events that would skip flows) lives here too.
 */
import { dayInZone } from '../../lib/pacific-time.js'
import type { CheckedProfile } from './identity.js'
import type { IdGenerator } from './ids.js'
import type { ProfileDirectory, StoredProfile } from './profiles.js'

export interface IncomingEvent {
  metric: string
  /** `metric.data.attributes.service`; Klaviyo's default is `api`. Metrics differ by source. */
  service: string
  profile: CheckedProfile
  /** The event's attributes as sent (for a bulk event, the inner event's). */
  attributes: Record<string, unknown>
  /** Epoch ms from `time`, or undefined to use the receipt time. */
  time: number | undefined
  uniqueId: string | undefined
  backfill: boolean
  source: 'create-event' | 'bulk-create'
  account: string
  revision: string
}

export type DropReason = 'duplicate' | 'unknown_profile'

export interface StoredEvent {
  id: string
  status: 'stored' | 'dropped'
  dropReason: DropReason | null
  /** For a duplicate: the id of the event that was kept. */
  duplicateOf: string | null
  metric: string
  service: string
  profileId: string | null
  /** The profile's identifiers when the event was processed. */
  profile: { email: string | null; phone_number: string | null; external_id: string | null } | null
  attributes: Record<string, unknown>
  /** ISO 8601, whole seconds (Klaviyo truncates). */
  time: string
  receivedAt: string
  backfill: boolean
  uniqueId: string | null
  /** Received more than the late threshold (4 h) after `time` and not backfill: flows skip it. */
  skipsFlows: boolean
  source: IncomingEvent['source']
  account: string
  revision: string
}

export interface EventFilter {
  metric?: string
  /** Case-insensitive. */
  email?: string
  uniqueId?: string
  profileId?: string
  /** Default `stored`. */
  status?: 'stored' | 'dropped' | 'all'
  skipsFlows?: boolean
}

export interface Metric {
  id: string
  name: string
  service: string
  created: number
}

/** `{ "Order Shipped": { "2026-09-01": 3 } }`, days ascending. */
export type DailyCounts = Record<string, Record<string, number>>

export class EventStore {
  readonly #events: StoredEvent[] = []
  /** Dedupe key → id of the kept event. */
  readonly #kept = new Map<string, string>()
  readonly #metrics = new Map<string, Metric>()

  constructor(
    private readonly profiles: ProfileDirectory,
    private readonly ids: IdGenerator,
    private readonly lateAfterMs: number,
  ) {}

  ingest(event: IncomingEvent, receivedAt: number): StoredEvent {
    const upsert = this.profiles.upsertFromEvent(event.profile)
    const time = Math.floor((event.time ?? receivedAt) / 1000) * 1000
    const stored: StoredEvent = {
      id: this.ids.ulid(receivedAt),
      status: 'stored',
      dropReason: null,
      duplicateOf: null,
      metric: event.metric,
      service: event.service,
      profileId: upsert?.profile.id ?? null,
      profile: upsert ? identifiers(upsert.profile) : null,
      attributes: event.attributes,
      time: new Date(time).toISOString(),
      receivedAt: new Date(receivedAt).toISOString(),
      backfill: event.backfill,
      uniqueId: event.uniqueId ?? null,
      skipsFlows: !event.backfill && receivedAt - time > this.lateAfterMs,
      source: event.source,
      account: event.account,
      revision: event.revision,
    }
    this.#events.push(stored)
    if (!upsert) return drop(stored, 'unknown_profile')
    this.#metric(event.metric, event.service, receivedAt)
    const dedupeKey = [
      upsert.profile.id,
      event.service,
      event.metric,
      event.uniqueId === undefined ? `t:${time}` : `u:${event.uniqueId}`,
    ].join('\u0000')
    const kept = this.#kept.get(dedupeKey)
    if (kept !== undefined) {
      stored.duplicateOf = kept
      return drop(stored, 'duplicate')
    }
    this.#kept.set(dedupeKey, stored.id)
    this.profiles.touchEvent(upsert.profile, time)
    return stored
  }

  events(filter: EventFilter = {}): StoredEvent[] {
    const status = filter.status ?? 'stored'
    const email = filter.email?.toLowerCase()
    return this.#events.filter(
      (e) =>
        (status === 'all' || e.status === status) &&
        (filter.metric === undefined || e.metric === filter.metric) &&
        (email === undefined || e.profile?.email?.toLowerCase() === email) &&
        (filter.uniqueId === undefined || e.uniqueId === filter.uniqueId) &&
        (filter.profileId === undefined || e.profileId === filter.profileId) &&
        (filter.skipsFlows === undefined || e.skipsFlows === filter.skipsFlows),
    )
  }

  /** Stored events per metric per calendar day of their `time` in the IANA zone `tz`. */
  counts(tz: string, metric?: string): DailyCounts {
    const counts: DailyCounts = {}
    for (const e of this.events({ metric })) {
      const day = dayInZone(Date.parse(e.time), tz)
      const perDay = counts[e.metric] ?? {}
      perDay[day] = (perDay[day] ?? 0) + 1
      counts[e.metric] = perDay
    }
    for (const name of Object.keys(counts)) {
      counts[name] = Object.fromEntries(Object.entries(counts[name]!).sort(([a], [b]) => a.localeCompare(b)))
    }
    return counts
  }

  metrics(): Metric[] {
    return [...this.#metrics.values()]
  }

  reset(): void {
    this.#events.length = 0
    this.#kept.clear()
    this.#metrics.clear()
  }

  #metric(name: string, service: string, at: number): void {
    const metricKey = `${service}\u0000${name}`
    if (!this.#metrics.has(metricKey)) {
      this.#metrics.set(metricKey, { id: this.ids.short(), name, service, created: at })
    }
  }
}

function drop(event: StoredEvent, reason: DropReason): StoredEvent {
  event.status = 'dropped'
  event.dropReason = reason
  event.skipsFlows = false
  return event
}

function identifiers(p: StoredProfile): StoredEvent['profile'] {
  return { email: p.email, phone_number: p.phone_number, external_id: p.external_id }
}
