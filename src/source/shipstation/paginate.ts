/**
 * Reads a stream from a time onwards without missing a record, though records change while we page.
 *
 * Page numbers are unsafe on a list sorted by modifyDate: a record modified during the crawl leaves its
 * place and every later record moves up one, so page N+1 skips one. Instead each query starts again at
 * the last time seen ("keyset" paging): whatever moved, we ask for everything from there on. Filters
 * have one-second precision, so the next query re-reads the last second; the caller's snapshots make
 * re-reads harmless.
 *
 * One exception: when a whole page shares one second (bulk edits stamp hundreds of orders alike), a
 * keyset query would return the same page forever. That second is then read as a closed window
 * [S, S+1s] page by page. In a closed window in the past records can only leave (a modification moves
 * them to now), never join, and a leave shows as a smaller `total`; then the group is read again from
 * page 1. The ones that left are read later at their new time. While S is still the current second, a
 * record modified again stays in the window but moves to its end, and the records after its old place
 * move up a page: that shows as a record handed over twice, and the group is read again as well.
 *
 * Windows are at most 90 days long (integrators report trouble with longer ranges); a range up to one
 * day longer is read as one window.
 */
import type { z } from 'zod'
import { formatPacificQuery } from '../../lib/pacific-time.js'
import type { ShipStationClient } from './http-client.js'
import { type StreamDefinition, wallTime } from './streams.js'

export const PAGE_SIZE = 500
const DAY_MS = 24 * 3600 * 1000
const MAX_WINDOW_MS = 90 * DAY_MS

export interface StreamPage<T> {
  records: T[]
  /** Where to resume if we stop after this page: every record before it has been handed over. */
  resumeFrom: number
  /** Records the server still has from this page on (its `total` for the query), for progress. */
  remaining: number
}

export interface ReadOptions {
  /** Server "now" in epoch ms; windows older than 90 days get an end bound. */
  now: () => number
  pageSize?: number
  signal?: AbortSignal
}

export async function* readStream<S extends z.ZodType>(
  client: ShipStationClient,
  stream: StreamDefinition<S>,
  from: number,
  options: ReadOptions,
): AsyncGenerator<StreamPage<z.infer<S>>> {
  const pageSize = options.pageSize ?? PAGE_SIZE
  let lower = Math.floor(from / 1000) * 1000
  let page = 1
  for (;;) {
    // A range up to a day longer than 90 days is read in one go: cutting a 90-day backfill into a
    // 90-day window and a moment-long one would cost a request per stream for nothing.
    const windowEnd = lower + MAX_WINDOW_MS + DAY_MS < options.now() ? lower + MAX_WINDOW_MS : undefined
    const result = await client.getPage(
      stream.path,
      stream.key,
      stream.schema,
      {
        [stream.startParam]: formatPacificQuery(lower),
        [stream.endParam]: windowEnd === undefined ? undefined : formatPacificQuery(windowEnd),
        sortBy: stream.sortBy,
        sortDir: 'ASC',
        pageSize,
        page,
      },
      options.signal,
    )
    const last = result.records.at(-1)
    const lastSecond = last === undefined ? lower : second(wallTime(stream.timeText(last)))
    if (result.records.length < pageSize || last === undefined) {
      const end = Math.max(lower, lastSecond)
      yield { records: result.records, resumeFrom: end, remaining: result.total }
      if (windowEnd === undefined) return
      lower = Math.max(end, windowEnd)
      page = 1
      continue
    }
    if (lastSecond > lower) {
      yield { records: result.records, resumeFrom: lastSecond, remaining: result.total }
      lower = lastSecond
      page = 1
      continue
    }
    if (lastSecond < lower) {
      // Wall time ran backwards within one query: the fall-back hour on a server that sorts by
      // instant. Keyset cannot step through it; page numbers can, and the next cycle's extra hour
      // re-reads anything a shift might have hidden.
      yield { records: result.records, resumeFrom: lower, remaining: result.total }
      page++
      continue
    }
    yield* readOneSecond(client, stream, lower, pageSize, options.signal)
    lower += 1000
    page = 1
  }
}

/** Reads every record stamped within one second, robust to records leaving it meanwhile. */
async function* readOneSecond<S extends z.ZodType>(
  client: ShipStationClient,
  stream: StreamDefinition<S>,
  start: number,
  pageSize: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<StreamPage<z.infer<S>>> {
  let page = 1
  let total: number | undefined
  const handedOver = new Set<number>()
  for (;;) {
    const result = await client.getPage(
      stream.path,
      stream.key,
      stream.schema,
      {
        [stream.startParam]: formatPacificQuery(start),
        [stream.endParam]: formatPacificQuery(start + 1000),
        sortBy: stream.sortBy,
        sortDir: 'ASC',
        pageSize,
        page,
      },
      signal,
    )
    if (
      total !== undefined &&
      (result.total < total || result.records.some((r) => handedOver.has(stream.id(r))))
    ) {
      // Records left the group or moved to its end while we paged, so later pages moved up: read it again.
      total = undefined
      page = 1
      handedOver.clear()
      continue
    }
    total = result.total
    for (const record of result.records) handedOver.add(stream.id(record))
    yield { records: result.records, resumeFrom: start, remaining: result.total - (page - 1) * pageSize }
    if (result.records.length < pageSize || page >= result.pages) return
    page++
  }
}

function second(ms: number): number {
  return Math.floor(ms / 1000) * 1000
}
