/**
 * `requestid` idempotency (reference §8): the same id for the same company within the retention time
 * returns the stored original response (status and bytes) without doing the work again. The stored
 * answer is the one the API produced, before any fault knob mangled or dropped it.
 */
export interface StoredAnswer {
  status: number
  payload: string
  /** Method, path and body of the first request, to notice a reused id. */
  fingerprint: string
  storedAt: number
}

/** Reference §8: ≤ 50 characters (batch: ≤ 36). */
export const MAX_REQUEST_ID = 50
export const MAX_BATCH_REQUEST_ID = 36

/** Beyond this many stored answers the oldest go first (a long-running simulator stays bounded). */
const MAX_ENTRIES = 200_000

export class ReplayCache {
  #answers = new Map<string, StoredAnswer>()

  constructor(
    /** How long an id is remembered; 0 = forever. */
    public retentionMs: number,
    private readonly now: () => number,
  ) {}

  get(realmId: string, requestId: string): StoredAnswer | undefined {
    const key = `${realmId}\u0000${requestId}`
    const answer = this.#answers.get(key)
    if (answer && this.retentionMs > 0 && this.now() - answer.storedAt >= this.retentionMs) {
      this.#answers.delete(key)
      return undefined
    }
    return answer
  }

  set(realmId: string, requestId: string, answer: Omit<StoredAnswer, 'storedAt'>): void {
    this.#answers.set(`${realmId}\u0000${requestId}`, { ...answer, storedAt: this.now() })
    if (this.#answers.size > MAX_ENTRIES) this.#answers.delete(this.#answers.keys().next().value!)
  }

  get size(): number {
    return this.#answers.size
  }

  reset(): void {
    this.#answers = new Map()
  }
}
