import { describe, expect, it } from 'vitest'
import { type BulkItem, blame, chunkForBulk, toBulkJob } from '../../../src/destinations/klaviyo/bulk.js'
import { toKlaviyoEvent } from '../../../src/destinations/klaviyo/to-klaviyo-event.js'
import { orderEvent } from '../order-event.js'

function item(id: string, email: string): BulkItem {
  const result = toKlaviyoEvent(orderEvent({ id, historical: true, customer: { email } }))
  if (result.kind !== 'mapped') throw new Error('not mapped')
  return { id, attributes: result.attributes }
}

const P = '/data/attributes/events-bulk-create/data'

describe('toBulkJob', () => {
  it('groups events by profile, without a profile on the inner events', () => {
    const { entries, layout } = toBulkJob([
      item('a', 'x@example.com'),
      item('b', 'y@example.com'),
      item('c', 'x@example.com'),
    ])
    expect(layout.map((group) => group.map((i) => i.id))).toEqual([['a', 'c'], ['b']])
    expect(entries[0]!.attributes.profile.data.attributes.email).toBe('x@example.com')
    const inner = entries[0]!.attributes.events.data.map((e) => e.attributes)
    expect(inner.map((e) => e.unique_id)).toEqual(['a', 'c'])
    expect(inner.every((e) => !('profile' in e) && e.backfill === true)).toBe(true)
  })
})

describe('chunkForBulk', () => {
  it('cuts at batchSize', () => {
    const items = Array.from({ length: 25 }, (_, i) => item(`e${i}`, 'x@example.com'))
    expect(chunkForBulk(items, 10).map((job) => job.length)).toEqual([10, 10, 5])
  })

  it('cuts before the 5 MB body limit', () => {
    const big = item('big', 'x@example.com')
    big.attributes.properties.Note = 'x'.repeat(99_000)
    const items = Array.from({ length: 60 }, (_, i) => ({ ...big, id: `e${i}` }))
    const jobs = chunkForBulk(items, 1000)
    expect(jobs.length).toBe(2)
    for (const job of jobs) expect(JSON.stringify(toBulkJob(job).entries).length).toBeLessThan(5_000_000)
  })
})

describe('blame', () => {
  const layout = [[item('a', 'x@example.com'), item('c', 'x@example.com')], [item('b', 'y@example.com')]]

  it('blames the event a pointer names', () => {
    const result = blame(
      [{ pointer: `${P}/0/attributes/events/data/1/attributes/time`, reason: 'bad time' }],
      layout,
    )
    expect([...result.dead].map(([i, r]) => [i.id, r])).toEqual([['c', 'bad time']])
    expect(result.suspects).toEqual([])
  })

  it('blames every event of an entry whose profile is invalid', () => {
    for (const pointer of [`${P}/0/attributes/profile/data/attributes/email`, `${P}/0/attributes/email`]) {
      const result = blame([{ pointer, reason: 'Invalid email address' }], layout)
      expect([...result.dead.keys()].map((i) => i.id)).toEqual(['a', 'c'])
    }
  })

  it('makes an entry suspect when the pointer stops at the entry or its event list', () => {
    expect(blame([{ pointer: `${P}/0`, reason: 'r' }], layout).suspects.map((i) => i.id)).toEqual(['a', 'c'])
    expect(blame([{ pointer: `${P}/0/attributes/events/data/7`, reason: 'r' }], layout).suspects.length).toBe(
      2,
    )
  })

  it('blames nobody for pointers it cannot place', () => {
    for (const pointer of [undefined, '/data', `${P}/9/attributes/email`, '/data/attributes/profile']) {
      const result = blame([{ pointer, reason: 'r' }], layout)
      expect(result.dead.size + result.suspects.length).toBe(0)
    }
  })
})
