/**
 * QBO meters reads (reference §10: CorePlus "data-out" calls — entity reads and queries — are metered,
 * Core create/update calls are not). Counted per realm when the API does the work: batch items one by
 * one, replayed `requestid` answers separately (nothing was redone), rejected requests not at all.
 */
export interface RealmUsage {
  reads: number
  writes: number
  replays: number
  /** A requestid reused with a different method, path or body (replayed anyway). */
  requestIdMismatches: number
}

export type UsageKind = 'reads' | 'writes' | 'replays' | 'requestIdMismatches'

export class Usage {
  readonly #realms = new Map<string, RealmUsage>()

  add(realmId: string, kind: UsageKind, n = 1): void {
    let usage = this.#realms.get(realmId)
    if (!usage) {
      usage = { reads: 0, writes: 0, replays: 0, requestIdMismatches: 0 }
      this.#realms.set(realmId, usage)
    }
    usage[kind] += n
  }

  of(realmId: string): RealmUsage {
    return { ...(this.#realms.get(realmId) ?? { reads: 0, writes: 0, replays: 0, requestIdMismatches: 0 }) }
  }

  all(): Record<string, RealmUsage> {
    return Object.fromEntries([...this.#realms.keys()].map((id) => [id, this.of(id)]))
  }

  reset(): void {
    this.#realms.clear()
  }
}
