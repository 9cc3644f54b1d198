/**
 * The ShipStation V1 HTTP client: Basic auth, the shared rate-limit governor, retries with backoff and
 * jitter, and zod validation of every response.
 * Docs: https://www.shipstation.com/docs/api/ (reference: ../shared/reference/shipstation.md)
 */
import type { z } from 'zod'
import { Redactor } from '../../lib/redact.js'
import { ShipStationAuthError, ShipStationHttpError, ShipStationResponseError } from './errors.js'
import { abortableSleep, type RateGovernor } from './rate-governor.js'
import { rawEnvelopeSchema } from './raw-types.js'

export interface ShipStationClientOptions {
  baseUrl: string
  apiKey: string
  apiSecret: string
  partnerKey?: string | undefined
  governor: RateGovernor
  /** Per-request timeout. */
  timeoutMs?: number
  /** Attempts for retryable failures (5xx, timeouts, dropped connections, garbled bodies). */
  maxAttempts?: number
  /** Base of the exponential backoff. */
  backoffMs?: number
  /** Called after every HTTP answer (for metrics and request counting). */
  onResponse?: (info: { path: string; status: number; ms: number }) => void
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  /** Replaces global fetch (tests use it to change the world between two pages). */
  fetch?: typeof fetch
}

export type Query = Record<string, string | number | boolean | undefined>

export interface Page<T> {
  records: T[]
  total: number
  page: number
  pages: number
}

export class ShipStationClient {
  readonly baseUrl: string
  readonly #authorization: string
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  /**
   * Error texts quote what ShipStation (or a proxy in front of it) answered, which may echo our
   * credentials back; they end up in logs and in the stored last sync error, so they are redacted here.
   */
  readonly #redactor = new Redactor()

  constructor(readonly options: ShipStationClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    const credential = Buffer.from(`${options.apiKey}:${options.apiSecret}`).toString('base64')
    this.#authorization = `Basic ${credential}`
    this.#redactor
      .add(options.apiKey)
      .add(options.apiSecret)
      .add(credential)
      .add(options.partnerKey ?? '')
    this.#sleep = options.sleep ?? abortableSleep
  }

  get governor(): RateGovernor {
    return this.options.governor
  }

  /** GET a path (or a full URL on this host, for webhook resource URLs) and return the parsed JSON. */
  getJson(pathOrUrl: string, query: Query = {}, signal?: AbortSignal): Promise<unknown> {
    return this.request('GET', pathOrUrl, query, undefined, signal)
  }

  /**
   * Any request, with the governor, retries and error handling of GETs. A retried POST may apply twice
   * at ShipStation; callers of non-idempotent writes (webhook subscriptions) reconcile afterwards.
   */
  async request(
    method: 'GET' | 'POST' | 'DELETE',
    pathOrUrl: string,
    query: Query = {},
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const url = this.#url(pathOrUrl, query)
    const maxAttempts = this.options.maxAttempts ?? 6
    let unauthorized = 0
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.options.governor.run(() => this.#attempt(method, url, body, signal), signal)
      if (outcome.kind === 'ok') return outcome.body
      if (outcome.kind === 'rate-limited') {
        // Not a failure: wait for the window the headers announced and go again.
        attempt--
        await this.#sleep(this.options.governor.retryDelayAfter429(), signal)
        continue
      }
      if (outcome.kind === 'unauthorized') {
        if (++unauthorized >= 2) {
          throw new ShipStationAuthError(
            `ShipStation rejected the API key and secret (401 on ${url.pathname}): check them, they may have expired`,
          )
        }
        await this.#sleep(this.#backoff(1), signal)
        continue
      }
      if (outcome.kind === 'fatal' || attempt >= maxAttempts) {
        throw new ShipStationHttpError(
          `ShipStation ${url.pathname}: ${this.#redactor.redact(outcome.message)}${attempt > 1 ? ` (after ${attempt} attempts)` : ''}`,
          outcome.status,
          outcome.kind === 'retry',
        )
      }
      await this.#sleep(this.#backoff(attempt), signal)
    }
  }

  /** GET a list endpoint and validate each record with `schema`. Null elements are skipped (§7.2). */
  async getPage<S extends z.ZodType>(
    path: string,
    key: string,
    schema: S,
    query: Query,
    signal?: AbortSignal,
  ): Promise<Page<z.infer<S>>> {
    const body = await this.getJson(path, query, signal)
    const envelope = rawEnvelopeSchema.safeParse(body)
    const list = isRecord(body) ? body[key] : undefined
    if (!envelope.success || !Array.isArray(list)) {
      throw new ShipStationResponseError(
        `ShipStation ${path}: response is not a {${key}, total, page, pages} list`,
      )
    }
    const records: z.infer<S>[] = []
    for (const item of list) {
      if (item === null) continue
      const parsed = schema.safeParse(item)
      if (!parsed.success) throw new ShipStationResponseError(describeBadRecord(path, item, parsed.error))
      records.push(parsed.data)
    }
    return { records, ...envelope.data }
  }

  /** GET an endpoint that answers a bare JSON array. */
  async getArray<S extends z.ZodType>(path: string, schema: S, signal?: AbortSignal): Promise<z.infer<S>[]> {
    const body = await this.getJson(path, {}, signal)
    if (!Array.isArray(body)) throw new ShipStationResponseError(`ShipStation ${path}: expected a JSON array`)
    return body.map((item) => {
      const parsed = schema.safeParse(item)
      if (!parsed.success) throw new ShipStationResponseError(describeBadRecord(path, item, parsed.error))
      return parsed.data
    })
  }

  #url(pathOrUrl: string, query: Query): URL {
    const url = /^https?:\/\//.test(pathOrUrl) ? new URL(pathOrUrl) : new URL(this.baseUrl + pathOrUrl)
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(name, String(value))
    }
    return url
  }

  #backoff(attempt: number): number {
    const base = this.options.backoffMs ?? 500
    const ceiling = Math.min(30_000, base * 2 ** (attempt - 1))
    // Full jitter: spreads retries of many accounts hitting the same outage.
    return ceiling / 2 + Math.random() * (ceiling / 2)
  }

  async #attempt(method: string, url: URL, body: unknown, signal?: AbortSignal): Promise<AttemptOutcome> {
    const started = performance.now()
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 30_000)
    const headers: Record<string, string> = { Authorization: this.#authorization, Accept: 'application/json' }
    if (this.options.partnerKey) headers['x-partner'] = this.options.partnerKey
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    let response: Response
    let text: string
    try {
      response = await (this.options.fetch ?? fetch)(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      })
      text = await response.text()
    } catch (error) {
      if (signal?.aborted) throw signal.reason
      const reason = timeout.aborted ? 'timed out' : `connection failed (${describe(error)})`
      return { kind: 'retry', status: undefined, message: reason }
    }
    this.options.governor.observe(response.headers, response.status)
    this.options.onResponse?.({
      path: url.pathname,
      status: response.status,
      ms: performance.now() - started,
    })
    const { status } = response
    if (status === 429) return { kind: 'rate-limited' }
    if (status === 401) return { kind: 'unauthorized' }
    if (status >= 500 || status === 408) {
      return { kind: 'retry', status, message: `HTTP ${status} ${errorMessage(text)}`.trim() }
    }
    if (status >= 400)
      return { kind: 'fatal', status, message: `HTTP ${status} ${errorMessage(text)}`.trim() }
    if (text.trim() === '' && method !== 'GET') return { kind: 'ok', body: null }
    try {
      return { kind: 'ok', body: JSON.parse(text) }
    } catch {
      // A cut-off or garbled body is a transport fault, not data: retry it.
      return {
        kind: 'retry',
        status,
        message: `HTTP ${status} with a body that is not JSON (${text.length} bytes)`,
      }
    }
  }
}

type AttemptOutcome =
  | { kind: 'ok'; body: unknown }
  | { kind: 'rate-limited' }
  | { kind: 'unauthorized' }
  | { kind: 'retry' | 'fatal'; status: number | undefined; message: string }

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** ShipStation error bodies say Message, message or ExceptionMessage (reference §11). */
function errorMessage(text: string): string {
  try {
    const body: unknown = JSON.parse(text)
    if (isRecord(body)) {
      const message = body.ExceptionMessage ?? body.Message ?? body.message
      if (typeof message === 'string') return message.slice(0, 300)
    }
  } catch {
    // not JSON: fall through to a short excerpt
  }
  return text.replace(/\s+/g, ' ').slice(0, 120)
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
    return `${error.message}${cause}`
  }
  return String(error)
}

function describeBadRecord(path: string, item: unknown, error: z.ZodError): string {
  const id = isRecord(item)
    ? (['orderId', 'shipmentId', 'fulfillmentId', 'storeId'] as const)
        .filter((k) => item[k] !== undefined)
        .map((k) => `${k} ${String(item[k])}`)
        .concat(typeof item.orderNumber === 'string' ? [`orderNumber ${item.orderNumber}`] : [])
        .join(', ')
    : ''
  const issues = error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`).join('; ')
  return `ShipStation ${path}: record ${id || '(unidentified)'} is malformed: ${issues}`
}
