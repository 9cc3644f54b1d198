/** `shiprelay run` stopped while it is still starting: a SIGTERM ends start-up cleanly, exit 0. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCli } from '../helpers/cli.js'
import { DATABASES } from '../helpers/databases.js'
import { type Pipeline, startPipeline } from '../helpers/pipeline.js'

describe('shiprelay run stopped during start-up', () => {
  let p: Pipeline
  // A ShipStation that takes requests and never answers: start-up waits on its webhook list.
  const held: { request: IncomingMessage; response: ServerResponse }[] = []
  let heard: () => void
  const asked = new Promise<void>((resolve) => {
    heard = resolve
  })
  const silent = createServer((request, response) => {
    held.push({ request, response })
    heard()
  })
  beforeAll(async () => {
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const address = silent.address()
    const port = typeof address === 'object' && address ? address.port : 0
    p = await startPipeline(DATABASES[0]!, {
      accountsYaml: () => `accounts:
  - id: main
    shipstation:
      apiKey: test-ss-key
      apiSecret: \${SS_SECRET}
      baseUrl: http://127.0.0.1:${port}
`,
      topYaml: 'webhooks: { publicUrl: "http://127.0.0.1:9" }\n',
    })
  })
  afterAll(async () => {
    for (const { response } of held) response.destroy()
    silent.closeAllConnections()
    await new Promise((resolve) => silent.close(resolve))
    await p.dispose()
  })

  it('a SIGTERM while the webhook subscription waits on ShipStation exits 0 with one line', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'shiprelay-startup-')), 'shiprelay.yaml')
    writeFileSync(file, p.yaml)
    const run = startCli(['run', '-c', file], p.env)
    try {
      await asked // start-up reached the webhook subscription and is waiting there
      expect(held.map((h) => `${h.request.method} ${h.request.url}`)).toEqual(['GET /webhooks'])
      run.child.kill('SIGTERM')
      const ended = await run.done
      expect(ended.signal).toBeNull()
      expect(ended.code).toBe(0)
      expect(ended.stdout).toBe('shiprelay: stopped during start-up\n')
      expect(ended.stderr).toBe('')
    } finally {
      run.child.kill('SIGKILL')
    }
  })
})
