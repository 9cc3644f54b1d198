/**
 * The issue's bad input, one by one, against the simulator: a company that changed its tax settings or
 * turned shipping off, a subscription that ended, and malformed answers. Each ends in a clear outcome
 * per order (dead with QuickBooks' detail, or retry), and once the cause is gone the order is booked once.
 */
import { describe, expect, it } from 'vitest'
import { docs, harness, paidOrder, REALM, simulator } from './helpers.js'

describe('QuickBooks destination: bad input', () => {
  it("a company on real tax codes (not US TAX/NON): dead with QuickBooks' detail, nothing booked", async () => {
    const sim = await simulator({ realms: [{ realmId: REALM, settings: { taxModel: 'global' } }] })
    const { destination } = await harness(sim)
    const event = paidOrder(40, { order: { value: 36.97, amountPaid: 36.97, taxAmount: 2 } })
    const outcome = (await destination.send([event])).get(event.id)
    expect(outcome?.kind).toBe('dead')
    expect(outcome?.kind === 'dead' && outcome.reason).toMatch(/^QuickBooks 400 \d{4} .*TaxCodeRef/)
    expect(docs(sim, 'SalesReceipt')).toHaveLength(0)
  })

  it('shipping turned off in the company: dead naming the shipping line, nothing half-booked', async () => {
    const sim = await simulator()
    await sim.read.setSettings(REALM, { allowShipping: false })
    const { destination } = await harness(sim)
    const event = paidOrder(41, { order: { value: 43.97, amountPaid: 43.97, shippingAmount: 9 } })
    const outcome = (await destination.send([event])).get(event.id)
    expect(outcome).toMatchObject({ kind: 'dead' })
    expect(docs(sim, 'SalesReceipt')).toHaveLength(0)
    await sim.read.setSettings(REALM, { allowShipping: true })
    expect((await destination.send([event])).get(event.id)?.kind).toBe('delivered')
    expect(docs(sim, 'SalesReceipt')).toHaveLength(1)
  })

  it('a subscription that ended answers every write with a fault the order is not to blame for', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim)
    await destination.send([paidOrder(42)]) // warm: customers and items read
    await sim.read.setSettings(REALM, { status: 'subscriptionEnded' })
    const event = paidOrder(43)
    const outcome = (await destination.send([event])).get(event.id)
    expect(outcome?.kind === 'dead' || outcome?.kind === 'retry').toBe(true)
    expect(JSON.stringify(outcome)).toContain('6190')
    await sim.read.setSettings(REALM, { status: 'active' })
    expect((await destination.send([event])).get(event.id)?.kind).toBe('delivered')
    expect(docs(sim, 'SalesReceipt').map((d) => d.DocNumber)).toEqual(['1042', '1043'])
  })

  it('malformed and truncated answers are retried, then the order is booked once', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim, { retries: 0 })
    await destination.send([paidOrder(44)]) // warm
    sim.faults.set({ malformedRate: 1 })
    const event = paidOrder(45)
    const outcome = (await destination.send([event])).get(event.id)
    expect(outcome).toMatchObject({ kind: 'retry' })
    expect(outcome?.kind === 'retry' && outcome.reason).toContain('unreadable')
    sim.faults.set({ truncateRate: 1 })
    expect((await destination.send([event])).get(event.id)?.kind).toBe('retry')
    sim.faults.set({})
    expect((await destination.send([event])).get(event.id)?.kind).toBe('delivered')
    // The write that was answered with garbage did happen; its requestid replays it instead of a second one.
    expect(docs(sim, 'SalesReceipt').filter((d) => d.DocNumber === '1045')).toHaveLength(1)
  })
})
