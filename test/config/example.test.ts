import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { loadConfig } from '../../src/config/load.js'

const EXAMPLE = 'examples/shiprelay.example.yaml'
const ENV = {
  SHIPSTATION_API_KEY: 'ss-key',
  SHIPSTATION_API_SECRET: 'ss-secret',
  KLAVIYO_PRIVATE_KEY: 'pk_example',
  QUICKBOOKS_CLIENT_ID: 'qb-client',
  QUICKBOOKS_CLIENT_SECRET: 'qb-secret',
}

/** Every key name used anywhere in `value`. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf)
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)])
}

describe('examples/shiprelay.example.yaml', () => {
  it('is a valid config', () => {
    const config = loadConfig(EXAMPLE, ENV)
    expect(config.database).toEqual({ kind: 'sqlite', file: './shiprelay.db' })
    expect(config.destinations[0]).toMatchObject({
      type: 'klaviyo',
      eventNames: { 'Order Canceled': 'Order Cancelled' },
    })
  })

  it('has every key documented in docs/configuration.md', () => {
    const docs = readFileSync('docs/configuration.md', 'utf8')
    const keys = new Set(keysOf(parse(readFileSync(EXAMPLE, 'utf8'))))
    const undocumented = [...keys].filter((key) => !docs.includes(`\`${key}\``))
    expect(undocumented).toEqual([])
  })
})
