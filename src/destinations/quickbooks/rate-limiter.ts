/**
 * QBO's limits per realm and app (reference §10): 10 requests in flight, 10 a second, 500 a minute.
 * Every client of one realm in this process shares one limiter, so two destinations writing to the same
 * company cannot together trip the 429s. Requests wait in arrival order.
 */
export interface RateLimits {
  concurrent: number
  perSecond: number
  perMinute: number
}

/**
 * 9 a second, not 10: this limiter counts a sliding second from when requests leave, QBO fixed seconds
 * from when they arrive, so network jitter can land 11 in one of QBO's seconds (seen once in 3,151
 * requests under load). The per-minute limit binds long before 9 a second does, so it costs nothing.
 */
export const QBO_LIMITS: RateLimits = { concurrent: 10, perSecond: 9, perMinute: 500 }

export class RateLimiter {
  readonly #starts: number[] = []
  #inFlight = 0
  readonly #waiting: (() => void)[] = []
  #timer: NodeJS.Timeout | undefined

  constructor(
    private readonly limits: RateLimits = QBO_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `work` when a slot is free. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      this.#waiting.push(resolve)
      this.#pump()
    })
    try {
      return await work()
    } finally {
      this.#inFlight--
      this.#pump()
    }
  }

  #pump(): void {
    while (this.#waiting.length > 0) {
      const wait = this.#waitMs()
      if (wait > 0) {
        if (wait !== Number.POSITIVE_INFINITY && this.#timer === undefined) {
          this.#timer = setTimeout(() => {
            this.#timer = undefined
            this.#pump()
          }, wait)
        }
        return
      }
      this.#inFlight++
      this.#starts.push(this.now())
      this.#waiting.shift()!()
    }
  }

  /** 0 when a request may start now; infinity when only a finishing request can free a slot. */
  #waitMs(): number {
    const now = this.now()
    while (this.#starts.length > 0 && this.#starts[0]! <= now - 60_000) this.#starts.shift()
    if (this.#inFlight >= this.limits.concurrent) return Number.POSITIVE_INFINITY
    if (this.#starts.length >= this.limits.perMinute) {
      return this.#starts[this.#starts.length - this.limits.perMinute]! + 60_000 - now
    }
    const lastSecond = this.#starts.filter((t) => t > now - 1000)
    if (lastSecond.length >= this.limits.perSecond) {
      return lastSecond[lastSecond.length - this.limits.perSecond]! + 1000 - now
    }
    return 0
  }
}

const shared = new Map<string, RateLimiter>()

/** The process-wide limiter of a realm on an API host. */
export function limiterFor(baseUrl: string, realmId: string): RateLimiter {
  const key = `${baseUrl} ${realmId}`
  let limiter = shared.get(key)
  if (!limiter) {
    limiter = new RateLimiter()
    shared.set(key, limiter)
  }
  return limiter
}
