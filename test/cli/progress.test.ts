import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { progressView } from '../../src/cli/progress.js'

function fakeStream(isTTY: boolean) {
  const stream = new PassThrough() as PassThrough & {
    isTTY: boolean
    columns: number
    cursorTo: () => boolean
    clearLine: () => boolean
    moveCursor: () => boolean
  }
  stream.isTTY = isTTY
  stream.columns = 200
  stream.cursorTo = () => true
  stream.clearLine = () => true
  stream.moveCursor = () => true
  let text = ''
  stream.on('data', (d: Buffer) => {
    text += d.toString()
  })
  return { stream, text: () => text }
}

describe('backfill progress', () => {
  it('draws a bar per account and stream on a TTY, with pages, records and rate-limit waits', () => {
    const { stream, text } = fakeStream(true)
    const view = progressView(stream as unknown as NodeJS.WriteStream)
    view.update({
      accountId: 'main',
      stream: 'orders',
      pages: 3,
      records: 1500,
      recordsEstimate: 4000,
      rateLimitWaits: 2,
    })
    view.stop()
    expect(text()).toContain('main orders')
    expect(text()).toContain('1500/4000 records, 3 pages, 2 rate-limit waits')
  })

  it('stays silent when the output is not a terminal', () => {
    const { stream, text } = fakeStream(false)
    const view = progressView(stream as unknown as NodeJS.WriteStream)
    view.update({
      accountId: 'main',
      stream: 'orders',
      pages: 1,
      records: 10,
      recordsEstimate: 10,
      rateLimitWaits: 0,
    })
    view.stop()
    expect(text()).toBe('')
  })
})
