/**
 * Delivers due events to one destination. A delivery is marked delivered only after the destination
 * accepted it (design invariant 1); a crash between sending and settling re-sends the event, which the
 * destination de-duplicates by event id. Retryable failures are retried forever with capped backoff,
 * so a long outage delays events but never drops them; only permanent rejections end as dead.
 */
import type { Kysely } from 'kysely'
import type { DeliveryOutcome, Destination } from '../destinations/destination.js'
import { dueDeliveries, type Settlement, settleDeliveries } from '../store/deliveries.js'
import type { Database } from '../store/schema.js'

export interface DeliverResult {
  sent: number
  delivered: number
  skipped: number
  dead: number
  retried: number
  deferred: number
}

export interface DeliverOptions {
  now?: () => number
  /** Longest wait between two tries of one event. */
  maxBackoffMs?: number
  signal?: AbortSignal
  /** Told of every settled delivery, after it is committed (metrics). */
  onSettled?: (settled: { outcome: DeliveryOutcome['kind']; loggedAt: number; settledAt: number }[]) => void
}

/** Sends one batch of due events. Returns what happened (sent = 0 means nothing was due). */
export async function deliverBatch(
  db: Kysely<Database>,
  destination: Destination,
  options: DeliverOptions = {},
): Promise<DeliverResult> {
  const now = options.now ?? Date.now
  const due = await dueDeliveries(db, destination.id, now(), destination.batchSize)
  const result: DeliverResult = {
    sent: due.length,
    delivered: 0,
    skipped: 0,
    dead: 0,
    retried: 0,
    deferred: 0,
  }
  if (due.length === 0) return result
  let outcomes: Map<string, DeliveryOutcome>
  try {
    outcomes = await destination.send(
      due.map((d) => d.event),
      options.signal,
    )
  } catch (error) {
    // A destination is not supposed to throw; if it does, nothing was proven delivered.
    const reason = error instanceof Error ? error.message : String(error)
    outcomes = new Map(due.map((d) => [d.event.id, { kind: 'retry', reason }]))
  }
  const at = now()
  const settlements: Settlement[] = due.map(({ event, attempts }) => {
    const outcome: DeliveryOutcome = outcomes.get(event.id) ?? {
      kind: 'retry',
      reason: 'destination gave no outcome',
    }
    const tries = attempts + 1
    if (outcome.kind === 'retry') {
      result.retried++
      // The destination's own word (Retry-After) is the wait, jittered up a tenth so a batch does not
      // return as one; growing our backoff on top would keep events waiting long after a 429 storm.
      const backoff = Math.min(options.maxBackoffMs ?? 600_000, 1000 * 2 ** Math.min(attempts, 20))
      const wait =
        outcome.retryAfterMs !== undefined
          ? outcome.retryAfterMs * (1 + Math.random() / 10)
          : backoff / 2 + Math.random() * (backoff / 2)
      return { eventId: event.id, outcome, attempts: tries, nextAttemptAt: Math.ceil(at + wait) }
    }
    if (outcome.kind === 'deferred') {
      result.deferred++
      // At least a second on: a deferral to the past must not spin the loop.
      return { eventId: event.id, outcome, attempts, nextAttemptAt: Math.max(outcome.until, at + 1000) }
    }
    result[outcome.kind]++
    return { eventId: event.id, outcome, attempts: tries, nextAttemptAt: at }
  })
  await settleDeliveries(db, destination.id, settlements, at)
  options.onSettled?.(
    settlements.map((s, i) => ({ outcome: s.outcome.kind, loggedAt: due[i]!.loggedAt, settledAt: at })),
  )
  return result
}

/**
 * Delivers until nothing is due (retries and deferrals scheduled for later stay pending). A batch that
 * only failed ends the pass: the destination is likely down, and the loop's backoff takes over.
 */
export async function deliverAllDue(
  db: Kysely<Database>,
  destination: Destination,
  options: DeliverOptions = {},
): Promise<DeliverResult> {
  const total: DeliverResult = { sent: 0, delivered: 0, skipped: 0, dead: 0, retried: 0, deferred: 0 }
  // A stop request ends the pass between batches, so `run` shuts down within one batch, not a backlog.
  while (!options.signal?.aborted) {
    const r = await deliverBatch(db, destination, options)
    for (const k of Object.keys(total) as (keyof DeliverResult)[]) total[k] += r[k]
    if (r.sent === 0 || r.retried === r.sent) return total
  }
  return total
}
