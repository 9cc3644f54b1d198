/**
 * Every API request as it arrived, retries included, so tests and dashboards can see how a client
 * behaved (how often it retried, whether it respected Retry-After). Control routes are not logged.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'

export interface RequestRecord {
  /** Simulated receipt time, ISO 8601. */
  at: string
  method: string
  /** The URL as sent, query included. */
  url: string
  /** `POST /api/events` for a known route (trailing slash folded), `POST (unmatched)` otherwise. */
  endpoint: string
  /** Null while in flight, and forever when the connection was dropped. */
  status: number | null
}

export interface EndpointCounts {
  total: number
  /** Status code → responses; `none` = no response (dropped connection or still in flight). */
  byStatus: Record<string, number>
}

/** Kept in memory; the oldest records go first beyond this many. */
const MAX_RECORDS = 50_000

export class RequestLog {
  #records: RequestRecord[] = []
  readonly #byRequest = new WeakMap<FastifyRequest, RequestRecord>()
  #counts = new Map<string, EndpointCounts>()

  constructor(private readonly now: () => number) {}

  /** Register first, so requests answered by other hooks are counted too. */
  install(app: FastifyInstance): void {
    app.addHook('onRequest', async (request) => {
      if (request.url.startsWith('/_sim')) return
      const endpoint = `${request.method} ${request.routeOptions.url ?? '(unmatched)'}`
      const record: RequestRecord = {
        at: new Date(this.now()).toISOString(),
        method: request.method,
        url: request.url,
        endpoint,
        status: null,
      }
      this.#records.push(record)
      if (this.#records.length > MAX_RECORDS) this.#records.splice(0, this.#records.length - MAX_RECORDS)
      this.#byRequest.set(request, record)
      this.#count(endpoint, 'none', 1)
    })
    app.addHook('onResponse', async (request, reply) => {
      const record = this.#byRequest.get(request)
      if (!record) return
      record.status = reply.statusCode
      this.#count(record.endpoint, 'none', -1)
      this.#count(record.endpoint, String(reply.statusCode), 1)
    })
  }

  records(): RequestRecord[] {
    return [...this.#records]
  }

  /** Per endpoint: requests received and responses per status. */
  counts(): Record<string, EndpointCounts> {
    const result: Record<string, EndpointCounts> = {}
    for (const [endpoint, entry] of this.#counts) {
      const byStatus = Object.fromEntries(Object.entries(entry.byStatus).filter(([, n]) => n > 0))
      result[endpoint] = { total: entry.total, byStatus }
    }
    return result
  }

  reset(): void {
    this.#records = []
    this.#counts = new Map()
  }

  #count(endpoint: string, status: string, delta: number): void {
    let entry = this.#counts.get(endpoint)
    if (!entry) {
      entry = { total: 0, byStatus: {} }
      this.#counts.set(endpoint, entry)
    }
    if (status === 'none' && delta > 0) entry.total++
    entry.byStatus[status] = (entry.byStatus[status] ?? 0) + delta
  }
}
