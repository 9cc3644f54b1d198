/**
 * QuickBooks' fault knobs: the shared ones (5xx, latency, 429 bursts, truncated/malformed bodies,
 * dropped connections) plus two that matter for exactly-once delivery: `lostResponseRate` (the write
 * is done and its answer stored for `requestid` replay, then the connection drops — the client must
 * retry with the same requestid) and `okFaultRate` (HTTP 200 whose body is a Fault; reference §4: "A
 * 200 response may still contain a Fault").
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { type FaultCounts, type FaultResponders, Faults, faultSettingsSchema } from '../common/faults.js'
import { SeededRandom } from '../common/seeded-random.js'

export const quickBooksFaultSettingsSchema = faultSettingsSchema.extend({
  /** Fraction of API answers (and token responses) lost after the work was done. */
  lostResponseRate: z.number().min(0).max(1).default(0),
  /** Fraction of API requests answered 200 with a SystemFault body, without doing the work. */
  okFaultRate: z.number().min(0).max(1).default(0),
})

export type QuickBooksFaultSettings = z.infer<typeof quickBooksFaultSettingsSchema>
export type QuickBooksFaultCounts = FaultCounts & { lostResponses: number; okFaults: number }

export class QuickBooksFaults {
  readonly #shared = new Faults()
  #own = { lostResponseRate: 0, okFaultRate: 0 }
  #random = new SeededRandom(2)
  #lost = 0
  #okFaults = 0

  get settings(): QuickBooksFaultSettings {
    return { ...this.#shared.settings, ...this.#own }
  }

  get counts(): QuickBooksFaultCounts {
    return { ...this.#shared.counts, lostResponses: this.#lost, okFaults: this.#okFaults }
  }

  /** Replaces every knob; omitted ones go back to "no fault". Throws a ZodError on bad input. */
  set(input: unknown): QuickBooksFaultSettings {
    const { lostResponseRate, okFaultRate, ...shared } = quickBooksFaultSettingsSchema.parse(input)
    this.#shared.set(shared)
    this.#own = { lostResponseRate, okFaultRate }
    // Its own stream, so these knobs do not shift the shared knobs' draws.
    this.#random = new SeededRandom(shared.seed + 1)
    return this.settings
  }

  resetCounts(): void {
    const counts = this.#shared.counts
    for (const name of Object.keys(counts) as (keyof FaultCounts)[]) counts[name] = 0
    this.#lost = 0
    this.#okFaults = 0
  }

  install(app: FastifyInstance, respond: FaultResponders): void {
    this.#shared.install(app, respond)
  }

  /** Draws whether this answer is lost; if so the socket is destroyed and the caller must not reply. */
  loseResponse(request: FastifyRequest): boolean {
    if (this.#own.lostResponseRate === 0 || !this.#random.chance(this.#own.lostResponseRate)) return false
    this.#lost++
    request.raw.socket.destroy()
    return true
  }

  /** Draws whether this request gets a 200 carrying a Fault instead of being served. */
  okFault(): boolean {
    if (this.#own.okFaultRate === 0 || !this.#random.chance(this.#own.okFaultRate)) return false
    this.#okFaults++
    return true
  }
}
