/**
 * Turns zod issues into Klaviyo's 400 errors with JSON pointers. The rules mirror the captured
 * responses: a body or relationship that is not the JSON:API shape is "The payload provided in the
 * request is invalid." at `/data` (fixture 09), a resource object without attributes is fixture 07's
 * text at `/data`, an unknown key is "'x' is not a valid field for the resource 'y'." pointing at the key
 * (fixture 08).
 */
import type { z } from 'zod'
import { type ApiError, ATTRIBUTES_MISSING, invalid, PAYLOAD_INVALID } from './errors.js'

type Path = readonly PropertyKey[]

/** Path segments that open a nested resource, and the resource they open. */
const RESOURCE_KEYS: Record<string, string> = {
  metric: 'metric',
  profile: 'profile',
  'events-bulk-create': 'event-bulk-create',
  events: 'event',
  location: 'location',
}
const RELATIONSHIPS = new Set(['metric', 'profile'])

export function issuesToErrors(issues: readonly z.core.$ZodIssue[], rootResource: string): ApiError[] {
  const errors = issues.map((issue) => toError(issue, rootResource))
  const seen = new Set<string>()
  return errors.filter((e) => {
    const key = `${e.detail}\u0000${JSON.stringify(e.source)}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function toError(issue: z.core.$ZodIssue, rootResource: string): ApiError {
  const path = issue.path
  const last = path.at(-1)
  const parent = path.at(-2)
  const input = (issue as { input?: unknown }).input
  if (issue.message === ATTRIBUTES_MISSING || issue.message === PAYLOAD_INVALID) return invalid(issue.message)
  switch (issue.code) {
    case 'unrecognized_keys': {
      if (RELATIONSHIPS.has(String(last))) return invalid(PAYLOAD_INVALID)
      const key = issue.keys[0] ?? ''
      return invalid(unknownField(key, resourceAt(path, rootResource)), pointer([...path, key]))
    }
    case 'invalid_type': {
      const structural =
        path.length <= 1 || RELATIONSHIPS.has(String(last)) || RELATIONSHIPS.has(String(parent))
      if (structural && !(input === undefined && RELATIONSHIPS.has(String(last))))
        return invalid(PAYLOAD_INVALID)
      if (last === 'attributes') return invalid(input === undefined ? ATTRIBUTES_MISSING : PAYLOAD_INVALID)
      if (issue.expected === 'never') {
        return invalid(unknownField(String(last), resourceAt(path.slice(0, -1), rootResource)), pointer(path))
      }
      if (input === undefined) return required(path, rootResource)
      return invalid(typeMessage(issue.expected, input), pointer(path))
    }
    case 'invalid_value':
      if (input === undefined) return required(path, rootResource)
      return invalid(
        `Invalid value ${shown(input)}; expected ${issue.values.map((v) => `'${String(v)}'`).join(' or ')}.`,
        pointer(path),
      )
    case 'invalid_union':
      return invalid('A valid number or string is required.', pointer(path))
    default:
      return invalid(issue.message, pointer(path))
  }
}

function required(path: Path, rootResource: string): ApiError {
  const resource = resourceAt(path.slice(0, -1), rootResource)
  return invalid(
    `'${String(path.at(-1))}' is a required field for the resource '${resource}'.`,
    pointer(path),
  )
}

function unknownField(key: string, resource: string): string {
  return `'${key}' is not a valid field for the resource '${resource}'.`
}

/** The resource whose object sits at `path` (the innermost resource key on the way there). */
function resourceAt(path: Path, rootResource: string): string {
  let resource = rootResource
  for (const segment of path) {
    const opened = RESOURCE_KEYS[String(segment)]
    if (opened) resource = opened
  }
  return resource
}

/** JSON pointer (RFC 6901) for a path. */
export function pointer(path: Path): string {
  return `/${path.map((s) => String(s).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`
}

function typeMessage(expected: string, input: unknown): string {
  const got = jsonType(input)
  switch (expected) {
    case 'string':
      return 'Not a valid string.'
    case 'number':
      return 'A valid number is required.'
    case 'boolean':
      return 'Must be a valid boolean.'
    case 'array':
      return `Expected a list of items but got type "${got}".`
    default:
      return `Expected a dictionary of items but got type "${got}".`
  }
}

/** A short rendering of a wrong value: never the whole of a large or deeply nested input. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value)
  return `of type "${jsonType(value)}"`
}

function jsonType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'list'
  if (typeof value === 'object') return 'dict'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float'
  if (typeof value === 'boolean') return 'bool'
  return 'str'
}
