import { describe, expect, it } from 'vitest'
import { ConfigSchema } from '../../../src/config/schema.js'
import { createDestination } from '../../../src/destinations/registry.js'
import { openStore } from '../../../src/store/open-database.js'

const config = ConfigSchema.parse({
  accounts: [{ id: 'main', shipstation: { apiKey: 'k', apiSecret: 's' } }],
  destinations: [{ id: 'books', type: 'quickbooks', realmId: '123', clientId: 'c', clientSecret: 's' }],
})
const quickbooks = config.destinations[0]!

describe('quickbooks in config and registry', () => {
  it('has documented defaults', () => {
    expect(quickbooks).toMatchObject({
      bookOn: 'Order Shipped',
      document: 'auto',
      paidWhen: 'amountPaid',
      numbering: 'order',
      customers: 'match',
      itemMatch: 'name',
      missingItem: 'create',
      tax: 'override',
      timeZone: 'America/Los_Angeles',
      onCancel: 'void',
      sendHistory: false,
      endpoints: { api: 'https://quickbooks.api.intuit.com' },
    })
  })

  it('needs the database, and says so', () => {
    expect(() => createDestination(quickbooks)).toThrow(
      /needs the database .*pass \{ db \} to createDestination/,
    )
  })

  it('needs SHIPRELAY_SECRET_KEY with a database, and builds with both', async () => {
    const store = await openStore({ kind: 'sqlite', file: ':memory:' })
    const saved = process.env.SHIPRELAY_SECRET_KEY
    try {
      delete process.env.SHIPRELAY_SECRET_KEY
      expect(() => createDestination(quickbooks, { db: store.db })).toThrow(/SHIPRELAY_SECRET_KEY is not set/)
      process.env.SHIPRELAY_SECRET_KEY = 'ab'.repeat(32)
      const { destination, route } = createDestination(quickbooks, { db: store.db })
      expect(destination.type).toBe('quickbooks')
      expect(route.id).toBe('books')
    } finally {
      if (saved === undefined) delete process.env.SHIPRELAY_SECRET_KEY
      else process.env.SHIPRELAY_SECRET_KEY = saved
      await store.close()
    }
  })
})
