/**
 * A small typed Klaviyo client over Node's global fetch: the three calls shiprelay makes, with our own
 * timeout, error classification and no hidden retries (the delivery loop owns retry timing). The
 * official SDK is avoided on purpose (reference §7): it drops unknown snake_case keys such as
 * `unique_id` without a word, pins the revision, has no timeout, and weighs 38 MB.
 *
 * Every call resolves to a result; it never throws for an HTTP or network failure. Failure reasons pass
 * through a redactor, so the API key cannot leak into a stored reason or a log.
 */
import { Redactor } from '../../lib/redact.js'
import {
  type BulkCreateEntry,
  type BulkCreateJobRequest,
  type CreateEventRequest,
  type KlaviyoApiError,
  type KlaviyoEventAttributes,
  klaviyoErrorDocumentSchema,
} from './types.js'

export const DEFAULT_BASE_URL = 'https://a.klaviyo.com'
export const DEFAULT_REVISION = '2026-07-15'
export const DEFAULT_TIMEOUT_MS = 30_000
/** A 429 without a usable Retry-After: Klaviyo's windows are 1 s and 60 s, so wait the short one. */
const DEFAULT_THROTTLE_MS = 1000

export interface KlaviyoClientOptions {
  /** Private API key (`pk_…`). */
  apiKey: string
  baseUrl?: string
  revision?: string
  timeoutMs?: number
}

export interface KlaviyoClientDeps {
  fetch?: typeof fetch
}

export type KlaviyoResult = KlaviyoSuccess | { ok: false; failure: KlaviyoFailure }

export interface KlaviyoSuccess {
  ok: true
  status: number
  /** `X-Klaviyo-Partial-Failure`, e.g. `phone_number` when Klaviyo ignored an invalid phone. */
  partialFailure: string | undefined
  /** JSON body, when there is one (GET calls). */
  body: unknown
}

/**
 * - `permanent`: Klaviyo's API judged the request content invalid (400/409/413/422 with a JSON:API
 *   error document). Sending the same thing again cannot succeed.
 * - `setup`: the credentials, scope, base URL or revision are wrong (401, 403, 404, 405, 410, 415, and a
 *   400 that only names a header parameter such as `revision`). No event is at fault, and fixing the
 *   config makes them all go through, so these are not dead.
 * - `transient`: 429, 5xx, timeouts, dropped connections, and non-JSON 4xx from the edge in front of
 *   the API (Cloudflare HTML, fixture 11), which never looked at the event.
 */
export type FailureKind = 'permanent' | 'setup' | 'transient'

export interface KlaviyoFailure {
  kind: FailureKind
  /** HTTP status; undefined when no response arrived. */
  status: number | undefined
  /** One line for a human: status, Klaviyo's code, detail and pointer. Never contains the key. */
  reason: string
  /** From `Retry-After`, when given (always set for 429). */
  retryAfterMs?: number
  /** One per JSON:API error (none for non-JSON bodies and network failures). */
  errors: ErrorEntry[]
}

export interface ErrorEntry {
  /** `source.pointer`, e.g. `/data/attributes/events-bulk-create/data/3/attributes/…`. */
  pointer: string | undefined
  /** This error alone, formatted like `KlaviyoFailure.reason`. */
  reason: string
}

const PERMANENT_STATUSES = new Set([400, 409, 413, 422])
const SETUP_STATUSES = new Set([401, 403, 404, 405, 410, 415])

export class KlaviyoClient {
  readonly #apiKey: string
  readonly #baseUrl: string
  readonly #revision: string
  readonly #timeoutMs: number
  readonly #fetch: typeof fetch
  readonly #redactor: Redactor

  constructor(options: KlaviyoClientOptions, deps: KlaviyoClientDeps = {}) {
    this.#apiKey = options.apiKey
    this.#baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '')
    this.#revision = options.revision ?? DEFAULT_REVISION
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.#fetch = deps.fetch ?? fetch
    this.#redactor = new Redactor().add(options.apiKey)
  }

  /** POST /api/events: one event, 202 when accepted for processing. */
  createEvent(attributes: KlaviyoEventAttributes, signal?: AbortSignal): Promise<KlaviyoResult> {
    const body: CreateEventRequest = { data: { type: 'event', attributes } }
    return this.#request('POST', '/api/events', JSON.stringify(body), signal)
  }

  /** POST /api/event-bulk-create-jobs: up to 1,000 events grouped by profile; all or nothing. */
  bulkCreateEvents(entries: BulkCreateEntry[], signal?: AbortSignal): Promise<KlaviyoResult> {
    return this.#request('POST', '/api/event-bulk-create-jobs', bulkBody(entries), signal)
  }

  /** GET /api/accounts: the cheapest authenticated call, used to check credentials. */
  getAccounts(signal?: AbortSignal): Promise<KlaviyoResult> {
    return this.#request('GET', '/api/accounts', undefined, signal)
  }

  async #request(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<KlaviyoResult> {
    const timeout = AbortSignal.timeout(this.#timeoutMs)
    const headers: Record<string, string> = {
      Authorization: `Klaviyo-API-Key ${this.#apiKey}`,
      revision: this.#revision,
      Accept: 'application/vnd.api+json',
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    try {
      const response = await this.#fetch(`${this.#baseUrl}${path}`, {
        method,
        headers,
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      })
      const text = await response.text()
      if (response.ok) {
        return {
          ok: true,
          status: response.status,
          partialFailure: response.headers.get('x-klaviyo-partial-failure') ?? undefined,
          body: parseJson(text),
        }
      }
      return { ok: false, failure: this.#httpFailure(response, text) }
    } catch (error) {
      const reason = signal?.aborted
        ? 'cancelled'
        : timeout.aborted
          ? `timeout after ${this.#timeoutMs} ms`
          : `network error: ${describeNetworkError(error)}`
      return {
        ok: false,
        failure: { kind: 'transient', status: undefined, reason: this.#redact(reason), errors: [] },
      }
    }
  }

  #httpFailure(response: Response, text: string): KlaviyoFailure {
    const status = response.status
    const document = klaviyoErrorDocumentSchema.safeParse(parseJson(text))
    const apiErrors = document.success ? document.data.errors : []
    const kind = classify(status, document.success ? apiErrors : undefined)
    const detail = document.success
      ? apiErrors.map(describeApiError).join('; ')
      : describeNonJson(response, text)
    const failure: KlaviyoFailure = {
      kind,
      status,
      reason: this.#redact(`Klaviyo ${status} ${detail}`),
      errors: apiErrors.map((error) => ({
        pointer: error.source?.pointer,
        reason: this.#redact(`Klaviyo ${status} ${describeApiError(error)}`),
      })),
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'))
    if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs
    else if (status === 429) failure.retryAfterMs = DEFAULT_THROTTLE_MS
    return failure
  }

  #redact(text: string): string {
    return this.#redactor.redact(text)
  }
}

/** `errors` is undefined when the body was not a JSON:API error document. */
function classify(status: number, errors: readonly KlaviyoApiError[] | undefined): FailureKind {
  if (status === 429 || status >= 500) return 'transient'
  if (SETUP_STATUSES.has(status)) return 'setup'
  if (errors === undefined || !PERMANENT_STATUSES.has(status)) return 'transient'
  // We send no query parameters, so an error about a parameter is about a header: the revision.
  return errors.every((e) => e.source?.parameter !== undefined) ? 'setup' : 'permanent'
}

/** The Bulk Create Events body around the per-profile entries. */
function bulkBody(entries: BulkCreateEntry[]): string {
  const body: BulkCreateJobRequest = {
    data: { type: 'event-bulk-create-job', attributes: { 'events-bulk-create': { data: entries } } },
  }
  return JSON.stringify(body)
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** `invalid: Invalid email address (at /data/attributes/…)`: what a person needs to fix the event. */
function describeApiError(error: KlaviyoApiError): string {
  const what = error.detail ?? error.title ?? 'no detail'
  const where =
    error.source?.pointer ?? (error.source?.parameter ? `parameter ${error.source.parameter}` : '')
  return `${error.code ?? 'error'}: ${what}${where ? ` (at ${where})` : ''}`
}

/** For HTML and other non-JSON bodies: content type, server and the page title or first words. */
function describeNonJson(response: Response, text: string): string {
  const type = response.headers.get('content-type')?.split(';')[0] ?? 'no content type'
  const server = response.headers.get('server')
  const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]
  const gist = (title ?? text.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim().slice(0, 200)
  return `non-JSON response (${type}${server ? `, server ${server}` : ''})${gist ? `: ${gist}` : ''}`
}

/** Node's fetch wraps the socket error in `cause`; its code (ECONNRESET, …) is the useful part. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined
  const code = typeof cause?.code === 'string' ? cause.code : undefined
  const causeMessage = typeof cause?.message === 'string' ? cause.message : undefined
  return [error.message, code ?? causeMessage].filter(Boolean).join(': ')
}

/** `Retry-After` as milliseconds: integer seconds (Klaviyo) or an HTTP date (RFC 9110). */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
