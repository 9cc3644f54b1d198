/**
 * The simulator's bodies against the real payloads in fixtures/ (copied from
 * shared/reference/examples/quickbooks/fixtures): envelopes, key names, value types and key order.
 */
import { describe, expect, it } from 'vitest'
import { CLIENT, fixture, type Json, REALM, SEED, structure, useSimulator, xmlFault } from './helpers.js'

const client = useSimulator()

/** Every key path of `expected` exists in `actual` with the same JSON type (extra keys allowed). */
function expectStructureWithin(actual: unknown, expected: unknown, path = '$'): void {
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true)
    if (expected.length > 0) expectStructureWithin((actual as unknown[])[0], expected[0], `${path}[0]`)
    return
  }
  if (expected !== null && typeof expected === 'object') {
    expect(actual, path).toBeTypeOf('object')
    for (const [key, value] of Object.entries(expected)) {
      expect(actual, `${path} has ${key}`).toHaveProperty([key])
      expectStructureWithin((actual as Json)[key], value, `${path}.${key}`)
    }
    return
  }
  expect(actual === null ? 'null' : typeof actual, path).toBe(expected === null ? 'null' : typeof expected)
}

/** The keys of `actual` that `expected` also has, in `actual`'s order, equal `expected`'s order. */
function expectSameOrder(actual: Json, expected: Json): void {
  const common = Object.keys(actual).filter((k) => k in expected)
  expect(common).toEqual(Object.keys(expected).filter((k) => k in actual))
}

const ISO_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/
const ISO_OFFSET_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/

describe('OAuth', () => {
  it('token response has the fields and types of the official client mock', async () => {
    const answer = await client().request(
      'POST',
      '/oauth2/v1/tokens/bearer',
      await refreshForm(),
      formHeaders(),
    )
    expect(answer.status).toBe(200)
    const mock = fixture('oauth/token-response-oauth-jsclient.json').body
    const { id_token: _idToken, ...withoutIdToken } = mock
    expect(structure(answer.body)).toEqual(structure(withoutIdToken))
    expect(answer.body.expires_in).toBe(mock.expires_in)
    expect(answer.body.x_refresh_token_expires_in).toBe(mock.x_refresh_token_expires_in)
    expect(answer.headers.get('intuit_tid')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('x_refresh_token_hard_expires_in only with the opt-in header (hard-expiry mock)', async () => {
    const mock = fixture('oauth/token-response-hard-expiry-oauth-jsclient.json')
    const answer = await client().request(
      'POST',
      '/oauth2/v1/tokens/bearer',
      await refreshForm(),
      formHeaders(mock.http.request_headers),
    )
    expect(structure(answer.body)).toEqual(structure(mock.body))
    expect(answer.body.x_refresh_token_hard_expires_in).toBeGreaterThan(150_000_000)
  })

  it('invalid_grant is plain OAuth JSON with intuit_tid, as in both captures', async () => {
    const answer = await client().request(
      'POST',
      '/oauth2/v1/tokens/bearer',
      'grant_type=refresh_token&refresh_token=RT1-nope',
      formHeaders(),
    )
    expect(answer.status).toBe(fixture('oauth/token-error-invalid-grant-oauth-jsclient.json').http.status)
    expect(answer.body).toEqual(fixture('oauth/token-error-invalid-refresh-token.json').body)
    expect(answer.headers.get('content-type')).toBe('application/json;charset=UTF-8')
    expect(answer.headers.get('intuit_tid')).not.toBeNull()
  })

  it('discovery document has the official keys, pointing at the simulator', async () => {
    const answer = await client().request('GET', '/.well-known/openid_configuration')
    const official = fixture('oauth/discovery-document-dotnet-sdk.json').body
    expect(Object.keys(answer.body)).toEqual(Object.keys(official))
    expect(answer.body.token_endpoint).toBe(`${client().sim.url}/oauth2/v1/tokens/bearer`)
    expect(answer.body.token_endpoint_auth_methods_supported).toEqual(
      official.token_endpoint_auth_methods_supported,
    )
  })
})

async function refreshForm(): Promise<string> {
  const tokens = client().sim.tokens.issue()
  return `grant_type=refresh_token&refresh_token=${tokens.refresh_token}`
}

function formHeaders(extra: Record<string, string> = {}) {
  const basic = Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')
  return {
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
      ...extra,
    },
  }
}

describe('fault shapes', () => {
  it('validation faults match the official template and the JSON 6240 capture', async () => {
    const answer = await client().post('customer', { DisplayName: 'Ana Ruiz' })
    expect(answer.status).toBe(400)
    const template = fixture('faults/fault-template-official-docs.json').body
    expect(structure(answer.body)).toEqual(structure(template))
    const capture = fixture('faults/6240-duplicate-name-taxrate-json-ruby.json').body.Fault
    expect(answer.body.Fault.Error[0]).toMatchObject({
      Message: capture.Error[0].Message,
      code: '6240',
      element: '',
    })
    expect(answer.body.Fault.type).toBe(capture.type)
    expect(answer.body.Fault.Error[0].Detail).toBe(
      'The name supplied already exists. : Another customer, vendor or employee is already using this name. Please use a different name.',
    )
    expect(answer.body.time).toMatch(ISO_OFFSET_MS)
  })

  it('6240 for a customer: code and message of the XML capture', async () => {
    const capture = xmlFault('faults/6240-duplicate-name-customer-ruby.xml.json')
    const answer = await client().post('customer', { DisplayName: SEED.vendorName })
    expect(answer.body.Fault).toMatchObject({
      type: capture.type,
      Error: [{ code: capture.code, Message: capture.Message }],
    })
  })

  it('6140 detail names the existing transaction like the Stack Overflow capture', async () => {
    await client().create('Invoice', { ...invoiceBody(), DocNumber: 'O0010714' })
    const answer = await client().post('invoice', { ...invoiceBody(), DocNumber: 'O0010714' })
    const capture = fixture('faults/6140-duplicate-docnumber-invoice.json').body
    expect(structure(answer.body)).toEqual(structure(capture))
    expect(answer.body.Fault.Error[0].Detail).toMatch(
      /^Duplicate Document Number Error : You must specify a different number\. This number has already been used\. DocNumber=O0010714 is assigned to TxnType=Invoice with TxnId=\d+$/,
    )
    const detail = capture.Fault.Error[0].Detail.replace(/TxnId=\d+/, '')
    expect(answer.body.Fault.Error[0].Detail.replace(/TxnId=\d+/, '')).toBe(detail)
  })

  it('401 uses the lower-case gateway envelope with epoch-ms time (both 3200 captures)', async () => {
    const expired = fixture('faults/3200-401-expired-token-lowercase.json').body
    const missing = await client().get('customer/1', { token: '' })
    expect(missing.status).toBe(401)
    expect({ ...missing.body, time: 0 }).toEqual({ ...expired, time: 0 })
    expect(missing.body.time).toBeTypeOf('number')

    const malformed = fixture('faults/3200-401-malformed-token-lowercase.json').body
    const short = await client().get('customer/1', { token: 'abc' })
    expect({ ...short.body, time: 0 }).toEqual({ ...malformed, time: 0 })
  })

  it('403 for another company: the 3100 capture', async () => {
    const capture = fixture('faults/3100-403-authorization-failed-partial.json')
    const answer = await client().get('customer/1', { realm: '123' } as never)
    expect(answer.status).toBe(capture.http.status)
    expect(answer.body.fault).toEqual(capture.body.fault)
  })

  it('429 carries the 3001 fault of the XML capture', async () => {
    const capture = xmlFault('faults/3001-throttle-429-ruby.xml.json')
    client().sim.faults.set({ burst429: 1 })
    const answer = await client().get('customer/1')
    expect(answer.status).toBe(429)
    expect(answer.body.Fault).toEqual({
      Error: [{ Message: capture.Message, Detail: capture.Detail, code: capture.code }],
      type: capture.type,
    })
  })

  it('500 carries the SystemFault 10000 of the XML capture', async () => {
    const capture = xmlFault('faults/10000-system-fault-ruby.xml.json')
    client().sim.faults.set({ errorRate: 1 })
    const answer = await client().get('customer/1')
    expect(answer.status).toBe(500)
    expect(answer.body.Fault).toMatchObject({
      type: capture.type,
      Error: [{ code: capture.code, Message: capture.Message }],
    })
  })

  it('query validation: the 4001 capture (STARTPOSITION 0)', async () => {
    const capture = xmlFault('faults/4001-query-validation-ruby.xml.json')
    const answer = await client().query('select * from Customer startposition 0')
    expect(answer.status).toBe(400)
    expect(answer.body.Fault).toEqual({
      Error: [{ Message: capture.Message, Detail: capture.Detail, code: capture.code }],
      type: capture.type,
    })
  })

  it('6190 with the captured text when the subscription ended', async () => {
    const capture = fixture('faults/6190-invalid-company-status-java-sdk.json').body.AttachableResponse[0]
      .Fault
    client().sim.read.setSettings(REALM, { status: 'subscriptionEnded' })
    const answer = await client().post('customer', { DisplayName: 'Someone New' })
    expect(answer.body.Fault).toEqual(capture)
  })
})

function invoiceBody(): Json {
  return {
    CustomerRef: { value: SEED.customer },
    Line: [
      {
        DetailType: 'SalesItemLineDetail',
        Amount: 10,
        SalesItemLineDetail: { ItemRef: { value: SEED.item.services } },
      },
    ],
  }
}

describe('entities', () => {
  it('a SalesReceipt like the official sample has its structure and key order', async () => {
    const sample = fixture('entities/salesreceipt-object-official-docs.json').body
    const customer = await client().create('Customer', { DisplayName: 'Dylan Sollfrank' })
    const design = await client().create('Item', {
      Name: 'Design',
      Type: 'Service',
      UnitPrice: 75,
      IncomeAccountRef: { value: SEED.account.sales },
    })
    const answer = await client().post('salesreceipt?minorversion=75', {
      CustomField: [{ DefinitionId: '1', Name: 'Crew #', Type: 'StringType' }],
      DocNumber: '1003',
      TxnDate: '2014-09-14',
      Line: [
        {
          Description: 'Custom Design',
          Amount: 337.5,
          DetailType: 'SalesItemLineDetail',
          SalesItemLineDetail: {
            ItemRef: { value: design.Id },
            UnitPrice: 75,
            Qty: 4.5,
            TaxCodeRef: { value: 'NON' },
          },
        },
      ],
      CustomerRef: { value: customer.Id },
      CustomerMemo: { value: 'Thank you for your business and have a great day!' },
      BillAddr: { Line1: 'Dylan Sollfrank' },
      PaymentMethodRef: { value: SEED.paymentMethod.check },
      PaymentRefNum: '10264',
      DepositToAccountRef: { value: SEED.account.checking },
    })
    expect(answer.status).toBe(200)
    const receipt = answer.body.SalesReceipt
    // Lat/Long are no longer returned on addresses (reference §5, Sep 2025).
    const { Lat: _lat, Long: _long, ...billAddr } = sample.SalesReceipt.BillAddr
    expectStructureWithin(answer.body, {
      ...sample,
      SalesReceipt: { ...sample.SalesReceipt, BillAddr: billAddr },
    })
    expectSameOrder(receipt, sample.SalesReceipt)
    expect(receipt.Line).toEqual(
      sample.SalesReceipt.Line.map((line: Json) =>
        line.SalesItemLineDetail
          ? {
              ...line,
              SalesItemLineDetail: {
                ...line.SalesItemLineDetail,
                ItemRef: { value: design.Id, name: 'Design' },
                ItemAccountRef: { value: SEED.account.sales, name: 'Sales' },
              },
            }
          : line,
      ),
    )
    for (const key of [
      'DocNumber',
      'TxnDate',
      'TotalAmt',
      'Balance',
      'PrintStatus',
      'EmailStatus',
      'sparse',
      'domain',
    ]) {
      expect(receipt[key], key).toEqual(sample.SalesReceipt[key])
    }
    expect(receipt.TxnTaxDetail).toEqual(sample.SalesReceipt.TxnTaxDetail)
    expect(receipt.CustomerRef).toEqual({ value: customer.Id, name: 'Dylan Sollfrank' })
    expect(receipt.PaymentMethodRef).toEqual(sample.SalesReceipt.PaymentMethodRef)
    expect(receipt.DepositToAccountRef).toEqual({ value: SEED.account.checking, name: 'Checking' })
    expect(receipt.MetaData.CreateTime).toMatch(ISO_OFFSET)
    expect(receipt.SyncToken).toBe('0')
  })

  it('a query answer has the envelope and Account structure of the Java SDK capture', async () => {
    const sample = fixture('query/query-response-account-java-sdk.json').body
    const answer = await client().query("select * from Account where Name = 'Sales'")
    expectStructureWithin(answer.body, sample)
    expect(Object.keys(answer.body.QueryResponse)).toEqual(Object.keys(sample.QueryResponse))
    expectSameOrder(answer.body.QueryResponse.Account[0], sample.QueryResponse.Account[0])
    expect(answer.body.QueryResponse).toMatchObject({ startPosition: 1, maxResults: 1 })
  })

  it('a batch answer matches the python-quickbooks shape: entity and Fault items by bId', async () => {
    const sample = fixture('batch/batch-response-mixed-python-quickbooks.json').body
    const answer = await client().post('batch', {
      BatchItemRequest: [
        { bId: '1', operation: 'create', Customer: { DisplayName: 'Ana Ruiz' } },
        { bId: '2', operation: 'create', Customer: { DisplayName: 'Brand New' } },
      ],
    })
    expect(answer.status).toBe(200)
    const byId = Object.fromEntries(answer.body.BatchItemResponse.map((item: Json) => [item.bId, item]))
    const sampleById = Object.fromEntries(sample.BatchItemResponse.map((item: Json) => [item.bId, item]))
    expect(structure(byId['1'])).toEqual(structure(sampleById['1']))
    expect(byId['1'].Fault.Error[0]).toMatchObject({
      code: '6240',
      Message: sampleById['1'].Fault.Error[0].Message,
    })
    expect(byId['2'].Customer.Id).toBeTypeOf('string')
    expect(Object.keys(answer.body)).toEqual(['BatchItemResponse', 'time'])
  })

  it('a batch query item carries QueryResponse like the Java SDK batch test', async () => {
    const sample = fixture('batch/batch-response-java-sdk.json').body.BatchItemResponse
    const query = sample.find((item: Json) => item.QueryResponse)
    const answer = await client().post('batch', {
      BatchItemRequest: [{ bId: '13', Query: "select * from Customer where DisplayName = 'Ana Ruiz'" }],
    })
    const [item] = answer.body.BatchItemResponse
    expect(Object.keys(item).sort()).toEqual(Object.keys(query).sort())
    expectStructureWithin(item, query)
  })

  it('a deleted invoice echoes Id, status Deleted and domain (ruby capture)', async () => {
    const created = await client().create('Invoice', invoiceBody())
    const answer = await client().post('invoice?operation=delete', {
      Id: created.Id,
      SyncToken: created.SyncToken,
    })
    const xml: string = fixture('operations/invoice-delete-response-ruby.xml.json').body_xml
    expect(xml).toContain('status="Deleted"')
    expect(answer.body.Invoice).toEqual({ Id: created.Id, status: 'Deleted', domain: 'QBO' })
  })

  it('a voided SalesReceipt keeps number and lines, memo "Voided", zero total (ruby capture)', async () => {
    const xml: string = fixture('operations/salesreceipt-void-response-ruby.xml.json').body_xml
    expect(xml).toContain('<PrivateNote>Voided</PrivateNote>')
    const created = await client().create('SalesReceipt', { ...invoiceBody(), DocNumber: '1002' })
    const answer = await client().post('salesreceipt?operation=void', { Id: created.Id, SyncToken: '0' })
    expect(answer.body.SalesReceipt).toMatchObject({
      Id: created.Id,
      SyncToken: '1',
      DocNumber: '1002',
      PrivateNote: 'Voided',
      TotalAmt: 0,
      Balance: 0,
    })
    expect(answer.body.SalesReceipt.Line).toHaveLength(created.Line.length)
  })

  it('an inactive customer is renamed "(deleted)" like the ruby capture', async () => {
    const xml: string = fixture('operations/customer-deactivated-ruby.xml.json').body_xml
    expect(xml).toContain('<DisplayName>Thrifty Meats (deleted)</DisplayName>')
    const created = await client().create('Customer', {
      DisplayName: 'Thrifty Meats',
      CompanyName: 'Neo Pets',
    })
    const answer = await client().post('customer', {
      Id: created.Id,
      SyncToken: '0',
      sparse: true,
      Active: false,
    })
    expect(answer.body.Customer).toMatchObject({
      DisplayName: 'Thrifty Meats (deleted)',
      FullyQualifiedName: 'Thrifty Meats (deleted)',
      PrintOnCheckName: 'Neo Pets',
      Active: false,
      SyncToken: '1',
    })
  })
})
