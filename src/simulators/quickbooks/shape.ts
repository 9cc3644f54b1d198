/**
 * How stored objects look on the wire: base fields (`domain`, `sparse`, `Id`, `SyncToken`, `MetaData`),
 * keys in QBO's order with absent values left out ("only properties with values are returned",
 * reference §4), and references resolved to `{value, name}`.
 */
import type { Company, StoredEntity } from './company.js'
import { invalidReference, objectNotFound } from './errors.js'
import type { Json, RefInput } from './input.js'
import { timestamp } from './time.js'

export const BASE_KEYS = ['domain', 'sparse', 'Id', 'SyncToken', 'MetaData'] as const

export interface WriteContext {
  company: Company
  /** Epoch ms of the write. */
  now: number
  /** `include=allowduplicatedocnum` was sent. */
  allowDuplicateDocNum: boolean
}

/** `{domain, sparse, Id, SyncToken, MetaData}` for a new object or the next version of `previous`. */
export function baseFields(ctx: WriteContext, id: string, previous: Json | undefined): Json {
  const zone = ctx.company.settings.timezone
  const now = timestamp(ctx.now, zone)
  const created = (previous?.MetaData as Json | undefined)?.CreateTime ?? now
  return {
    domain: 'QBO',
    sparse: false,
    Id: id,
    SyncToken: previous === undefined ? '0' : String(Number(previous.SyncToken) + 1),
    MetaData: { CreateTime: created, LastUpdatedTime: now },
  }
}

/** The object with `keys` first, in that order, then any others; undefined values dropped. */
export function ordered(object: Json, keys: readonly string[]): Json {
  const result: Json = {}
  for (const key of keys) if (object[key] !== undefined) result[key] = object[key]
  for (const [key, value] of Object.entries(object)) {
    if (!(key in result) && value !== undefined) result[key] = value
  }
  return result
}

/** A deep copy without undefined values, so stored objects hold only what the wire shows. */
export function prune<T>(value: T): T {
  if (Array.isArray(value)) return value.map(prune) as T
  if (value === null || typeof value !== 'object') return value
  const result: Json = {}
  for (const [key, v] of Object.entries(value)) {
    if (v !== undefined)
      Object.defineProperty(result, key, { value: prune(v), enumerable: true, writable: true })
  }
  return result as T
}

/** The name QBO shows in a reference to this object. */
function displayName(entity: StoredEntity, object: Json): string | undefined {
  const name =
    entity === 'Customer' || entity === 'Vendor' || entity === 'Employee' ? object.DisplayName : object.Name
  return typeof name === 'string' ? name : undefined
}

/**
 * Resolves a reference: unknown id → 2500 naming `element`, inactive → 610 (reference §9, §15).
 * Returns `{value, name}` as QBO echoes it.
 */
export function resolveRef(
  company: Company,
  entity: StoredEntity,
  ref: RefInput | undefined,
  element: string,
): { value: string; name?: string } {
  const found = ref?.value === undefined ? undefined : company.get(entity, ref.value)
  if (!found) throw invalidReference(element)
  if (found.Active === false) throw objectNotFound()
  const name = displayName(entity, found)
  return name === undefined ? { value: String(found.Id) } : { value: String(found.Id), name }
}

/** Copies an input sub-object (address, email) without its read-only geocode fields. */
function cleanAddress(address: Json | undefined): Json | undefined {
  if (address === undefined) return undefined
  const { Lat: _lat, Long: _long, ...rest } = address
  return rest
}

/** How one entity type is written; `operations.ts` does the common parts (ids, SyncToken, storage). */
export interface EntityWriter {
  entity: StoredEntity
  /** Validates the body (zod); its output is what `build` gets. */
  parse(body: unknown): Json
  /** Key order on the wire, base keys included. */
  order: readonly string[]
  /** The object's own fields (no base fields) from a parsed body and the stored previous version. */
  build(ctx: WriteContext, input: Json, previous: Json | undefined): Json
  /** Bookkeeping on other objects after a write, delete or void (invoice balances after a payment). */
  afterWrite?(ctx: WriteContext, stored: Json | undefined, previous: Json | undefined): void
}

/** Keeps a given address Id, numbers new addresses. */
export function withAddressId(company: Company, address: Json | undefined): Json | undefined {
  const clean = cleanAddress(address)
  if (clean === undefined) return undefined
  return { Id: clean.Id ?? company.nextAddressId(), ...clean }
}
