import { describe, expect, it } from 'vitest'
import { type FilterOptions, filterEvent } from '../../src/destinations/filter.js'
import { orderEvent } from './order-event.js'

const ALL: FilterOptions = { shippedRequiresLabel: false, sendHistory: true }
const manual = {
  via: 'manual' as const,
  carrier: null,
  service: null,
  trackingNumber: null,
  trackingUrl: null,
  shipDate: null,
  provider: null,
}

describe('filterEvent', () => {
  it('sends everything when no filter is set', () => {
    expect(filterEvent(orderEvent(), ALL)).toBeUndefined()
    expect(filterEvent(orderEvent({ historical: true, shipping: manual }), ALL)).toBeUndefined()
  })

  it('treats empty lists as no filter', () => {
    expect(filterEvent(orderEvent(), { ...ALL, accounts: [], stores: [], events: [] })).toBeUndefined()
  })

  it('filters by account id', () => {
    expect(filterEvent(orderEvent(), { ...ALL, accounts: ['main'] })).toBeUndefined()
    expect(filterEvent(orderEvent(), { ...ALL, accounts: ['other'] })).toBe('filtered: account')
  })

  it('matches store names case-insensitively, ignoring surrounding spaces', () => {
    expect(filterEvent(orderEvent(), { ...ALL, stores: [' my shopify STORE '] })).toBeUndefined()
    expect(filterEvent(orderEvent(), { ...ALL, stores: ['Amazon US'] })).toBe('filtered: store')
  })

  it('matches a store by its numeric id too', () => {
    expect(filterEvent(orderEvent(), { ...ALL, stores: ['12345'] })).toBeUndefined()
  })

  it('never matches a store list for an order without a store', () => {
    const event = orderEvent({ order: { storeId: null, storeName: null } })
    expect(filterEvent(event, { ...ALL, stores: ['My Shopify Store'] })).toBe('filtered: store')
  })

  it('filters by catalog event name', () => {
    expect(filterEvent(orderEvent(), { ...ALL, events: ['Order Shipped'] })).toBeUndefined()
    expect(filterEvent(orderEvent(), { ...ALL, events: ['Order On Hold'] })).toBe('filtered: event')
  })

  it('restores native behaviour: no Order Shipped without a label', () => {
    const native = { ...ALL, shippedRequiresLabel: true }
    expect(filterEvent(orderEvent(), native)).toBeUndefined()
    expect(filterEvent(orderEvent({ shipping: manual }), native)).toBe('native: shipped without label')
    expect(filterEvent(orderEvent({ shipping: { ...manual, via: 'external' } }), native)).toBe(
      'native: shipped without label',
    )
    expect(filterEvent(orderEvent({ name: 'Order On Hold', shipping: null }), native)).toBeUndefined()
  })

  it('skips history when asked to, but not live events', () => {
    const live = { ...ALL, sendHistory: false }
    expect(filterEvent(orderEvent({ historical: true }), live)).toBe('history not sent')
    expect(filterEvent(orderEvent(), live)).toBeUndefined()
  })

  it('reports the first failing check in a fixed order', () => {
    const options: FilterOptions = {
      accounts: ['other'],
      stores: ['nope'],
      events: ['Order On Hold'],
      shippedRequiresLabel: true,
      sendHistory: false,
    }
    const event = orderEvent({ historical: true, shipping: manual })
    expect(filterEvent(event, options)).toBe('filtered: account')
    expect(filterEvent(event, { ...options, accounts: undefined })).toBe('filtered: store')
    expect(filterEvent(event, { ...options, accounts: undefined, stores: undefined })).toBe('filtered: event')
  })
})
