/**
 * The entity operations behind `/v3/company/{realmId}/{entity}` and batch items (reference §3):
 * create, read, full and sparse update with the SyncToken check (5010), delete and void for
 * transactions. Each returns the body QBO would send without the envelope `time`.
 */
import { z } from 'zod'
import type { Company, StoredEntity } from './company.js'
import { companyInfo, preferences } from './company-info.js'
import {
  business,
  companyInactive,
  objectNotFound,
  requiredParam,
  staleObject,
  unsupportedOperation,
} from './errors.js'
import { idText, type Json, parseEntity } from './input.js'
import { accountWriter, customerWriter, itemWriter } from './names.js'
import { paymentWriter, voidedPayment } from './payments.js'
import {
  creditMemoWriter,
  invoiceWriter,
  refundReceiptWriter,
  salesReceiptWriter,
  voidedSalesForm,
} from './sales.js'
import { baseFields, type EntityWriter, ordered, prune, type WriteContext } from './shape.js'

export type EntityName = StoredEntity | 'CompanyInfo' | 'Preferences'

interface Kind {
  writer?: EntityWriter
  /** Transactions can be deleted and voided; name lists only made inactive. */
  transaction?: { voided(stored: Json): Json }
}

const KINDS: Readonly<Record<EntityName, Kind>> = {
  Account: { writer: accountWriter },
  Customer: { writer: customerWriter },
  Item: { writer: itemWriter },
  SalesReceipt: { writer: salesReceiptWriter, transaction: { voided: voidedSalesForm } },
  Invoice: { writer: invoiceWriter, transaction: { voided: voidedSalesForm } },
  Payment: { writer: paymentWriter, transaction: { voided: voidedPayment } },
  // Void of CreditMemo and RefundReceipt: third-party clients call it; Intuit's reference unconfirmed.
  CreditMemo: { writer: creditMemoWriter, transaction: { voided: voidedSalesForm } },
  RefundReceipt: { writer: refundReceiptWriter, transaction: { voided: voidedSalesForm } },
  Vendor: {},
  Employee: {},
  TaxCode: {},
  TaxRate: {},
  PaymentMethod: {},
  CompanyInfo: {},
  Preferences: {},
}

export const ENTITY_NAMES = Object.keys(KINDS) as EntityName[]

/** URL segment (lower case, reference §1) → entity. */
export const ENTITY_BY_SEGMENT: ReadonlyMap<string, EntityName> = new Map(
  ENTITY_NAMES.map((name) => [name.toLowerCase(), name]),
)

export interface Realm {
  company: Company
  /** When the company was seeded (CompanyInfo/Preferences MetaData). */
  createdAt: number
}

export function read(realm: Realm, entity: EntityName, id: string): Json {
  const found = lookup(realm, entity, id)
  if (!found) throw objectNotFound()
  return { [entity]: found }
}

/** A stored object or a derived document (CompanyInfo by realm id or "1", Preferences). */
export function lookup(realm: Realm, entity: EntityName, id: string): Json | undefined {
  if (entity === 'CompanyInfo') {
    return id === realm.company.realmId || id === '1'
      ? companyInfo(realm.company, realm.createdAt)
      : undefined
  }
  if (entity === 'Preferences') return preferences(realm.company, realm.createdAt)
  return realm.company.get(entity, id)
}

/** Every object of a type as a query sees it. */
export function listAll(realm: Realm, entity: EntityName): Json[] {
  if (entity === 'CompanyInfo') return [companyInfo(realm.company, realm.createdAt)]
  if (entity === 'Preferences') return [preferences(realm.company, realm.createdAt)]
  return realm.company.all(entity)
}

const idAndToken = z.looseObject({ Id: idText.optional(), SyncToken: idText.optional() })

/**
 * POST /{entity}[?operation=update|delete|void]: a body with `Id` updates, without creates.
 * Returns `{<Entity>: object}`.
 */
export function write(
  ctx: WriteContext,
  entity: EntityName,
  body: unknown,
  operation: string | undefined,
): Json {
  const kind = KINDS[entity]
  if (operation !== undefined && !['create', 'update', 'delete', 'void'].includes(operation)) {
    throw unsupportedOperation(operation)
  }
  const writer = kind.writer
  if (!writer) throw unsupportedOperation(capitalize(operation ?? 'create'))
  if ((operation === 'delete' || operation === 'void') && !kind.transaction) {
    throw unsupportedOperation(capitalize(operation))
  }
  if (ctx.company.settings.status !== 'active') throw companyInactive()
  if (operation === 'delete') return remove(ctx, writer, body)
  if (operation === 'void') return voidTransaction(ctx, writer, kind.transaction!, body)
  const input = writer.parse(body)
  if (input.Id === undefined) {
    if (operation === 'update') throw requiredParam('Id')
    return { [entity]: store(ctx, writer, writer.build(ctx, input, undefined), undefined) }
  }
  const previous = current(ctx, writer.entity, input)
  const sparse = input.sparse === true
  const merged = sparse ? writer.parse(mergeSparse(previous, body as Json)) : input
  return { [entity]: store(ctx, writer, writer.build(ctx, merged, previous), previous) }
}

/** The stored object an update/delete/void names, after the SyncToken check. */
function current(ctx: WriteContext, entity: StoredEntity, input: { Id?: string; SyncToken?: string }): Json {
  if (input.Id === undefined) throw requiredParam('Id')
  const previous = ctx.company.get(entity, input.Id)
  if (!previous) throw objectNotFound()
  if (input.SyncToken === undefined) throw requiredParam('SyncToken')
  if (input.SyncToken !== previous.SyncToken) throw staleObject(ctx.company.settings.userName)
  return previous
}

/**
 * A sparse update changes only the fields sent. New lines without a new TxnTaxDetail drop the stored
 * TotalTax, so tax is computed for the new lines instead of the old amount being kept as an override.
 */
function mergeSparse(previous: Json, body: Json): Json {
  const merged: Json = { ...previous, ...body }
  const tax = previous.TxnTaxDetail as Json | undefined
  if ('Line' in body && !('TxnTaxDetail' in body) && tax) {
    merged.TxnTaxDetail = tax.TxnTaxCodeRef === undefined ? undefined : { TxnTaxCodeRef: tax.TxnTaxCodeRef }
  }
  return merged
}

function store(ctx: WriteContext, writer: EntityWriter, fields: Json, previous: Json | undefined): Json {
  const id = previous === undefined ? ctx.company.nextId(writer.entity) : String(previous.Id)
  const object = prune(ordered({ ...fields, ...baseFields(ctx, id, previous) }, writer.order))
  ctx.company.put(writer.entity, object)
  writer.afterWrite?.(ctx, object, previous)
  return object
}

function remove(ctx: WriteContext, writer: EntityWriter, body: unknown): Json {
  const previous = current(ctx, writer.entity, parseEntity(idAndToken, body, writer.entity))
  assertNoPayments(writer.entity, previous, 'delete')
  ctx.company.remove(writer.entity, String(previous.Id), ctx.now)
  writer.afterWrite?.(ctx, undefined, previous)
  // fixture operations/invoice-delete-response-ruby.xml.json
  return { [writer.entity]: { Id: previous.Id, status: 'Deleted', domain: 'QBO' } }
}

function voidTransaction(
  ctx: WriteContext,
  writer: EntityWriter,
  kind: Kind['transaction'] & {},
  body: unknown,
) {
  const previous = current(ctx, writer.entity, parseEntity(idAndToken, body, writer.entity))
  assertNoPayments(writer.entity, previous, 'void')
  return { [writer.entity]: store(ctx, writer, kind.voided(previous), previous) }
}

/** An invoice with payments applied cannot be deleted or voided until they are removed. */
function assertNoPayments(entity: StoredEntity, invoice: Json, action: string): void {
  if (entity === 'Invoice' && Array.isArray(invoice.LinkedTxn) && invoice.LinkedTxn.length > 0) {
    throw business(
      `You can't ${action} this invoice because it has payments applied to it. Delete or void the payments first.`,
    )
  }
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
