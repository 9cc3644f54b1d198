/**
 * Keys and numbers of a store's day: the store key (account + store), the DocNumber
 * (prefix + yyyyMMdd + `-` + store code, ≤ 21 characters) and requestids derived from
 * (destination, store, day, revision), so a rerun of a day replays its document instead of making another.
 */
import type { OrderEvent } from '../../../events/model.js'
import { storeMatches } from '../../filter.js'
import { type RequestIds, requestIdsFrom } from '../client.js'
import { MAX_DOC_NUMBER } from '../to-document.js'

export function storeKeyOf(event: OrderEvent): string {
  const { storeId, storeName } = event.order
  return `${event.accountId}:${storeId ?? storeName ?? 'none'}`
}

/** A config entry keyed by store name (case-insensitive) or store id. */
export function forStore<T>(
  entries: Readonly<Record<string, T>>,
  store: { storeId: number | null; storeName: string | null },
): T | undefined {
  return Object.entries(entries).find(([key]) => storeMatches(key, store))?.[1]
}

/** Default code: the store id, else the store name's letters and digits. */
export function storeCode(
  codes: Readonly<Record<string, string>>,
  store: { storeId: number | null; storeName: string | null },
): string {
  const configured = forStore(codes, store)
  if (configured) return configured
  if (store.storeId !== null) return String(store.storeId)
  return (store.storeName ?? '').replace(/[^A-Za-z0-9]/g, '').toUpperCase() || '0'
}

/** A code too long for the room left keeps its last characters (store ids differ at the end). */
export function summaryDocNumber(prefix: string, day: string, code: string): string {
  const head = `${prefix}${day.replaceAll('-', '')}-`
  const room = Math.max(1, MAX_DOC_NUMBER - head.length)
  return head + code.slice(-room)
}

export function summaryRequestIds(
  destinationId: string,
  storeKey: string,
  day: string,
  revision: number,
): RequestIds {
  return requestIdsFrom(`${destinationId}\nsummary\n${storeKey}\n${day}\n${revision}`)
}

/** The store a key was made from (storeKeyOf), with the name its entries carry. */
export function storeOfKey(
  storeKey: string,
  storeName: string | null,
): { storeId: number | null; storeName: string | null } {
  const rest = storeKey.slice(storeKey.indexOf(':') + 1)
  return { storeId: /^\d+$/.test(rest) ? Number(rest) : null, storeName }
}
