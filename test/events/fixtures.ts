import type { EventCustomer, EventOrder } from '../../src/events/model.js'

export const customer: EventCustomer = {
  email: 'ann@example.com',
  firstName: 'Ann',
  lastName: 'Lee',
  phone: null,
}

export function order(overrides: Partial<EventOrder> = {}): EventOrder {
  return {
    orderId: 5001,
    orderNumber: 'WEB-1001',
    orderKey: 'web-1001',
    storeId: 10,
    storeName: 'My Shopify Store',
    marketplace: 'Shopify',
    status: 'awaiting_shipment',
    orderDate: '2024-03-10T21:05:00.000Z',
    value: 24,
    currency: 'USD',
    items: [{ name: 'Mug', sku: 'MUG-1', quantity: 2, unitPrice: 9.5, imageUrl: null }],
    shipTo: { city: 'Reno', region: 'NV', country: 'US', postalCode: '89501' },
    holdUntil: null,
    parentOrderId: null,
    parentOrderNumber: null,
    ...overrides,
  }
}
