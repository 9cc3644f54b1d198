/**
 * A small typed QuickBooks Online client over fetch (reference §14 verdict): Bearer auth from the realm's
 * token manager, `minorversion=75` on every call, `requestid` on every write, both fault envelopes, and
 * a per-realm rate limiter. Transient failures (429/3001, 5xx, 10000, network, a 200 carrying a Fault)
 * are retried a few times here with the same requestid — QBO replays the original answer of a write it
 * already did (reference §8) — and then surface as `retry`; a 401 refreshes the token once and retries.
 * Validation faults surface at once as `permanent`, with code and Detail.
 */
import { createHash } from 'node:crypto'
import { Redactor } from '../../lib/redact.js'
import { ReconnectNeededError, TokenEndpointError } from './oauth.js'
import { limiterFor, type RateLimiter } from './rate-limiter.js'
import type { QboError, QueryEntity, WritableEntity } from './types.js'

export const DEFAULT_API_URL = 'https://quickbooks.api.intuit.com'
export const MINOR_VERSION = '75'
/** QBO's requestid limit (reference §8). */
export const MAX_REQUEST_ID = 50

/** Derives the requestid of each write one piece of work makes (`-sr`, `-pay`, `-c0`, …). */
export type RequestIds = (suffix: string) => string

/**
 * `<32 hex of SHA-256(seed)>-<what>`, ≤ 50 characters: deterministic, so a retry after a crash sends
 * the ids of the first try and QBO replays its answer (reference §8).
 */
export function requestIdsFrom(seed: string): RequestIds {
  const base = createHash('sha256').update(seed).digest('hex').slice(0, 32)
  return (suffix) => `${base}-${suffix}`.slice(0, MAX_REQUEST_ID)
}
const MAX_PAGE = 1000

export interface AccessTokens {
  accessToken(): Promise<string>
  renew(rejected: string): Promise<string>
}

export interface QuickBooksClientOptions {
  realmId: string
  baseUrl?: string
  timeoutMs?: number
  /** Immediate retries of a transient failure before it surfaces; default 3. */
  retries?: number
  /** First backoff; doubles per retry, with jitter; default 500 ms. */
  retryBaseMs?: number
}

export interface QuickBooksClientDeps {
  tokens: AccessTokens
  fetch?: typeof fetch
  limiter?: RateLimiter
}

/** `retry`: try later (transient, or a setup problem no event is at fault for); `reconnect`: needs a person. */
export type FailureKind = 'permanent' | 'retry' | 'reconnect'

export class QuickBooksError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly errors: QboError[] = [],
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message)
  }

  has(code: string): boolean {
    return this.errors.some((e) => e.code === code)
  }
}

export type WriteOperation = 'create' | 'update' | 'void'

export class QuickBooksClient {
  readonly realmId: string
  readonly #baseUrl: string
  readonly #timeoutMs: number
  readonly #retries: number
  readonly #retryBaseMs: number
  readonly #fetch: typeof fetch
  readonly #tokens: AccessTokens
  readonly #limiter: RateLimiter
  /** Bearer values only: QBO never echoes the token, but a proxy error page might. */
  readonly #redactor = new Redactor()

  constructor(options: QuickBooksClientOptions, deps: QuickBooksClientDeps) {
    this.realmId = options.realmId
    this.#baseUrl = (options.baseUrl ?? DEFAULT_API_URL).replace(/\/+$/, '')
    this.#timeoutMs = options.timeoutMs ?? 30_000
    this.#retries = options.retries ?? 3
    this.#retryBaseMs = options.retryBaseMs ?? 500
    this.#fetch = deps.fetch ?? fetch
    this.#tokens = deps.tokens
    this.#limiter = deps.limiter ?? limiterFor(this.#baseUrl, this.realmId)
  }

  /** Create, sparse update or void; returns the stored object from the answer (no read after write). */
  async write<T>(
    entity: WritableEntity,
    body: object,
    requestId: string,
    options: { operation?: WriteOperation; include?: string } = {},
  ): Promise<T> {
    if (requestId.length === 0 || requestId.length > MAX_REQUEST_ID) {
      throw new RangeError(`requestid must be 1 to ${MAX_REQUEST_ID} characters: ${requestId}`)
    }
    const params = new URLSearchParams({ requestid: requestId })
    const operation = options.operation ?? 'create'
    if (operation !== 'create') params.set('operation', operation)
    if (options.include) params.set('include', options.include)
    const answer = await this.#request('POST', `/${entity.toLowerCase()}`, params, JSON.stringify(body))
    return pick<T>(answer, entity)
  }

  async read<T>(entity: WritableEntity, id: string): Promise<T> {
    const answer = await this.#request('GET', `/${entity.toLowerCase()}/${encodeURIComponent(id)}`)
    return pick<T>(answer, entity)
  }

  /** One page of a query; `statement` must not contain paging. */
  async query<T>(entity: QueryEntity, statement: string, start = 1, max = MAX_PAGE): Promise<T[]> {
    const text = `${statement} STARTPOSITION ${start} MAXRESULTS ${max}`
    const answer = await this.#request('GET', '/query', new URLSearchParams({ query: text }))
    const response = lookup(answer, 'QueryResponse') as Record<string, unknown> | undefined
    const rows = response && lookup(response, entity)
    return Array.isArray(rows) ? (rows as T[]) : []
  }

  /** Every row, 1000 per read (reference §7: loop until a short page). */
  async queryAll<T>(entity: QueryEntity, statement: string): Promise<T[]> {
    const all: T[] = []
    for (let start = 1; ; start += MAX_PAGE) {
      const page = await this.query<T>(entity, statement, start, MAX_PAGE)
      all.push(...page)
      if (page.length < MAX_PAGE) return all
    }
  }

  async #request(
    method: 'GET' | 'POST',
    path: string,
    params = new URLSearchParams(),
    body?: string,
  ): Promise<unknown> {
    params.set('minorversion', MINOR_VERSION)
    const url = `${this.#baseUrl}/v3/company/${this.realmId}${path}?${params}`
    let renewed = false
    for (let attempt = 0; ; attempt++) {
      let token: string
      try {
        token = await this.#tokens.accessToken()
      } catch (error) {
        throw tokenFailure(error)
      }
      const outcome = await this.#limiter.run(() => this.#once(method, url, token, body))
      if (outcome.ok) return outcome.body
      const failure = outcome.error
      if (failure.status === 401 && !renewed) {
        renewed = true
        try {
          await this.#tokens.renew(token)
        } catch (error) {
          throw tokenFailure(error)
        }
        attempt--
        continue
      }
      if (failure.kind !== 'retry' || attempt >= this.#retries) throw failure
      await sleep(failure.retryAfterMs ?? this.#retryBaseMs * 2 ** attempt * (0.5 + Math.random() / 2))
    }
  }

  async #once(
    method: string,
    url: string,
    token: string,
    body: string | undefined,
  ): Promise<{ ok: true; body: unknown } | { ok: false; error: QuickBooksError }> {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    let response: Response
    let text: string
    try {
      response = await this.#fetch(url, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      })
      text = await response.text()
    } catch (error) {
      return {
        ok: false,
        error: new QuickBooksError('retry', `QuickBooks network error: ${describe(error)}`),
      }
    }
    const json = parseJson(text)
    const errors = faultErrors(json)
    if (response.ok && json !== undefined && errors.length === 0) return { ok: true, body: json }
    return { ok: false, error: this.#failure(response, errors, json === undefined) }
  }

  #failure(response: Response, errors: QboError[], unreadable: boolean): QuickBooksError {
    const status = response.status
    const codes = new Set(errors.map((e) => e.code))
    const detail = errors.length
      ? errors.map((e) => `${e.code} ${e.message}${e.detail ? `: ${e.detail}` : ''}`).join('; ')
      : unreadable
        ? 'unreadable answer'
        : 'no detail'
    const reason = this.#redactor.redact(`QuickBooks ${status} ${detail}`)
    const retryAfter = Number(response.headers.get('retry-after'))
    const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined
    const transient =
      status === 429 ||
      status >= 500 ||
      codes.has('3001') ||
      codes.has('10000') ||
      (response.ok && (unreadable || errors.length > 0)) ||
      (status === 400 && unreadable)
    // 401: token (renewed once above); 403: scope, realm or environment; no event is at fault.
    if (transient || status === 401 || status === 403 || status === 404) {
      return new QuickBooksError(
        'retry',
        reason,
        errors,
        status,
        retryAfterMs ?? (status === 429 ? 1000 : undefined),
      )
    }
    return new QuickBooksError('permanent', reason, errors, status)
  }
}

function tokenFailure(error: unknown): QuickBooksError {
  if (error instanceof ReconnectNeededError) return new QuickBooksError('reconnect', error.message)
  if (error instanceof TokenEndpointError) return new QuickBooksError('retry', error.message)
  return new QuickBooksError('retry', `QuickBooks tokens: ${(error as Error).message}`)
}

/** Case-insensitive property (reference §4: `Fault`/`fault`, `Error`/`error`). */
function lookup(object: unknown, key: string): unknown {
  if (typeof object !== 'object' || object === null) return undefined
  const record = object as Record<string, unknown>
  if (key in record) return record[key]
  const lower = key.toLowerCase()
  const found = Object.keys(record).find((k) => k.toLowerCase() === lower)
  return found === undefined ? undefined : record[found]
}

/** Errors of either fault envelope; empty when the body carries no fault. */
export function faultErrors(body: unknown): QboError[] {
  const fault = lookup(body, 'fault')
  if (fault === null || fault === undefined) return []
  const list = lookup(fault, 'error')
  const entries = Array.isArray(list) ? list : [list]
  const text = (entry: unknown, key: string) => {
    const value = lookup(entry, key)
    return value === null || value === undefined ? '' : String(value)
  }
  const errors = entries
    .filter((e) => typeof e === 'object' && e !== null)
    .map((entry) => ({
      code: text(entry, 'code'),
      message: text(entry, 'message'),
      detail: text(entry, 'detail'),
      element: text(entry, 'element'),
    }))
  return errors.length ? errors : [{ code: '', message: 'Fault without errors', detail: '', element: '' }]
}

function pick<T>(answer: unknown, entity: string): T {
  const object = lookup(answer, entity)
  if (typeof object !== 'object' || object === null) {
    throw new QuickBooksError('retry', `QuickBooks answer without a ${entity}`)
  }
  return object as T
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause as { code?: unknown } | undefined
  return [error.message, typeof cause?.code === 'string' ? cause.code : undefined].filter(Boolean).join(': ')
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
