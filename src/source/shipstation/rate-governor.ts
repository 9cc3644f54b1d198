/**
 * One rate-limit budget per ShipStation API key, shared by polling, backfill and webhook fetches
 * (design invariant 4). ShipStation counts 40 requests per fixed one-minute window per key and tells
 * what is left in X-Rate-Limit-Remaining / -Reset on every response, so we pace from those headers
 * instead of guessing: other apps (Klaviyo's own integration, accounting connectors) often share the
 * key, and only the headers know what they used.
 *
 * Requests through one governor run one at a time: the budget is tiny, so concurrency buys nothing,
 * and serial requests keep the header readings exact.
 */
export interface RateState {
  limit: number | undefined
  remaining: number | undefined
  /** Epoch ms when the current window ends. */
  resetAt: number | undefined
}

export interface GovernorOptions {
  /** Requests per window left for other apps sharing the key. */
  reserve: number
  now?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Extra wait after a window's announced end, to absorb rounding and clock skew. */
  marginMs?: number
}

export const abortableSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })

export class RateGovernor {
  readonly state: RateState = { limit: undefined, remaining: undefined, resetAt: undefined }
  /** Total time spent waiting for a window, for status and benchmarks. */
  waitedMs = 0
  waits = 0
  #queue: Promise<void> = Promise.resolve()
  readonly #now: () => number
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  readonly #margin: number

  constructor(private readonly options: GovernorOptions) {
    this.#now = options.now ?? Date.now
    this.#sleep = options.sleep ?? abortableSleep
    this.#margin = options.marginMs ?? 100
  }

  /** Runs `request` when the budget allows, one request at a time per key. */
  run<T>(request: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const result = this.#queue.then(async () => {
      await this.#waitForBudget(signal)
      return request()
    })
    this.#queue = result.then(
      () => undefined,
      () => undefined,
    )
    return result
  }

  /** Records what a response said about the window. */
  observe(headers: Headers, status: number): void {
    const limit = numberHeader(headers, 'x-rate-limit-limit')
    const remaining = numberHeader(headers, 'x-rate-limit-remaining')
    const reset = numberHeader(headers, 'x-rate-limit-reset')
    if (limit !== undefined) this.state.limit = limit
    if (remaining !== undefined) this.state.remaining = remaining
    if (status === 429) this.state.remaining = 0
    if (reset !== undefined) this.state.resetAt = this.#now() + reset * 1000
    else if (status === 429) this.state.resetAt = this.#now() + 60_000
  }

  /** Milliseconds to wait after a 429 before the next try. */
  retryDelayAfter429(): number {
    return Math.max(0, (this.state.resetAt ?? this.#now()) - this.#now()) + this.#margin
  }

  async #waitForBudget(signal?: AbortSignal): Promise<void> {
    const { remaining, resetAt } = this.state
    if (remaining === undefined || resetAt === undefined) return
    const now = this.#now()
    if (now >= resetAt) {
      // A new window has begun; until a response says otherwise, assume it is full.
      this.state.remaining = this.state.limit
      return
    }
    if (remaining > this.options.reserve) {
      this.state.remaining = remaining - 1
      return
    }
    const wait = resetAt - now + this.#margin
    this.waits++
    this.waitedMs += wait
    await this.#sleep(wait, signal)
    this.state.remaining = this.state.limit
  }
}

function numberHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name)
  if (value === null || value.trim() === '') return undefined
  const n = Number(value)
  return Number.isFinite(n) && n >= 0 ? n : undefined
}
