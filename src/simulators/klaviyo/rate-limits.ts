/**
 * Klaviyo's two fixed windows per account and endpoint (reference §6): a burst window (1 s) and a steady
 * window (60 s); exceeding either is a 429. Non-429 responses describe the steady window in
 * `RateLimit-*` headers (plain integers); a 429 only carries `Retry-After`.
 */
import { FixedWindowLimiter } from '../common/fixed-window-limiter.js'

export const ENDPOINTS = ['events', 'bulk', 'profileImport', 'accounts', 'metrics'] as const
export type Endpoint = (typeof ENDPOINTS)[number]

export interface Limit {
  burst: number
  steady: number
}

/** The tier numbers of reference §6. */
const DEFAULT_LIMITS: Readonly<Record<Endpoint, Limit>> = {
  events: { burst: 350, steady: 3500 },
  bulk: { burst: 10, steady: 150 },
  profileImport: { burst: 75, steady: 750 },
  accounts: { burst: 1, steady: 15 },
  metrics: { burst: 10, steady: 150 },
}

export interface RateLimitConfig {
  /** Multiplies every default limit (at least 1 remains), e.g. 0.01 to trip 429s quickly. */
  scale: number
  /** Exact limits per endpoint; win over `scale`. */
  overrides: Partial<Record<Endpoint, Partial<Limit>>>
  burstWindowMs: number
  steadyWindowMs: number
}

export type RateDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; retryAfterSeconds: number }

export class RateLimits {
  #limiters = new Map<Endpoint, { burst: FixedWindowLimiter; steady: FixedWindowLimiter }>()

  constructor(
    private readonly config: RateLimitConfig,
    private readonly now: () => number,
  ) {
    this.reset()
  }

  /** The effective limits, after scale and overrides. */
  limit(endpoint: Endpoint): Limit {
    const base = DEFAULT_LIMITS[endpoint]
    const scaled = (n: number) => Math.max(1, Math.round(n * this.config.scale))
    const override = this.config.overrides[endpoint] ?? {}
    return { burst: override.burst ?? scaled(base.burst), steady: override.steady ?? scaled(base.steady) }
  }

  /** Counts one request of `account` on `endpoint`. */
  take(account: string, endpoint: Endpoint): RateDecision {
    const limiters = this.#limiters.get(endpoint)!
    const burst = limiters.burst.take(account)
    if (!burst.allowed) return { allowed: false, retryAfterSeconds: seconds(burst.resetMs) }
    const steady = limiters.steady.take(account)
    if (!steady.allowed) return { allowed: false, retryAfterSeconds: seconds(steady.resetMs) }
    return {
      allowed: true,
      headers: {
        'RateLimit-Limit': String(steady.limit),
        'RateLimit-Remaining': String(steady.remaining),
        'RateLimit-Reset': String(seconds(steady.resetMs)),
      },
    }
  }

  /** Forgets all counts (fresh windows). */
  reset(): void {
    for (const endpoint of ENDPOINTS) {
      const { burst, steady } = this.limit(endpoint)
      this.#limiters.set(endpoint, {
        burst: new FixedWindowLimiter(burst, this.config.burstWindowMs, this.now),
        steady: new FixedWindowLimiter(steady, this.config.steadyWindowMs, this.now),
      })
    }
  }
}

/** Whole seconds, rounded up, never below 1 (a Retry-After of 0 invites a hot loop). */
function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000))
}
