/**
 * Klaviyo's fault knobs: the shared ones (5xx, latency, 429 bursts, truncated/malformed bodies,
 * dropped connections) plus one that only makes sense in front of Klaviyo: the Cloudflare edge
 * answering with an HTML 400 or a 403 bot challenge instead of a JSON:API document (reference §5,
 * fixture 11). The edge knob runs before authentication, as the real edge does.
 */
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { type FaultCounts, type FaultResponders, Faults, faultSettingsSchema } from '../common/faults.js'
import { SeededRandom } from '../common/seeded-random.js'
import { sendCloudflarePage } from './errors.js'

export const klaviyoFaultSettingsSchema = faultSettingsSchema.extend({
  /** Fraction of API requests answered by the Cloudflare edge with an HTML page. */
  cloudflareRate: z.number().min(0).max(1).default(0),
  /** 400 (fixture 11) or 403 with `cf-mitigated: challenge`. */
  cloudflareStatus: z.union([z.literal(400), z.literal(403)]).default(403),
})

export type KlaviyoFaultSettings = z.infer<typeof klaviyoFaultSettingsSchema>
export type KlaviyoFaultCounts = FaultCounts & { cloudflare: number }

export class KlaviyoFaults {
  readonly #shared = new Faults()
  #edge = { rate: 0, status: 403 as 400 | 403 }
  #random = new SeededRandom(1)
  #cloudflare = 0

  get settings(): KlaviyoFaultSettings {
    return { ...this.#shared.settings, cloudflareRate: this.#edge.rate, cloudflareStatus: this.#edge.status }
  }

  get counts(): KlaviyoFaultCounts {
    return { ...this.#shared.counts, cloudflare: this.#cloudflare }
  }

  /** Replaces every knob; omitted ones go back to "no fault". Throws a ZodError on bad input. */
  set(input: unknown): KlaviyoFaultSettings {
    const { cloudflareRate, cloudflareStatus, ...shared } = klaviyoFaultSettingsSchema.parse(input)
    this.#shared.set(shared)
    this.#edge = { rate: cloudflareRate, status: cloudflareStatus }
    // A stream of its own, so turning the edge knob on does not shift the shared knobs' draws.
    this.#random = new SeededRandom(shared.seed + 1)
    return this.settings
  }

  /** Zeroes the counts of injected faults (the knobs stay). */
  resetCounts(): void {
    const counts = this.#shared.counts
    for (const name of Object.keys(counts) as (keyof FaultCounts)[]) counts[name] = 0
    this.#cloudflare = 0
  }

  /** The edge hook; install it before authentication. */
  installEdge(app: FastifyInstance): void {
    app.addHook('onRequest', async (request, reply) => {
      if (request.url.startsWith('/_sim') || this.#edge.rate === 0) return
      if (!this.#random.chance(this.#edge.rate)) return
      this.#cloudflare++
      return sendCloudflarePage(reply, this.#edge.status)
    })
  }

  /** The shared hooks; install them after authentication and rate limiting. */
  install(app: FastifyInstance, respond: FaultResponders): void {
    this.#shared.install(app, respond)
  }
}
