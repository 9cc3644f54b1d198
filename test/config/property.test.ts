// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about the literal ${VAR} syntax
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { ConfigError, loadConfig, parseConfig } from '../../src/config/load.js'
import { ENV } from './helpers.js'

/** Runs `attempt`; passes when it returns, or throws a ConfigError with at least one issue. */
function onlyConfigErrors(attempt: () => unknown): void {
  try {
    attempt()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    expect(error.issues.length).toBeGreaterThan(0)
    for (const issue of error.issues) {
      expect(issue.line).toBeGreaterThanOrEqual(1)
      expect(error.message).toContain(issue.message)
    }
  }
}

/** Fragments that exercise YAML syntax, interpolation and every part of the schema. */
const FRAGMENTS = [
  'accounts:',
  'destinations:',
  '  - id: main',
  '  - ',
  '    shipstation:',
  '      apiKey: ${SS_KEY}',
  '      apiSecret: "${SS_SECRET:-x}"',
  'type: klaviyo',
  'apiKey: pk_x',
  'events: [Order Shipped, ',
  'eventNames: { Order Canceled: ',
  'pollInterval: 5m',
  'database: ',
  'postgres://u:p@h/db',
  'sqlite::memory:',
  'timeZone: ',
  '${',
  '$${',
  '${UNSET}',
  '&a ',
  '*a',
  '<<: *a',
  '!!str ',
  '!!binary ',
  '? ',
  ': ',
  '- ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '"',
  "'",
  '|',
  '>-',
  '#',
  '---',
  '...',
  '%YAML 1.2',
  '__proto__: ',
  'constructor: ',
  '\t',
  '\n',
  '  ',
  '0x1F',
  '1e400',
  '.nan',
  '~',
  'null',
  'true',
]

const yamlish = fc
  .array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 8 })), { maxLength: 40 })
  .map((parts) => parts.join(''))

const env = fc.dictionary(fc.constantFrom('SS_KEY', 'SS_SECRET', 'UNSET', 'A'), fc.string({ maxLength: 12 }))

/** A valid config as data, for mutation. */
const VALID = {
  database: 'sqlite::memory:',
  accounts: [{ id: 'main', shipstation: { apiKey: 'k', apiSecret: 's' }, pollInterval: '30s' }],
  destinations: [{ id: 'k', type: 'klaviyo', apiKey: 'pk_x', accounts: ['main'], events: ['Order Shipped'] }],
}

/** Every path into VALID, so a mutation can replace any node. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix]
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value)
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))]
}

function replaceAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement
  const copy = structuredClone(value) as Record<string | number, unknown>
  let node = copy
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>
  node[path.at(-1)!] = replacement
  return copy
}

describe('loadConfig and parseConfig throw nothing but ConfigError', () => {
  it('on random YAML-ish text', () => {
    fc.assert(
      fc.property(yamlish, env, (text, vars) => {
        onlyConfigErrors(() => parseConfig(text, 'p.yaml', vars))
      }),
      { numRuns: 1000 },
    )
  })

  it('on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        onlyConfigErrors(() => parseConfig(text, 'p.yaml', ENV))
      }),
      { numRuns: 500 },
    )
  })

  it('on random JSON values, written as JSON and as YAML', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        onlyConfigErrors(() => parseConfig(JSON.stringify(value) ?? '', 'p.json', ENV))
        onlyConfigErrors(() => parseConfig(stringify(value), 'p.yaml', ENV))
      }),
      { numRuns: 500 },
    )
  })

  it('on a valid config with any node replaced by a random JSON value', () => {
    const all = paths(VALID)
    fc.assert(
      fc.property(fc.constantFrom(...all), fc.jsonValue({ maxDepth: 3 }), (path, replacement) => {
        onlyConfigErrors(() => parseConfig(stringify(replaceAt(VALID, path, replacement)), 'p.yaml', ENV))
      }),
      { numRuns: 1000 },
    )
  })

  it('through a real file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'shiprelay-prop-')), 'shiprelay.yaml')
    fc.assert(
      fc.property(
        fc.oneof(
          yamlish,
          fc.jsonValue().map((v) => stringify(v)),
        ),
        (text) => {
          writeFileSync(file, text)
          onlyConfigErrors(() => loadConfig(file, ENV))
        },
      ),
      { numRuns: 200 },
    )
  })

  it('the valid config itself loads', () => {
    expect(parseConfig(stringify(VALID), 'p.yaml', ENV).accounts[0]?.pollInterval).toBe(30_000)
  })
})
