/**
 * The pure parts of Bulk Create Events (reference §3): cutting events into jobs that fit, grouping a
 * job by profile as the API wants, and reading which events a 400 blames from its `source.pointer`s.
 */
import type { ErrorEntry } from './client.js'
import { KLAVIYO_LIMITS, utf8Bytes } from './limits.js'
import type { BulkCreateEntry, KlaviyoEventAttributes } from './types.js'

export interface BulkItem {
  /** The event id (also its `unique_id`). */
  id: string
  attributes: KlaviyoEventAttributes
}

/** Room left under the 5 MB body limit for the job envelope and entry wrappers we do not count. */
const BODY_BUDGET = KLAVIYO_LIMITS.requestBytes - 500_000
/** Per event: the entry and event wrappers around the attributes, generously. */
const WRAPPER_BYTES = 300

/** Consecutive jobs of at most `batchSize` events whose bodies stay under the 5 MB limit. */
export function chunkForBulk<T extends BulkItem>(items: readonly T[], batchSize: number): T[][] {
  const jobs: T[][] = []
  let job: T[] = []
  let bytes = 0
  for (const item of items) {
    const size = utf8Bytes(JSON.stringify(item.attributes)) + WRAPPER_BYTES
    if (job.length > 0 && (job.length === batchSize || bytes + size > BODY_BUDGET)) {
      jobs.push(job)
      job = []
      bytes = 0
    }
    job.push(item)
    bytes += size
  }
  if (job.length > 0) jobs.push(job)
  return jobs
}

export interface BulkJob<T extends BulkItem> {
  entries: BulkCreateEntry[]
  /** `layout[i][j]` is the item sent as event j of entry i, to map error pointers back. */
  layout: T[][]
}

/**
 * One entry per distinct profile (same attributes, byte for byte), events in their original order.
 * Grouping by the whole profile rather than the email keeps each event's own name and phone.
 */
export function toBulkJob<T extends BulkItem>(items: readonly T[]): BulkJob<T> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const key = JSON.stringify(item.attributes.profile.data.attributes)
    const group = groups.get(key)
    if (group) group.push(item)
    else groups.set(key, [item])
  }
  const layout = [...groups.values()]
  const entries = layout.map(
    (group): BulkCreateEntry => ({
      type: 'event-bulk-create',
      attributes: {
        profile: group[0]!.attributes.profile,
        events: {
          data: group.map(({ attributes: { profile: _profile, ...event } }) => ({
            type: 'event' as const,
            attributes: event,
          })),
        },
      },
    }),
  )
  return { entries, layout }
}

export interface Blame<T extends BulkItem> {
  /** Events an error points at, with that error's reason: they go dead. */
  dead: Map<T, string>
  /** Events of an entry an error points into without naming one event: find the culprit by bisecting. */
  suspects: T[]
}

const ENTRY_POINTER = /^\/data\/attributes\/events-bulk-create\/data\/(\d+)(?:\/(.*))?$/
const EVENT_PATH = /^attributes\/events\/data\/(\d+)(?:\/|$)/

/**
 * Which events of a rejected job the errors blame:
 * - a pointer into one event (`…/data/<i>/attributes/events/data/<j>/…`) blames that event;
 * - a pointer into an entry's profile (`…/data/<i>/attributes/profile/…`, or `…/data/<i>/attributes/email`
 *   as Segment's mocks have it) blames every event of the entry, since they all carry that profile;
 * - a pointer to the entry itself or its event list makes its events suspects;
 * - anything else (no pointer, `/data`, an index we did not send) blames nobody.
 */
export function blame<T extends BulkItem>(errors: readonly ErrorEntry[], layout: readonly T[][]): Blame<T> {
  const dead = new Map<T, string>()
  const suspects = new Set<T>()
  for (const { pointer, reason } of errors) {
    const entryMatch = pointer === undefined ? null : ENTRY_POINTER.exec(pointer)
    const entry = entryMatch ? layout[Number(entryMatch[1])] : undefined
    if (!entry) continue
    const rest = entryMatch?.[2] ?? ''
    const eventMatch = EVENT_PATH.exec(rest)
    if (eventMatch) {
      const item = entry[Number(eventMatch[1])]
      if (item) dead.set(item, reason)
      else for (const suspect of entry) suspects.add(suspect)
    } else if (rest.startsWith('attributes/') && !rest.startsWith('attributes/events')) {
      for (const item of entry) dead.set(item, reason)
    } else {
      for (const suspect of entry) suspects.add(suspect)
    }
  }
  return { dead, suspects: [...suspects].filter((item) => !dead.has(item)) }
}
