/**
 * A realistic OrderEvent for destination tests: an order shipped by label, with overrides for the
 * fields a test is about.
 */
import type { OrderEvent } from '../../src/events/model.js'

export const SHIPPED_AT = Date.parse('2026-09-01T14:03:07Z')

export type OrderEventOverrides = Partial<Omit<OrderEvent, 'customer' | 'order'>> & {
  customer?: Partial<OrderEvent['customer']>
  order?: Partial<OrderEvent['order']>
}

export function orderEvent(overrides: OrderEventOverrides = {}): OrderEvent {
  const { customer, order, ...rest } = overrides
  return {
    id: 'main:100234:shipped:5567',
    accountId: 'main',
    name: 'Order Shipped',
    occurredAt: SHIPPED_AT,
    historical: false,
    shipping: {
      via: 'label',
      carrier: 'ups',
      service: 'UPS® Ground',
      trackingNumber: '1Z999AA10123456784',
      trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
      shipDate: '2026-09-01',
      provider: null,
    },
    ...rest,
    customer: {
      email: 'jane@example.com',
      firstName: 'Jane',
      lastName: 'Doe',
      phone: '(500) 555-0006',
      ...customer,
    },
    order: {
      orderId: 100234,
      orderNumber: '1042',
      orderKey: 'shopify-5551234',
      storeId: 12345,
      storeName: 'My Shopify Store',
      marketplace: 'Shopify',
      status: 'shipped',
      orderDate: '2026-08-30T17:20:00.000Z',
      value: 34.97,
      currency: 'USD',
      items: [
        {
          name: 'Winnie the Pooh',
          sku: 'WINNIEPOOH',
          quantity: 2,
          unitPrice: 9.99,
          imageUrl: 'https://example.com/pooh.png',
        },
        { name: 'A Tale of Two Cities', sku: 'TALEOFTWO', quantity: 1, unitPrice: 14.99, imageUrl: null },
      ],
      shipTo: { city: 'Boston', region: 'MA', country: 'US', postalCode: '02110' },
      holdUntil: null,
      parentOrderId: null,
      parentOrderNumber: null,
      ...order,
    },
  }
}
