import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  rawFulfillmentSchema,
  rawOrderSchema,
  rawShipmentSchema,
} from '../../src/source/shipstation/raw-types.js'
import {
  shippingFromFulfillment,
  shippingFromShipment,
  toEventCustomer,
  toEventOrder,
} from '../../src/sync/to-event-facts.js'

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/shipstation/${name}`, import.meta.url), 'utf8'))

describe('mappers from the reference example payloads', () => {
  const order = rawOrderSchema.parse(fixture('order-reference-example.json'))

  it('maps an order to event facts, converting Pacific times to UTC', () => {
    expect(toEventOrder(order, { name: 'My Shopify Store', marketplace: 'Shopify' }, undefined)).toEqual({
      orderId: 5001,
      orderNumber: 'WEB-1001',
      orderKey: 'web-1001',
      storeId: 10,
      storeName: 'My Shopify Store',
      marketplace: 'Shopify',
      status: 'awaiting_shipment',
      // 2024-03-10T14:05 Pacific is PDT (DST began at 02:00 that morning): UTC-7.
      orderDate: '2024-03-10T21:05:00.000Z',
      value: 24,
      currency: 'USD',
      amountPaid: 24,
      taxAmount: 0,
      shippingAmount: 5,
      items: [{ name: 'Mug', sku: 'MUG-1', quantity: 2, unitPrice: 9.5, imageUrl: null }],
      shipTo: { city: 'Reno', region: 'NV', country: 'US', postalCode: '89501' },
      holdUntil: null,
      parentOrderId: null,
      parentOrderNumber: null,
    })
  })

  it('takes the customer from the order email and the bill-to name', () => {
    expect(toEventCustomer(order)).toEqual({
      email: 'ann@example.com',
      firstName: 'Ann',
      lastName: 'Lee',
      phone: null,
    })
  })

  it('falls back to a username that is an email, and leaves no email as null', () => {
    const noEmail = rawOrderSchema.parse({
      ...order,
      customerEmail: null,
      customerUsername: 'buyer@example.org',
    })
    expect(toEventCustomer(noEmail).email).toBe('buyer@example.org')
    const none = rawOrderSchema.parse({ ...order, customerEmail: '', customerUsername: 'buyer123' })
    expect(toEventCustomer(none).email).toBeNull()
  })

  it('drops discount adjustment lines from items', () => {
    const withDiscount = rawOrderSchema.parse({
      ...order,
      items: [
        ...(order.items ?? []),
        { sku: '', name: 'Discount', quantity: 1, unitPrice: -2, adjustment: true },
      ],
    })
    expect(toEventOrder(withDiscount, undefined, undefined).items).toHaveLength(1)
  })

  it('maps a label shipment with a tracking URL', () => {
    const [shipment] = (fixture('shipments-reference-example.json') as { shipments: unknown[] }).shipments
    const record = shippingFromShipment(rawShipmentSchema.parse(shipment))
    expect(record).toEqual({
      anchor: 'label:8101',
      orderId: 5001,
      createdMs: Date.parse('2024-03-11T16:15:02.517Z'),
      voided: false,
      facts: {
        via: 'label',
        carrier: 'stamps_com',
        service: 'usps_ground_advantage',
        trackingNumber: '9400100000000000000001',
        trackingUrl: 'https://tools.usps.com/go/TrackConfirmAction?tLabels=9400100000000000000001',
        shipDate: '2024-03-11',
        provider: null,
      },
    })
  })

  it('tells a hand-marked fulfilment from a provider one', () => {
    const base = {
      fulfillmentId: 77,
      orderId: 5001,
      orderNumber: 'WEB-1001',
      createDate: '2024-11-03T01:30:00.0000000',
      shipDate: '2024-11-03T01:30:00.0000000',
      trackingNumber: '1Z999',
      carrierCode: 'UPS',
      fulfillmentProviderCode: null,
      sellerFillProviderName: null,
    }
    const manual = shippingFromFulfillment(rawFulfillmentSchema.parse(base))
    expect(manual.facts.via).toBe('manual')
    expect(manual.facts.trackingUrl).toBe('https://www.ups.com/track?tracknum=1Z999')
    // A wall time in the repeated fall-back hour: once both instants are past, the later (PST) one;
    // read while only the first has happened, the earlier (PDT) one.
    expect(manual.createdMs).toBe(Date.parse('2024-11-03T09:30:00Z'))
    const duringFirstPass = shippingFromFulfillment(
      rawFulfillmentSchema.parse(base),
      Date.parse('2024-11-03T08:31:00Z'),
    )
    expect(duringFirstPass.createdMs).toBe(Date.parse('2024-11-03T08:30:00Z'))
    const external = shippingFromFulfillment(
      rawFulfillmentSchema.parse({ ...base, sellerFillProviderName: 'Amazon FBA' }),
    )
    expect(external.facts).toMatchObject({ via: 'external', provider: 'Amazon FBA' })
  })
})
