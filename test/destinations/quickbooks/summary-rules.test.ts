/**
 * The pure parts of summary mode: prices of grouped lines that pass QuickBooks' 6070 check, DocNumbers
 * within 21 characters, the day calendar (closing and the first open day agree, DST included), and the
 * config keys.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ConfigSchema } from '../../../src/config/schema.js'
import { lineCents } from '../../../src/destinations/quickbooks/money.js'
import { closesAt, firstOpenDay } from '../../../src/destinations/quickbooks/summary/calendar.js'
import { contributionOf } from '../../../src/destinations/quickbooks/summary/contribution.js'
import { priced } from '../../../src/destinations/quickbooks/summary/lines.js'
import { storeCode, summaryDocNumber } from '../../../src/destinations/quickbooks/summary/naming.js'
import { orderEvent } from '../order-event.js'

const ZONE = 'America/Los_Angeles'

describe('summary lines: Qty × UnitPrice = Amount as QuickBooks checks it', () => {
  it('keeps an exact average, and finds a six-decimal price for a fractional one', () => {
    expect(priced(3000, 2997)).toEqual({ Qty: 3, UnitPrice: 9.99 })
    const { Qty, UnitPrice } = priced(3000, 1000)
    expect([Qty, UnitPrice]).toEqual([3, 3.333333])
    expect(lineCents(Qty!, UnitPrice!)).toBe(1000)
    expect(priced(-2000, -1998)).toEqual({ Qty: -2, UnitPrice: 9.99 })
  })

  it('satisfies the check for any quantity up to 10,000 and any amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        (qty, cents) => {
          const { Qty, UnitPrice } = priced(qty * 1000, cents)
          expect(Qty).toBe(qty)
          expect(lineCents(Qty!, UnitPrice!)).toBe(cents)
        },
      ),
    )
  })

  it('sends Qty without UnitPrice when no six-decimal price gives the amount', () => {
    expect(priced(20_000_000, 1)).toEqual({ Qty: 20_000 })
    expect(priced(0, 0)).toEqual({})
  })
})

describe('summary contributions', () => {
  it('totals an order as the per-order document would, and leaves tax out of an untaxed store', () => {
    const event = orderEvent({ order: { value: 40.47, taxAmount: 2.5, shippingAmount: 5 } })
    // Items 34.97 + shipping 5 + tax 2.5 = 42.47; the order says 40.47: a discount of 2.00.
    expect(contributionOf(event, true)).toMatchObject({
      totalCents: 4047,
      content: { shippingCents: 500, taxCents: 250, discountCents: 200 },
    })
    expect(contributionOf(event, false)).toMatchObject({
      totalCents: 3797,
      content: { taxCents: 0, discountCents: 200 },
    })
  })
})

describe('summary DocNumbers', () => {
  it('is prefix + yyyymmdd + store code, at most 21 characters, keeping the end of a long code', () => {
    expect(summaryDocNumber('S', '2026-11-24', '301')).toBe('S20261124-301')
    const long = summaryDocNumber('SUMMARY', '2026-11-24', '1234567890')
    expect(long).toBe('SUMMARY20261124-67890')
    expect(long).toHaveLength(21)
  })

  it('takes the configured code by store name or id, else the store id, else the name', () => {
    const codes = { amazon: 'AMZ', '302': 'ET' }
    expect(storeCode(codes, { storeId: 301, storeName: 'Amazon' })).toBe('AMZ')
    expect(storeCode(codes, { storeId: 302, storeName: 'Etsy' })).toBe('ET')
    expect(storeCode(codes, { storeId: 303, storeName: 'Web' })).toBe('303')
    expect(storeCode({}, { storeId: null, storeName: 'Web Shop #2' })).toBe('WEBSHOP2')
  })
})

describe('summary calendar', () => {
  it('closes a day closeAfter past the midnight that ends it, across the fall-back too', () => {
    expect(new Date(closesAt('2026-11-24', ZONE, 2 * 3_600_000)).toISOString()).toBe(
      '2026-11-25T10:00:00.000Z',
    )
    // 31 October ends at PDT midnight (07:00 UTC); two hours later the clocks read 01:00 PST.
    expect(new Date(closesAt('2026-10-31', ZONE, 2 * 3_600_000)).toISOString()).toBe(
      '2026-11-01T09:00:00.000Z',
    )
  })

  it('calls a day open exactly while it has not closed', () => {
    const start = Date.parse('2026-01-01T00:00:00Z')
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 400 * 86_400_000 }),
        fc.integer({ min: -2, max: 2 }),
        fc.integer({ min: 0, max: 23 * 3_600_000 }),
        (offset, shift, closeAfter) => {
          const now = start + offset
          const day = new Date(now + shift * 86_400_000).toISOString().slice(0, 10)
          expect(firstOpenDay(now, ZONE, closeAfter) <= day).toBe(now < closesAt(day, ZONE, closeAfter))
        },
      ),
    )
  })
})

describe('summary config', () => {
  const base = {
    accounts: [{ id: 'main', shipstation: { apiKey: 'k', apiSecret: 's' } }],
    destinations: [{ id: 'books', type: 'quickbooks', realmId: '123', clientId: 'c', clientSecret: 's' }],
  }
  const parse = (extra: object) =>
    ConfigSchema.safeParse({ ...base, destinations: [{ ...base.destinations[0], ...extra }] })

  it('defaults to per-order mode and takes the summary keys', () => {
    const plain = parse({})
    expect(plain.success && plain.data.destinations[0]).toMatchObject({
      mode: 'perOrder',
      closeAfter: 7_200_000,
    })
    const summary = parse({
      mode: 'summary',
      closeAfter: '90m',
      summaryPrefix: 'D-',
      summaryStoreCodes: { Amazon: 'AMZ' },
    })
    expect(summary.success && summary.data.destinations[0]).toMatchObject({
      mode: 'summary',
      closeAfter: 5_400_000,
      summaryPrefix: 'D-',
      summaryStoreCodes: { Amazon: 'AMZ' },
    })
  })

  it('rejects a close of a day or more, a long prefix and a store code that is not letters or digits', () => {
    expect(parse({ closeAfter: '1d' }).success).toBe(false)
    expect(parse({ summaryPrefix: 'TOOLONGPREFIX' }).success).toBe(false)
    expect(parse({ summaryStoreCodes: { Amazon: 'A-Z' } }).success).toBe(false)
  })
})
