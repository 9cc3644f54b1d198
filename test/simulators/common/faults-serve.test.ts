import Fastify from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { Faults, isControlUrl } from '../../../src/simulators/common/faults.js'
import { listen, type RunningServer } from '../../../src/simulators/common/serve.js'

let server: RunningServer | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

async function serve(faults: Faults): Promise<RunningServer> {
  const app = Fastify()
  faults.install(app, {
    serverError: (reply, status) => reply.code(status).send({ error: 'injected' }),
    tooManyRequests: (_request, reply) => reply.code(429).send({ error: 'slow down' }),
  })
  app.get('/data', async () => ({ items: [1, 2, 3, 4, 5, 6, 7, 8] }))
  app.get('/_sim/state', async () => ({ ok: true }))
  server = await listen(app, 0)
  return server
}

describe('listen', () => {
  it('picks a free port for port 0 and reports a reachable URL', async () => {
    const s = await serve(new Faults())
    expect(s.port).toBeGreaterThan(0)
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`)
    expect((await fetch(`${s.url}/data`)).status).toBe(200)
  })
})

describe('Faults', () => {
  it('starts with no fault and resets omitted knobs on set', () => {
    const faults = new Faults()
    expect(faults.settings).toMatchObject({ errorRate: 0, latencyMs: 0, burst429: 0, dropRate: 0 })
    faults.set({ errorRate: 0.5 })
    faults.set({ latencyMs: 5 })
    expect(faults.settings.errorRate).toBe(0)
    expect(() => faults.set({ errorRate: 2 })).toThrow()
    expect(() => faults.set({ nonsense: 1 })).toThrow()
  })

  it('injects each kind of fault and counts it, never on /_sim routes', async () => {
    const faults = new Faults()
    const s = await serve(faults)
    faults.set({ errorRate: 1, errorStatus: 502 })
    expect((await fetch(`${s.url}/data`)).status).toBe(502)
    expect((await fetch(`${s.url}/_sim/state`)).status).toBe(200)
    faults.set({ burst429: 1 })
    expect((await fetch(`${s.url}/data`)).status).toBe(429)
    expect((await fetch(`${s.url}/data`)).status).toBe(200)
    faults.set({ truncateRate: 1 })
    const cut = await (await fetch(`${s.url}/data`)).text()
    expect(cut).toBe('{"items":[1,2')
    faults.set({ malformedRate: 1 })
    expect(await (await fetch(`${s.url}/data`)).text()).toMatch(/^<html>/)
    faults.set({ dropRate: 1 })
    await expect(fetch(`${s.url}/data`)).rejects.toThrow()
    faults.set({ latencyMs: 120 })
    const t = Date.now()
    await fetch(`${s.url}/data`)
    expect(Date.now() - t).toBeGreaterThanOrEqual(110)
    expect(faults.counts).toEqual({ errors: 1, throttled: 1, truncated: 1, malformed: 1, dropped: 1 })
  })

  it('recognises control URLs exactly', () => {
    expect(isControlUrl('/_sim')).toBe(true)
    expect(isControlUrl('/_sim/faults?x=1')).toBe(true)
    expect(isControlUrl('/_simulate')).toBe(false)
    expect(isControlUrl('/orders?x=/_sim')).toBe(false)
  })
})
