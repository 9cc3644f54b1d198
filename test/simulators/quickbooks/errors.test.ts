/**
 * Each QBO error code the simulator produces (reference §9), with its Fault text, element and status:
 * 6240, 6140, 6070, 5010, 610, 2500, 2050, 2020, 2010, 6100, 2210, 6080, 6000 and the global tax model.
 */
import { describe, expect, it } from 'vitest'
import { startQuickBooksSimulator } from '../../../src/simulators/quickbooks/index.js'
import {
  Client,
  fixture,
  invoice,
  type Json,
  REALM,
  SEED,
  salesReceipt,
  structure,
  useSimulator,
} from './helpers.js'

const client = useSimulator()

const firstError = (answer: { body: Json }) => answer.body.Fault.Error[0]

function line(overrides: Json = {}, detail: Json = {}): Json {
  return {
    DetailType: 'SalesItemLineDetail',
    Amount: 19.99,
    SalesItemLineDetail: { ItemRef: { value: SEED.item.mug }, Qty: 1, UnitPrice: 19.99, ...detail },
    ...overrides,
  }
}

describe('6240 duplicate name', () => {
  it('DisplayName is shared by customers, vendors and employees, without regard to case', async () => {
    for (const name of ['ana ruiz', ' Acme Supplies ', 'EMILY PLATT']) {
      const answer = await client().post('customer', { DisplayName: name })
      expect(answer.status).toBe(400)
      expect(firstError(answer)).toMatchObject({
        code: '6240',
        Message: 'Duplicate Name Exists Error',
        element: '',
      })
    }
  })

  it('item names are unique among items; a rename onto another name fails too', async () => {
    const dup = await client().post('item', {
      Name: 'mug-blue',
      IncomeAccountRef: { value: SEED.account.sales },
    })
    expect(firstError(dup).Detail).toContain('Another product or service is already using this name')
    const item = await client().create('Item', {
      Name: 'Cup',
      IncomeAccountRef: { value: SEED.account.sales },
    })
    const rename = await client().post('item', {
      Id: item.Id,
      SyncToken: '0',
      sparse: true,
      Name: 'MUG-BLUE',
    })
    expect(firstError(rename).code).toBe('6240')
  })
})

describe('6140 duplicate DocNumber', () => {
  it('per transaction type; include=allowduplicatedocnum lets it through', async () => {
    await client().create('SalesReceipt', salesReceipt('5001'))
    expect((await client().post('invoice', invoice('5001'))).status).toBe(200)
    const dup = await client().post('salesreceipt', salesReceipt('5001'))
    expect(firstError(dup)).toMatchObject({ code: '6140', Message: 'Duplicate Document Number Error' })
    const forced = await client().post('salesreceipt?include=allowduplicatedocnum', salesReceipt('5001'))
    expect(forced.status).toBe(200)
  })

  it('an update onto another document number collides too; the check is a company setting', async () => {
    await client().create('SalesReceipt', salesReceipt('6001'))
    const other = await client().create('SalesReceipt', salesReceipt('6002'))
    const update = await client().post('salesreceipt', {
      Id: other.Id,
      SyncToken: '0',
      sparse: true,
      DocNumber: '6001',
    })
    expect(firstError(update).code).toBe('6140')
    client().sim.read.setSettings(REALM, { duplicateDocNumberCheck: false })
    expect((await client().post('salesreceipt', salesReceipt('6001'))).status).toBe(200)
  })
})

describe('6070 Amount ≠ Qty × UnitPrice', () => {
  it('names the supplied amount', async () => {
    const answer = await client().post(
      'salesreceipt',
      salesReceipt('A-1', { Line: [line({ Amount: 19.98 })] }),
    )
    expect(firstError(answer)).toEqual({
      Message: 'Amount calculation incorrect in the request',
      Detail: 'Amount is not equal to UnitPrice * Qty. Supplied value:19.98',
      code: '6070',
      element: '',
    })
  })

  it('rounds the product half-up to cents with exact decimals', async () => {
    const ok = (amount: number, qty: number, price: number) =>
      client().post('salesreceipt', {
        Line: [line({ Amount: amount }, { Qty: qty, UnitPrice: price })],
      })
    expect((await ok(1.01, 3, 0.335)).status).toBe(200) // 1.005 → 1.01
    expect((await ok(1, 3, 0.335)).status).toBe(400)
    expect((await ok(1861.08, 1, 1861.075)).status).toBe(200) // 1861.075 is 1861.07499… as a double
    expect((await ok(6.66, 3, 2.22)).status).toBe(200) // 3 × 2.22 = 6.66000…01 as doubles
    expect((await ok(-19.99, -1, 19.99)).status).toBe(200)
  })
})

describe('references: 2500 unknown, 610 inactive', () => {
  it('an unknown item → 2500 naming the element', async () => {
    const answer = await client().post('salesreceipt', { Line: [line({}, { ItemRef: { value: '999' } })] })
    expect(firstError(answer)).toEqual({
      Message: 'Invalid Reference Id',
      Detail: 'Invalid Reference Id : Line.SalesItemLineDetail.ItemRef',
      code: '2500',
      element: 'Line.SalesItemLineDetail.ItemRef',
    })
  })

  it('unknown customer, deposit account, payment method and tax code', async () => {
    const cases: [Json, string][] = [
      [{ CustomerRef: { value: '999' } }, 'CustomerRef'],
      [{ DepositToAccountRef: { value: '999' } }, 'DepositToAccountRef'],
      [{ PaymentMethodRef: { value: '999' } }, 'PaymentMethodRef'],
      [{ TxnTaxDetail: { TxnTaxCodeRef: { value: '999' } } }, 'TxnTaxDetail.TxnTaxCodeRef'],
      [{ TxnTaxDetail: { TxnTaxCodeRef: { value: 'TAX' } } }, 'TxnTaxDetail.TxnTaxCodeRef'],
    ]
    for (const [fields, element] of cases) {
      const answer = await client().post('salesreceipt', salesReceipt('R', fields))
      expect(firstError(answer), element).toMatchObject({ code: '2500', element })
    }
  })

  it('an inactive item or customer → 610; reading a missing id → 610', async () => {
    const item = await client().create('Item', {
      Name: 'Old mug',
      IncomeAccountRef: { value: SEED.account.sales },
    })
    await client().post('item', { Id: item.Id, SyncToken: '0', sparse: true, Active: false })
    const answer = await client().post('salesreceipt', { Line: [line({}, { ItemRef: { value: item.Id } })] })
    expect(firstError(answer)).toMatchObject({ code: '610', Message: 'Object Not Found' })
    await client().post('customer', { Id: SEED.webStore, SyncToken: '0', sparse: true, Active: false })
    const customer = await client().post('invoice', invoice('I-1', { CustomerRef: { value: SEED.webStore } }))
    expect(firstError(customer).code).toBe('610')
    const read = await client().get('invoice/424242')
    expect(read.status).toBe(400)
    expect(firstError(read).Detail).toBe(
      "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.",
    )
  })

  it('SHIPPING_ITEM_ID needs the shipping preference', async () => {
    client().sim.read.setSettings(REALM, { allowShipping: false })
    const answer = await client().post('salesreceipt', salesReceipt())
    expect(firstError(answer)).toMatchObject({ code: '2500', element: 'Line.SalesItemLineDetail.ItemRef' })
  })
})

describe('2050 length', () => {
  it('DocNumber over 21 characters', async () => {
    const answer = await client().post('salesreceipt', salesReceipt('1234567890-1234567890-X'))
    expect(firstError(answer)).toEqual({
      Message: 'String length is either shorter or longer than supported by specification',
      Detail:
        'String length specified does not match the supported length. Min:0 Max:21 supported. Supplied length:23',
      code: '2050',
      element: 'DocNumber',
    })
    expect((await client().post('salesreceipt', salesReceipt('1234567890-1234567890'))).status).toBe(200)
  })

  it('nested fields name their path; several at once are all reported, as in the multi-error capture', async () => {
    // The capture: one Fault, several Errors, each with its own code, element, Message and Detail.
    const xml: string = fixture('faults/multi-error-validation-ruby.xml.json').body_xml
    const captured = [...xml.matchAll(/<Error code="(\d+)" element="(\w+)">/g)].map((m) => m[1])
    expect(captured).toEqual(['2050', '2080'])
    const answer = await client().post(
      'salesreceipt',
      salesReceipt('x'.repeat(30), {
        CustomerMemo: { value: 'm'.repeat(1001) },
        PaymentRefNum: 'p'.repeat(22),
      }),
    )
    for (const error of answer.body.Fault.Error) {
      expect(Object.keys(error).sort()).toEqual(['Detail', 'Message', 'code', 'element'])
      expect(error.code).toBe(captured[0])
    }
    expect(answer.body.Fault.Error.map((e: Json) => e.element)).toEqual([
      'DocNumber',
      'CustomerMemo.value',
      'PaymentRefNum',
    ])
  })
})

describe('2020 required parameter', () => {
  it.each([
    ['no lines', 'salesreceipt', { Line: [] }, 'Line'],
    ['invoice without customer', 'invoice', invoice('X', { CustomerRef: undefined }), 'CustomerRef'],
    [
      'line without DetailType',
      'salesreceipt',
      { Line: [line({ DetailType: undefined })] },
      'Line.DetailType',
    ],
    ['line without Amount', 'salesreceipt', { Line: [line({ Amount: undefined })] }, 'Line.Amount'],
    [
      'line without ItemRef',
      'salesreceipt',
      { Line: [line({}, { ItemRef: undefined })] },
      'Line.SalesItemLineDetail.ItemRef',
    ],
    ['item without name', 'item', { IncomeAccountRef: { value: SEED.account.sales } }, 'Name'],
    ['payment without total', 'payment', { CustomerRef: { value: SEED.customer } }, 'TotalAmt'],
  ])('%s', async (_name, entity, body, parameter) => {
    const answer = await client().post(entity, body)
    expect(answer.status).toBe(400)
    expect(firstError(answer)).toMatchObject({
      code: '2020',
      Message: 'Required param missing, need to supply the required value for the API',
      Detail: `Required parameter ${parameter} is missing in the request`,
    })
  })
})

describe('2010 invalid or unsupported property', () => {
  it('an unknown field names itself and its class, as Jackson does', async () => {
    const top = await client().post('salesreceipt', salesReceipt('U-1', { ShippingCost: 5 }))
    expect(firstError(top)).toEqual({
      Message: 'Request has invalid or unsupported property',
      Detail:
        'Property Name:Unrecognized field "ShippingCost" (class com.intuit.schema.finance.v3.SalesReceipt), not marked as ignorable specified is unsupported or invalid',
      code: '2010',
    })
    const nested = await client().post('salesreceipt', {
      Line: [line({}, { ItemRef: { value: '2', sku: 'x' } })],
    })
    expect(firstError(nested).Detail).toContain('(class com.intuit.schema.finance.v3.ReferenceType)')
    const detail = await client().post('salesreceipt', { Line: [line({}, { Quantity: 1 })] })
    expect(firstError(detail).Detail).toContain(
      '"Quantity" (class com.intuit.schema.finance.v3.SalesItemLineDetail)',
    )
  })

  it('wrong types, unknown enum values and bad dates are 2010 with the 2026 capture wording', async () => {
    const bodies = [
      salesReceipt('W-1', { Line: [line({ Amount: 'lots' })] }),
      salesReceipt('W-2', { PrintStatus: 'Maybe' }),
      salesReceipt('W-3', { TxnDate: '07/14/2026' }),
      salesReceipt('W-4', { TxnDate: '2026-02-30' }),
      salesReceipt('W-5', { Line: { DetailType: 'SalesItemLineDetail' } }),
    ]
    for (const body of bodies) {
      const answer = await client().post('salesreceipt', body)
      expect(firstError(answer)).toEqual({
        Message: 'Request has invalid or unsupported property',
        Detail: 'Property Name:failed to parse json object; a property specified is unsupported or invalid',
        code: '2010',
      })
    }
  })

  it('numbers and booleans as text and null as "not set" are accepted, as Jackson does', async () => {
    const answer = await client().post(
      'salesreceipt',
      salesReceipt('J-1', {
        ApplyTaxAfterDiscount: 'false',
        PrivateNote: null,
        Line: [line({ Amount: '19.99' }, { Qty: '1', UnitPrice: 19.99 })],
      }),
    )
    expect(answer.status).toBe(200)
    expect(answer.body.SalesReceipt.Line[0].Amount).toBe(19.99)
    expect(answer.body.SalesReceipt.PrivateNote).toBeUndefined()
  })
})

describe('tax codes, names and e-mail', () => {
  it('6100: a US line tax code must be TAX or NON', async () => {
    const answer = await client().post('salesreceipt', { Line: [line({}, { TaxCodeRef: { value: '2' } })] })
    expect(firstError(answer)).toMatchObject({
      code: '6100',
      Detail: 'Valid Line TaxCodes for US should be TAX or NON',
    })
  })

  it('6080: a customer needs some name', async () => {
    const answer = await client().post('customer', { PrimaryEmailAddr: { Address: 'x@example.com' } })
    expect(firstError(answer)).toMatchObject({ code: '6080', Message: 'No Name Provided' })
  })

  it('2210: e-mail addresses must look like addresses', async () => {
    const answer = await client().post('customer', {
      DisplayName: 'Mail',
      PrimaryEmailAddr: { Address: 'not an email' },
    })
    expect(firstError(answer)).toMatchObject({ code: '2210', element: 'PrimaryEmailAddr' })
  })

  it('6000 business validation has the shape of the captured Bill fault', async () => {
    const capture = fixture('faults/6000-business-validation-bill.json').body
    const answer = await client().post('account', { Name: 'A:B', AccountType: 'Income' })
    expect(structure(answer.body)).toEqual(structure(capture))
    expect(firstError(answer).Message).toBe(capture.Fault.Error[0].Message)
    expect(firstError(answer).Detail).toMatch(/^Business Validation Error: /)
  })
})

describe('global tax model', () => {
  it('lines need a real tax code id; tax is computed per rate', async () => {
    const sim = await startQuickBooksSimulator({
      realms: [{ realmId: REALM, settings: { taxModel: 'global' } }],
    })
    const global = new Client(sim)
    global.token = sim.tokens.issue().access_token
    try {
      const missing = await global.post('salesreceipt', {
        Line: [line({ Amount: 10 }, { Qty: 1, UnitPrice: 10 })],
      })
      expect(firstError(missing).Detail).toBe(
        'Business Validation Error: Make sure all your transactions have a tax rate before you save.',
      )
      const unknown = await global.post('salesreceipt', {
        Line: [line({ Amount: 10 }, { Qty: 1, UnitPrice: 10, TaxCodeRef: { value: 'TAX' } })],
      })
      expect(firstError(unknown)).toMatchObject({
        code: '2500',
        element: 'Line.SalesItemLineDetail.TaxCodeRef',
      })
      const ok = await global.create('SalesReceipt', {
        Line: [line({ Amount: 10 }, { Qty: 1, UnitPrice: 10, TaxCodeRef: { value: '4' } })],
      })
      expect(ok).toMatchObject({
        GlobalTaxCalculation: 'TaxExcluded',
        TotalAmt: 12,
        TxnTaxDetail: { TotalTax: 2 },
      })
    } finally {
      await sim.close()
    }
  })
})
