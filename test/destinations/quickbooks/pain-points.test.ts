/**
 * Reference §15, one by one: name collisions (6240), inactive references (610), items (missing, blank
 * SKU, match by Sku), throttling (429/3001), and metered reads in steady state.
 */
import { describe, expect, it } from 'vitest'
import { docs, harness, paidOrder, REALM, simulator, writeAsUser } from './helpers.js'

const customerName = (sim: Parameters<typeof docs>[0], id: string | undefined) =>
  docs(sim, 'Customer').find((c) => c.Id === id)?.DisplayName

const customerOf = (sim: Parameters<typeof docs>[0], docNumber: string) =>
  (
    docs(sim, 'SalesReceipt').find((d) => d.DocNumber === docNumber)?.CustomerRef as
      | { value?: string }
      | undefined
  )?.value

describe('QuickBooks destination: customers', () => {
  it('matches by email first, then by name; a name taken by a vendor or another shopper gets "Name (email)"', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim)
    const ana = paidOrder(1, { customer: { email: 'ana@example.com', firstName: 'Ana B.', lastName: 'R' } })
    const vendorName = paidOrder(2, {
      customer: { email: 'acme@example.com', firstName: 'Acme', lastName: 'Supplies' },
    })
    const first = paidOrder(3, { customer: { email: 'jo1@example.com', firstName: 'Jo', lastName: 'Lee' } })
    const namesake = paidOrder(4, {
      customer: { email: 'jo2@example.com', firstName: 'Jo', lastName: 'Lee' },
    })
    const again = paidOrder(5, {
      customer: { email: 'JO2@example.com', firstName: 'Joanna', lastName: 'Lee' },
    })
    const outcomes = await destination.send([ana, vendorName, first, namesake, again])
    expect([...outcomes.values()].every((o) => o.kind === 'delivered')).toBe(true)
    expect(customerName(sim, customerOf(sim, '1001'))).toBe('Ana Ruiz')
    expect(customerName(sim, customerOf(sim, '1002'))).toBe('Acme Supplies (acme@example.com)')
    expect(customerName(sim, customerOf(sim, '1003'))).toBe('Jo Lee')
    expect(customerName(sim, customerOf(sim, '1004'))).toBe('Jo Lee (jo2@example.com)')
    expect(customerOf(sim, '1005')).toBe(customerOf(sim, '1004'))
  })

  it('books every order of a store on one customer in perStore mode', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim, { customers: 'perStore', storeCustomerName: 'Web Store' })
    await destination.send([paidOrder(6), paidOrder(7)])
    expect(customerName(sim, customerOf(sim, '1006'))).toBe('Web Store')
    expect(customerOf(sim, '1007')).toBe(customerOf(sim, '1006'))
    expect(docs(sim, 'Customer')).toHaveLength(2) // the seeded ones only
  })
})

describe('QuickBooks destination: items', () => {
  it('matches SKUs to item names, creates missing ones as NonInventory, and uses a placeholder for blank SKUs', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim)
    const event = paidOrder(8, {
      order: {
        value: 39.98,
        amountPaid: 39.98,
        items: [
          { name: 'Blue mug', sku: 'MUG-BLUE', quantity: 1, unitPrice: 19.99, imageUrl: null },
          { name: 'Mystery', sku: null, quantity: 1, unitPrice: 10, imageUrl: null },
          { name: 'New thing', sku: 'NEW:THING', quantity: 1, unitPrice: 9.99, imageUrl: null },
        ],
      },
    })
    expect((await destination.send([event])).get(event.id)?.kind).toBe('delivered')
    const items = docs(sim, 'Item')
    const refs = docs(sim, 'SalesReceipt')[0]!.Line.flatMap(
      (l) => l.SalesItemLineDetail?.ItemRef?.value ?? [],
    )
    const names = refs.map((id) => items.find((i) => i.Id === id)?.Name)
    expect(names).toEqual(['MUG-BLUE', 'unknown_do_not_delete', 'NEW THING'])
    expect(items.find((i) => i.Name === 'NEW THING')).toMatchObject({
      Type: 'NonInventory',
      Sku: 'NEW:THING',
    })
  })

  it('flags an order with an unknown SKU dead when missingItem is dead; books it once the item exists', async () => {
    const sim = await simulator()
    let now = Date.now()
    const { destination } = await harness(sim, { missingItem: 'dead', itemMatch: 'sku' }, { now: () => now })
    const event = paidOrder(9)
    expect((await destination.send([event])).get(event.id)).toEqual({
      kind: 'dead',
      reason:
        'item with SKU "WINNIEPOOH" is not in QuickBooks (missingItem: dead): create or map it in QuickBooks, then retry the delivery',
    })
    expect(docs(sim, 'SalesReceipt')).toHaveLength(0)
    // A person creates both of the order's items in QuickBooks.
    const readsBefore = sim.read.usage(REALM).reads
    for (const [name, sku] of [
      ['Pooh', 'WINNIEPOOH'],
      ['Two Cities', 'TALEOFTWO'],
    ]) {
      const created = await writeAsUser(sim, 'item', {
        Name: name,
        Sku: sku,
        Type: 'NonInventory',
        IncomeAccountRef: { value: '5' },
      })
      expect(created.status).toBe(200)
    }
    // Within a minute of the last read the list is not read again: still dead, no read spent.
    expect((await destination.send([event])).get(event.id)?.kind).toBe('dead')
    expect(sim.read.usage(REALM).reads).toBe(readsBefore)
    now += 60_000
    expect((await destination.send([event])).get(event.id)?.kind).toBe('delivered')
    expect(sim.read.usage(REALM).reads).toBe(readsBefore + 1)
    expect(docs(sim, 'SalesReceipt')).toHaveLength(1)
  })

  it('recovers from 610 when a cached item was made inactive: reloads and books with a fresh item', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim)
    await destination.send([paidOrder(10)])
    const pooh = docs(sim, 'Item').find((i) => i.Name === 'WINNIEPOOH')!
    const token = sim.tokens.issue().access_token
    const deactivate = await fetch(`${sim.url}/v3/company/${REALM}/item?minorversion=75`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      body: JSON.stringify({ Id: pooh.Id, SyncToken: pooh.SyncToken, sparse: true, Active: false }),
    })
    expect(deactivate.status).toBe(200)
    const event = paidOrder(11)
    expect((await destination.send([event])).get(event.id)?.kind).toBe('delivered')
    expect(sim.requests({ realmId: REALM }).some((r) => r.faultCode === '610')).toBe(true)
    expect(docs(sim, 'Item').filter((i) => i.Name === 'WINNIEPOOH' && i.Active !== false)).toHaveLength(1)
  })
})

describe('QuickBooks destination: limits and metering', () => {
  it('rides out 429 (3001) with the same requestid', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim)
    await destination.send([paidOrder(12)])
    sim.faults.set({ burst429: 2 })
    // Same shopper and items as the warm-up order: the receipt is the first request to meet the 429s.
    const event = paidOrder(13, { customer: { email: 'shopper12@example.com' } })
    expect((await destination.send([event])).get(event.id)?.kind).toBe('delivered')
    const writes = sim.requests({ realmId: REALM }).filter((r) => r.url.includes('/salesreceipt'))
    const last = writes.at(-1)!
    expect(last.status).toBe(200)
    // 429s are answered before the API reads the requestid, so match it in the URL.
    const requestId = new URL(last.url, sim.url).searchParams.get('requestid')!
    expect(requestId).toMatch(/^[0-9a-f]{32}-sr$/)
    const tries = writes.filter((r) => new URL(r.url, sim.url).searchParams.get('requestid') === requestId)
    expect(tries.map((r) => r.status)).toEqual([429, 429, 200])
  })

  it('returns retry once the throttle outlasts the immediate retries', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim, { retries: 1 })
    sim.faults.set({ burst429: 50 })
    const event = paidOrder(14)
    const outcome = (await destination.send([event])).get(event.id)
    expect(outcome).toMatchObject({ kind: 'retry', reason: expect.stringContaining('3001') })
  })

  it('reads at most 0.1 times per synced order in steady state', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim)
    await destination.send([paidOrder(0)]) // warm-up: customers, items, accounts, DocNumbers
    const warmUp = sim.read.usage(REALM).reads
    const events = Array.from({ length: 60 }, (_, i) => paidOrder(100 + i))
    for (let i = 0; i < events.length; i += 25) {
      const outcomes = await destination.send(events.slice(i, i + 25))
      expect([...outcomes.values()].every((o) => o.kind === 'delivered')).toBe(true)
    }
    const steady = sim.read.usage(REALM).reads - warmUp
    expect(warmUp).toBeLessThanOrEqual(5)
    expect(steady / events.length).toBeLessThanOrEqual(0.1)
  })
})

describe('QuickBooks destination: paging (§15: the default page is 100)', () => {
  it('reads every page of a company with more than 1,000 customers and matches one on the second page', async () => {
    const sim = await simulator()
    for (let first = 0; first < 1_030; first += 30) {
      const items = Array.from({ length: 30 }, (_, i) => ({
        bId: `c${first + i}`,
        operation: 'create',
        Customer: {
          DisplayName: `Existing Shopper ${first + i}`,
          PrimaryEmailAddr: { Address: `existing${first + i}@example.com` },
        },
      }))
      expect((await writeAsUser(sim, 'batch', { BatchItemRequest: items })).status).toBe(200)
    }
    const customers = docs(sim, 'Customer').length
    expect(customers).toBeGreaterThan(1_030)
    const { destination } = await harness(sim)
    const event = paidOrder(60, { customer: { email: 'existing1029@example.com' } })
    expect((await destination.send([event])).get(event.id)?.kind).toBe('delivered')
    // Matched by email on the second page of 1,000: no new customer.
    expect(docs(sim, 'Customer')).toHaveLength(customers)
    const booked = docs(sim, 'SalesReceipt')[0]!
    const shopper = docs(sim, 'Customer').find((c) => c.DisplayName === 'Existing Shopper 1029')!
    expect((booked.CustomerRef as { value: string }).value).toBe(shopper.Id)
  })
})
