/**
 * Request bodies as QBO's Java deserializer reads them (reference §3, §9 code 2010/2050): unknown
 * fields are an error naming the field and its class, numbers and booleans may come as text, `null`
 * means "not set", strings have maximum lengths. Zod checks the shapes; business rules come later.
 */
import { z } from 'zod'
import { type FaultError, lengthError, QboFault, unsupportedProperty } from './errors.js'
import { isDate } from './time.js'

export type Json = Record<string, unknown>

/** Ids and other strings Jackson would also accept as numbers. */
export const idText = z.union([z.string(), z.number().transform(String)])

export const text = (max?: number) => {
  const base = z.union([z.string(), z.number().transform(String)])
  return max === undefined ? base : base.pipe(z.string().max(max))
}

export const amount = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^\s*-?\d+(\.\d+)?\s*$/)
      .transform(Number),
  ])
  .pipe(z.number().refine(Number.isFinite))

export const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])

export const date = z.string().refine(isDate)

/** `{value, name?, type?}`; `name` is ignored on input and filled in on output. */
export const ref = z.strictObject({
  value: idText.optional(),
  name: text().optional(),
  type: text().optional(),
})
export type RefInput = z.infer<typeof ref>

export const address = z.strictObject({
  Id: idText.optional(),
  Line1: text(500).optional(),
  Line2: text(500).optional(),
  Line3: text(500).optional(),
  Line4: text(500).optional(),
  Line5: text(500).optional(),
  City: text(255).optional(),
  Country: text(255).optional(),
  CountryCode: text(10).optional(),
  CountrySubDivisionCode: text(255).optional(),
  PostalCode: text(30).optional(),
  PostalCodeSuffix: text(30).optional(),
  Lat: text().optional(),
  Long: text().optional(),
  Tag: text().optional(),
  Note: text().optional(),
})

export const email = z.strictObject({ Address: text(100).optional() })
export const phone = z.strictObject({ FreeFormNumber: text(21).optional() })
export const customField = z.strictObject({
  DefinitionId: idText.optional(),
  Name: text().optional(),
  Type: text().optional(),
  StringValue: text(31).optional(),
})
export const linkedTxn = z.strictObject({
  TxnId: idText.optional(),
  TxnType: text().optional(),
  TxnLineId: idText.optional(),
})

/** Read-only fields a client may echo back from a read; accepted and ignored. */
export const readOnly = z.unknown().optional()

/** Jackson treats `null` as "not set"; dropping nulls up front keeps the schemas simple. */
function stripNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNulls)
  if (value === null || typeof value !== 'object') return value
  const result: Json = {}
  for (const [key, v] of Object.entries(value)) {
    if (v !== null)
      Object.defineProperty(result, key, { value: stripNulls(v), enumerable: true, writable: true })
  }
  return result
}

/** Parses `body` with `schema`, or throws the Fault QBO would send for the first problems found. */
export function parseEntity<S extends z.ZodType>(schema: S, body: unknown, entity: string): z.output<S> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new QboFault([unsupportedProperty('failed to parse json object; a property')])
  }
  let result: z.ZodSafeParseResult<z.output<S>>
  try {
    result = schema.safeParse(stripNulls(body), { reportInput: true })
  } catch (error) {
    // Nesting deep enough to exhaust the stack is garbage like any other.
    if (error instanceof RangeError)
      throw new QboFault([unsupportedProperty('failed to parse json object; a property')])
    throw error
  }
  if (result.success) return result.data
  const errors = new Map<string, FaultError>()
  for (const issue of result.error.issues) {
    const error = issueToError(issue, entity)
    errors.set(`${error.code}:${error.Detail}`, error)
  }
  throw new QboFault([...errors.values()])
}

function issueToError(issue: z.core.$ZodIssue, entity: string): FaultError {
  if (issue.code === 'unrecognized_keys') {
    const owner = className(issue.path, entity)
    return unsupportedProperty(
      `Unrecognized field "${issue.keys[0]}" (class com.intuit.schema.finance.v3.${owner}), not marked as ignorable`,
    )
  }
  if (issue.code === 'too_big' && issue.origin === 'string' && typeof issue.input === 'string') {
    return lengthError(elementPath(issue.path), Number(issue.maximum), issue.input.length)
  }
  // Wrong types, unknown enum values, bad dates: the 2026 capture's wording for a failed parse.
  return unsupportedProperty('failed to parse json object; a property')
}

const CLASS_BY_FIELD: Readonly<Record<string, string>> = {
  BillAddr: 'PhysicalAddress',
  ShipAddr: 'PhysicalAddress',
  ShipFromAddr: 'PhysicalAddress',
  BillEmail: 'EmailAddress',
  BillEmailCc: 'EmailAddress',
  BillEmailBcc: 'EmailAddress',
  PrimaryEmailAddr: 'EmailAddress',
  PrimaryPhone: 'TelephoneNumber',
  Mobile: 'TelephoneNumber',
  Fax: 'TelephoneNumber',
  AlternatePhone: 'TelephoneNumber',
  MetaData: 'ModificationMetaData',
  CustomerMemo: 'MemoRef',
  TaxLine: 'Line',
}

/** The Java class of the object that holds the unknown field, as Jackson names it. */
function className(path: readonly PropertyKey[], entity: string): string {
  const field = [...path].reverse().find((segment): segment is string => typeof segment === 'string')
  if (field === undefined) return entity
  if (field.endsWith('Ref')) return 'ReferenceType'
  return CLASS_BY_FIELD[field] ?? field
}

/** `Line.SalesItemLineDetail.Qty` style: array indexes left out. */
function elementPath(path: readonly PropertyKey[]): string {
  return path.filter((segment) => typeof segment === 'string').join('.')
}
