import { describe, expect, it } from 'vitest'
import type { OrderEvent } from '../../../src/events/model.js'
import { docs, harness, paidOrder, simulator } from './helpers.js'

/** Part `n` of order 1007: its own order id, number 1007-n, one line of its own. */
function part(n: number, overrides: Parameters<typeof paidOrder>[1] = {}): OrderEvent {
  const parent = n === 0
  return paidOrder(700 + n, {
    ...overrides,
    order: {
      orderNumber: parent ? '1007' : `1007-${n}`,
      parentOrderNumber: parent ? null : '1007',
      parentOrderId: parent ? null : 500_700,
      items: [{ name: `Part ${n}`, sku: `PART-${n}`, quantity: 1, unitPrice: 10 + n, imageUrl: null }],
      value: 10 + n + 1,
      amountPaid: 10 + n + 1,
      taxAmount: 1,
      shippingAmount: 0,
      ...overrides.order,
    },
  })
}

const lineItems = (doc: { Line: { SalesItemLineDetail?: { ItemRef?: { value: string } } }[] }) =>
  doc.Line.filter((l) => l.SalesItemLineDetail && l.SalesItemLineDetail.ItemRef?.value !== 'SHIPPING_ITEM_ID')

describe('QuickBooks destination: split orders', () => {
  it('merge (default): later parts join the parent document, once, however often they are sent', async () => {
    const sim = await simulator()
    const { destination, documents } = await harness(sim)
    const [parent, first, second] = [part(0), part(1), part(2)]
    const outcomes = await destination.send([parent, first])
    expect(outcomes.get(parent.id)).toEqual({ kind: 'delivered', receipt: 'SalesReceipt 1 #1007' })
    expect(outcomes.get(first.id)).toEqual({
      kind: 'delivered',
      receipt: 'part 1007-1 added to SalesReceipt 1 #1007',
    })
    await destination.send([second, parent, first, second])
    const [receipt, ...others] = docs(sim, 'SalesReceipt')
    expect(others).toHaveLength(0)
    expect(receipt).toMatchObject({
      DocNumber: '1007',
      TotalAmt: 11 + 12 + 13,
      TxnTaxDetail: { TotalTax: 3 },
    })
    expect(lineItems(receipt!)).toHaveLength(3)
    expect(receipt!.PrivateNote).toContain('part 1007-2 (1Z999AA10123456784, 2026-09-01)')
    const stored = await documents.get('main:1007')
    expect(stored?.parts.map((p) => p.orderNumber)).toEqual(['1007', '1007-1', '1007-2'])
    expect(stored?.totalCents).toBe(3600)
  })

  it('merge: a part written before a crash lost its record is recognised on the document', async () => {
    const sim = await simulator()
    const { destination, documents, tokens } = await harness(sim)
    const [parent, first] = [part(0), part(1)]
    await destination.send([parent])
    const before = await documents.get('main:1007')
    await destination.send([first])
    // The crash: the store still holds the document as it was before the part was added.
    await documents.put(before!)
    const restarted = await harness(sim, {}, { tokens, documents })
    expect((await restarted.destination.send([first])).get(first.id)?.kind).toBe('delivered')
    const [receipt] = docs(sim, 'SalesReceipt')
    expect(lineItems(receipt!)).toHaveLength(2)
    expect(receipt!.TotalAmt).toBe(23)
    expect((await documents.get('main:1007'))?.parts).toHaveLength(2)
  })

  it('merge with invoices: each paid part gets its own payment, and the invoice is settled', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim, { document: 'invoice' })
    await destination.send([part(0), part(1)])
    const [invoice] = docs(sim, 'Invoice')
    expect(invoice).toMatchObject({ TotalAmt: 23, Balance: 0 })
    expect(docs(sim, 'Payment').map((p) => p.TotalAmt)).toEqual([11, 12])
  })

  it('separate: every part its own document under its own number', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim, { splitOrders: 'separate' })
    await destination.send([part(0), part(1), part(1)])
    expect(docs(sim, 'SalesReceipt').map((d) => [d.DocNumber, d.TotalAmt])).toEqual([
      ['1007', 11],
      ['1007-1', 12],
    ])
  })

  it('merge: a part shipping after the parent document was voided is booked on its own', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim)
    const cancelled = part(0, { name: 'Order Canceled', shipping: null })
    const outcomes = await destination.send([part(0), cancelled, part(1)])
    expect(outcomes.get(cancelled.id)).toEqual({ kind: 'delivered', receipt: 'voided SalesReceipt 1 #1007' })
    expect(docs(sim, 'SalesReceipt').map((d) => [d.DocNumber, d.TotalAmt])).toEqual([
      ['1007', 0],
      ['1007-1', 12],
    ])
  })

  it('a cancelled part of a shared document is credited alone; the document stands', async () => {
    const sim = await simulator()
    const { destination, documents } = await harness(sim)
    const cancelled = part(1, { name: 'Order Canceled', shipping: null })
    const outcomes = await destination.send([part(0), part(1), cancelled, cancelled])
    expect(outcomes.get(cancelled.id)).toEqual({
      kind: 'delivered',
      receipt: 'part 1007-1 credited (RefundReceipt 2) on SalesReceipt 1 #1007',
    })
    expect(docs(sim, 'SalesReceipt')[0]).toMatchObject({ TotalAmt: 23 })
    expect(docs(sim, 'RefundReceipt').map((d) => [d.DocNumber, d.TotalAmt])).toEqual([['1007-1', 12]])
    expect((await documents.get('main:1007'))?.parts[1]).toMatchObject({ state: 'cancelled' })
  })
})

describe('QuickBooks destination: re-ship and credit', () => {
  it('a re-ship (new label, new tracking) updates the booked document; a redelivery writes nothing', async () => {
    const sim = await simulator()
    const { destination, documents } = await harness(sim)
    const shipped = paidOrder(30)
    await destination.send([shipped])
    const tokenAfterBooking = docs(sim, 'SalesReceipt')[0]!.SyncToken
    expect((await destination.send([shipped])).get(shipped.id)).toEqual({
      kind: 'delivered',
      receipt: 'already booked SalesReceipt 1 #1030',
    })
    expect(docs(sim, 'SalesReceipt')[0]!.SyncToken).toBe(tokenAfterBooking)
    const reshipped = paidOrder(30, {
      id: 'ev_reship_30',
      shipping: {
        ...shipped.shipping!,
        trackingNumber: '9400100000000000000000',
        carrier: 'usps',
        service: 'Priority',
      },
    })
    expect((await destination.send([reshipped])).get(reshipped.id)).toEqual({
      kind: 'delivered',
      receipt: 'shipping on SalesReceipt 1 #1030',
    })
    expect(docs(sim, 'SalesReceipt')).toHaveLength(1)
    expect(docs(sim, 'SalesReceipt')[0]).toMatchObject({
      TrackingNum: '9400100000000000000000',
      ShipMethodRef: { value: 'usps Priority' },
    })
    expect((await documents.get('main:1030'))?.shipping?.TrackingNum).toBe('9400100000000000000000')
  })

  it('onCancel credit: a SalesReceipt gets a RefundReceipt from Undeposited Funds, an Invoice a CreditMemo', async () => {
    const sim = await simulator()
    const receipts = await harness(sim, { onCancel: 'credit' })
    const sold = paidOrder(31, {
      order: { value: 46.47, amountPaid: 46.47, taxAmount: 2.5, shippingAmount: 9 },
    })
    const cancelled = paidOrder(31, {
      name: 'Order Canceled',
      shipping: null,
      occurredAt: Date.parse('2026-09-03T06:30:00Z'),
      order: { value: 46.47, amountPaid: 46.47, taxAmount: 2.5, shippingAmount: 9 },
    })
    const outcomes = await receipts.destination.send([sold, cancelled, cancelled])
    expect(outcomes.get(cancelled.id)).toEqual({
      kind: 'delivered',
      receipt: 'credited SalesReceipt 1 #1031',
    })
    const [refund, ...more] = docs(sim, 'RefundReceipt')
    expect(more).toHaveLength(0)
    expect(refund).toMatchObject({
      DocNumber: '1031',
      TotalAmt: 46.47,
      TxnDate: '2026-09-02', // 06:30 UTC is the evening before in Pacific time
      DepositToAccountRef: { name: 'Undeposited Funds' },
      TxnTaxDetail: { TotalTax: 2.5 },
    })
    expect(docs(sim, 'SalesReceipt')[0]!.TotalAmt).toBe(46.47)
    expect(await receipts.documents.get('main:1031')).toMatchObject({
      state: 'credited',
      creditId: `RefundReceipt ${refund!.Id}`,
    })

    const invoices = await harness(sim, {
      id: 'inv',
      onCancel: 'credit',
      document: 'invoice',
      refundAccountId: '1',
    })
    const unpaid = paidOrder(32, { order: { amountPaid: 0 } })
    const unpaidCancel = paidOrder(32, { name: 'Order Canceled', shipping: null, order: { amountPaid: 0 } })
    const credited = await invoices.destination.send([unpaid, unpaidCancel])
    expect(docs(sim, 'CreditMemo').map((d) => [d.DocNumber, d.TotalAmt])).toEqual([['1032', 34.97]])
    // The credit closes the open invoice: a Payment of 0 applies one to the other.
    const [applied] = docs(sim, 'Payment')
    expect(credited.get(unpaidCancel.id)).toEqual({
      kind: 'delivered',
      receipt: `credited Invoice ${docs(sim, 'Invoice')[0]!.Id} #1032; applied to the invoice by Payment ${applied!.Id}`,
    })
    expect(applied).toMatchObject({ TotalAmt: 0 })
    expect(docs(sim, 'Invoice')[0]).toMatchObject({ Balance: 0 })
    expect(docs(sim, 'CreditMemo')[0]).toMatchObject({ RemainingCredit: 0 })
    // Redelivered: nothing more.
    await invoices.destination.send([unpaidCancel])
    expect(docs(sim, 'Payment')).toHaveLength(1)
    expect(docs(sim, 'CreditMemo')).toHaveLength(1)
  })

  it('onCancel credit uses refundAccountId, and credits what QuickBooks holds when the order changed since', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim, { onCancel: 'credit', refundAccountId: '1' })
    const cancelled = paidOrder(33, {
      name: 'Order Canceled',
      shipping: null,
      order: {
        items: [{ name: 'Other', sku: 'OTHER', quantity: 1, unitPrice: 5, imageUrl: null }],
        value: 5,
      },
    })
    await destination.send([paidOrder(33), cancelled])
    expect(docs(sim, 'RefundReceipt')[0]).toMatchObject({
      TotalAmt: 34.97,
      DepositToAccountRef: { value: '1', name: 'Checking' },
    })
  })
})
