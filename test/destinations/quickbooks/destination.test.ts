import { describe, expect, it } from 'vitest'
import { docs, harness, paidOrder, REALM, simulator, writeAsUser } from './helpers.js'

describe('QuickBooks destination: documents', () => {
  it('books a paid shipped order as a SalesReceipt with shipping fields, tax and a matching total', async () => {
    const sim = await simulator()
    const { destination, documents } = await harness(sim)
    const event = paidOrder(1, {
      order: { value: 46.47, amountPaid: 46.47, taxAmount: 2.5, shippingAmount: 9 },
    })
    const outcomes = await destination.send([event])
    expect(outcomes.get(event.id)).toEqual({ kind: 'delivered', receipt: 'SalesReceipt 1 #1001' })
    const [receipt] = docs(sim, 'SalesReceipt')
    expect(receipt).toMatchObject({
      DocNumber: '1001',
      TxnDate: '2026-08-30',
      ShipDate: '2026-09-01',
      TrackingNum: '1Z999AA10123456784',
      ShipMethodRef: { value: 'ups UPS® Ground' },
      TotalAmt: 46.47,
      TxnTaxDetail: { TotalTax: 2.5 },
    })
    expect(receipt!.Line.some((l) => l.SalesItemLineDetail?.ItemRef?.value === 'SHIPPING_ITEM_ID')).toBe(true)
    expect((await documents.get('main:1001'))?.docType).toBe('SalesReceipt')
  })

  it('books an unpaid order as an Invoice, and a forced invoice of a paid order with a Payment', async () => {
    const sim = await simulator()
    const auto = await harness(sim)
    const unpaid = paidOrder(2, { order: { amountPaid: 0 } })
    expect((await auto.destination.send([unpaid])).get(unpaid.id)?.kind).toBe('delivered')
    expect(docs(sim, 'Invoice')).toHaveLength(1)
    expect(docs(sim, 'Payment')).toHaveLength(0)

    const forced = await harness(sim, { id: 'forced', document: 'invoice' })
    const paid = paidOrder(3)
    expect((await forced.destination.send([paid])).get(paid.id)?.kind).toBe('delivered')
    const invoice = docs(sim, 'Invoice').find((d) => d.DocNumber === '1003')!
    expect(invoice.Balance).toBe(0)
    expect(docs(sim, 'Payment')).toHaveLength(1)
  })

  it('uses store prefixes, trims long numbers to 21 characters, or lets QuickBooks number', async () => {
    const sim = await simulator()
    const prefixed = await harness(sim, {
      docNumberPrefix: 'SS-',
      storePrefixes: { 'My Shopify Store': 'SH-' },
    })
    const a = paidOrder(4)
    const b = paidOrder(5, { order: { storeName: 'Etsy', storeId: 9, orderNumber: '113-1234567-1234567' } })
    await prefixed.destination.send([a, b])
    const numbers = docs(sim, 'SalesReceipt').map((d) => d.DocNumber)
    expect(numbers).toEqual(['SH-1004', 'SS-13-1234567-1234567'])
    expect(numbers[1]).toHaveLength(21)

    await sim.read.setSettings(REALM, { customTxnNumbers: false })
    const qbo = await harness(sim, { id: 'qbo-numbers', numbering: 'quickbooks' })
    const c = paidOrder(6)
    expect((await qbo.destination.send([c])).get(c.id)?.kind).toBe('delivered')
    expect(docs(sim, 'SalesReceipt')[2]!.DocNumber).not.toBe('1006')
  })

  it('computes line amounts in cents so fractional prices never trip 6070', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim)
    const event = paidOrder(9, {
      order: {
        items: [
          { name: 'Third', sku: 'THIRD', quantity: 3, unitPrice: 3.335, imageUrl: null },
          { name: 'Float', sku: 'FLOAT', quantity: 7, unitPrice: 265.86785714, imageUrl: null },
        ],
        value: 1871.08,
        amountPaid: 1871.08,
      },
    })
    const outcome = (await destination.send([event])).get(event.id)
    expect(outcome?.kind).toBe('delivered')
    const receipt = docs(sim, 'SalesReceipt')[0]!
    expect(receipt.Line[0]?.Amount).toBe(10.01)
    expect(receipt.Line[1]?.Amount).toBe(1861.07)
    expect(receipt.TotalAmt).toBe(1871.08)
  })

  it('adds a discount line so the document total equals the order total', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim)
    const event = paidOrder(10, { order: { value: 30, amountPaid: 30 } })
    await destination.send([event])
    const receipt = docs(sim, 'SalesReceipt')[0]!
    expect(receipt.TotalAmt).toBe(30)
    expect(receipt.Line.some((l) => l.DetailType === 'DiscountLineDetail' && l.Amount === 4.97)).toBe(true)
  })

  it('takes TxnDate from the ship date or in the accounting zone', async () => {
    const sim = await simulator()
    const ship = await harness(sim, { txnDate: 'ship' })
    const late = await harness(sim, { id: 'tokyo', timeZone: 'Asia/Tokyo' })
    const a = paidOrder(11)
    const b = paidOrder(12)
    await ship.destination.send([a])
    await late.destination.send([b])
    const [ra, rb] = docs(sim, 'SalesReceipt')
    expect(ra!.TxnDate).toBe('2026-09-01')
    // 2026-08-30T17:20Z is already the 31st in Tokyo.
    expect(rb!.TxnDate).toBe('2026-08-31')
  })

  it('skips events that do not book and orders never booked when cancelled', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim)
    const paidEvent = paidOrder(13, { name: 'Order Awaiting Shipment', shipping: null })
    const cancel = paidOrder(14, { name: 'Order Canceled', shipping: null })
    const history = paidOrder(15, { historical: true })
    const outcomes = await destination.send([paidEvent, cancel, history])
    expect(outcomes.get(paidEvent.id)).toEqual({
      kind: 'skipped',
      reason: 'not booked in QuickBooks (books on Order Shipped)',
    })
    expect(outcomes.get(cancel.id)).toEqual({ kind: 'skipped', reason: 'not booked in QuickBooks' })
    expect(outcomes.get(history.id)).toEqual({ kind: 'skipped', reason: 'history not sent' })
    expect(docs(sim, 'SalesReceipt')).toHaveLength(0)
  })

  it('voids the document (and the payment) of a cancelled booked order', async () => {
    const sim = await simulator()
    const { destination, documents } = await harness(sim, { document: 'invoice' })
    const shipped = paidOrder(16)
    const cancelled = paidOrder(16, { name: 'Order Canceled', shipping: null })
    const outcomes = await destination.send([shipped, cancelled])
    expect(outcomes.get(cancelled.id)).toEqual({ kind: 'delivered', receipt: 'voided Invoice 1 #1016' })
    expect(docs(sim, 'Invoice')[0]!.TotalAmt).toBe(0)
    expect(docs(sim, 'Payment')[0]!.TotalAmt).toBe(0)
    expect((await documents.get('main:1016'))?.state).toBe('voided')
  })

  it('updates shipping on an order booked earlier (sparse, SyncToken; 5010 re-reads and retries)', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim, { bookOn: 'Order Awaiting Shipment' })
    const booked = paidOrder(17, { name: 'Order Awaiting Shipment', shipping: null })
    await destination.send([booked])
    const receipt = docs(sim, 'SalesReceipt')[0]!
    expect(receipt.TrackingNum).toBeUndefined()
    // Someone edits the receipt in QuickBooks: our SyncToken is now stale.
    const edit = await writeAsUser(sim, 'SalesReceipt', {
      Id: receipt.Id,
      SyncToken: receipt.SyncToken,
      sparse: true,
      PrivateNote: 'edited',
    })
    expect(edit.status).toBe(200)
    const shipped = paidOrder(17)
    expect((await destination.send([shipped])).get(shipped.id)).toEqual({
      kind: 'delivered',
      receipt: 'shipping on SalesReceipt 1 #1017',
    })
    expect(docs(sim, 'SalesReceipt')).toHaveLength(1)
    expect(docs(sim, 'SalesReceipt')[0]).toMatchObject({
      TrackingNum: '1Z999AA10123456784',
      PrivateNote: 'edited',
    })
  })

  it('options: paidWhen always, tax none, onCancel ignore, itemMatch sku', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim, {
      paidWhen: 'always',
      tax: 'none',
      onCancel: 'ignore',
      itemMatch: 'sku',
    })
    const event = paidOrder(18, {
      order: {
        amountPaid: 0,
        taxAmount: 1.5,
        value: 21.49,
        items: [{ name: 'Blue mug', sku: 'MUG-BLUE', quantity: 1, unitPrice: 19.99, imageUrl: null }],
      },
    })
    const cancel = paidOrder(18, { name: 'Order Canceled', shipping: null })
    const outcomes = await destination.send([event, cancel])
    expect(outcomes.get(event.id)).toEqual({ kind: 'delivered', receipt: 'SalesReceipt 1 #1018' })
    expect(outcomes.get(cancel.id)).toEqual({ kind: 'skipped', reason: 'onCancel: ignore' })
    const receipt = docs(sim, 'SalesReceipt')[0]!
    // No tax sent, lines NON: nothing computed, and the total leaves the (marketplace-remitted) tax out.
    expect(receipt.TxnTaxDetail).toEqual({ TotalTax: 0 })
    expect(receipt.TotalAmt).toBe(19.99)
    const mug = docs(sim, 'Item').find((i) => i.Name === 'MUG-BLUE')!
    expect(receipt.Line[0]?.SalesItemLineDetail?.ItemRef?.value).toBe(mug.Id)
    expect(docs(sim, 'Item').filter((i) => i.Sku === 'MUG-BLUE')).toHaveLength(1)
  })
})
