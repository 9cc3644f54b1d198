/**
 * Runs a parsed query against a company (reference §7): filterable properties per entity (others are
 * 4001), `=`/`IN`/`LIKE` on text without regard to case, inactive name-list rows hidden unless the
 * query mentions `Active`, ORDERBY (Id by default), STARTPOSITION (1-based) and MAXRESULTS (default
 * 100, at most 1000), and the QueryResponse shapes: rows with startPosition/maxResults, `{}` when
 * nothing matches, `{totalCount}` for COUNT(*).
 */
import { compareIds } from './company.js'
import { queryValidationError } from './errors.js'
import type { Json } from './input.js'
import { ENTITY_NAMES, type EntityName, listAll, type Realm } from './operations.js'
import { type Condition, type Literal, parseQuery, type Query } from './query-parser.js'
import { parseInstant } from './time.js'

const DEFAULT_MAX_RESULTS = 100
const MAX_RESULTS_LIMIT = 1000

type PropertyType = 'id' | 'text' | 'number' | 'boolean' | 'date' | 'datetime'

interface Property {
  path: string[]
  type: PropertyType
}

const p = (path: string, type: PropertyType): Property => ({ path: path.split('.'), type })

const COMMON: Record<string, Property> = {
  Id: p('Id', 'id'),
  'MetaData.CreateTime': p('MetaData.CreateTime', 'datetime'),
  'MetaData.LastUpdatedTime': p('MetaData.LastUpdatedTime', 'datetime'),
}
const NAMED = {
  DisplayName: p('DisplayName', 'text'),
  GivenName: p('GivenName', 'text'),
  FamilyName: p('FamilyName', 'text'),
  CompanyName: p('CompanyName', 'text'),
  PrimaryEmailAddr: p('PrimaryEmailAddr.Address', 'text'),
  Active: p('Active', 'boolean'),
}
const TRANSACTION = {
  TxnDate: p('TxnDate', 'date'),
  CustomerRef: p('CustomerRef.value', 'id'),
  TotalAmt: p('TotalAmt', 'number'),
}
const SALES_FORM = { ...TRANSACTION, DocNumber: p('DocNumber', 'text') }

/** What each entity can be filtered and sorted by. */
const FILTERABLE: Readonly<Record<EntityName, Record<string, Property>>> = {
  Customer: {
    ...NAMED,
    MiddleName: p('MiddleName', 'text'),
    FullyQualifiedName: p('FullyQualifiedName', 'text'),
    Balance: p('Balance', 'number'),
    Job: p('Job', 'boolean'),
  },
  Vendor: NAMED,
  Employee: NAMED,
  Item: {
    Name: p('Name', 'text'),
    Sku: p('Sku', 'text'),
    Type: p('Type', 'text'),
    Active: p('Active', 'boolean'),
    FullyQualifiedName: p('FullyQualifiedName', 'text'),
    Taxable: p('Taxable', 'boolean'),
  },
  Account: {
    Name: p('Name', 'text'),
    AccountType: p('AccountType', 'text'),
    AccountSubType: p('AccountSubType', 'text'),
    Classification: p('Classification', 'text'),
    Active: p('Active', 'boolean'),
    FullyQualifiedName: p('FullyQualifiedName', 'text'),
    CurrentBalance: p('CurrentBalance', 'number'),
  },
  TaxCode: { Name: p('Name', 'text'), Active: p('Active', 'boolean'), Taxable: p('Taxable', 'boolean') },
  TaxRate: { Name: p('Name', 'text'), Active: p('Active', 'boolean') },
  PaymentMethod: { Name: p('Name', 'text'), Active: p('Active', 'boolean'), Type: p('Type', 'text') },
  SalesReceipt: SALES_FORM,
  Invoice: { ...SALES_FORM, DueDate: p('DueDate', 'date'), Balance: p('Balance', 'number') },
  Payment: { ...TRANSACTION, PaymentRefNum: p('PaymentRefNum', 'text') },
  // Unconfirmed beyond DocNumber/TxnDate/CustomerRef/TotalAmt; Balance as on Invoice.
  CreditMemo: { ...SALES_FORM, Balance: p('Balance', 'number') },
  RefundReceipt: SALES_FORM,
  CompanyInfo: {},
  Preferences: {},
}

/** Name lists whose inactive rows a query leaves out unless it filters on Active (reference §7). */
const HIDES_INACTIVE = new Set<EntityName>([
  'Customer',
  'Vendor',
  'Employee',
  'Item',
  'Account',
  'PaymentMethod',
  'TaxCode',
  'TaxRate',
])

/** Parses, validates and runs `text`; the body is the `QueryResponse` value. */
export function runQuery(realm: Realm, text: string): { QueryResponse: Json } {
  const query = parseQuery(text)
  const entity = ENTITY_NAMES.find((e) => e.toLowerCase() === query.entity.toLowerCase())
  if (!entity) throw queryValidationError(`Entity '${query.entity}' is not supported`)
  const zone = realm.company.settings.timezone
  const properties = { ...COMMON, ...FILTERABLE[entity] }
  const property = (name: string): Property => {
    const key = Object.keys(properties).find((k) => k.toLowerCase() === name.toLowerCase())
    if (key === undefined) throw queryValidationError(`property '${name}' is not queryable`)
    return properties[key]!
  }
  const tests = query.where.map((condition) => predicate(condition, property(condition.property), zone))
  const sorts = query.orderBy.map((o) => ({ property: property(o.property), descending: o.descending }))
  const { start, max } = paging(query)

  const mentionsActive = query.where.some((c) => c.property.toLowerCase() === 'active')
  const rows = listAll(realm, entity).filter(
    (row) =>
      (mentionsActive || !HIDES_INACTIVE.has(entity) || row.Active !== false) && tests.every((t) => t(row)),
  )
  if (query.count) return { QueryResponse: { totalCount: rows.length } }
  if (sorts.length > 0) rows.sort((a, b) => compareRows(a, b, sorts, zone))
  const page = rows.slice(start - 1, start - 1 + max)
  if (page.length === 0) return { QueryResponse: {} }
  return { QueryResponse: { [entity]: page, startPosition: start, maxResults: page.length } }
}

function paging(query: Query): { start: number; max: number } {
  const start = query.startPosition ?? 1
  const max = query.maxResults ?? DEFAULT_MAX_RESULTS
  for (const value of [start, max]) {
    if (value < 1) throw queryValidationError(`value ${value} is too small. Min allowed value is 1`)
  }
  if (max > MAX_RESULTS_LIMIT) {
    throw queryValidationError(`value ${max} is too large. Max allowed value is ${MAX_RESULTS_LIMIT}`)
  }
  return { start, max }
}

function valueAt(row: Json, path: string[]): unknown {
  let value: unknown = row
  for (const key of path)
    value = value !== null && typeof value === 'object' ? (value as Json)[key] : undefined
  return value
}

type Comparable = string | number | boolean

/** A row value in comparable form: text lower-cased, times as epoch ms, numeric ids as numbers. */
function normalize(value: unknown, type: PropertyType, zone: string): Comparable | undefined {
  if (value === undefined || value === null) return undefined
  switch (type) {
    case 'text':
      return String(value).toLowerCase()
    case 'number':
      return Number(value)
    case 'boolean':
      return value === true || value === 'true'
    case 'datetime':
      return parseInstant(String(value), zone)
    case 'id':
      return /^\d+$/.test(String(value)) ? Number(value) : String(value)
    case 'date':
      return String(value)
  }
}

function literalValue(literal: Literal, type: PropertyType, zone: string, name: string): Comparable {
  const raw = literal.value
  if (type === 'number' && Number.isNaN(Number(raw)))
    throw queryValidationError(`Invalid number value ${raw} for ${name}`)
  if (type === 'boolean' && !(raw === true || raw === false || raw === 'true' || raw === 'false')) {
    throw queryValidationError(`Invalid boolean value ${raw} for ${name}`)
  }
  const value = normalize(raw, type, zone)
  if (value === undefined) throw queryValidationError(`Invalid date value ${raw} for ${name}`)
  return value
}

function predicate(condition: Condition, property: Property, zone: string): (row: Json) => boolean {
  const name = condition.property
  if (condition.operator === 'LIKE') {
    if (property.type !== 'text') throw queryValidationError(`LIKE is not supported for property '${name}'`)
    const pattern = String(condition.values[0]!.value)
      .toLowerCase()
      .split('%')
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')
    const regex = new RegExp(`^${pattern}$`, 's')
    return (row) => {
      const value = normalize(valueAt(row, property.path), 'text', zone)
      return typeof value === 'string' && regex.test(value)
    }
  }
  const values = condition.values.map((v) => literalValue(v, property.type, zone, name))
  const target = values[0]!
  const test: (v: Comparable) => boolean = {
    '=': (v: Comparable) => v === target,
    IN: (v: Comparable) => values.includes(v),
    '<': (v: Comparable) => v < target,
    '>': (v: Comparable) => v > target,
    '<=': (v: Comparable) => v <= target,
    '>=': (v: Comparable) => v >= target,
  }[condition.operator]
  return (row) => {
    const value = normalize(valueAt(row, property.path), property.type, zone)
    return value !== undefined && typeof value === typeof target && test(value)
  }
}

function compareRows(
  a: Json,
  b: Json,
  sorts: { property: Property; descending: boolean }[],
  zone: string,
): number {
  for (const { property, descending } of sorts) {
    const x = normalize(valueAt(a, property.path), property.type, zone)
    const y = normalize(valueAt(b, property.path), property.type, zone)
    if (x === y) continue
    // Rows without the value come last in either direction.
    if (x === undefined) return 1
    if (y === undefined) return -1
    const order = typeof x === typeof y ? (x < y ? -1 : 1) : String(x) < String(y) ? -1 : 1
    return descending ? -order : order
  }
  return compareIds(String(a.Id), String(b.Id))
}
