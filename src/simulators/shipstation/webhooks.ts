/**
 * Delivers webhook payloads `{resource_url, resource_type}` to subscribed targets, with knobs for the
 * ways delivery goes wrong (delay, loss, duplicates). A failing target never affects the simulator:
 * every error is caught and counted.
 */
import { z } from 'zod'
import { SeededRandom } from '../common/seeded-random.js'
import type { World, WorldEvent } from './world.js'

export const webhookKnobsSchema = z
  .object({
    /** Delay before each delivery, in milliseconds (the real service says "within a few minutes"). */
    delayMs: z.number().int().min(0).max(600_000).default(0),
    /** Fraction of payloads never sent. */
    dropRate: z.number().min(0).max(1).default(0),
    /** Fraction of payloads sent twice. */
    duplicateRate: z.number().min(0).max(1).default(0),
    /** Give up on a target after this long. */
    timeoutMs: z.number().int().min(1).max(120_000).default(5000),
    seed: z.number().int().default(1),
  })
  .strict()

export type WebhookKnobs = z.infer<typeof webhookKnobsSchema>

export interface Delivery {
  account: string
  event: string
  target: string
  resourceUrl: string
  /** HTTP status from the target, or the error text when it could not be reached. */
  outcome: number | string
}

export interface WebhookCounts {
  sent: number
  failed: number
  dropped: number
  duplicated: number
}

const LOG_SIZE = 500

export class WebhookDispatcher {
  #knobs: WebhookKnobs = webhookKnobsSchema.parse({})
  #random = new SeededRandom(1)
  readonly #pending = new Set<Promise<void>>()
  readonly counts: WebhookCounts = { sent: 0, failed: 0, dropped: 0, duplicated: 0 }
  /** The latest deliveries, newest last. */
  readonly log: Delivery[] = []

  constructor(private readonly baseUrl: () => string) {}

  get knobs(): WebhookKnobs {
    return this.#knobs
  }

  /** Replaces the knobs; omitted ones go back to their defaults. */
  set(input: unknown): WebhookKnobs {
    this.#knobs = webhookKnobsSchema.parse(input)
    this.#random = new SeededRandom(this.#knobs.seed)
    return this.#knobs
  }

  /** Sends `event` to every hook of `world` subscribed to it (and to its store, if the hook names one). */
  dispatch(world: World, event: WorldEvent): void {
    const resourceUrl = `${this.baseUrl()}${event.path}`
    for (const hook of world.webhooks.values()) {
      if (hook.event !== event.event || (hook.storeId !== null && hook.storeId !== event.storeId)) continue
      if (this.#knobs.dropRate > 0 && this.#random.chance(this.#knobs.dropRate)) {
        this.counts.dropped++
        continue
      }
      const copies = this.#knobs.duplicateRate > 0 && this.#random.chance(this.#knobs.duplicateRate) ? 2 : 1
      if (copies === 2) this.counts.duplicated++
      for (let i = 0; i < copies; i++) {
        this.#track(this.#deliver(world.apiKey, hook.url, event.event, resourceUrl))
      }
    }
  }

  /** Resolves once every delivery started so far has finished (tests await this). */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending])
  }

  #track(delivery: Promise<void>): void {
    this.#pending.add(delivery)
    void delivery.finally(() => this.#pending.delete(delivery))
  }

  async #deliver(account: string, target: string, event: string, resourceUrl: string): Promise<void> {
    const { delayMs, timeoutMs } = this.#knobs
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
    let outcome: number | string
    try {
      const response = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ resource_url: resourceUrl, resource_type: event }),
        signal: AbortSignal.timeout(timeoutMs),
      })
      await response.arrayBuffer().catch(() => undefined)
      outcome = response.status
      if (response.ok) this.counts.sent++
      else this.counts.failed++
    } catch (error) {
      outcome = error instanceof Error ? error.message : String(error)
      this.counts.failed++
    }
    this.log.push({ account, event, target, resourceUrl, outcome })
    if (this.log.length > LOG_SIZE) this.log.shift()
  }
}
