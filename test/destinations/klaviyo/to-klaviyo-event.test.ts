import { readFileSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { KLAVIYO_LIMITS, utf8Bytes } from '../../../src/destinations/klaviyo/limits.js'
import { toE164 } from '../../../src/destinations/klaviyo/phone.js'
import { toKlaviyoEvent } from '../../../src/destinations/klaviyo/to-klaviyo-event.js'
import type { KlaviyoEventAttributes } from '../../../src/destinations/klaviyo/types.js'
import type { OrderEvent } from '../../../src/events/model.js'
import { orderEvent } from '../order-event.js'

/** Set UPDATE_GOLDEN=1 to rewrite the files after a deliberate change; review the diff before committing. */
const UPDATE = process.env.UPDATE_GOLDEN === '1'

function mapped(event: OrderEvent, names = {}): KlaviyoEventAttributes {
  const result = toKlaviyoEvent(event, names)
  if (result.kind !== 'mapped') throw new Error(`expected a mapped event, got ${result.reason}`)
  return result.attributes
}

const GOLDEN: Record<string, OrderEvent> = {
  'shipped-label': orderEvent(),
  'shipped-manual': orderEvent({
    id: 'main:100235:shipped:manual',
    order: { orderId: 100235, orderNumber: '1043' },
    shipping: {
      via: 'manual',
      carrier: null,
      service: null,
      trackingNumber: null,
      trackingUrl: null,
      shipDate: '2026-09-01',
      provider: null,
    },
  }),
  'shipped-external': orderEvent({
    id: 'main:100236:shipped:external',
    shipping: {
      via: 'external',
      carrier: 'USPS',
      service: null,
      trackingNumber: '9400111899223197428490',
      trackingUrl: null,
      shipDate: '2026-08-31',
      provider: 'Amazon FBA',
    },
    order: {
      orderId: 100236,
      orderNumber: '1044',
      marketplace: 'Amazon',
      storeName: 'Amazon US',
      storeId: 777,
    },
  }),
  'on-hold': orderEvent({
    id: 'main:100237:on_hold:2026-09-10',
    name: 'Order On Hold',
    shipping: null,
    order: { orderId: 100237, orderNumber: '1045', status: 'on_hold', holdUntil: '2026-09-10' },
  }),
  split: orderEvent({
    id: 'main:100238:shipped:5570',
    order: {
      orderId: 100238,
      orderNumber: '1042-1',
      parentOrderId: 100234,
      parentOrderNumber: '1042',
      value: 9.99,
      items: [
        {
          name: 'Winnie the Pooh',
          sku: 'WINNIEPOOH',
          quantity: 1,
          unitPrice: 9.99,
          imageUrl: 'https://example.com/pooh.png',
        },
      ],
    },
  }),
  'no-phone': orderEvent({
    id: 'main:100239:awaiting_shipment',
    name: 'Order Awaiting Shipment',
    shipping: null,
    customer: { phone: null },
    order: { orderId: 100239, orderNumber: '1047', status: 'awaiting_shipment' },
  }),
  'bad-phone': orderEvent({
    id: 'main:100240:shipped:5571',
    customer: { phone: '555-0100 ext 12' },
    order: { orderId: 100240, orderNumber: '1048' },
  }),
}

describe('toKlaviyoEvent golden payloads', () => {
  for (const [name, event] of Object.entries(GOLDEN)) {
    it(`maps ${name} exactly as pinned in golden/${name}.json`, () => {
      const file = new URL(`./golden/${name}.json`, import.meta.url)
      const actual = mapped(event)
      if (UPDATE) writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`)
      expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')))
    })
  }
})

describe('toKlaviyoEvent', () => {
  it('skips an order without customer email', () => {
    expect(toKlaviyoEvent(orderEvent({ customer: { email: null } }))).toEqual({
      kind: 'skipped',
      reason: 'no email',
    })
    expect(toKlaviyoEvent(orderEvent({ customer: { email: '  ' } }))).toEqual({
      kind: 'skipped',
      reason: 'no email',
    })
  })

  it('uses the event id as unique_id and the UTC time it happened', () => {
    const attributes = mapped(
      orderEvent({ id: 'acct:1:x', occurredAt: Date.parse('2026-03-08T09:30:00-07:00') }),
    )
    expect(attributes.unique_id).toBe('acct:1:x')
    expect(attributes.time).toBe('2026-03-08T16:30:00.000Z')
  })

  it('flags history with backfill and leaves live events without it', () => {
    expect(mapped(orderEvent({ historical: true })).backfill).toBe(true)
    expect('backfill' in mapped(orderEvent())).toBe(false)
  })

  it('applies per-destination metric renames and keeps other names', () => {
    const renames = { 'Order Canceled': 'Order Cancelled' }
    expect(mapped(orderEvent({ name: 'Order Canceled' }), renames).metric.data.attributes.name).toBe(
      'Order Cancelled',
    )
    expect(mapped(orderEvent(), renames).metric.data.attributes.name).toBe('Order Shipped')
  })

  it('never sends null and keeps one type per key', () => {
    const json = JSON.stringify(mapped(GOLDEN['shipped-manual']!))
    expect(json).not.toContain('null')
    const a = mapped(GOLDEN['shipped-label']!).properties
    expect(typeof a.OrderId).toBe('string')
    expect(typeof a.StoreId).toBe('string')
    expect(typeof a.ItemCount).toBe('number')
  })

  it('keeps a 5,000-line order inside the array and field limits and says it truncated', () => {
    const items = Array.from({ length: 5000 }, (_, i) => ({
      name: `Item ${i}`,
      sku: `SKU-${i}`,
      quantity: 1,
      unitPrice: 1.5,
      imageUrl: `https://cdn.example.com/images/${i}.png`,
    }))
    const { properties } = mapped(orderEvent({ order: { items } }))
    const kept = properties.Items as unknown[]
    expect(kept.length).toBeGreaterThan(100)
    expect(kept.length).toBeLessThan(5000)
    expect(utf8Bytes(JSON.stringify(kept))).toBeLessThanOrEqual(KLAVIYO_LIMITS.fieldBytes)
    expect((properties.ItemNames as unknown[]).length).toBe(kept.length)
    expect(properties.ItemsTruncated).toBe(true)
    expect(properties.ItemCount).toBe(5000)
    expect(Object.keys(properties).length).toBeLessThanOrEqual(KLAVIYO_LIMITS.properties)
  })

  it('cuts an oversized string to 100 KB without splitting a character', () => {
    const { properties } = mapped(orderEvent({ order: { storeName: 'é'.repeat(60_000) } }))
    const storeName = properties.StoreName as string
    expect(utf8Bytes(storeName)).toBeLessThanOrEqual(KLAVIYO_LIMITS.fieldBytes)
    expect(storeName).toBe('é'.repeat(50_000))
  })
})

describe('toE164', () => {
  it.each([
    ['+15005550006', 'US', '+15005550006'],
    ['(500) 555-0006', 'US', '+15005550006'],
    ['500.555.0006', null, '+15005550006'],
    ['1-500-555-0006', 'CA', '+15005550006'],
    ['+44 20 7946 0958', 'GB', '+442079460958'],
  ])('normalises %s (%s) to %s', (phone, country, expected) => {
    expect(toE164(phone, country)).toBe(expected)
  })

  it.each([
    ['020 7946 0958', 'GB'],
    ['555-0100 ext 12', 'US'],
    ['123-456-7890', 'US'],
    ['+0123456789', 'US'],
    ['+1234', 'US'],
    ['', 'US'],
  ])('drops %s (%s)', (phone, country) => {
    expect(toE164(phone, country)).toBeUndefined()
  })
})
