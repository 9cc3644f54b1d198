/**
 * What Klaviyo should have received, derived from what the simulated ShipStation went through, and the
 * comparison with what it did receive. Pure: the harness collects the facts, this decides.
 *
 * ShipStation keeps no status history, so shiprelay can only announce the statuses it saw. Which ones it
 * must have seen follows from its promise "a completed sync cycle has seen every order as it was during
 * the cycle" and from when cycles completed (the `last_sync_at` values the harness watched change):
 *
 * - An entry (a status an order entered, at time `at`) is **required** when some cycle started after
 *   `at` and completed before the order changed again: two successive observed completions c₁ < c₂
 *   with at < c₁ and c₂ < next change. (The cycle that completed at c₂ began after c₁.) Skipping
 *   observed completions only makes fewer entries required, so polling them loosely stays sound.
 *   The first "completion" is the moment before the first process started: the backfill that completes
 *   next has read every order in reach as it was then. An entry stamped before the backfill window
 *   (`reachFrom`) is never required.
 * - Any other entry is **optional**: it lasted less than a cycle, or only while no process was running,
 *   and ShipStation may have shown it or not (docs/events.md, "Limits of what can be seen").
 *
 * Walking an order's entries in time order with the last status shiprelay saw: a required entry must
 * produce an event unless its status equals the last one seen (then no change is visible); an event
 * must belong to an entry whose status differs from the last one seen; a merge cancellation is seen
 * but never announced; every event belongs to exactly one entry. Times: the first event of an order
 * carries "when the status began" as well as ShipStation can tell (creation, payment, label…), so it is
 * matched by status alone; every later event carries the entry's own time, to the second.
 */
import { STATUS_EVENTS } from '../../../src/events/detect.js'

export interface Entry {
  status: string
  /** Epoch ms. */
  at: number
  via: string
}

export interface OrderFacts {
  orderId: number
  /** Events of orders without an email are recorded but never sent (Klaviyo needs an identifier). */
  hasEmail: boolean
  entries: Entry[]
}

export interface DeliveredEvent {
  orderId: number
  metric: string
  /** Epoch ms, whole seconds (Klaviyo truncates). */
  time: number
  uniqueId: string
  backfill: boolean
}

export interface Timeline {
  /** Observed sync-cycle completions, ascending; the first is a moment before any process started. */
  completions: number[]
  /** Entries stamped before this were current when the backfill began: their events are history. */
  startedAt: number
  /** Observed at or after the switch to live: entries stamped later must be sent live. */
  liveAt: number
  /** Entries stamped before this lie outside the backfill window. */
  reachFrom: number
}

export type ProblemKind = 'missing' | 'duplicated' | 'extra' | 'history flag'

export interface Problem {
  kind: ProblemKind
  orderId: number
  detail: string
}

export interface Verdict {
  /** Required entries that must produce an event (the "expected" count). */
  expected: number
  /**
   * Optional entries that were current at some time during the run (lasted less than a cycle, or only
   * while the backfill had not reached them), and how many came through anyway.
   */
  optional: number
  optionalDelivered: number
  delivered: number
  problems: Problem[]
  count(kind: ProblemKind): number
}

/** Clock readings come from two processes on one machine; a few ms keep ties on the safe side. */
const MARGIN_MS = 10

const METRIC_OF = STATUS_EVENTS as Readonly<Record<string, string>>

export function judge(
  orders: readonly OrderFacts[],
  delivered: readonly DeliveredEvent[],
  t: Timeline,
): Verdict {
  const byOrder = new Map<number, DeliveredEvent[]>()
  for (const event of delivered) byOrder.set(event.orderId, [...(byOrder.get(event.orderId) ?? []), event])
  const problems: Problem[] = []
  let expected = 0
  let optional = 0
  let optionalDelivered = 0

  const ids = new Map<string, number>()
  for (const event of delivered) ids.set(event.uniqueId, (ids.get(event.uniqueId) ?? 0) + 1)
  for (const [uniqueId, n] of ids) {
    if (n > 1) {
      const orderId = delivered.find((e) => e.uniqueId === uniqueId)!.orderId
      problems.push({ kind: 'duplicated', orderId, detail: `unique_id ${uniqueId} stored ${n} times` })
    }
  }

  const known = new Set<number>()
  for (const order of orders) {
    known.add(order.orderId)
    const events = byOrder.get(order.orderId) ?? []
    if (!order.hasEmail) {
      for (const e of events) problems.push(problem('extra', order, `${e.metric} for an order without email`))
      continue
    }
    const required = order.entries.map((e, i) => isRequired(e, order.entries[i + 1]?.at, t))
    const walk = bestWalk(order, events, required, t.startedAt)
    problems.push(...walk.problems)
    for (let i = 0; i < order.entries.length; i++) {
      if (order.entries[i]!.via === 'merge') continue
      if (required[i]) {
        if (walk.mustSend.has(i)) expected++
      } else if ((order.entries[i + 1]?.at ?? Number.POSITIVE_INFINITY) >= t.startedAt) {
        optional++
        if (walk.matched.has(i)) optionalDelivered++
      }
    }
    for (const [i, event] of walk.matched) {
      const entry = order.entries[i]!
      if (entry.at < t.startedAt && !event.backfill)
        problems.push(
          problem('history flag', order, `${event.metric} of a status older than the backfill sent live`),
        )
      if (entry.at > t.liveAt + MARGIN_MS && event.backfill)
        problems.push(problem('history flag', order, `${event.metric} of a live change sent as history`))
    }
  }
  for (const event of delivered) {
    if (!known.has(event.orderId))
      problems.push({ kind: 'extra', orderId: event.orderId, detail: `${event.metric} for an unknown order` })
  }
  return {
    expected,
    optional,
    optionalDelivered,
    delivered: delivered.length,
    problems,
    count: (kind) => problems.filter((p) => p.kind === kind).length,
  }
}

function isRequired(entry: Entry, nextAt: number | undefined, t: Timeline): boolean {
  if (entry.at < t.reachFrom) return false
  const until = nextAt ?? Number.POSITIVE_INFINITY
  const c = t.completions
  for (let j = 0; j + 1 < c.length; j++) {
    if (c[j]! > entry.at + MARGIN_MS && c[j + 1]! < until - MARGIN_MS) return true
    if (c[j]! >= until) return false
  }
  return false
}

interface Walk {
  problems: Problem[]
  /** Entry index → the event matched to it. */
  matched: Map<number, DeliveredEvent>
  /** Required entries that had to produce an event. */
  mustSend: Set<number>
}

/**
 * Tries each reading of which event is the order's first and keeps the one with the fewest problems;
 * among equally good ones, a status that was still current when the run began (the backfill cannot
 * have seen one superseded before).
 */
function bestWalk(
  order: OrderFacts,
  events: readonly DeliveredEvent[],
  required: readonly boolean[],
  startedAt: number,
): Walk {
  const sorted = [...events].sort((a, b) => a.time - b.time)
  const firstTime = sorted[0]?.time
  const firsts = sorted.filter((e) => e.time === firstTime)
  const candidates: { first: DeliveredEvent; at: number }[] = []
  for (const first of firsts) {
    order.entries.forEach((entry, at) => {
      if (entry.via !== 'merge' && METRIC_OF[entry.status] === first.metric) candidates.push({ first, at })
    })
  }
  if (candidates.length === 0) return walk(order, sorted, required, undefined)
  const superseded = (at: number) => (order.entries[at + 1]?.at ?? Number.POSITIVE_INFINITY) < startedAt
  candidates.sort((a, b) => Number(superseded(a.at)) - Number(superseded(b.at)))
  let best: Walk | undefined
  for (const candidate of candidates) {
    const w = walk(order, sorted, required, candidate)
    if (!best || w.problems.length < best.problems.length) best = w
    if (w.problems.length === 0) break
  }
  return best!
}

function walk(
  order: OrderFacts,
  events: readonly DeliveredEvent[],
  required: readonly boolean[],
  first: { first: DeliveredEvent; at: number } | undefined,
): Walk {
  const problems: Problem[] = []
  const matched = new Map<number, DeliveredEvent>()
  const mustSend = new Set<number>()
  // Later events carry their entry's time: match them exactly (status and second).
  const rest = events.filter((e) => e !== first?.first)
  const unmatched = new Set(rest)
  if (first) matched.set(first.at, first.first)
  for (const event of rest) {
    const at = order.entries.findIndex(
      (entry, i) =>
        !matched.has(i) &&
        entry.via !== 'merge' &&
        METRIC_OF[entry.status] === event.metric &&
        Math.floor(entry.at / 1000) * 1000 === event.time,
    )
    if (at < 0) continue
    if (first && at < first.at) continue
    matched.set(at, event)
    unmatched.delete(event)
  }
  for (const event of unmatched) {
    const twin = events.find((e) => e !== event && e.metric === event.metric && e.time === event.time)
    problems.push(
      problem(
        twin ? 'duplicated' : 'extra',
        order,
        `${event.metric} at ${iso(event.time)} matches no status entered`,
      ),
    )
  }

  let seen: string | undefined
  order.entries.forEach((entry, i) => {
    const event = matched.get(i)
    if (first && i < first.at) {
      if (required[i])
        problems.push(
          problem('missing', order, `${entry.status} at ${iso(entry.at)} (before the first event)`),
        )
      return
    }
    if (entry.via === 'merge') {
      if (required[i]) seen = entry.status
      return
    }
    if (event) {
      if (seen === entry.status)
        problems.push(
          problem('duplicated', order, `${event.metric} at ${iso(event.time)} while already ${seen}`),
        )
      if (required[i]) mustSend.add(i)
      seen = entry.status
      return
    }
    if (!required[i]) return
    if (seen !== entry.status) {
      mustSend.add(i)
      problems.push(
        problem('missing', order, `${METRIC_OF[entry.status]} for ${entry.status} at ${iso(entry.at)}`),
      )
    }
    seen = entry.status
  })
  return { problems, matched, mustSend }
}

function problem(kind: ProblemKind, order: OrderFacts, detail: string): Problem {
  return { kind, orderId: order.orderId, detail }
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}
