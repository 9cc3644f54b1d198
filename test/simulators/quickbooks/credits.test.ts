/**
 * CreditMemo and RefundReceipt ("credit on cancel"): create/read with what QBO computes (Balance,
 * RemainingCredit, SubTotal, tax override), the refund account rules, DocNumber 6140 per type, 6070,
 * query, batch, void, delete and requestid replay.
 */
import { describe, expect, it } from 'vitest'
import { invoice, type Json, REALM, SEED, useSimulator } from './helpers.js'

const client = useSimulator()

const mugs = (qty: number, amount: number) => ({
  DetailType: 'SalesItemLineDetail',
  Amount: amount,
  Description: 'Blue mug',
  SalesItemLineDetail: {
    ItemRef: { value: SEED.item.mug },
    Qty: qty,
    UnitPrice: 19.99,
    TaxCodeRef: { value: 'TAX' },
  },
})
const shipping = {
  DetailType: 'SalesItemLineDetail',
  Amount: 7.5,
  SalesItemLineDetail: { ItemRef: { value: 'SHIPPING_ITEM_ID' } },
}

/** The credit for a cancelled invoiced order: 2 mugs, shipping, Texas tax supplied. */
function creditMemo(docNumber = '100234', overrides: Json = {}): Json {
  return {
    DocNumber: docNumber,
    TxnDate: '2026-07-16',
    CustomerRef: { value: SEED.customer },
    PrivateNote: 'ShipStation order 100234 cancelled',
    Line: [mugs(2, 39.98), shipping],
    TxnTaxDetail: { TxnTaxCodeRef: { value: SEED.taxCode.texas }, TotalTax: 3.3 },
    ...overrides,
  }
}

/** The refund of a cancelled paid order, paid from Checking. */
function refundReceipt(docNumber = '100234', overrides: Json = {}): Json {
  return {
    DocNumber: docNumber,
    TxnDate: '2026-07-16',
    CustomerRef: { value: SEED.customer },
    PaymentMethodRef: { value: SEED.paymentMethod.visa },
    PaymentRefNum: 'rf_88412',
    DepositToAccountRef: { value: SEED.account.checking },
    Line: [mugs(2, 39.98), shipping],
    TxnTaxDetail: { TxnTaxCodeRef: { value: SEED.taxCode.texas }, TotalTax: 3.3 },
    ...overrides,
  }
}

const firstError = (answer: { body: Json }) => answer.body.Fault.Error[0]

describe('CreditMemo', () => {
  it('create: totals, Balance = RemainingCredit = TotalAmt, SubTotal without shipping; read is the same', async () => {
    const created = await client().create('CreditMemo', creditMemo())
    expect(created).toMatchObject({
      Id: expect.stringMatching(/^\d+$/),
      SyncToken: '0',
      domain: 'QBO',
      DocNumber: '100234',
      CustomerRef: { value: SEED.customer, name: 'Ana Ruiz' },
      TotalAmt: 50.78,
      Balance: 50.78,
      RemainingCredit: 50.78,
      TxnTaxDetail: { TxnTaxCodeRef: { value: SEED.taxCode.texas }, TotalTax: 3.3 },
      BillEmail: { Address: 'ana@example.com' },
      BillAddr: { City: 'Austin' },
      PrintStatus: 'NotSet',
      CurrencyRef: { value: 'USD' },
    })
    expect(created.DepositToAccountRef).toBeUndefined()
    expect(created.DueDate).toBeUndefined()
    expect(created.Line.map((l: Json) => [l.Id, l.DetailType, l.Amount])).toEqual([
      ['1', 'SalesItemLineDetail', 39.98],
      ['2', 'SalesItemLineDetail', 7.5],
      [undefined, 'SubTotalLineDetail', 39.98],
    ])
    expect(created.Line[0].SalesItemLineDetail.ItemAccountRef).toEqual({
      value: SEED.account.sales,
      name: 'Sales',
    })
    const read = await client().get(`creditmemo/${created.Id}?minorversion=75`)
    expect(read.status).toBe(200)
    expect(read.body.CreditMemo).toEqual(created)
    expect(client().sim.read.usage(REALM)).toMatchObject({ reads: 1, writes: 1 })
  })

  it('an open credit lowers the customer Balance; voiding it zeroes the memo and restores the Balance', async () => {
    await client().create('Invoice', invoice('INV-7'))
    const memo = await client().create('CreditMemo', creditMemo('CM-7', { TxnTaxDetail: { TotalTax: 0 } }))
    expect(memo.TotalAmt).toBe(47.48)
    const customer = async () => (await client().get(`customer/${SEED.customer}`)).body.Customer.Balance
    expect(await customer()).toBe(12.49) // 59.97 - 47.48
    const voided = await client().post('creditmemo?operation=void', { Id: memo.Id, SyncToken: '0' })
    expect(voided.status).toBe(200)
    expect(voided.body.CreditMemo).toMatchObject({
      SyncToken: '1',
      TotalAmt: 0,
      Balance: 0,
      RemainingCredit: 0,
      PrivateNote: 'Voided - ShipStation order 100234 cancelled',
      DocNumber: 'CM-7',
    })
    expect(voided.body.CreditMemo.Line[0]).toMatchObject({
      Amount: 0,
      SalesItemLineDetail: { Qty: 0, UnitPrice: 19.99 },
    })
    expect(await customer()).toBe(59.97)
    // The voided number is still in use for credit memos.
    expect(firstError(await client().post('creditmemo', creditMemo('CM-7'))).code).toBe('6140')
  })

  it('CustomerRef and Line are required (2020)', async () => {
    const noCustomer = await client().post('creditmemo', creditMemo('CM-1', { CustomerRef: undefined }))
    expect(noCustomer.status).toBe(400)
    expect(firstError(noCustomer)).toMatchObject({
      code: '2020',
      Detail: 'Required parameter CustomerRef is missing in the request',
    })
    const noLines = await client().post('creditmemo', creditMemo('CM-1', { Line: [] }))
    expect(firstError(noLines)).toMatchObject({
      code: '2020',
      Detail: 'Required parameter Line is missing in the request',
    })
    expect(client().sim.read.counts(REALM).CreditMemo).toBe(0)
  })

  it('DocNumber is unique among credit memos (6140 naming the type), not across types', async () => {
    await client().create('Invoice', invoice('100234'))
    const first = await client().create('CreditMemo', creditMemo())
    const dup = await client().post('creditmemo', creditMemo())
    expect(dup.status).toBe(400)
    expect(firstError(dup)).toMatchObject({ code: '6140', Message: 'Duplicate Document Number Error' })
    expect(firstError(dup).Detail).toContain(
      `DocNumber=100234 is assigned to TxnType=CreditMemo with TxnId=${first.Id}`,
    )
    const allowed = await client().post('creditmemo?include=allowduplicatedocnum', creditMemo())
    expect(allowed.status).toBe(200)
  })

  it('Amount must equal Qty × UnitPrice (6070); an unknown item is 2500', async () => {
    const wrong = await client().post('creditmemo', creditMemo('CM-2', { Line: [mugs(2, 39.99)] }))
    expect(firstError(wrong)).toMatchObject({
      code: '6070',
      Detail: 'Amount is not equal to UnitPrice * Qty. Supplied value:39.99',
    })
    const line = mugs(1, 19.99)
    line.SalesItemLineDetail.ItemRef = { value: '999' }
    const unknown = await client().post('creditmemo', creditMemo('CM-2', { Line: [line] }))
    expect(firstError(unknown)).toMatchObject({ code: '2500', element: 'Line.SalesItemLineDetail.ItemRef' })
  })

  it('sparse update keeps lines and credit; delete frees the number', async () => {
    const created = await client().create('CreditMemo', creditMemo('CM-3'))
    const updated = await client().post('creditmemo', {
      Id: created.Id,
      SyncToken: '0',
      sparse: true,
      CustomerMemo: { value: 'Order cancelled' },
    })
    expect(updated.body.CreditMemo).toMatchObject({
      SyncToken: '1',
      CustomerMemo: { value: 'Order cancelled' },
      RemainingCredit: 50.78,
      Line: created.Line,
    })
    const deleted = await client().post('creditmemo?operation=delete', { Id: created.Id, SyncToken: '1' })
    expect(deleted.body.CreditMemo).toEqual({ Id: created.Id, status: 'Deleted', domain: 'QBO' })
    expect(firstError(await client().get(`creditmemo/${created.Id}`)).code).toBe('610')
    expect(client().sim.read.deleted(REALM)).toEqual([
      { entity: 'CreditMemo', Id: created.Id, deletedAt: expect.any(Number) },
    ])
    expect((await client().create('CreditMemo', creditMemo('CM-3'))).DocNumber).toBe('CM-3')
  })
})

describe('RefundReceipt', () => {
  it('create: paid from the given account, Balance 0, refs named; CustomerRef is optional', async () => {
    const created = await client().create('RefundReceipt', refundReceipt())
    expect(created).toMatchObject({
      SyncToken: '0',
      DocNumber: '100234',
      TotalAmt: 50.78,
      Balance: 0,
      CustomerRef: { value: SEED.customer, name: 'Ana Ruiz' },
      DepositToAccountRef: { value: SEED.account.checking, name: 'Checking' },
      PaymentMethodRef: { value: SEED.paymentMethod.visa, name: 'Visa' },
      PaymentRefNum: 'rf_88412',
    })
    expect(created.RemainingCredit).toBeUndefined()
    // No address or e-mail is taken from the customer (unlike the A/R forms).
    expect(created.BillEmail).toBeUndefined()
    const read = await client().get(`refundreceipt/${created.Id}`)
    expect(read.body.RefundReceipt).toEqual(created)

    const anonymous = await client().create(
      'RefundReceipt',
      refundReceipt('R-2', {
        CustomerRef: undefined,
        DepositToAccountRef: { value: SEED.account.undeposited },
      }),
    )
    expect(anonymous.CustomerRef).toBeUndefined()
    expect(anonymous.DepositToAccountRef).toEqual({
      value: SEED.account.undeposited,
      name: 'Undeposited Funds',
    })
    // A refund is not customer credit: the customer's balance does not move.
    expect((await client().get(`customer/${SEED.customer}`)).body.Customer.Balance).toBe(0)
  })

  it('DepositToAccountRef: missing → 2020, unknown → 2500, not Bank/Other Current Asset → 6000', async () => {
    const missing = await client().post(
      'refundreceipt',
      refundReceipt('R-1', { DepositToAccountRef: undefined }),
    )
    expect(missing.status).toBe(400)
    expect(firstError(missing)).toMatchObject({
      code: '2020',
      Detail: 'Required parameter DepositToAccountRef is missing in the request',
    })
    const unknown = await client().post(
      'refundreceipt',
      refundReceipt('R-1', { DepositToAccountRef: { value: '999' } }),
    )
    expect(firstError(unknown)).toMatchObject({
      code: '2500',
      Message: 'Invalid Reference Id',
      element: 'DepositToAccountRef',
    })
    const income = await client().post(
      'refundreceipt',
      refundReceipt('R-1', { DepositToAccountRef: { value: SEED.account.sales } }),
    )
    expect(firstError(income).code).toBe('6000')
    expect(income.body.Fault.type).toBe('ValidationFault')
    expect(client().sim.read.counts(REALM).RefundReceipt).toBe(0)
  })

  it('Line is required; 6140 per type; 6070 on a wrong amount', async () => {
    expect(firstError(await client().post('refundreceipt', refundReceipt('R-3', { Line: [] }))).code).toBe(
      '2020',
    )
    await client().create('SalesReceipt', { ...refundReceipt('R-3'), DepositToAccountRef: undefined })
    const first = await client().create('RefundReceipt', refundReceipt('R-3'))
    const dup = await client().post('refundreceipt', refundReceipt('R-3'))
    expect(firstError(dup).Detail).toContain(
      `DocNumber=R-3 is assigned to TxnType=RefundReceipt with TxnId=${first.Id}`,
    )
    const wrong = await client().post('refundreceipt', refundReceipt('R-4', { Line: [mugs(3, 59.96)] }))
    expect(firstError(wrong).code).toBe('6070')
  })

  it('the same requestid replays the refund byte for byte and refunds once', async () => {
    const path = 'refundreceipt?requestid=ss-100234-rr-v1&minorversion=75'
    const first = await client().post(path, refundReceipt())
    client().sim.clock.advance(1000)
    const second = await client().post(path, refundReceipt())
    expect(second.status).toBe(200)
    expect(second.text).toBe(first.text)
    expect(client().sim.read.counts(REALM).RefundReceipt).toBe(1)
    expect(client().sim.read.usage(REALM)).toMatchObject({ writes: 1, replays: 1 })
  })
})

describe('query and batch', () => {
  it('select * from CreditMemo / RefundReceipt where DocNumber = …; metered as reads', async () => {
    const memo = await client().create('CreditMemo', creditMemo('Q-1'))
    await client().create('CreditMemo', creditMemo('Q-2'))
    const refund = await client().create('RefundReceipt', refundReceipt('Q-1'))
    const memos = await client().query("select * from CreditMemo where DocNumber = 'Q-1'")
    expect(memos.body.QueryResponse).toEqual({ CreditMemo: [memo], startPosition: 1, maxResults: 1 })
    const refunds = await client().query("SELECT * FROM RefundReceipt WHERE DocNumber = 'q-1'")
    expect(refunds.body.QueryResponse.RefundReceipt.map((r: Json) => r.Id)).toEqual([refund.Id])
    const none = await client().query("select * from RefundReceipt where DocNumber = 'Q-2'")
    expect(none.body.QueryResponse).toEqual({})
    const open = await client().query('select count(*) from CreditMemo where Balance > 0')
    expect(open.body.QueryResponse).toEqual({ totalCount: 2 })
    expect(client().sim.read.usage(REALM).reads).toBe(4)
  })

  it('batch creates, voids and fails CreditMemo / RefundReceipt items one by one', async () => {
    const existing = await client().create('RefundReceipt', refundReceipt('B-0'))
    const answer = await client().post('batch?minorversion=75', {
      BatchItemRequest: [
        { bId: 'cm1', operation: 'create', CreditMemo: creditMemo('B-1') },
        { bId: 'rr1', operation: 'create', RefundReceipt: refundReceipt('B-1') },
        { bId: 'dup', operation: 'create', RefundReceipt: refundReceipt('B-0') },
        {
          bId: 'bad',
          operation: 'create',
          RefundReceipt: refundReceipt('B-2', { DepositToAccountRef: undefined }),
        },
        {
          bId: 'v1',
          operation: 'update',
          optionsData: 'void',
          RefundReceipt: { Id: existing.Id, SyncToken: '0' },
        },
        { bId: 'q1', Query: "select * from CreditMemo where DocNumber = 'B-1'" },
      ],
    })
    expect(answer.status).toBe(200)
    const items = Object.fromEntries((answer.body.BatchItemResponse as Json[]).map((i) => [i.bId, i]))
    expect(items.cm1.CreditMemo).toMatchObject({ DocNumber: 'B-1', RemainingCredit: 50.78 })
    expect(items.rr1.RefundReceipt).toMatchObject({ DocNumber: 'B-1', TotalAmt: 50.78, Balance: 0 })
    expect(items.dup.Fault.Error[0].code).toBe('6140')
    expect(items.bad.Fault.Error[0].code).toBe('2020')
    expect(items.v1.RefundReceipt).toMatchObject({ SyncToken: '1', TotalAmt: 0, PrivateNote: 'Voided' })
    expect(items.q1.QueryResponse.CreditMemo.map((c: Json) => c.Id)).toEqual([items.cm1.CreditMemo.Id])
    expect(client().sim.read.usage(REALM)).toMatchObject({ reads: 1, writes: 6 })
  })
})

describe('CreditMemo applied to an invoice', () => {
  it('a Payment with an Invoice line and a CreditMemo line (TotalAmt 0) settles both; no more than the credit', async () => {
    const inv = await client().create('Invoice', invoice('100235'))
    const memo = await client().create(
      'CreditMemo',
      creditMemo('100235', { Line: [mugs(2, 39.98)], TxnTaxDetail: { TotalTax: 0 } }),
    )
    const payment = await client().create('Payment', {
      CustomerRef: { value: SEED.customer },
      TotalAmt: 0,
      Line: [
        { Amount: 39.98, LinkedTxn: [{ TxnId: inv.Id, TxnType: 'Invoice' }] },
        { Amount: 39.98, LinkedTxn: [{ TxnId: memo.Id, TxnType: 'CreditMemo' }] },
      ],
    })
    expect(payment).toMatchObject({ TotalAmt: 0, UnappliedAmt: 0 })
    expect((await client().get(`invoice/${inv.Id}`)).body.Invoice).toMatchObject({ Balance: 19.99 })
    expect((await client().get(`creditmemo/${memo.Id}`)).body.CreditMemo).toMatchObject({
      RemainingCredit: 0,
      Balance: 0,
      SyncToken: '1',
      LinkedTxn: [{ TxnId: payment.Id, TxnType: 'Payment' }],
    })
    expect((await client().get(`customer/${SEED.customer}`)).body.Customer.Balance).toBe(19.99)

    const again = await client().post('payment?minorversion=75', {
      CustomerRef: { value: SEED.customer },
      TotalAmt: 0,
      Line: [
        { Amount: 1, LinkedTxn: [{ TxnId: inv.Id, TxnType: 'Invoice' }] },
        { Amount: 1, LinkedTxn: [{ TxnId: memo.Id, TxnType: 'CreditMemo' }] },
      ],
    })
    expect(again.status).toBe(400)
    expect(firstError(again).Detail).toContain('remaining credit')
  })
})
