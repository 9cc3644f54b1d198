/**
 * Test helpers: a started simulator per test file, a tiny HTTP client over fetch, and builders for
 * valid request bodies that each test then breaks in one place.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import {
  type KlaviyoSimulator,
  type KlaviyoSimulatorOptions,
  startKlaviyoSimulator,
} from '../../../src/simulators/klaviyo/index.js'
import { jsonOrUndefined } from '../common/json-text.js'

export const REVISION = '2026-07-15'
export const KEY = 'pk_test'

// biome-ignore lint/suspicious/noExplicitAny: fixtures are arbitrary JSON read by tests
export type Json = any

/** A fixture from shared/reference/examples/klaviyo/fixtures (same JSON, reformatted by Biome). */
export function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'))
}

export function apiHeaders(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const headers: Record<string, string | undefined> = {
    authorization: `Klaviyo-API-Key ${KEY}`,
    revision: REVISION,
    'content-type': 'application/json',
    accept: 'application/vnd.api+json',
    ...overrides,
  }
  return Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined))
}

export interface Answer {
  status: number
  headers: Headers
  text: string
  json: Json
}

export async function call(
  sim: KlaviyoSimulator,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = apiHeaders(),
): Promise<Answer> {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers,
    body:
      body === undefined
        ? undefined
        : typeof body === 'string' || body instanceof Uint8Array
          ? body
          : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, headers: response.headers, text, json: jsonOrUndefined(text) }
}

export const post = (sim: KlaviyoSimulator, path: string, body: unknown, headers?: Record<string, string>) =>
  call(sim, 'POST', path, body, headers)

/** Starts one simulator for the file, resets it before each test, closes it at the end. */
export function useSimulator(options: KlaviyoSimulatorOptions = {}): () => KlaviyoSimulator {
  let sim: KlaviyoSimulator | undefined
  beforeAll(async () => {
    sim = await startKlaviyoSimulator(options)
  })
  beforeEach(() => {
    sim?.reset()
    sim?.faults.set({})
  })
  afterAll(async () => {
    await sim?.close()
  })
  return () => {
    if (!sim) throw new Error('simulator not started')
    return sim
  }
}

export interface EventSpec {
  metric?: string
  email?: string
  phone?: string
  externalId?: string
  uniqueId?: string
  time?: string
  properties?: Record<string, unknown>
  backfill?: boolean
}

function profileAttributes(spec: EventSpec): Record<string, unknown> {
  const attributes: Record<string, unknown> = {}
  if (spec.email !== undefined) attributes.email = spec.email
  if (spec.phone !== undefined) attributes.phone_number = spec.phone
  if (spec.externalId !== undefined) attributes.external_id = spec.externalId
  return attributes
}

function eventAttributes(spec: EventSpec): Record<string, unknown> {
  return {
    properties: spec.properties ?? { OrderId: '100234' },
    metric: { data: { type: 'metric', attributes: { name: spec.metric ?? 'Order Shipped' } } },
    ...(spec.time === undefined ? {} : { time: spec.time }),
    ...(spec.uniqueId === undefined ? {} : { unique_id: spec.uniqueId }),
    ...(spec.backfill === undefined ? {} : { backfill: spec.backfill }),
  }
}

/** A valid Create Event body (default: Order Shipped for jane@example.com). */
export function eventBody(spec: EventSpec = {}): Json {
  const withDefaults = spec.email === undefined && spec.phone === undefined && spec.externalId === undefined
  const profile = profileAttributes(withDefaults ? { ...spec, email: 'jane@example.com' } : spec)
  return {
    data: {
      type: 'event',
      attributes: {
        ...eventAttributes(spec),
        profile: { data: { type: 'profile', attributes: profile } },
      },
    },
  }
}

/** A valid bulk job: one entry per profile spec, each with its events. */
export function bulkBody(entries: { profile: EventSpec; events: EventSpec[]; backfill?: boolean }[]): Json {
  return {
    data: {
      type: 'event-bulk-create-job',
      attributes: {
        'events-bulk-create': {
          data: entries.map((entry) => ({
            type: 'event-bulk-create',
            attributes: {
              profile: { data: { type: 'profile', attributes: profileAttributes(entry.profile) } },
              events: { data: entry.events.map((e) => ({ type: 'event', attributes: eventAttributes(e) })) },
              ...(entry.backfill === undefined ? {} : { backfill: entry.backfill }),
            },
          })),
        },
      },
    },
  }
}

/** The error object without its per-occurrence id. */
export function withoutId(error: Json): Json {
  const { id: _id, ...rest } = error
  return rest
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
