/**
 * Entity operations: create/read, full and sparse updates with SyncToken checks, what QBO computes
 * (line ids, SubTotal, tax, totals, balances), void and delete, invoice + payment bookkeeping,
 * `requestid` replay and `minorversion`.
 */
import { describe, expect, it } from 'vitest'
import { invoice, type Json, REALM, SEED, salesReceipt, useSimulator } from './helpers.js'

const client = useSimulator()

describe('SalesReceipt', () => {
  it('create computes ids, SubTotal, tax lines and TotalAmt; read returns the same object', async () => {
    const created = await client().create('SalesReceipt', salesReceipt())
    expect(created).toMatchObject({
      Id: expect.stringMatching(/^\d+$/),
      SyncToken: '0',
      domain: 'QBO',
      sparse: false,
      TotalAmt: 50.78,
      Balance: 0,
      CustomerRef: { value: SEED.customer, name: 'Ana Ruiz' },
      DepositToAccountRef: { value: SEED.account.undeposited, name: 'Undeposited Funds' },
      PaymentMethodRef: { value: SEED.paymentMethod.visa, name: 'Visa' },
      ShipMethodRef: { value: 'UPS Ground', name: 'UPS Ground' },
      TrackingNum: '1Z999AA10123456784',
      ShipDate: '2026-07-15',
      CurrencyRef: { value: 'USD', name: 'United States Dollar' },
    })
    expect(created.Line.map((l: Json) => [l.Id, l.LineNum, l.DetailType, l.Amount])).toEqual([
      ['1', 1, 'SalesItemLineDetail', 39.98],
      ['2', 2, 'SalesItemLineDetail', 7.5],
      [undefined, undefined, 'SubTotalLineDetail', 39.98],
    ])
    expect(created.TxnTaxDetail).toEqual({
      TxnTaxCodeRef: { value: SEED.taxCode.texas },
      TotalTax: 3.3,
      TaxLine: [
        {
          Amount: 3.3,
          DetailType: 'TaxLineDetail',
          TaxLineDetail: {
            TaxRateRef: { value: '2' },
            PercentBased: true,
            TaxPercent: 6.25,
            NetAmountTaxable: 39.98,
          },
        },
      ],
    })
    const read = await client().get(`salesreceipt/${created.Id}?minorversion=75`)
    expect(read.body.SalesReceipt).toEqual(created)
    expect(read.body.time).toBeTypeOf('string')
  })

  it('tax is computed from the tax code when TotalTax is not supplied (automated sales tax)', async () => {
    const body = salesReceipt('T-1', { TxnTaxDetail: undefined })
    const created = await client().create('SalesReceipt', body)
    // California 8.25 % of the taxable 39.98, rounded half-up: 3.298 → 3.30.
    expect(created.TxnTaxDetail).toMatchObject({
      TxnTaxCodeRef: { value: SEED.taxCode.california },
      TotalTax: 3.3,
    })
    expect(created.TotalAmt).toBe(50.78)
    client().sim.read.setSettings(REALM, { automatedSalesTax: false })
    const untaxed = await client().create('SalesReceipt', salesReceipt('T-2', { TxnTaxDetail: undefined }))
    expect(untaxed.TxnTaxDetail).toEqual({ TotalTax: 0 })
    expect(untaxed.TotalAmt).toBe(47.48)
  })

  it('line tax codes default from the item; discounts follow the SubTotal and lower the total', async () => {
    const created = await client().create('SalesReceipt', {
      Line: [
        {
          DetailType: 'SalesItemLineDetail',
          Amount: 24,
          SalesItemLineDetail: { ItemRef: { value: SEED.item.tee }, Qty: 1 },
        },
        {
          DetailType: 'SalesItemLineDetail',
          Amount: 5,
          SalesItemLineDetail: { ItemRef: { value: SEED.item.giftWrap }, UnitPrice: 5, Qty: 1 },
        },
        { DetailType: 'DiscountLineDetail', DiscountLineDetail: { PercentBased: true, DiscountPercent: 10 } },
      ],
      TxnTaxDetail: { TotalTax: 0 },
    })
    const [tee, wrap, subtotal, discount] = created.Line
    expect(tee.SalesItemLineDetail.TaxCodeRef).toEqual({ value: 'TAX' })
    expect(wrap.SalesItemLineDetail.TaxCodeRef).toEqual({ value: 'NON' })
    expect(subtotal).toEqual({ Amount: 29, DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} })
    expect(discount).toMatchObject({
      Id: '3',
      Amount: 2.9,
      DetailType: 'DiscountLineDetail',
      DiscountLineDetail: {
        PercentBased: true,
        DiscountPercent: 10,
        DiscountAccountRef: { name: 'Discounts given' },
      },
    })
    expect(created.TotalAmt).toBe(26.1)
  })

  it('DocNumber: kept as sent, auto-numbered with AUTO_GENERATE or when custom numbers are off', async () => {
    expect((await client().create('SalesReceipt', salesReceipt('100'))).DocNumber).toBe('100')
    expect((await client().create('SalesReceipt', salesReceipt('AUTO_GENERATE'))).DocNumber).toBe('1001')
    expect(
      (await client().create('SalesReceipt', salesReceipt('', { DocNumber: undefined }))).DocNumber,
    ).toBeUndefined()
    client().sim.read.setSettings(REALM, { customTxnNumbers: false })
    expect(
      (await client().create('SalesReceipt', salesReceipt('', { DocNumber: undefined }))).DocNumber,
    ).toBe('1002')
  })

  it('TxnDate defaults to today in the company zone', async () => {
    client().sim.clock.freeze(Date.parse('2026-07-15T05:30:00Z'))
    try {
      const created = await client().create('SalesReceipt', salesReceipt('D-1', { TxnDate: undefined }))
      expect(created.TxnDate).toBe('2026-07-14')
      expect(created.MetaData.CreateTime).toBe('2026-07-14T22:30:00-07:00')
    } finally {
      client().sim.clock.unfreeze()
    }
  })
})

describe('updates and SyncToken', () => {
  it('sparse update changes only the fields sent and bumps SyncToken and LastUpdatedTime', async () => {
    const created = await client().create('SalesReceipt', salesReceipt())
    client().sim.clock.advance(5000)
    const answer = await client().post('salesreceipt?operation=update', {
      Id: created.Id,
      SyncToken: '0',
      sparse: true,
      PrivateNote: 'ShipStation order 100234',
    })
    expect(answer.status).toBe(200)
    const updated = answer.body.SalesReceipt
    expect(updated.SyncToken).toBe('1')
    expect(updated.PrivateNote).toBe('ShipStation order 100234')
    expect(updated.TrackingNum).toBe(created.TrackingNum)
    expect(updated.Line).toEqual(created.Line)
    expect(updated.TotalAmt).toBe(created.TotalAmt)
    expect(updated.MetaData.CreateTime).toBe(created.MetaData.CreateTime)
    expect(updated.MetaData.LastUpdatedTime).not.toBe(created.MetaData.LastUpdatedTime)
  })

  it('full update clears omitted fields; a stale SyncToken → 5010 and nothing changes', async () => {
    const created = await client().create('SalesReceipt', salesReceipt())
    const { TrackingNum: _t, ShipDate: _s, ...rest } = created
    const full = await client().post('salesreceipt', rest)
    expect(full.body.SalesReceipt.SyncToken).toBe('1')
    expect(full.body.SalesReceipt.TrackingNum).toBeUndefined()
    expect(full.body.SalesReceipt.ShipDate).toBeUndefined()

    const stale = await client().post('salesreceipt', { ...created, PrivateNote: 'late' })
    expect(stale.status).toBe(400)
    expect(stale.body.Fault.Error[0]).toEqual({
      Message: 'Stale Object Error',
      Detail:
        'Stale Object Error : You and Sandbox Admin were working on this at the same time. Sandbox Admin finished before you did, so your work was not saved.',
      code: '5010',
      element: '',
    })
    const read = await client().get(`salesreceipt/${created.Id}`)
    expect(read.body.SalesReceipt.SyncToken).toBe('1')
    expect(read.body.SalesReceipt.PrivateNote).toBeUndefined()
  })

  it('line Ids: an existing Id updates that line, a new line gets the next Id', async () => {
    const created = await client().create('SalesReceipt', salesReceipt())
    const mug = created.Line[0]
    const answer = await client().post('salesreceipt', {
      Id: created.Id,
      SyncToken: '0',
      sparse: true,
      Line: [
        { ...mug, Amount: 59.97, SalesItemLineDetail: { ...mug.SalesItemLineDetail, Qty: 3 } },
        {
          Id: '99',
          DetailType: 'SalesItemLineDetail',
          Amount: 5,
          SalesItemLineDetail: { ItemRef: { value: SEED.item.giftWrap } },
        },
      ],
    })
    expect(answer.body.SalesReceipt.Line.map((l: Json) => [l.Id, l.Amount])).toEqual([
      ['1', 59.97],
      ['3', 5],
      [undefined, 64.97],
    ])
    // New lines without a new TxnTaxDetail: tax is computed again (Texas 6.25 % of 59.97 = 3.75).
    expect(answer.body.SalesReceipt.TxnTaxDetail.TotalTax).toBe(3.75)
  })

  it('missing Id on operation=update, missing SyncToken, unknown Id', async () => {
    const update = await client().post('customer?operation=update', { DisplayName: 'Nobody' })
    expect(update.body.Fault.Error[0]).toMatchObject({
      code: '2020',
      Detail: 'Required parameter Id is missing in the request',
    })
    const noToken = await client().post('customer', { Id: SEED.customer, DisplayName: 'Ana R' })
    expect(noToken.body.Fault.Error[0].Detail).toBe('Required parameter SyncToken is missing in the request')
    const unknown = await client().post('customer', { Id: '9999', SyncToken: '0', DisplayName: 'X' })
    expect(unknown.body.Fault.Error[0].code).toBe('610')
  })
})

describe('name lists', () => {
  it('Customer: DisplayName from the name parts; defaults as QBO shows them', async () => {
    const created = await client().create('Customer', {
      GivenName: 'Ana',
      FamilyName: 'Gomez',
      PrimaryEmailAddr: { Address: 'ana.g@example.com' },
      BillAddr: { Line1: '1 Main St', City: 'Austin' },
    })
    expect(created).toMatchObject({
      DisplayName: 'Ana Gomez',
      FullyQualifiedName: 'Ana Gomez',
      PrintOnCheckName: 'Ana Gomez',
      Active: true,
      Balance: 0,
      Job: false,
      BillAddr: { Id: expect.any(String), Line1: '1 Main St', City: 'Austin' },
    })
    expect(Object.keys(created).indexOf('domain')).toBeLessThan(Object.keys(created).indexOf('DisplayName'))
  })

  it('deactivating frees the name; reactivating removes the suffix', async () => {
    const created = await client().create('Customer', { DisplayName: 'Jo Bloggs' })
    const off = await client().post('customer', {
      Id: created.Id,
      SyncToken: '0',
      sparse: true,
      Active: false,
    })
    expect(off.body.Customer.DisplayName).toBe('Jo Bloggs (deleted)')
    const again = await client().create('Customer', { DisplayName: 'Jo Bloggs' })
    expect(again.Id).not.toBe(created.Id)
    const on = await client().post('customer', { Id: created.Id, SyncToken: '1', sparse: true, Active: true })
    expect(on.body.Fault.Error[0].code).toBe('6240')
  })

  it('Item: Inventory needs the inventory fields and the company preference', async () => {
    const item = {
      Name: 'MUG-GREEN',
      Type: 'Inventory',
      TrackQtyOnHand: true,
      QtyOnHand: 10,
      InvStartDate: '2026-01-01',
      IncomeAccountRef: { value: SEED.account.sales },
      AssetAccountRef: { value: SEED.account.inventoryAsset },
      ExpenseAccountRef: { value: SEED.account.cogs },
    }
    const created = await client().create('Item', item)
    expect(created).toMatchObject({ Type: 'Inventory', QtyOnHand: 10, IncomeAccountRef: { name: 'Sales' } })
    const { QtyOnHand: _q, ...noQty } = item
    expect((await client().post('item', { ...noQty, Name: 'X' })).body.Fault.Error[0].code).toBe('2020')
    client().sim.read.setSettings(REALM, { trackInventory: false })
    const off = await client().post('item', { ...item, Name: 'MUG-PINK' })
    expect(off.body.Fault.Error[0].Detail).toContain('Track quantity on hand is turned off')
  })

  it('Account: Classification and SubType from the type; name unique; names without colons', async () => {
    const created = await client().create('Account', { Name: 'Etsy Sales', AccountType: 'Income' })
    expect(created).toMatchObject({
      Classification: 'Revenue',
      AccountSubType: 'SalesOfProductIncome',
      Active: true,
    })
    const dup = await client().post('account', { Name: 'etsy sales', AccountType: 'Income' })
    expect(dup.body.Fault.Error[0].Detail).toContain('Another account is already using this name')
    const colon = await client().post('account', { Name: 'Sales:Etsy', AccountType: 'Income' })
    expect(colon.body.Fault.Error[0].code).toBe('6000')
  })

  it('read-only lists: TaxCode, PaymentMethod, Preferences, CompanyInfo', async () => {
    expect((await client().get('taxcode/TAX')).body.TaxCode).toMatchObject({ Name: 'TAX', Taxable: true })
    expect((await client().get('paymentmethod/3')).body.PaymentMethod).toMatchObject({
      Name: 'Visa',
      Type: 'CREDIT_CARD',
    })
    const prefs = (await client().get('preferences')).body.Preferences
    expect(prefs.SalesFormsPrefs).toMatchObject({ CustomTxnNumbers: true, AllowShipping: true })
    expect(prefs.TaxPrefs.PartnerTaxEnabled).toBe(true)
    expect((await client().get(`companyinfo/${REALM}`)).body.CompanyInfo.CompanyName).toBe(
      'Sandbox Company_US_1',
    )
    const create = await client().post('taxcode', { Name: 'New' })
    expect(create.body.Fault.Error[0]).toMatchObject({ code: '500', Message: 'Unsupported Operation' })
    const del = await client().post('customer?operation=delete', { Id: SEED.customer, SyncToken: '0' })
    expect(del.body.Fault.Error[0].Detail).toBe('Operation Delete is not supported.')
  })
})

describe('void and delete', () => {
  it('delete removes a transaction: read → 610, its DocNumber is free again', async () => {
    const created = await client().create('SalesReceipt', salesReceipt('DEL-1'))
    const stale = await client().post('salesreceipt?operation=delete', { Id: created.Id, SyncToken: '5' })
    expect(stale.body.Fault.Error[0].code).toBe('5010')
    const deleted = await client().post('salesreceipt?operation=delete', { Id: created.Id, SyncToken: '0' })
    expect(deleted.body.SalesReceipt).toEqual({ Id: created.Id, status: 'Deleted', domain: 'QBO' })
    expect((await client().get(`salesreceipt/${created.Id}`)).body.Fault.Error[0].code).toBe('610')
    expect(client().sim.read.deleted(REALM)).toEqual([
      { entity: 'SalesReceipt', Id: created.Id, deletedAt: expect.any(Number) },
    ])
    expect((await client().create('SalesReceipt', salesReceipt('DEL-1'))).DocNumber).toBe('DEL-1')
  })

  it('a voided receipt keeps its DocNumber in use', async () => {
    const created = await client().create('SalesReceipt', salesReceipt('V-1', { PrivateNote: 'order 1' }))
    const voided = await client().post('salesreceipt?operation=void', { Id: created.Id, SyncToken: '0' })
    expect(voided.body.SalesReceipt).toMatchObject({ PrivateNote: 'Voided - order 1', TotalAmt: 0 })
    expect(voided.body.SalesReceipt.Line[0]).toMatchObject({
      Amount: 0,
      SalesItemLineDetail: { Qty: 0, UnitPrice: 19.99 },
    })
    expect((await client().post('salesreceipt', salesReceipt('V-1'))).body.Fault.Error[0].code).toBe('6140')
  })

  it('batch void: operation update + optionsData void', async () => {
    const created = await client().create('SalesReceipt', salesReceipt('V-2'))
    const answer = await client().post('batch', {
      BatchItemRequest: [
        {
          bId: 'v1',
          operation: 'update',
          optionsData: 'void',
          SalesReceipt: { Id: created.Id, SyncToken: '0' },
        },
      ],
    })
    expect(answer.body.BatchItemResponse[0].SalesReceipt).toMatchObject({
      PrivateNote: 'Voided',
      SyncToken: '1',
    })
  })
})

describe('Invoice and Payment', () => {
  it('Balance starts at TotalAmt; addresses and email come from the customer; DueDate +30 days', async () => {
    const created = await client().create('Invoice', invoice())
    expect(created).toMatchObject({
      TotalAmt: 59.97,
      Balance: 59.97,
      DueDate: '2026-08-13',
      BillEmail: { Address: 'ana@example.com' },
      BillAddr: { Line1: '12 Elm St', City: 'Austin' },
      AllowOnlinePayment: false,
      Deposit: 0,
    })
    const customer = await client().get(`customer/${SEED.customer}`)
    expect(customer.body.Customer.Balance).toBe(59.97)
  })

  it('a payment lowers the balance, links both ways and bumps the invoice SyncToken', async () => {
    const inv = await client().create('Invoice', invoice())
    const payment = await client().create('Payment', {
      CustomerRef: { value: SEED.customer },
      TotalAmt: 70,
      Line: [{ Amount: 50, LinkedTxn: [{ TxnId: inv.Id, TxnType: 'Invoice' }] }],
    })
    expect(payment).toMatchObject({
      TotalAmt: 70,
      UnappliedAmt: 20,
      ProcessPayment: false,
      DepositToAccountRef: { name: 'Undeposited Funds' },
    })
    const after = (await client().get(`invoice/${inv.Id}`)).body.Invoice
    expect(after).toMatchObject({
      Balance: 9.97,
      SyncToken: '1',
      LinkedTxn: [{ TxnId: payment.Id, TxnType: 'Payment' }],
    })
    expect((await client().get(`customer/${SEED.customer}`)).body.Customer.Balance).toBe(9.97)

    const over = await client().post('payment', {
      CustomerRef: { value: SEED.customer },
      TotalAmt: 10,
      Line: [{ Amount: 10, LinkedTxn: [{ TxnId: inv.Id, TxnType: 'Invoice' }] }],
    })
    expect(over.body.Fault.Error[0].code).toBe('6000')

    const cannotDelete = await client().post('invoice?operation=delete', { Id: inv.Id, SyncToken: '1' })
    expect(cannotDelete.body.Fault.Error[0].code).toBe('6000')
    await client().post('payment?operation=delete', { Id: payment.Id, SyncToken: '0' })
    const restored = (await client().get(`invoice/${inv.Id}`)).body.Invoice
    expect(restored).toMatchObject({ Balance: 59.97, SyncToken: '2' })
    expect(restored.LinkedTxn).toBeUndefined()
  })

  it("a payment can only link the customer's own invoices (620)", async () => {
    const inv = await client().create('Invoice', invoice())
    const answer = await client().post('payment', {
      CustomerRef: { value: SEED.webStore },
      TotalAmt: 5,
      Line: [{ Amount: 5, LinkedTxn: [{ TxnId: inv.Id, TxnType: 'Invoice' }] }],
    })
    expect(answer.body.Fault.Error[0]).toMatchObject({
      code: '620',
      Message: 'Transaction Id cannot be linked',
    })
  })
})

describe('requestid', () => {
  it('the same requestid replays the original answer byte for byte and creates nothing', async () => {
    const first = await client().post(
      'salesreceipt?requestid=ss-100234-sr-v1&minorversion=75',
      salesReceipt(),
    )
    client().sim.clock.advance(1000)
    const second = await client().post(
      'salesreceipt?requestid=ss-100234-sr-v1&minorversion=75',
      salesReceipt(),
    )
    expect(second.status).toBe(200)
    expect(second.text).toBe(first.text)
    expect(client().sim.read.counts(REALM).SalesReceipt).toBe(1)
    expect(client().sim.read.usage(REALM)).toMatchObject({ writes: 1, replays: 1, requestIdMismatches: 0 })
    const log = client().sim.requests({ requestId: 'ss-100234-sr-v1' })
    expect(log.map((r) => r.replayed)).toEqual([false, true])
  })

  it('faults are replayed too; a different body with the same id is counted as a mismatch', async () => {
    const bad = await client().post('salesreceipt?requestid=r-1', salesReceipt('x'.repeat(22)))
    const retry = await client().post('salesreceipt?requestid=r-1', salesReceipt('OK-1'))
    expect(retry.text).toBe(bad.text)
    expect(retry.status).toBe(400)
    expect(client().sim.read.usage(REALM).requestIdMismatches).toBe(1)
  })

  it('answers are kept for 24 h by default; ids over 50 characters are refused', async () => {
    await client().post('salesreceipt?requestid=keep', salesReceipt('R-1'))
    client().sim.clock.advance(86_400_000)
    client().token = client().sim.tokens.issue().access_token
    const after = await client().post('salesreceipt?requestid=keep', salesReceipt('R-2'))
    expect(after.body.SalesReceipt.DocNumber).toBe('R-2')
    const long = await client().post(`salesreceipt?requestid=${'x'.repeat(51)}`, salesReceipt('R-3'))
    expect(long.body.Fault.Error[0]).toMatchObject({ code: '2050', element: 'requestid' })
  })

  it('a throttled or faulted request is not stored: its retry with the same id does the work', async () => {
    client().sim.faults.set({ burst429: 1 })
    expect((await client().post('salesreceipt?requestid=t-1', salesReceipt('T-1'))).status).toBe(429)
    const retry = await client().post('salesreceipt?requestid=t-1', salesReceipt('T-1'))
    expect(retry.status).toBe(200)
    expect(retry.body.SalesReceipt.DocNumber).toBe('T-1')
  })
})

describe('minorversion', () => {
  it('any value, or none, is served the same way (75)', async () => {
    const created = await client().create('SalesReceipt', salesReceipt())
    const bodies = await Promise.all(
      ['', '?minorversion=4', '?minorversion=75', '?minorversion=99'].map(
        async (q) => (await client().get(`salesreceipt/${created.Id}${q}`)).body.SalesReceipt,
      ),
    )
    for (const body of bodies) expect(body).toEqual(created)
  })
})
