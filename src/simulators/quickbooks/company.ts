/**
 * One QBO company (realm): its entities as QBO returns them, per-entity id counters and settings.
 * Transactions share one id sequence and so do Customer/Vendor/Employee, as in QBO, where a TxnId
 * is unique across transaction types (6140's "TxnType=… with TxnId=…").
 */
import type { Json } from './input.js'
import type { CompanySettings } from './settings.js'

export const STORED_ENTITIES = [
  'Account',
  'Customer',
  'Vendor',
  'Employee',
  'Item',
  'TaxCode',
  'TaxRate',
  'PaymentMethod',
  'SalesReceipt',
  'Invoice',
  'Payment',
  'CreditMemo',
  'RefundReceipt',
] as const
export type StoredEntity = (typeof STORED_ENTITIES)[number]

const ID_SPACE: Readonly<Record<StoredEntity, string>> = {
  SalesReceipt: 'txn',
  Invoice: 'txn',
  Payment: 'txn',
  CreditMemo: 'txn',
  RefundReceipt: 'txn',
  Customer: 'name',
  Vendor: 'name',
  Employee: 'name',
  Account: 'Account',
  Item: 'Item',
  TaxCode: 'TaxCode',
  TaxRate: 'TaxRate',
  PaymentMethod: 'PaymentMethod',
}

export interface Tombstone {
  entity: StoredEntity
  Id: string
  /** Epoch ms. */
  deletedAt: number
}

/** Numeric ids in numeric order, then the rest (`TAX`, `NON`) by text. */
export function compareIds(a: string, b: string): number {
  const na = /^\d+$/.test(a)
  const nb = /^\d+$/.test(b)
  if (na && nb) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
  if (na !== nb) return na ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

export class Company {
  readonly #tables = new Map<StoredEntity, Map<string, Json>>()
  readonly #next = new Map<string, number>()
  readonly #tombstones: Tombstone[] = []

  constructor(
    readonly realmId: string,
    public settings: CompanySettings,
  ) {
    for (const entity of STORED_ENTITIES) this.#tables.set(entity, new Map())
  }

  nextId(entity: StoredEntity): string {
    const space = ID_SPACE[entity]
    const id = this.#next.get(space) ?? 1
    this.#next.set(space, id + 1)
    return String(id)
  }

  /** Ids of addresses (`BillAddr.Id`), one sequence per company. */
  nextAddressId(): string {
    const id = this.#next.get('address') ?? 1
    this.#next.set('address', id + 1)
    return String(id)
  }

  get(entity: StoredEntity, id: string): Json | undefined {
    return this.#tables.get(entity)!.get(id)
  }

  /** Every stored object of a type, in id order. */
  all(entity: StoredEntity): Json[] {
    const table = this.#tables.get(entity)!
    return [...table.keys()].sort(compareIds).map((id) => table.get(id)!)
  }

  put(entity: StoredEntity, object: Json): void {
    const id = String(object.Id)
    this.#tables.get(entity)!.set(id, object)
    // Seeded objects come with their ids; later ids continue after them.
    if (/^\d+$/.test(id)) {
      const space = ID_SPACE[entity]
      this.#next.set(space, Math.max(this.#next.get(space) ?? 1, Number(id) + 1))
    }
  }

  remove(entity: StoredEntity, id: string, at: number): void {
    this.#tables.get(entity)!.delete(id)
    this.#tombstones.push({ entity, Id: id, deletedAt: at })
  }

  tombstones(): Tombstone[] {
    return this.#tombstones.map((t) => ({ ...t }))
  }

  counts(): Record<StoredEntity, number> {
    return Object.fromEntries(STORED_ENTITIES.map((e) => [e, this.#tables.get(e)!.size])) as Record<
      StoredEntity,
      number
    >
  }
}
