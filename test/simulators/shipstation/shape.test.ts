import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ShipStationSimulator } from '../../../src/simulators/shipstation/index.js'
import {
  ADDRESS_KEYS,
  ADVANCED_KEYS,
  api,
  DATE_ONLY,
  DATE_TRIMMED,
  DATE7,
  FULFILLMENT_KEYS,
  ITEM_KEYS,
  ORDER_KEYS,
  SHIPMENT_KEYS,
  STORE_KEYS,
  start,
} from './helpers.js'

let sim: ShipStationSimulator
beforeAll(async () => {
  sim = await start({ orders: 400 })
})
afterAll(async () => {
  await sim.close()
})

describe('model serialisation (reference §6.3, §7.2, §8, §9)', () => {
  it('renders orders with every key in the live order and the per-field date shapes', async () => {
    const { status, body } = await api(sim, '/orders?pageSize=500')
    expect(status).toBe(200)
    expect(Object.keys(body)).toEqual(['orders', 'total', 'page', 'pages'])
    for (const order of body.orders) {
      expect(Object.keys(order)).toEqual(ORDER_KEYS)
      expect(Object.keys(order.billTo)).toEqual(ADDRESS_KEYS)
      expect(Object.keys(order.shipTo)).toEqual(ADDRESS_KEYS)
      expect(Object.keys(order.advancedOptions)).toEqual(ADVANCED_KEYS)
      expect(Object.keys(order.insuranceOptions)).toEqual(['provider', 'insureShipment', 'insuredValue'])
      expect(Object.keys(order.internationalOptions)).toEqual(['contents', 'customsItems', 'nonDelivery'])
      expect(order.weight).toEqual({ value: expect.any(Number), units: 'ounces', WeightUnits: 1 })
      for (const key of ['orderDate', 'createDate', 'modifyDate']) expect(order[key]).toMatch(DATE7)
      for (const key of ['paymentDate', 'shipByDate', 'holdUntilDate']) {
        if (order[key] !== null) expect(order[key]).toMatch(DATE7)
      }
      if (order.shipDate !== null) expect(order.shipDate).toMatch(DATE_ONLY)
      expect(order.labelMessages).toBeNull()
      for (const item of order.items) {
        expect(Object.keys(item)).toEqual(ITEM_KEYS)
        expect(item.createDate).toMatch(DATE_TRIMMED)
        expect(item.modifyDate).toMatch(DATE_TRIMMED)
      }
      const itemsTotal = order.items.reduce(
        (s: number, i: { quantity: number; unitPrice: number }) => s + i.quantity * i.unitPrice,
        0,
      )
      expect(order.orderTotal).toBeCloseTo(itemsTotal + order.taxAmount + order.shippingAmount, 2)
    }
  })

  it('renders shipments with shipmentItems null unless asked, and date-only shipDate', async () => {
    const plain = await api(sim, '/shipments?pageSize=50')
    expect(Object.keys(plain.body)).toEqual(['shipments', 'total', 'page', 'pages'])
    expect(plain.body.shipments.length).toBeGreaterThan(0)
    for (const s of plain.body.shipments) {
      expect(Object.keys(s)).toEqual(SHIPMENT_KEYS)
      expect(s.shipmentItems).toBeNull()
      expect(s.createDate).toMatch(DATE7)
      expect(s.shipDate).toMatch(DATE_ONLY)
      expect(Object.keys(s.advancedOptions)).toEqual([
        'billToParty',
        'billToAccount',
        'billToPostalCode',
        'billToCountryCode',
        'storeId',
      ])
      expect(s.labelData).toBeNull()
    }
    const withItems = await api(sim, '/shipments?pageSize=50&includeShipmentItems=true')
    for (const s of withItems.body.shipments) {
      expect(s.shipmentItems.length).toBeGreaterThan(0)
      expect(Object.keys(s.shipmentItems[0])).toEqual(ITEM_KEYS)
    }
  })

  it('renders fulfillments with 7-digit datetime shipDate', async () => {
    const { body } = await api(sim, '/fulfillments?pageSize=500')
    expect(Object.keys(body)).toEqual(['fulfillments', 'total', 'page', 'pages'])
    expect(body.fulfillments.length).toBeGreaterThan(0)
    for (const f of body.fulfillments) {
      expect(Object.keys(f)).toEqual(FULFILLMENT_KEYS)
      expect(f.createDate).toMatch(DATE7)
      expect(f.shipDate).toMatch(DATE7)
    }
  })

  it('lists stores as a bare array with trimmed dates; several marketplaces incl. a manual store', async () => {
    const { body } = await api(sim, '/stores')
    expect(Array.isArray(body)).toBe(true)
    for (const s of body) {
      expect(Object.keys(s)).toEqual(STORE_KEYS)
      expect(s.createDate).toMatch(DATE_TRIMMED)
      expect(s.active).toBe(true)
    }
    const names = body.map((s: { marketplaceName: string }) => s.marketplaceName)
    expect(names).toEqual(expect.arrayContaining(['Shopify', 'Amazon', 'eBay', 'ShipStation']))
    expect(
      body.find((s: { marketplaceName: string }) => s.marketplaceName === 'ShipStation').marketplaceId,
    ).toBe(0)
    const all = await api(sim, '/stores?showInactive=true')
    expect(all.body.length).toBe(body.length + 1)
    const amazon = await api(sim, '/stores?marketplaceId=2')
    expect(amazon.body.map((s: { marketplaceName: string }) => s.marketplaceName)).toEqual(['Amazon'])
    const one = await api(sim, `/stores/${body[0].storeId}`)
    expect(Object.keys(one.body)).toEqual([...STORE_KEYS, 'statusMappings'])
  })

  it('serves warehouses, carriers, products and customers in their documented shapes', async () => {
    const warehouses = await api(sim, '/warehouses')
    expect(Object.keys(warehouses.body[0]).slice(0, 6)).toEqual([
      'warehouseId',
      'warehouseName',
      'originAddress',
      'returnAddress',
      'createDate',
      'isDefault',
    ])
    expect(warehouses.body[0].createDate).toMatch(DATE7)
    const carriers = await api(sim, '/carriers')
    expect(Object.keys(carriers.body[0])).toEqual([
      'name',
      'code',
      'accountNumber',
      'requiresFundedAccount',
      'balance',
      'nickname',
      'shippingProviderId',
      'primary',
    ])
    expect(carriers.body.map((c: { code: string }) => c.code)).toEqual([
      'stamps_com',
      'ups',
      'fedex',
      'dhl_express',
    ])
    const products = await api(sim, '/products?pageSize=5')
    expect(Object.keys(products.body)).toEqual(['products', 'total', 'page', 'pages'])
    expect(products.body.products[0].createDate).toMatch(DATE_TRIMMED)
    const customers = await api(sim, '/customers?pageSize=5&countryCode=US')
    expect(Object.keys(customers.body)).toEqual(['customers', 'total', 'page', 'pages'])
    expect(customers.body.customers.every((c: { countryCode: string }) => c.countryCode === 'US')).toBe(true)
  })
})

describe('generated world is realistic', () => {
  it('has the status mix, email gaps, international addresses, carriers, splits, merges, voids and fulfilments', async () => {
    const world = sim.world
    const orders = [...world.orders.values()]
    const count = (status: string) => orders.filter((o) => o.orderStatus === status).length
    expect(count('shipped')).toBeGreaterThan(orders.length * 0.5)
    for (const status of ['awaiting_shipment', 'awaiting_payment', 'on_hold', 'cancelled'])
      expect(count(status)).toBeGreaterThan(0)
    expect(orders.some((o) => o.customerEmail === null)).toBe(true)
    expect(orders.filter((o) => o.customerEmail === null).length).toBeLessThan(orders.length * 0.15)
    expect(orders.some((o) => o.shipTo.country !== 'US')).toBe(true)
    expect(orders.every((o) => o.items.every((i) => i.adjustment || (i.sku && i.imageUrl)))).toBe(true)
    const shipments = [...world.shipments.values()]
    expect(new Set(shipments.map((s) => s.carrierCode)).size).toBeGreaterThanOrEqual(3)
    expect(
      shipments
        .filter((s) => s.carrierCode === 'ups')
        .every((s) => /^1Z[0-9A-F]{6}03\d{8}$/.test(s.trackingNumber)),
    ).toBe(true)
    expect(
      shipments
        .filter((s) => s.carrierCode === 'stamps_com')
        .every((s) => /^9400\d{18}$/.test(s.trackingNumber)),
    ).toBe(true)
    const fulfillments = [...world.fulfillments.values()]
    expect(fulfillments.some((f) => f.sellerFillProviderId === null)).toBe(true)
    expect(fulfillments.some((f) => f.sellerFillProviderName !== null)).toBe(true)
    expect(orders.some((o) => o.externallyFulfilled && o.externallyFulfilledByName !== null)).toBe(true)
    const created = orders.map((o) => o.createDate)
    expect(Math.min(...created)).toBeGreaterThanOrEqual(sim.clock.now() - 91 * 86_400_000)
    expect(Math.max(...world.history.map((h) => h.at))).toBeLessThanOrEqual(sim.clock.now())
  })

  it('generates splits, merges and voided labels in a larger world', async () => {
    const big = await start({ orders: 5000, seed: 7 })
    try {
      const orders = [...big.world.orders.values()]
      const child = orders.find((o) => o.advancedOptions.parentId !== null && o.orderStatus !== 'cancelled')!
      const parent = big.world.orders.get(child.advancedOptions.parentId!)!
      expect(child.orderNumber).toMatch(
        new RegExp(`^${parent.orderNumber.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\d+$`),
      )
      expect(child.advancedOptions.mergedOrSplit).toBe(true)
      const survivor = orders.find((o) => o.advancedOptions.mergedIds.length > 0)!
      for (const id of survivor.advancedOptions.mergedIds) {
        expect(big.world.orders.get(id)!.orderStatus).toBe('cancelled')
      }
      expect([...big.world.shipments.values()].some((s) => s.voided && s.voidDate !== null)).toBe(true)
      // history is chronological and ends in each order's current status
      const last = new Map<number, string>()
      big.world.history.forEach((h, i) => {
        if (i > 0) expect(h.at).toBeGreaterThanOrEqual(big.world.history[i - 1]!.at)
        last.set(h.orderId, h.status)
      })
      for (const o of orders) expect(last.get(o.orderId)).toBe(o.orderStatus)
    } finally {
      await big.close()
    }
  })
})
