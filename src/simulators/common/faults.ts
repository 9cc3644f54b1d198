/**
 * Fault knobs shared by every simulator: the ways real APIs misbehave that a client must survive.
 * Rates are probabilities per request, drawn from a seeded generator so a failing test replays.
 * Control routes (under /_sim) are never faulted.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { SeededRandom } from './seeded-random.js'

export const faultSettingsSchema = z
  .object({
    /** Fraction of requests answered with a 5xx. */
    errorRate: z.number().min(0).max(1).default(0),
    /** Status used for injected 5xx. */
    errorStatus: z.number().int().min(500).max(599).default(500),
    /** Added latency per request, in milliseconds. */
    latencyMs: z.number().int().min(0).max(120_000).default(0),
    /** The next N requests are answered 429. */
    burst429: z.number().int().min(0).default(0),
    /** Fraction of successful JSON bodies cut in half. */
    truncateRate: z.number().min(0).max(1).default(0),
    /** Fraction of successful JSON bodies replaced with text that is not JSON. */
    malformedRate: z.number().min(0).max(1).default(0),
    /** Fraction of requests whose connection is destroyed without an answer. */
    dropRate: z.number().min(0).max(1).default(0),
    seed: z.number().int().default(1),
  })
  .strict()

export type FaultSettings = z.infer<typeof faultSettingsSchema>

export interface FaultResponders {
  /** Sends the service's own 5xx body. */
  serverError(reply: FastifyReply, status: number): FastifyReply
  /** Sends the service's own 429 (headers and body). */
  tooManyRequests(request: FastifyRequest, reply: FastifyReply): FastifyReply
}

/** Counts of injected faults, for tests that need to prove a fault really happened. */
export interface FaultCounts {
  errors: number
  throttled: number
  truncated: number
  malformed: number
  dropped: number
}

/** Control routes live under /_sim and are never faulted. */
export function isControlUrl(url: string): boolean {
  return url === '/_sim' || url.startsWith('/_sim/') || url.startsWith('/_sim?')
}

export class Faults {
  #settings: FaultSettings = faultSettingsSchema.parse({})
  #random = new SeededRandom(1)
  readonly counts: FaultCounts = { errors: 0, throttled: 0, truncated: 0, malformed: 0, dropped: 0 }

  get settings(): FaultSettings {
    return this.#settings
  }

  /** Replaces the settings; omitted knobs go back to their defaults (no fault). */
  set(input: unknown): FaultSettings {
    this.#settings = faultSettingsSchema.parse(input)
    this.#random = new SeededRandom(this.#settings.seed)
    return this.#settings
  }

  /** Installs the hooks on a Fastify app. */
  install(app: FastifyInstance, respond: FaultResponders): void {
    app.addHook('onRequest', async (request, reply) => {
      if (isControlUrl(request.url)) return
      const s = this.#settings
      if (s.latencyMs > 0) await new Promise((r) => setTimeout(r, s.latencyMs))
      if (s.dropRate > 0 && this.#random.chance(s.dropRate)) {
        this.counts.dropped++
        request.raw.socket.destroy()
        return reply.hijack()
      }
      if (s.burst429 > 0) {
        s.burst429--
        this.counts.throttled++
        return respond.tooManyRequests(request, reply)
      }
      if (s.errorRate > 0 && this.#random.chance(s.errorRate)) {
        this.counts.errors++
        return respond.serverError(reply, s.errorStatus)
      }
    })
    app.addHook('onSend', async (request, reply, payload) => {
      if (isControlUrl(request.url) || reply.statusCode >= 300 || typeof payload !== 'string') {
        return payload
      }
      const s = this.#settings
      if (s.truncateRate > 0 && payload.length > 1 && this.#random.chance(s.truncateRate)) {
        this.counts.truncated++
        return payload.slice(0, Math.floor(payload.length / 2))
      }
      if (s.malformedRate > 0 && this.#random.chance(s.malformedRate)) {
        this.counts.malformed++
        return '<html><body>Service Unavailable</body></html>'
      }
      return payload
    })
  }
}
