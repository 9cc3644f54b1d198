/**
 * Every API and OAuth request as it arrived, retries included, with the realm, the `requestid`, what
 * the API did with it and the Fault code it answered, so tests can see how a client behaved. Control
 * routes are not logged.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { isControlUrl } from '../common/faults.js'

export interface RequestRecord {
  /** Simulated receipt time, ISO 8601. */
  at: string
  method: string
  /** The URL as sent, query included. */
  url: string
  realmId?: string
  requestId?: string
  /** e.g. `create SalesReceipt`, `query Customer`, `batch 3`, `refresh_token`; set once known. */
  operation?: string
  /** The stored answer of an earlier request with the same requestid was sent. */
  replayed: boolean
  /** Null while in flight, and forever when the connection was dropped. */
  status: number | null
  /** First `code` of a Fault (or `error` of an OAuth error) in the answer. */
  faultCode?: string
}

export interface RequestFilter {
  realmId?: string
  requestId?: string
}

const MAX_RECORDS = 50_000

export class RequestLog {
  #records: RequestRecord[] = []
  readonly #byRequest = new WeakMap<FastifyRequest, RequestRecord>()

  constructor(private readonly now: () => number) {}

  /** Register first, so requests answered by other hooks are logged too. */
  install(app: FastifyInstance): void {
    app.addHook('onRequest', async (request) => {
      if (isControlUrl(request.url)) return
      const record: RequestRecord = {
        at: new Date(this.now()).toISOString(),
        method: request.method,
        url: request.url,
        replayed: false,
        status: null,
      }
      const params = request.params as { realmId?: string } | undefined
      if (params?.realmId) record.realmId = params.realmId
      const requestId = (request.query as Record<string, unknown> | undefined)?.requestid
      if (typeof requestId === 'string') record.requestId = requestId
      this.#records.push(record)
      if (this.#records.length > MAX_RECORDS) this.#records.splice(0, this.#records.length - MAX_RECORDS)
      this.#byRequest.set(request, record)
    })
    app.addHook('onSend', async (request, reply, payload) => {
      const record = this.#byRequest.get(request)
      // A 200 may carry a Fault too (reference §4).
      if (record && typeof payload === 'string' && (reply.statusCode >= 400 || payload.includes('"Fault"'))) {
        record.faultCode = faultCode(payload)
      }
      return payload
    })
    app.addHook('onResponse', async (request, reply) => {
      const record = this.#byRequest.get(request)
      if (record) record.status = reply.statusCode
    })
  }

  /** Adds what the handler learned (operation, replay) to the request's record. */
  note(request: FastifyRequest, fields: Partial<Pick<RequestRecord, 'operation' | 'replayed'>>): void {
    const record = this.#byRequest.get(request)
    if (record) Object.assign(record, fields)
  }

  records(filter: RequestFilter = {}): RequestRecord[] {
    return this.#records
      .filter(
        (r) =>
          (filter.realmId === undefined || r.realmId === filter.realmId) &&
          (filter.requestId === undefined || r.requestId === filter.requestId),
      )
      .map((r) => ({ ...r }))
  }

  reset(): void {
    this.#records = []
  }
}

function faultCode(payload: string): string | undefined {
  try {
    const body = JSON.parse(payload) as Record<string, unknown>
    const fault = (body.Fault ?? body.fault) as
      | { Error?: { code?: string }[]; error?: { code?: string }[] }
      | undefined
    const code = fault?.Error?.[0]?.code ?? fault?.error?.[0]?.code
    if (code !== undefined) return code
    return typeof body.error === 'string' ? body.error : undefined
  } catch {
    return undefined
  }
}
