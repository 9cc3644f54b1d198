/**
 * Fixed-window request counter, the scheme both ShipStation (40 per minute per key) and Klaviyo (burst
 * and steady windows per account) use. Windows are aligned to multiples of the window length.
 */
export interface WindowState {
  limit: number
  remaining: number
  /** Milliseconds until the current window ends. */
  resetMs: number
  allowed: boolean
}

export class FixedWindowLimiter {
  readonly #used = new Map<string, { window: number; count: number }>()

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(limit > 0) || !(windowMs > 0)) throw new RangeError('limit and window must be positive')
  }

  /** Counts one request for `key` and says whether it fits in the window. */
  take(key: string): WindowState {
    const now = this.now()
    const window = Math.floor(now / this.windowMs)
    let entry = this.#used.get(key)
    if (!entry || entry.window !== window) {
      entry = { window, count: 0 }
      this.#used.set(key, entry)
    }
    const allowed = entry.count < this.limit
    if (allowed) entry.count++
    return {
      limit: this.limit,
      remaining: this.limit - entry.count,
      resetMs: (window + 1) * this.windowMs - now,
      allowed,
    }
  }

  /** Uses up the rest of the window for `key` (a 429 burst). */
  exhaust(key: string): void {
    const window = Math.floor(this.now() / this.windowMs)
    this.#used.set(key, { window, count: this.limit })
  }
}
