import { describe, expect, it } from 'vitest'
import { docs, harness, paidOrder, simulator } from './helpers.js'

const taxed = { value: 46.47, amountPaid: 46.47, taxAmount: 2.5, shippingAmount: 9 }

describe('QuickBooks destination: tax', () => {
  it('tax: line books the tax as a "Sales Tax" item line, every line NON, nothing left to recompute', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim, { tax: 'line' })
    const event = paidOrder(50, { order: taxed })
    expect((await destination.send([event])).get(event.id)?.kind).toBe('delivered')
    const [receipt] = docs(sim, 'SalesReceipt')
    const item = docs(sim, 'Item').find((i) => i.Name === 'Sales Tax')
    expect(item).toBeDefined()
    const taxLine = receipt!.Line.find((l) => l.SalesItemLineDetail?.ItemRef?.value === item!.Id)
    expect(taxLine?.Amount).toBe(2.5)
    expect(receipt!.TotalAmt).toBe(46.47)
    expect(receipt!.TxnTaxDetail).toMatchObject({ TotalTax: 0 })
    const codes = receipt!.Line.flatMap((l) => {
      const code = (l.SalesItemLineDetail as { TaxCodeRef?: { value: string } } | undefined)?.TaxCodeRef
      return code ? [code.value] : []
    })
    expect(new Set(codes)).toEqual(new Set(['NON']))
    // The tax item is created once and reused.
    await destination.send([paidOrder(51, { order: taxed })])
    expect(docs(sim, 'Item').filter((i) => i.Name === 'Sales Tax')).toHaveLength(1)
  })

  it('untaxedStores: a marketplace-remitted store books no tax; its real discount still shows', async () => {
    const sim = await simulator()
    const { destination } = await harness(sim, { untaxedStores: ['Amazon'] })
    const amazon = paidOrder(52, {
      order: { ...taxed, value: 41.47, amountPaid: 41.47, storeName: 'Amazon', storeId: 77 },
    })
    const shopify = paidOrder(53, { order: taxed })
    await destination.send([amazon, shopify])
    const [fromAmazon, fromShopify] = docs(sim, 'SalesReceipt')
    // 34.97 items + 9 shipping − 5 discount; the 2.50 tax went to the marketplace.
    expect(fromAmazon).toMatchObject({ DocNumber: '1052', TotalAmt: 38.97 })
    expect(fromAmazon!.Line.find((l) => l.DetailType === 'DiscountLineDetail')?.Amount).toBe(5)
    expect(fromShopify).toMatchObject({ DocNumber: '1053', TotalAmt: 46.47, TxnTaxDetail: { TotalTax: 2.5 } })
  })
})
