import { describe, expect, it } from 'vitest'
import { createLogger, type LogLevel } from '../../src/lib/logger.js'
import { REDACTED, Redactor } from '../../src/lib/redact.js'

const KEY = 'ss-key-0123456789abcdef'
const SECRET = 'ss-secret-fedcba9876543210'
const PK = 'pk_live_abcdef0123456789'
const ODD = 'pa"ss\\word-with-json-specials'

function capture(level: LogLevel = 'trace') {
  const lines: string[] = []
  const redactor = new Redactor().add(KEY).add(SECRET).add(PK).add(ODD)
  const logger = createLogger({ level, redactor, destination: { write: (line: string) => lines.push(line) } })
  const output = () => lines.join('')
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>)
  return { logger, output, records }
}

function expectNoSecret(text: string): void {
  for (const secret of [KEY, SECRET, PK, 'ss-key-', 'ss-secret-', 'pk_live_', 'pa\\"ss']) {
    expect(text).not.toContain(secret)
  }
}

describe('createLogger', () => {
  it('writes one JSON line per call with level and message', () => {
    const { logger, records } = capture('info')
    logger.info({ account: 'main' }, 'polled')
    expect(records()).toMatchObject([{ level: 30, msg: 'polled', account: 'main' }])
  })

  it('redacts secrets in messages, format arguments, fields and bindings', () => {
    const { logger, output, records } = capture()
    logger
      .child({ apiKey: KEY })
      .info(
        { headers: { authorization: `Klaviyo-API-Key ${PK}` }, nested: [{ s: SECRET }] },
        'using %s',
        SECRET,
      )
    logger.warn(`plain message with ${KEY}:${SECRET}`)
    logger.info({ password: ODD }, 'json specials')
    const text = output()
    expectNoSecret(text)
    const [first, second, third] = records()
    expect(first).toMatchObject({
      apiKey: REDACTED,
      msg: `using ${REDACTED}`,
      headers: { authorization: `Klaviyo-API-Key ${REDACTED}` },
      nested: [{ s: REDACTED }],
    })
    expect(second?.msg).toBe(`plain message with ${REDACTED}:${REDACTED}`)
    expect(third?.password).toBe(REDACTED)
  })

  it('redacts error messages, stacks and the Basic credential of a request', () => {
    const { logger, output, records } = capture()
    const basic = Buffer.from(`${KEY}:${SECRET}`).toString('base64')
    const err = new Error(`401 from ShipStation with Basic ${basic} (key ${KEY})`)
    logger.error(err)
    logger.error({ err, attempt: 2 }, 'request failed')
    const text = output()
    expectNoSecret(text)
    expect(text).not.toContain(basic)
    const [first, second] = records()
    const firstErr = first?.err as { message: string; stack: string }
    expect(firstErr.message).toBe(`401 from ShipStation with Basic ${REDACTED} (key ${REDACTED})`)
    expect(firstErr.stack).toContain(`(key ${REDACTED})`)
    expect(second).toMatchObject({ attempt: 2, msg: 'request failed' })
  })

  it('honours the level, including silent', () => {
    const info = capture('info')
    info.logger.debug('hidden')
    info.logger.info('shown')
    expect(info.records().map((r) => r.msg)).toEqual(['shown'])
    const silent = capture('silent')
    silent.logger.fatal('nothing')
    expect(silent.output()).toBe('')
  })
})
