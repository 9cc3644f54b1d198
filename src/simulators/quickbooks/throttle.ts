/**
 * QBO's limits per company and app (reference §10): 500 requests a minute, 10 a second, 10 in flight,
 * and 120 batch calls a minute; each batch item counts against the per-minute limit. Exceeding any of
 * them is a 429 with the 3001 fault. Windows are fixed and run on the simulated clock; all numbers and
 * window lengths are options so tests can trip them with a handful of requests.
 */
import { z } from 'zod'
import { FixedWindowLimiter } from '../common/fixed-window-limiter.js'

export const limitsSchema = z.strictObject({
  perMinute: z.number().int().positive().default(500),
  perSecond: z.number().int().positive().default(10),
  concurrent: z.number().int().positive().default(10),
  batchPerMinute: z.number().int().positive().default(120),
  minuteWindowMs: z.number().int().positive().default(60_000),
  secondWindowMs: z.number().int().positive().default(1000),
})

export type Limits = z.infer<typeof limitsSchema>

export type ThrottleReason = 'concurrent' | 'perSecond' | 'perMinute' | 'batchPerMinute'

export class Throttle {
  #limits: Limits
  #minute!: FixedWindowLimiter
  #second!: FixedWindowLimiter
  #batch!: FixedWindowLimiter
  readonly #inFlight = new Map<string, number>()
  readonly counts: Record<ThrottleReason, number> = {
    concurrent: 0,
    perSecond: 0,
    perMinute: 0,
    batchPerMinute: 0,
  }

  constructor(
    limits: Limits,
    private readonly now: () => number,
  ) {
    this.#limits = limits
    this.reset()
  }

  get limits(): Limits {
    return { ...this.#limits }
  }

  /** Changes limits (fresh windows); omitted fields keep their value. Throws a ZodError on bad input. */
  set(patch: unknown): Limits {
    this.#limits = limitsSchema.parse({ ...this.#limits, ...limitsSchema.partial().parse(patch) })
    this.reset()
    return this.limits
  }

  /** Fresh windows and zero counts; requests in flight stay counted until they end. */
  reset(): void {
    const l = this.#limits
    this.#minute = new FixedWindowLimiter(l.perMinute, l.minuteWindowMs, this.now)
    this.#second = new FixedWindowLimiter(l.perSecond, l.secondWindowMs, this.now)
    this.#batch = new FixedWindowLimiter(l.batchPerMinute, l.minuteWindowMs, this.now)
    for (const reason of Object.keys(this.counts) as ThrottleReason[]) this.counts[reason] = 0
  }

  /**
   * Admits one request of `key` (realm + app) or names the limit it hit. An admitted request is in
   * flight until `release` is called.
   */
  admit(key: string, batch: boolean): ThrottleReason | undefined {
    const inFlight = this.#inFlight.get(key) ?? 0
    const refused: ThrottleReason | undefined =
      inFlight >= this.#limits.concurrent
        ? 'concurrent'
        : !this.#second.take(key).allowed
          ? 'perSecond'
          : !this.#minute.take(key).allowed
            ? 'perMinute'
            : batch && !this.#batch.take(key).allowed
              ? 'batchPerMinute'
              : undefined
    if (refused) {
      this.counts[refused]++
      return refused
    }
    this.#inFlight.set(key, inFlight + 1)
    return undefined
  }

  release(key: string): void {
    const inFlight = (this.#inFlight.get(key) ?? 1) - 1
    if (inFlight <= 0) this.#inFlight.delete(key)
    else this.#inFlight.set(key, inFlight)
  }

  /** The per-minute cost of a batch beyond its own request: one per further item. */
  takeItems(key: string, items: number): boolean {
    for (let i = 0; i < items; i++) {
      if (!this.#minute.take(key).allowed) {
        this.counts.perMinute++
        return false
      }
    }
    return true
  }
}
