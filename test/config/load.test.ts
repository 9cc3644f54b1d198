// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about the literal ${VAR} syntax
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EVENT_NAMES } from '../../src/config/event-names.js'
import { ConfigError, loadConfig, parseConfig } from '../../src/config/load.js'
import { configError, ENV, issuesOf, MINIMAL } from './helpers.js'

const FULL = `database: postgres://relay:s3cr%40t-pw@db.internal:5432/shiprelay
log: { level: debug }
server: { host: 0.0.0.0, port: 9000 }
webhooks: { publicUrl: https://relay.example.com/hooks/ }
accounts:
  - id: main
    shipstation:
      apiKey: \${SS_KEY}
      apiSecret: \${SS_SECRET}
      baseUrl: http://127.0.0.1:4010/
      partnerKey: partner-0123456789
      rateLimitReserve: 10
    backfillDays: 30
    pollInterval: 5m
    timeZone: America/New_York
    currency: EUR
  - id: second_store-2
    shipstation: { apiKey: k2-abcdefgh, apiSecret: s2-abcdefgh }
destinations:
  - id: klaviyo
    type: klaviyo
    apiKey: \${KLAVIYO_KEY}
    baseUrl: http://127.0.0.1:4020
    revision: 2025-10-15
    accounts: [main]
    stores: [My Shopify Store]
    events: [Order Shipped, Order On Hold]
    eventNames: { Order Canceled: Order Cancelled }
    shippedRequiresLabel: true
    sendHistory: false
    batchSize: 250
`

describe('parseConfig: valid configs', () => {
  it('reads a full config, every key set', () => {
    const config = parseConfig(FULL, 'shiprelay.yaml', ENV)
    expect(config).toEqual({
      database: { kind: 'postgres', url: 'postgres://relay:s3cr%40t-pw@db.internal:5432/shiprelay' },
      log: { level: 'debug' },
      server: { host: '0.0.0.0', port: 9000 },
      webhooks: { publicUrl: 'https://relay.example.com/hooks' },
      accounts: [
        {
          id: 'main',
          shipstation: {
            apiKey: ENV.SS_KEY,
            apiSecret: ENV.SS_SECRET,
            baseUrl: 'http://127.0.0.1:4010',
            partnerKey: 'partner-0123456789',
            rateLimitReserve: 10,
          },
          backfillDays: 30,
          pollInterval: 300_000,
          timeZone: 'America/New_York',
          currency: 'EUR',
        },
        {
          id: 'second_store-2',
          shipstation: {
            apiKey: 'k2-abcdefgh',
            apiSecret: 's2-abcdefgh',
            baseUrl: 'https://ssapi.shipstation.com',
            rateLimitReserve: 5,
          },
          backfillDays: 90,
          pollInterval: 60_000,
          currency: 'USD',
        },
      ],
      destinations: [
        {
          id: 'klaviyo',
          type: 'klaviyo',
          apiKey: ENV.KLAVIYO_KEY,
          baseUrl: 'http://127.0.0.1:4020',
          revision: '2025-10-15',
          accounts: ['main'],
          stores: ['My Shopify Store'],
          events: ['Order Shipped', 'Order On Hold'],
          eventNames: { 'Order Canceled': 'Order Cancelled' },
          shippedRequiresLabel: true,
          sendHistory: false,
          batchSize: 250,
        },
      ],
    })
  })

  it('applies every default to a minimal config', () => {
    const config = parseConfig(
      `${MINIMAL}destinations:\n  - { id: k, type: klaviyo, apiKey: pk_abcdef }\n`,
      'x',
      ENV,
    )
    expect(config).toEqual({
      database: { kind: 'sqlite', file: './shiprelay.db' },
      log: { level: 'info' },
      server: { host: '127.0.0.1', port: 8787 },
      accounts: [
        {
          id: 'main',
          shipstation: {
            apiKey: ENV.SS_KEY,
            apiSecret: ENV.SS_SECRET,
            baseUrl: 'https://ssapi.shipstation.com',
            rateLimitReserve: 5,
          },
          backfillDays: 90,
          pollInterval: 60_000,
          currency: 'USD',
        },
      ],
      destinations: [
        {
          id: 'k',
          type: 'klaviyo',
          apiKey: 'pk_abcdef',
          baseUrl: 'https://a.klaviyo.com',
          revision: '2026-07-15',
          shippedRequiresLabel: false,
          sendHistory: true,
          batchSize: 1000,
        },
      ],
    })
    expect(parseConfig(MINIMAL, 'x', ENV).destinations).toEqual([])
  })

  it('returns a deeply frozen object', () => {
    const config = parseConfig(FULL, 'x', ENV)
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.accounts[0]!.shipstation)).toBe(true)
    expect(Object.isFrozen(config.destinations[0]!.events)).toBe(true)
    expect(() => {
      ;(config.accounts[0]!.shipstation as { apiKey: string }).apiKey = 'x'
    }).toThrow(TypeError)
  })

  it.each([
    ['sqlite:./shiprelay.db', { kind: 'sqlite', file: './shiprelay.db' }],
    ['sqlite::memory:', { kind: 'sqlite', file: ':memory:' }],
    ['sqlite:/var/lib/shiprelay/relay.db', { kind: 'sqlite', file: '/var/lib/shiprelay/relay.db' }],
    ['postgres://user@host:5432/db', { kind: 'postgres', url: 'postgres://user@host:5432/db' }],
    ['postgresql://user@host/db', { kind: 'postgres', url: 'postgresql://user@host/db' }],
  ])('database %s', (database, expected) => {
    expect(parseConfig(`database: "${database}"\n${MINIMAL}`, 'x', ENV).database).toEqual(expected)
  })

  it('accepts durations as numbers of seconds and every unit', () => {
    const durations = ['1s', 90, '2h', '1d', '1500ms']
    const ms = durations.map(
      (d) => parseConfig(`${MINIMAL}    pollInterval: ${d}\n`, 'x', ENV).accounts[0]!.pollInterval,
    )
    expect(ms).toEqual([1000, 90_000, 7_200_000, 86_400_000, 1500])
  })

  it('knows the whole event catalog', () => {
    const events = EVENT_NAMES.map((e) => JSON.stringify(e)).join(', ')
    const text = `${MINIMAL}destinations:\n  - { id: k, type: klaviyo, apiKey: pk_abcdef, events: [${events}] }\n`
    expect(parseConfig(text, 'x', ENV).destinations[0]!.events).toEqual(EVENT_NAMES)
  })
})

describe('parseConfig: errors name the key path and line', () => {
  it('unknown keys, at the key itself', () => {
    const issues = issuesOf(`databse: sqlite:x.db\n${MINIMAL}    pollIntervall: 5s\n`)
    expect(issues).toEqual([
      { path: 'databse', line: 1, column: 1, message: 'unknown key' },
      { path: 'accounts[0].pollIntervall', line: 7, column: 5, message: 'unknown key' },
    ])
  })

  it('unknown keys inside nested and flow mappings', () => {
    const issues = issuesOf(`server: { host: x, prot: 80 }\n${MINIMAL}      apikey: oops\n`)
    expect(issues).toEqual([
      { path: 'server.prot', line: 1, column: 20, message: 'unknown key' },
      { path: 'accounts[0].shipstation.apikey', line: 7, column: 7, message: 'unknown key' },
    ])
  })

  it('wrong types', () => {
    const text = `${MINIMAL}    backfillDays: ninety\nserver: { port: 80.5 }\nlog: [info]\n`
    expect(issuesOf(text)).toEqual([
      { path: 'accounts[0].backfillDays', line: 6, column: 19, message: 'expected a number, got text' },
      {
        path: 'server.port',
        line: 7,
        column: 17,
        message: 'expected a whole number, got a fractional number',
      },
      { path: 'log', line: 8, column: 6, message: 'expected a mapping, got a list' },
    ])
  })

  it('out-of-range numbers', () => {
    const text = `${MINIMAL}    backfillDays: 0\n`
    expect(issuesOf(text)).toEqual([
      { path: 'accounts[0].backfillDays', line: 6, column: 19, message: 'must be at least 1' },
    ])
    expect(
      issuesOf(MINIMAL.replace('apiSecret: ${SS_SECRET}', 'apiSecret: s\n      rateLimitReserve: 40')),
    ).toEqual([
      {
        path: 'accounts[0].shipstation.rateLimitReserve',
        line: 6,
        column: 25,
        message: 'must be at most 39',
      },
    ])
  })

  it('missing required keys, at the enclosing key', () => {
    const text = `accounts:\n  - id: main\n    shipstation:\n      apiSecret: x\n  - shipstation: { apiKey: a, apiSecret: b }\n`
    expect(issuesOf(text)).toEqual([
      { path: 'accounts[0].shipstation.apiKey', line: 3, column: 5, message: 'required' },
      { path: 'accounts[1].id', line: 5, column: 5, message: 'required' },
    ])
    expect(issuesOf('log: { level: info }\n')).toEqual([
      { path: 'accounts', line: 1, column: 1, message: 'required' },
    ])
    expect(issuesOf('accounts: []\n')).toEqual([
      { path: 'accounts', line: 1, column: 11, message: 'at least one account is required' },
    ])
  })

  it('empty values', () => {
    expect(issuesOf(MINIMAL.replace('${SS_SECRET}', ''))).toEqual([
      {
        path: 'accounts[0].shipstation.apiSecret',
        line: 5,
        column: 7,
        message: 'expected text, got an empty value',
      },
    ])
    expect(issuesOf(MINIMAL.replace('${SS_SECRET}', '""'))).toEqual([
      { path: 'accounts[0].shipstation.apiSecret', line: 5, column: 18, message: 'must not be empty' },
    ])
  })

  it('bad durations', () => {
    expect(issuesOf(`${MINIMAL}    pollInterval: 5 minutes\n`)).toEqual([
      {
        path: 'accounts[0].pollInterval',
        line: 6,
        column: 19,
        message: 'expected a duration such as 500ms, 60s, 5m, 1h, 1d or a number of seconds',
      },
    ])
    expect(issuesOf(`${MINIMAL}    pollInterval: 500ms\n`)).toEqual([
      { path: 'accounts[0].pollInterval', line: 6, column: 19, message: 'must be at least 1s' },
    ])
    expect(issuesOf(`${MINIMAL}    pollInterval: true\n`)[0]?.message).toMatch(/expected a duration/)
  })

  it('bad URLs', () => {
    const text = `webhooks: { publicUrl: not a url }\n${MINIMAL}      baseUrl: ftp://ssapi.shipstation.com\n`
    expect(issuesOf(text)).toEqual([
      { path: 'webhooks.publicUrl', line: 1, column: 24, message: 'must be an http(s) URL' },
      { path: 'accounts[0].shipstation.baseUrl', line: 7, column: 16, message: 'must be an http(s) URL' },
    ])
    expect(issuesOf(`${MINIMAL}      baseUrl: https://u:p@ssapi.shipstation.com\n`)[0]).toMatchObject({
      path: 'accounts[0].shipstation.baseUrl',
      line: 6,
      message: 'must not contain credentials (they have their own keys)',
    })
  })

  it('bad database URLs, without repeating them', () => {
    for (const db of ['mysql://u:hunter2pw@h/db', 'sqlite:', 'postgres://:hunter2pw@/db']) {
      const error = configError(`database: "${db}"\n${MINIMAL}`)
      expect(error.issues).toMatchObject([{ path: 'database', line: 1, column: 11 }])
      expect(error.message).not.toContain('hunter2pw')
    }
  })

  it('a currency that is not an ISO 4217 code', () => {
    expect(issuesOf(`${MINIMAL}    currency: dollars\n`)).toEqual([
      {
        path: 'accounts[0].currency',
        line: 6,
        column: 15,
        message: 'must be a three-letter ISO 4217 code such as USD or EUR',
      },
    ])
  })

  it('bad time zones', () => {
    expect(issuesOf(`${MINIMAL}    timeZone: Mars/Olympus_Mons\n`)).toEqual([
      {
        path: 'accounts[0].timeZone',
        line: 6,
        column: 15,
        message: 'unknown time zone "Mars/Olympus_Mons"; expected an IANA name such as America/Los_Angeles',
      },
    ])
    expect(issuesOf(`${MINIMAL}    timeZone: local\n`)).toMatchObject([
      { path: 'accounts[0].timeZone', line: 6 },
    ])
  })

  it('bad ids', () => {
    expect(issuesOf(MINIMAL.replace('id: main', 'id: Main Store'))).toEqual([
      {
        path: 'accounts[0].id',
        line: 2,
        column: 9,
        message: 'must be 1 to 40 characters from a-z, 0-9, _ and -',
      },
    ])
  })

  it('duplicate account and destination ids', () => {
    const text = `${MINIMAL}  - id: main
    shipstation: { apiKey: a, apiSecret: b }
destinations:
  - { id: k, type: klaviyo, apiKey: pk_abcdef }
  - { id: k, type: klaviyo, apiKey: pk_abcdef }
`
    expect(issuesOf(text)).toEqual([
      {
        path: 'accounts[1].id',
        line: 6,
        column: 9,
        message: 'duplicate id "main" (already used by accounts[0])',
      },
      {
        path: 'destinations[1].id',
        line: 10,
        column: 11,
        message: 'duplicate id "k" (already used by destinations[0])',
      },
    ])
  })

  it('a destination naming an unknown account', () => {
    const text = `${MINIMAL}destinations:\n  - id: k\n    type: klaviyo\n    apiKey: pk_abcdef\n    accounts: [main, mian]\n`
    expect(issuesOf(text)).toEqual([
      {
        path: 'destinations[0].accounts[1]',
        line: 10,
        column: 22,
        message: 'unknown account "mian"; configured accounts: main',
      },
    ])
  })

  it('unknown event names, in the filter and as rename keys', () => {
    const text = `${MINIMAL}destinations:
  - id: k
    type: klaviyo
    apiKey: pk_abcdef
    events: [Order Shipped, Order Delivered]
    eventNames:
      Order Cancelled: Cancelled
`
    const issues = issuesOf(text)
    expect(issues.map(({ path, line, column }) => ({ path, line, column }))).toEqual([
      { path: 'destinations[0].events[1]', line: 10, column: 29 },
      { path: 'destinations[0].eventNames["Order Cancelled"]', line: 12, column: 24 },
    ])
    expect(issues[0]?.message).toMatch(
      /^unknown event name "Order Delivered"; expected one of: Order Awaiting/,
    )
    expect(issues[1]?.message).toMatch(/^unknown event name "Order Cancelled"; expected one of: /)
  })

  it('renames that would merge two events', () => {
    const text = `${MINIMAL}destinations:\n  - { id: k, type: klaviyo, apiKey: pk_abcdef, eventNames: { Order On Hold: Order Shipped } }\n`
    expect(issuesOf(text)).toEqual([
      {
        path: 'destinations[0].eventNames["Order On Hold"]',
        line: 7,
        column: 77,
        message: 'Order On Hold and Order Shipped would both be sent as "Order Shipped"',
      },
    ])
  })

  it('empty filters', () => {
    const text = `${MINIMAL}destinations:\n  - { id: k, type: klaviyo, apiKey: pk_abcdef, stores: [] }\n`
    expect(issuesOf(text)).toEqual([
      {
        path: 'destinations[0].stores',
        line: 7,
        column: 56,
        message: 'must list at least one entry (omit the key to match all)',
      },
    ])
  })

  it('a Klaviyo key not starting with pk_, without echoing it', () => {
    const error = configError(
      `${MINIMAL}destinations:\n  - id: k\n    type: klaviyo\n    apiKey: sk_live_topsecret99\n`,
    )
    expect(error.issues).toEqual([
      {
        path: 'destinations[0].apiKey',
        line: 9,
        column: 13,
        message:
          'must be a Klaviyo private API key, which starts with pk_ (public site keys cannot send events)',
      },
    ])
    expect(error.message).not.toContain('topsecret')
  })

  it('an unknown or missing destination type', () => {
    const text = `${MINIMAL}destinations:\n  - { id: q, type: webhook }\n  - { id: k, apiKey: pk_abcdef }\n`
    expect(issuesOf(text)).toEqual([
      {
        path: 'destinations[0].type',
        line: 7,
        column: 20,
        message: 'unknown type; expected one of: klaviyo, quickbooks',
      },
      { path: 'destinations[1].type', line: 8, column: 5, message: 'required; one of: klaviyo, quickbooks' },
    ])
  })

  it('a missing environment variable names the variable, the key and the line', () => {
    const error = configError(MINIMAL, { SS_KEY: 'k' })
    expect(error.issues).toEqual([
      {
        path: 'accounts[0].shipstation.apiSecret',
        line: 5,
        column: 18,
        message: 'environment variable SS_SECRET is not set',
      },
    ])
    expect(error.message).toBe(
      'shiprelay.yaml:5:18: accounts[0].shipstation.apiSecret: environment variable SS_SECRET is not set',
    )
  })

  it('malformed references', () => {
    const text = MINIMAL.replace('${SS_SECRET}', '"${SS SECRET} and ${UNCLOSED"')
    expect(issuesOf(text).map((i) => i.message)).toEqual([
      'malformed ${...}: expected ${NAME} or ${NAME:-default}',
      'unterminated ${ (write $${ for a literal ${)',
    ])
  })

  it('YAML syntax errors, with their line', () => {
    const text = `accounts:\n  - id: main\n    shipstation: { apiKey: a, apiSecret: b\nlog: x\n`
    const issues = issuesOf(text)
    expect(issues.length).toBeGreaterThan(0)
    expect(issues[0]).toMatchObject({ path: '', line: 4, column: 1 })
    expect(issues[0]?.message).toMatch(/^YAML: /)
    expect(issuesOf('a: 1\na: 2\n')).toEqual([
      { path: '', line: 2, column: 1, message: 'YAML: Map keys must be unique' },
    ])
    expect(issuesOf('accounts: *nowhere\n')[0]?.message).toMatch(/^YAML: Unresolved alias/)
  })

  it('YAML syntax errors: a hint for unquoted ${VAR} in flow collections, no cascade of follow-ups', () => {
    const text = `accounts:\n  - id: main\n    shipstation: { apiKey: \${SS_KEY}, apiSecret: x }\n${'    x: [\n'.repeat(20)}`
    const issues = issuesOf(text)
    expect(issues[0]).toEqual({
      path: '',
      line: 3,
      column: 29,
      message: 'YAML: Unexpected flow-map-start at node end; inside [ ] or { }, write "${VAR}" in quotes',
    })
    expect(issues.length).toBeLessThanOrEqual(11)
    expect(new Set(issues.map((i) => i.line)).size).toBe(issues.length)
  })

  it('keys that are lists or mappings', () => {
    expect(issuesOf(`${MINIMAL}    ? [a, b]\n    : 1\n`)).toEqual([
      { path: 'accounts[0]', line: 6, column: 7, message: 'a key must be plain text, not a list or mapping' },
    ])
  })

  it('a file that is not a mapping', () => {
    expect(issuesOf('')).toEqual([
      { path: '', line: 1, column: 1, message: 'expected a mapping, got an empty value' },
    ])
    expect(issuesOf('- a\n')).toEqual([
      { path: '', line: 1, column: 1, message: 'expected a mapping, got a list' },
    ])
  })

  it('reports every problem at once, one per line, in file order', () => {
    const text = `log: { level: loud }
accounts:
  - id: main
    shipstation:
      apiSecret: \${MISSING}
    pollInterval: soon
`
    const error = configError(text)
    expect(error.message.split('\n')).toEqual([
      'shiprelay.yaml:1:15: log.level: must be one of: trace, debug, info, warn, error, fatal, silent',
      'shiprelay.yaml:4:5: accounts[0].shipstation.apiKey: required',
      'shiprelay.yaml:5:18: accounts[0].shipstation.apiSecret: environment variable MISSING is not set',
      'shiprelay.yaml:6:19: accounts[0].pollInterval: expected a duration such as 500ms, 60s, 5m, 1h, 1d or a number of seconds',
    ])
    expect(error.name).toBe('ConfigError')
    expect(error.source).toBe('shiprelay.yaml')
  })
})

describe('parseConfig: ${VAR} interpolation', () => {
  const parse = (value: string, env: Record<string, string>) =>
    parseConfig(
      MINIMAL.replace('${SS_KEY}', () => value),
      'x',
      { ...ENV, ...env },
    ).accounts[0]!.shipstation.apiKey

  it('substitutes variables anywhere in a string, several per string', () => {
    expect(parse('"${A}-${B}"', { A: 'one', B: 'two' })).toBe('one-two')
    expect(parse('pre${A}post', { A: 'X' })).toBe('preXpost')
  })

  it('uses the default when the variable is unset or empty', () => {
    expect(parse('${UNSET:-fallback}', {})).toBe('fallback')
    expect(parse('${EMPTY:-fallback}', { EMPTY: '' })).toBe('fallback')
    expect(parse('${SET:-fallback}', { SET: 'value' })).toBe('value')
    expect(parse('"${UNSET:-with: colon and spaces}"', {})).toBe('with: colon and spaces')
  })

  it('keeps $${ as a literal ${ and does not expand environment values again', () => {
    expect(parse('"$${NOT_A_VAR}"', {})).toBe('${NOT_A_VAR}')
    expect(parse('"$$5 and $${A} and ${A}"', { A: 'x' })).toBe('$$5 and ${A} and x')
    expect(parse('${A}', { A: '${B}', B: 'no' })).toBe('${B}')
    expect(parse('cost$5', {})).toBe('cost$5')
  })

  it('does not touch keys or non-string values', () => {
    const issues = issuesOf(`${MINIMAL}    \${PORT}: 1\n`, { ...ENV, PORT: 'backfillDays' })
    expect(issues).toEqual([{ path: 'accounts[0]["${PORT}"]', line: 6, column: 5, message: 'unknown key' }])
  })

  it('takes values from process.env by default', () => {
    process.env.SHIPRELAY_TEST_KEY = 'from-process-env'
    try {
      const config = parseConfig(
        MINIMAL.replace('${SS_KEY}', '${SHIPRELAY_TEST_KEY}').replace('${SS_SECRET}', 's'),
        'x',
      )
      expect(config.accounts[0]!.shipstation.apiKey).toBe('from-process-env')
    } finally {
      delete process.env.SHIPRELAY_TEST_KEY
    }
  })
})

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shiprelay-config-'))

  it('reads a file and labels errors with its path', () => {
    const file = join(dir, 'ok.yaml')
    writeFileSync(file, MINIMAL)
    expect(loadConfig(file, ENV).accounts[0]!.id).toBe('main')
    const bad = join(dir, 'bad.yaml')
    writeFileSync(bad, `${MINIMAL}    backfillDays: -1\n`)
    expect(() => loadConfig(bad, ENV)).toThrow(`${bad}:6:19: accounts[0].backfillDays: must be at least 1`)
  })

  it('a missing file is a ConfigError naming the path', () => {
    const missing = join(dir, 'nope.yaml')
    const error = (() => {
      try {
        loadConfig(missing, ENV)
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).message).toBe(`${missing}: config file not found: ${missing}`)
    expect((error as ConfigError).issues).toEqual([
      { path: '', line: 0, column: 0, message: `config file not found: ${missing}` },
    ])
  })

  it('a directory is a ConfigError too', () => {
    expect(() => loadConfig(dir, ENV)).toThrow(ConfigError)
  })
})

describe('parseConfig: QuickBooks combinations', () => {
  it('refuses sendHistory with mode: summary, at the key', () => {
    const text = `${MINIMAL}destinations:
  - id: books
    type: quickbooks
    realmId: "123"
    clientId: c
    clientSecret: s
    mode: summary
    sendHistory: true
`
    const issues = issuesOf(text)
    expect(issues).toHaveLength(1)
    expect(issues[0]).toMatchObject({ path: 'destinations[0].sendHistory', line: 13, column: 18 })
    expect(issues[0]!.message).toContain('cannot be true with mode: summary')
  })
})
