/**
 * The fault harness is only as good as its judge: these cases pin which differences between the
 * simulated ShipStation's history and Klaviyo's events it accepts and which it flags.
 */
import { describe, expect, it } from 'vitest'
import { type DeliveredEvent, type Entry, judge, type OrderFacts, type Timeline } from './chaos/judge.js'

const S = 1000
const T0 = Date.parse('2026-03-02T18:00:00Z')
/** Cycles completed every 2 s from T0 on, for a minute. */
const timeline: Timeline = {
  completions: Array.from({ length: 30 }, (_, i) => T0 + i * 2 * S),
  startedAt: T0,
  liveAt: T0 + 2 * S,
  reachFrom: T0 - 90 * 86_400 * S,
}

function order(entries: [string, number, string?][], hasEmail = true): OrderFacts {
  return {
    orderId: 7,
    hasEmail,
    entries: entries.map(([status, at, via]): Entry => ({ status, at, via: via ?? 'updated' })),
  }
}

let n = 0
function sent(metric: string, time: number, backfill = false): DeliveredEvent {
  return { orderId: 7, metric, time: Math.floor(time / 1000) * 1000, uniqueId: `ev_${n++}`, backfill }
}

describe('judge', () => {
  it('expects one event per status that lasted a whole cycle, history before the start', () => {
    const o = order([
      ['awaiting_shipment', T0 - 3600 * S, 'created'],
      ['on_hold', T0 + 10_500],
      ['shipped', T0 + 20_500, 'label'],
    ])
    const v = judge(
      [o],
      [
        sent('Order Awaiting Shipment', T0 - 3600 * S, true),
        sent('Order On Hold', T0 + 10_500),
        sent('Order Shipped', T0 + 20_500),
      ],
      timeline,
    )
    expect(v.problems).toEqual([])
    expect([v.expected, v.delivered]).toEqual([3, 3])
  })

  it('flags a status that lasted a whole cycle and never came', () => {
    const o = order([
      ['awaiting_shipment', T0 - 3600 * S, 'created'],
      ['on_hold', T0 + 10_500],
      ['shipped', T0 + 20_500, 'label'],
    ])
    const v = judge(
      [o],
      [sent('Order Awaiting Shipment', T0 - 3600 * S, true), sent('Order Shipped', T0 + 20_500)],
      timeline,
    )
    expect(v.problems.map((p) => p.kind)).toEqual(['missing'])
    expect(v.problems[0]!.detail).toContain('on_hold')
  })

  it('lets a status pass unseen when the next change came within one cycle', () => {
    const o = order([
      ['awaiting_payment', T0 + 10_100, 'created'],
      ['awaiting_shipment', T0 + 10_900, 'paid'],
      ['on_hold', T0 + 30_500, 'hold'],
    ])
    const v = judge(
      [o],
      [sent('Order Awaiting Shipment', T0 + 10_900), sent('Order On Hold', T0 + 30_500)],
      timeline,
    )
    expect(v.problems).toEqual([])
    expect([v.expected, v.optional, v.optionalDelivered]).toEqual([2, 1, 0])
    // …and accepts it too when shiprelay happened to see it.
    const both = judge(
      [o],
      [
        sent('Order Awaiting Payment', T0 + 10_100),
        sent('Order Awaiting Shipment', T0 + 10_900),
        sent('Order On Hold', T0 + 30_500),
      ],
      timeline,
    )
    expect(both.problems).toEqual([])
    expect(both.optionalDelivered).toBe(1)
  })

  it('expects nothing for a return to the status last seen when the change between went unseen', () => {
    const o = order([
      ['awaiting_shipment', T0 - 3600 * S, 'created'],
      ['on_hold', T0 + 10_100, 'hold'],
      ['awaiting_shipment', T0 + 10_600, 'release'],
    ])
    expect(judge([o], [sent('Order Awaiting Shipment', T0 - 3600 * S, true)], timeline).problems).toEqual([])
  })

  it('flags the same status announced twice, one unique_id stored twice, and events nobody caused', () => {
    const o = order([
      ['awaiting_shipment', T0 - 3600 * S, 'created'],
      ['shipped', T0 + 20_500, 'label'],
    ])
    const first = sent('Order Awaiting Shipment', T0 - 3600 * S, true)
    const twice = judge([o], [first, { ...first }, sent('Order Shipped', T0 + 20_500)], timeline)
    expect(twice.count('duplicated')).toBeGreaterThanOrEqual(1)
    const again = judge(
      [o],
      [first, sent('Order Shipped', T0 + 20_500), sent('Order Shipped', T0 + 20_500)],
      timeline,
    )
    expect(again.count('duplicated')).toBe(1)
    const invented = judge([o], [first, sent('Order Canceled', T0 + 25_000)], timeline)
    expect(invented.problems.map((p) => p.kind).sort()).toEqual(['extra', 'missing'])
  })

  it('flags any event of an order without email and any announced merge', () => {
    const noEmail = order([['awaiting_shipment', T0 - 3600 * S, 'created']], false)
    expect(
      judge([noEmail], [sent('Order Awaiting Shipment', T0 - 3600 * S, true)], timeline).count('extra'),
    ).toBe(1)
    const merged = order([
      ['awaiting_shipment', T0 - 7200 * S, 'created'],
      ['cancelled', T0 - 3600 * S, 'merge'],
    ])
    expect(judge([merged], [], timeline).problems).toEqual([])
    expect(judge([merged], [sent('Order Canceled', T0 - 3600 * S, true)], timeline).count('extra')).toBe(1)
  })

  it('checks the history flag: old statuses as history, live changes live', () => {
    const o = order([
      ['awaiting_shipment', T0 - 3600 * S, 'created'],
      ['on_hold', T0 + 10_500],
    ])
    const v = judge(
      [o],
      [sent('Order Awaiting Shipment', T0 - 3600 * S, false), sent('Order On Hold', T0 + 10_500, true)],
      timeline,
    )
    expect(v.count('history flag')).toBe(2)
  })

  it('requires nothing that changed before the first cycle after it completed', () => {
    const sparse: Timeline = { ...timeline, completions: [T0, T0 + 60 * S] }
    const o = order([
      ['awaiting_shipment', T0 + 10_000, 'created'],
      ['on_hold', T0 + 20_000],
      ['shipped', T0 + 30_000, 'label'],
    ])
    const v = judge([o], [], sparse)
    expect([v.expected, v.optional, v.problems.length]).toEqual([0, 3, 0])
  })
})
