/** Request counters, so tests and the fault harness can prove what the simulator actually served. */
export interface RequestStatsSnapshot {
  total: number
  /** `GET /orders` → { "200": 12, "429": 1 } */
  byEndpoint: Record<string, Record<string, number>>
  /** apiKey → requests (unauthenticated requests are not attributed). */
  byAccount: Record<string, number>
  throttled: number
  unauthorized: number
}

export class RequestStats {
  #total = 0
  #throttled = 0
  #unauthorized = 0
  readonly #byEndpoint = new Map<string, Map<number, number>>()
  readonly #byAccount = new Map<string, number>()

  record(endpoint: string, status: number, account: string | undefined): void {
    this.#total++
    if (status === 429) this.#throttled++
    if (status === 401) this.#unauthorized++
    const statuses = this.#byEndpoint.get(endpoint) ?? new Map<number, number>()
    this.#byEndpoint.set(endpoint, statuses)
    statuses.set(status, (statuses.get(status) ?? 0) + 1)
    if (account !== undefined) this.#byAccount.set(account, (this.#byAccount.get(account) ?? 0) + 1)
  }

  snapshot(): RequestStatsSnapshot {
    const byEndpoint: Record<string, Record<string, number>> = {}
    for (const [endpoint, statuses] of this.#byEndpoint) byEndpoint[endpoint] = Object.fromEntries(statuses)
    return {
      total: this.#total,
      byEndpoint,
      byAccount: Object.fromEntries(this.#byAccount),
      throttled: this.#throttled,
      unauthorized: this.#unauthorized,
    }
  }
}
