import { describe, expect, it } from 'vitest'
import { detectChange, type Observation } from '../../src/events/detect.js'
import { eventId } from '../../src/events/event-id.js'
import { customer, order } from './fixtures.js'

const base: Observation = {
  accountId: 'main',
  historical: false,
  order: order(),
  customer,
  createMs: 1_000_000,
  modifyMs: 5_000_000,
  paymentMs: 2_000_000,
  modifyDate: '2024-03-10T15:00:00.0000000',
  previous: undefined,
  shipping: undefined,
}

describe('detectChange', () => {
  it('gives a first-seen order one event for its status, timed at payment for awaiting shipment', () => {
    const d = detectChange(base)
    expect(d.kind).toBe('event')
    if (d.kind !== 'event') return
    expect(d.event.name).toBe('Order Awaiting Shipment')
    expect(d.event.occurredAt).toBe(2_000_000)
    expect(d.event.id).toBe(eventId('main', 5001, 'Order Awaiting Shipment', 'initial'))
  })

  it('raises nothing when the status is unchanged', () => {
    expect(detectChange({ ...base, previous: { status: 'awaiting_shipment' } })).toEqual({ kind: 'none' })
  })

  it('times a later status change at modifyDate and anchors its id there', () => {
    const d = detectChange({
      ...base,
      order: order({ status: 'on_hold' }),
      previous: { status: 'awaiting_shipment' },
    })
    if (d.kind !== 'event') throw new Error(d.kind)
    expect(d.event.name).toBe('Order On Hold')
    expect(d.event.occurredAt).toBe(5_000_000)
    expect(d.event.id).toBe(eventId('main', 5001, 'Order On Hold', 'modified:2024-03-10T15:00:00.0000000'))
  })

  it('anchors Order Shipped on the label, so poll and webhook agree on the id', () => {
    const shipping = {
      anchor: 'label:8101',
      orderId: 5001,
      createdMs: 7_000_000,
      voided: false,
      facts: {
        via: 'label' as const,
        carrier: 'ups',
        service: 'ups_ground',
        trackingNumber: '1Z',
        trackingUrl: 'https://www.ups.com/track?tracknum=1Z',
        shipDate: '2024-03-11',
        provider: null,
      },
    }
    const a = detectChange({
      ...base,
      order: order({ status: 'shipped' }),
      previous: { status: 'awaiting_shipment' },
      shipping,
    })
    const b = detectChange({
      ...base,
      modifyMs: 9_999_999,
      order: order({ status: 'shipped' }),
      previous: { status: 'on_hold' },
      shipping,
    })
    if (a.kind !== 'event' || b.kind !== 'event') throw new Error('expected events')
    expect(a.event.id).toBe(b.event.id)
    expect(a.event.occurredAt).toBe(7_000_000)
    expect(a.event.shipping?.trackingNumber).toBe('1Z')
  })

  it('raises Order Canceled for a real cancellation', () => {
    const d = detectChange({
      ...base,
      order: order({ status: 'cancelled' }),
      previous: { status: 'awaiting_payment' },
    })
    expect(d.kind === 'event' && d.event.name).toBe('Order Canceled')
  })

  it('records statuses outside the catalog without an event', () => {
    const d = detectChange({ ...base, order: order({ status: 'some_new_status' }) })
    expect(d).toEqual({ kind: 'suppressed', reason: 'status some_new_status has no event' })
  })

  it('marks backfilled events historical', () => {
    const d = detectChange({ ...base, historical: true })
    expect(d.kind === 'event' && d.event.historical).toBe(true)
  })
})

describe('eventId', () => {
  it('is deterministic and differs per input', () => {
    expect(eventId('a', 1, 'Order Shipped', 'label:1')).toBe(eventId('a', 1, 'Order Shipped', 'label:1'))
    expect(eventId('a', 1, 'Order Shipped', 'label:1')).not.toBe(eventId('b', 1, 'Order Shipped', 'label:1'))
    expect(eventId('a', 1, 'Order Shipped', 'label:1')).toMatch(/^ev_[0-9a-f]{40}$/)
  })
})
