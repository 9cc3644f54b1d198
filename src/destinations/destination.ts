/**
 * The contract every destination implements. The delivery loop owns ordering, persistence and retry
 * timing; a destination only filters, maps and sends, and reports per event what happened.
 */
import type { OrderEvent } from '../events/model.js'

export type DeliveryOutcome =
  /** Accepted by the destination. `receipt` is what to keep as proof (e.g. status + request id). */
  | { kind: 'delivered'; receipt: string }
  /** Not for this destination (filtered, no email, …); final. */
  | { kind: 'skipped'; reason: string }
  /** Failed for good (a permanent 4xx); final, kept with the destination's error detail. */
  | { kind: 'dead'; reason: string }
  /** Failed for now (5xx, 429, network); try again no earlier than `retryAfterMs` from now. */
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  /**
   * Taken in, finished later by design (a daily summary posts when its day closes): send it again at
   * `until` (epoch ms) to complete it. Not a failure: no attempt is counted and no backoff applies.
   */
  | { kind: 'deferred'; reason: string; until: number }

export interface Destination {
  readonly id: string
  readonly type: string
  /** Largest number of events `send` takes at once. */
  readonly batchSize: number
  /** Sends a batch; returns one outcome per event id. Must not throw for per-event failures. */
  send(events: readonly OrderEvent[], signal?: AbortSignal): Promise<Map<string, DeliveryOutcome>>
  /** Checks the credentials with the cheapest authenticated call. Throws a clear error when they fail. */
  check(signal?: AbortSignal): Promise<void>
}
