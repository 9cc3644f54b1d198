// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about the literal ${VAR} syntax
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config/load.js'
import { redactorFor, secretsOf } from '../../src/config/secrets.js'
import { REDACTED } from '../../src/lib/redact.js'
import { configError, ENV, MINIMAL } from './helpers.js'

const WITH_EVERY_SECRET = `database: postgres://relay:p%40ss-w0rd-99@db:5432/relay
accounts:
  - id: main
    shipstation:
      apiKey: \${SS_KEY}
      apiSecret: \${SS_SECRET}
      partnerKey: partner-key-77777
destinations:
  - { id: k, type: klaviyo, apiKey: "\${KLAVIYO_KEY}" }
`

describe('secretsOf', () => {
  it('lists every secret field, the postgres password and the Basic credential', () => {
    const config = parseConfig(WITH_EVERY_SECRET, 'x', ENV)
    const basic = Buffer.from(`${ENV.SS_KEY}:${ENV.SS_SECRET}`).toString('base64')
    expect(new Set(secretsOf(config))).toEqual(
      new Set([
        ENV.SS_KEY,
        ENV.SS_SECRET,
        'partner-key-77777',
        ENV.KLAVIYO_KEY,
        'p%40ss-w0rd-99',
        'p@ss-w0rd-99',
        basic,
      ]),
    )
  })

  it('includes no ids, URLs or other settings', () => {
    const secrets = secretsOf(parseConfig(MINIMAL, 'x', ENV))
    expect(secrets).not.toContain('main')
    expect(secrets).not.toContain('https://ssapi.shipstation.com')
    expect(secrets).toHaveLength(3)
  })

  it('redactorFor hides them all in any text', () => {
    const config = parseConfig(WITH_EVERY_SECRET, 'x', ENV)
    const redactor = redactorFor(config)
    const text = secretsOf(config).join(' | ')
    expect(redactor.redact(text)).toBe(Array(7).fill(REDACTED).join(' | '))
    expect(redactor.redact(JSON.stringify(config))).not.toMatch(/ss-key|ss-secret|pk_live|partner-key|w0rd/)
  })
})

describe('error messages never contain secret values', () => {
  const SECRETS = [ENV.SS_KEY, ENV.SS_SECRET, ENV.KLAVIYO_KEY, 'sk_live_wrongshape99', 'hunter2-db-pass']

  it('when secrets sit next to every kind of error', () => {
    const text = `database: "mysql://relay:hunter2-db-pass@db/relay"
accounts:
  - id: main
    shipstation:
      apiKey: \${SS_KEY}
      apiSecret: ["\${SS_SECRET}"]
      partnerKey: 12345
      rateLimitReserve: \${SS_KEY}
    backfillDays: \${SS_SECRET}
    pollInterval: \${SS_KEY}
    timeZone: 7
  - id: main
    shipstation: { apiKey: "\${SS_KEY}", apiSecret: "\${SS_SECRET}", extra: "\${SS_SECRET}" }
destinations:
  - id: k
    type: klaviyo
    apiKey: sk_live_wrongshape99
    baseUrl: \${SS_SECRET}
    stores: ["\${SS_KEY}"]
    eventNames: { Order Shipped: "\${KLAVIYO_KEY}", Order On Hold: "\${KLAVIYO_KEY}" }
    batchSize: \${KLAVIYO_KEY}
`
    const error = configError(text)
    expect(error.issues.every((issue) => issue.path !== '')).toBe(true)
    expect(error.issues.length).toBeGreaterThanOrEqual(10)
    const everything = `${error.message}\n${JSON.stringify(error.issues)}`
    for (const secret of SECRETS) expect(everything).not.toContain(secret)
  })

  it('when a YAML syntax error sits right before a literal secret', () => {
    const text = `accounts:\n  - id: main\n    shipstation: { apiKey: a, apiSecret: b\n    apiKey: sk_live_wrongshape99\n`
    const error = configError(text)
    expect(error.issues[0]?.message).toMatch(/^YAML: /)
    expect(error.message).not.toContain('sk_live_wrongshape99')
  })

  it('when a secret lands in a field whose message quotes values', () => {
    // An id message may quote the id; a secret pasted there is still redacted because it also sits in
    // a secret field of the same file.
    const text = `${MINIMAL.replace('${SS_SECRET}', 'ss-secret-fedcba9876543210')}destinations:
  - { id: k, type: klaviyo, apiKey: pk_abcdef, events: [ss-secret-fedcba9876543210] }
`
    const error = configError(text)
    expect(error.issues).toMatchObject([{ path: 'destinations[0].events[0]', line: 7 }])
    expect(error.message).toContain(`unknown event name "${REDACTED}"`)
    expect(error.message).not.toContain(ENV.SS_SECRET)
  })
})
