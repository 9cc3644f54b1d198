/**
 * Reads query strings the way ShipStation's ASP.NET model binder does: names match case-insensitively,
 * empty values count as absent, and a value that does not bind collects a ModelState error (answered
 * 400 after all parameters are read, so one response lists every bad parameter).
 */
import { type Ambiguity, parsePacific } from '../../lib/pacific-time.js'
import { invalid, type ModelState } from './errors.js'

export class QueryReader {
  readonly #values = new Map<string, { name: string; value: string }>()
  readonly #errors: ModelState = {}

  constructor(query: unknown) {
    if (typeof query !== 'object' || query === null) return
    for (const [name, raw] of Object.entries(query)) {
      const value = Array.isArray(raw) ? raw[0] : raw
      const key = name.toLowerCase()
      if (typeof value === 'string' && !this.#values.has(key)) this.#values.set(key, { name, value })
    }
  }

  string(name: string): string | undefined {
    const value = this.#values.get(name.toLowerCase())?.value.trim()
    return value === '' ? undefined : value
  }

  int(name: string, min = Number.MIN_SAFE_INTEGER, max = 2_147_483_647): number | undefined {
    const text = this.string(name)
    if (text === undefined) return undefined
    if (!/^[+-]?\d+$/.test(text) || Math.abs(Number(text)) > 2_147_483_647) return this.#fail(name, text)
    const value = Number(text)
    if (value < min || value > max) {
      this.#error(name, `The field ${name} must be between ${min} and ${max}.`)
      return undefined
    }
    return value
  }

  bool(name: string): boolean | undefined {
    const text = this.string(name)
    if (text === undefined) return undefined
    const lower = text.toLowerCase()
    if (lower === 'true') return true
    if (lower === 'false') return false
    return this.#fail(name, text)
  }

  /**
   * A date bound, read as naive Pacific time. A trailing `Z` or UTC offset is ignored (the wall time is
   * still read as Pacific), which is how a client that sends UTC gets the real service's shifted window.
   */
  date(name: string, ambiguity: Ambiguity): number | undefined {
    const text = this.string(name)
    if (text === undefined) return undefined
    const ms = parsePacific(text.replace(/(?:Z|[+-]\d{2}:?\d{2})$/i, ''), ambiguity)
    return ms === undefined ? this.#fail(name, text) : ms
  }

  /** One of `values`, matched case-insensitively and returned in its canonical spelling. */
  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const text = this.string(name)
    if (text === undefined) return undefined
    const found = values.find((v) => v.toLowerCase() === text.toLowerCase())
    return found ?? this.#fail(name, text)
  }

  /** Throws the collected 400 if any parameter failed to bind. */
  check(): void {
    if (Object.keys(this.#errors).length > 0) throw invalid(this.#errors)
  }

  #fail(name: string, text: string): undefined {
    this.#error(name, `The value '${text}' is not valid for ${name}.`)
    return undefined
  }

  #error(name: string, message: string): void {
    const shown = this.#values.get(name.toLowerCase())?.name ?? name
    this.#errors[shown] = [...(this.#errors[shown] ?? []), message]
  }
}

/** Start and end bounds of a date filter pair; both ends inclusive (reference §6.1 recommendation). */
export function dateRange(q: QueryReader, prefix: string): { from?: number; to?: number } {
  const from = q.date(`${prefix}Start`, 'earlier')
  const to = q.date(`${prefix}End`, 'later')
  return { ...(from !== undefined && { from }), ...(to !== undefined && { to }) }
}

/** `sortDir=DESC`; anything else that binds sorts ascending. */
export function sortDescending(q: QueryReader): boolean {
  return q.oneOf('sortDir', ['ASC', 'DESC'] as const) === 'DESC'
}

export interface Paging {
  page: number
  pageSize: number
}

export function paging(q: QueryReader): Paging {
  return { page: q.int('page', 1) ?? 1, pageSize: q.int('pageSize', 1, 500) ?? 100 }
}

export interface Listed<T> {
  items: T[]
  total: number
}

/**
 * Runs a list query over `sorted[start, end)`: counts every match for `total` and keeps the requested
 * page. Without predicates it slices directly, so an unfiltered page over 100k rows is O(pageSize).
 */
export function listPage<T>(
  sorted: readonly T[],
  [start, end]: [number, number],
  predicates: readonly ((item: T) => boolean)[],
  descending: boolean,
  { page, pageSize }: Paging,
): Listed<T> {
  const skip = (page - 1) * pageSize
  if (predicates.length === 0) {
    const total = end - start
    const from = descending ? end - skip - pageSize : start + skip
    const to = descending ? end - skip : start + skip + pageSize
    const items = sorted.slice(Math.max(from, start), Math.max(Math.min(to, end), start))
    return { items: descending ? items.reverse() : items, total }
  }
  const items: T[] = []
  let total = 0
  for (let n = 0; n < end - start; n++) {
    const item = sorted[descending ? end - 1 - n : start + n]!
    if (!predicates.every((p) => p(item))) continue
    if (total >= skip && items.length < pageSize) items.push(item)
    total++
  }
  return { items, total }
}

/** The documented envelope; `pages` is 0 when there is nothing to page (unconfirmed, see docs). */
export function envelope(key: string, { items, total }: Listed<unknown>, { page, pageSize }: Paging): object {
  return { [key]: items, total, page, pages: Math.ceil(total / pageSize) }
}
