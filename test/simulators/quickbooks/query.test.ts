/**
 * The query language: the parser on its own (operators, escapes, keywords in any case, syntax errors
 * in QBO's wording) and queries over HTTP (filters, inactive rows, ordering, paging limits, COUNT,
 * POST with application/text, the empty answer).
 */
import { describe, expect, it } from 'vitest'
import { QboFault } from '../../../src/simulators/quickbooks/errors.js'
import { parseQuery } from '../../../src/simulators/quickbooks/query-parser.js'
import { type Json, SEED, salesReceipt, useSimulator } from './helpers.js'

function parseError(text: string): { code: string; Detail: string } {
  try {
    parseQuery(text)
  } catch (error) {
    if (error instanceof QboFault) return error.errors[0] as { code: string; Detail: string }
    throw error
  }
  throw new Error(`parsed: ${text}`)
}

describe('parser', () => {
  it('reads every clause, keywords in any case', () => {
    expect(
      parseQuery(
        "select * FROM Customer Where DisplayName LIKE 'Ana%' and Active IN (true, false) and Balance >= 10.5 OrderBy DisplayName DESC, Id STARTPOSITION 11 maxresults 10",
      ),
    ).toEqual({
      count: false,
      entity: 'Customer',
      where: [
        { property: 'DisplayName', operator: 'LIKE', values: [{ kind: 'string', value: 'Ana%' }] },
        {
          property: 'Active',
          operator: 'IN',
          values: [
            { kind: 'boolean', value: true },
            { kind: 'boolean', value: false },
          ],
        },
        { property: 'Balance', operator: '>=', values: [{ kind: 'number', value: 10.5 }] },
      ],
      orderBy: [
        { property: 'DisplayName', descending: true },
        { property: 'Id', descending: false },
      ],
      startPosition: 11,
      maxResults: 10,
    })
  })

  it("unescapes \\' inside strings; ORDER BY in two words; COUNT(*)", () => {
    expect(
      parseQuery("select * from Customer where DisplayName = 'O\\'Brien \\\\ Co'").where[0]!.values,
    ).toEqual([{ kind: 'string', value: "O'Brien \\ Co" }])
    expect(parseQuery('select * from Item order by Name').orderBy).toEqual([
      { property: 'Name', descending: false },
    ])
    expect(parseQuery("SELECT COUNT(*) FROM Invoice WHERE TxnDate > '2026-01-01'")).toMatchObject({
      count: true,
      entity: 'Invoice',
    })
  })

  it('an unescaped quote breaks the statement as in the node-quickbooks capture', () => {
    const error = parseError("select * from Vendor where DisplayName = 'Cutlery 'R Us'")
    expect(error.code).toBe('4000')
    expect(error.Detail).toMatch(
      /^QueryParserError: Encountered " <IDENTIFIER> "R "" at line 1, column 52\.\nWas expecting one of:\n {4}<EOF> \.\.\.\n {4}<AND> \.\.\./,
    )
  })

  it('stray characters are lexical errors; an empty query expects "select"', () => {
    expect(parseError('select * from Item where Name = %').Detail).toBe(
      'QueryParserError: Invalid content. Lexical error at line 1, column 33.  Encountered: "%" (37), after : ""',
    )
    expect(parseError('').Detail).toBe(
      'QueryParserError: Encountered "<EOF>" at line 0, column 0.\nWas expecting:\n    "select" ...\n    ',
    )
    expect(parseError('select * from').code).toBe('4000')
    expect(parseError("select * from Item where Name = 'open").code).toBe('4000')
    expect(parseError('select * from Item maxresults ten').code).toBe('4000')
  })

  it('OR and projections parse but are refused (4001)', () => {
    expect(parseError("select * from Item where Name = 'a' or Name = 'b'")).toMatchObject({ code: '4001' })
    expect(parseError('select Id, Name from Item')).toMatchObject({ code: '4001' })
  })
})

const client = useSimulator()
const rows = (answer: { body: Json }, entity: string) => (answer.body.QueryResponse[entity] ?? []) as Json[]
const names = (answer: { body: Json }, entity: string, field = 'Name') =>
  rows(answer, entity).map((r) => r[field])

describe('queries over HTTP', () => {
  it('= and IN on text ignore case; LIKE with % anywhere', async () => {
    expect(names(await client().query("select * from Item where Name = 'mug-blue'"), 'Item')).toEqual([
      'MUG-BLUE',
    ])
    expect(
      names(
        await client().query("select * from Item where Sku IN ('TEE-RED-M', 'MUG-BLUE', 'nope')"),
        'Item',
      ),
    ).toEqual(['MUG-BLUE', 'TEE-RED-M'])
    expect(
      names(await client().query("select * from Account where Name like '%income%'"), 'Account'),
    ).toEqual(['Shipping Income', 'Uncategorized Income'])
    expect(names(await client().query("select * from Item where Name LIKE 'S%'"), 'Item')).toEqual([
      'Services',
      'Shipping',
    ])
  })

  it("AND, numbers, dates, references and escaped quotes (O\\'Brien)", async () => {
    const obrien = await client().create('Customer', { DisplayName: "O'Brien Ltd" })
    const found = await client().query("select * from Customer where DisplayName = 'O\\'Brien Ltd'")
    expect(rows(found, 'Customer').map((c) => c.Id)).toEqual([obrien.Id])
    await client().create('SalesReceipt', salesReceipt('Q-1', { TxnDate: '2026-07-01' }))
    await client().create('SalesReceipt', salesReceipt('Q-2', { TxnDate: '2026-07-20' }))
    await client().create(
      'SalesReceipt',
      salesReceipt('Q-3', { TxnDate: '2026-07-20', CustomerRef: { value: SEED.webStore } }),
    )
    const query = `select * from SalesReceipt where TxnDate >= '2026-07-10' and CustomerRef = '${SEED.customer}' and TotalAmt > 50`
    expect(names(await client().query(query), 'SalesReceipt', 'DocNumber')).toEqual(['Q-2'])
  })

  it('MetaData times compare as instants, whatever the offset written', async () => {
    const before = new Date(client().sim.clock.now() - 1000).toISOString()
    await client().create('Customer', { DisplayName: 'Recent' })
    const answer = await client().query(`select * from Customer where MetaData.LastUpdatedTime > '${before}'`)
    expect(names(answer, 'Customer', 'DisplayName')).toContain('Recent')
    const future = new Date(client().sim.clock.now() + 3_600_000).toISOString().replace('Z', '+00:00')
    expect(
      (await client().query(`select * from Customer where MetaData.CreateTime > '${future}'`)).body,
    ).toMatchObject({
      QueryResponse: {},
    })
  })

  it('inactive name-list rows are hidden unless the query mentions Active', async () => {
    const gone = await client().create('Customer', { DisplayName: 'Gone Shopper' })
    await client().post('customer', { Id: gone.Id, SyncToken: '0', sparse: true, Active: false })
    const all = (await client().query('select * from Customer')).body.QueryResponse.Customer as Json[]
    expect(all.some((c) => c.Id === gone.Id)).toBe(false)
    const both = await client().query('select * from Customer where Active IN (true, false)')
    expect(rows(both, 'Customer').some((c) => c.Id === gone.Id)).toBe(true)
    const inactive = await client().query('select * from Customer where Active = false')
    expect(names(inactive, 'Customer', 'DisplayName')).toEqual(['Gone Shopper (deleted)'])
  })

  it('ORDERBY asc/desc; default order by Id', async () => {
    expect(names(await client().query('select * from Item'), 'Item')).toEqual([
      'Services',
      'MUG-BLUE',
      'TEE-RED-M',
      'Shipping',
      'Gift wrap',
    ])
    expect(names(await client().query('select * from Item orderby Name desc'), 'Item')).toEqual([
      'TEE-RED-M',
      'Shipping',
      'Services',
      'MUG-BLUE',
      'Gift wrap',
    ])
  })

  it('paging: STARTPOSITION is 1-based, maxResults is the page size; past the end the answer is {}', async () => {
    const page = await client().query('select * from Account startposition 3 maxresults 5')
    expect(page.body.QueryResponse).toMatchObject({ startPosition: 3, maxResults: 5 })
    expect(rows(page, 'Account').map((a) => a.Id)).toEqual(['3', '4', '5', '6', '7'])
    const last = await client().query('select * from Account startposition 11 maxresults 10')
    expect(last.body.QueryResponse.maxResults).toBe(4)
    const beyond = await client().query('select * from Account startposition 100')
    expect(beyond.body).toEqual({ QueryResponse: {}, time: expect.any(String) })
  })

  it('default page 100 rows, at most 1000 (4001 beyond)', async () => {
    const batch = Array.from({ length: 25 }, (_, i) => ({
      bId: `c${i}`,
      operation: 'create',
      Customer: { DisplayName: `Shopper ${i}` },
    }))
    for (let round = 0; round < 5; round++) {
      const answer = await client().post('batch', {
        BatchItemRequest: batch.map((item) => ({
          ...item,
          Customer: { DisplayName: `${item.Customer.DisplayName}-${round}` },
        })),
      })
      expect(answer.status).toBe(200)
    }
    const page = await client().query('select * from Customer')
    expect(page.body.QueryResponse.maxResults).toBe(100)
    expect((await client().query('select count(*) from Customer')).body.QueryResponse).toEqual({
      totalCount: 127,
    })
    const tooMany = await client().query('select * from Customer maxresults 1500')
    expect(tooMany.body.Fault.Error[0]).toEqual({
      Message: 'Invalid query',
      Detail: 'QueryValidationError: value 1500 is too large. Max allowed value is 1000',
      code: '4001',
    })
    expect(
      (await client().query('select * from Customer maxresults 1000')).body.QueryResponse.maxResults,
    ).toBe(127)
  })

  it('POST /query with the statement as an application/text body (Java SDK)', async () => {
    const answer = await client().post(
      'query?minorversion=75',
      "select * from Item where Name = 'Shipping'",
      {
        headers: { 'content-type': 'application/text' },
      },
    )
    expect(names(answer, 'Item')).toEqual(['Shipping'])
  })

  it('unknown entity, non-queryable property, LIKE on a number, a bad value → 4001', async () => {
    for (const statement of [
      'select * from Widget',
      "select * from Customer where Notes = 'x'",
      "select * from Invoice where TotalAmt like '1%'",
      "select * from Invoice where TotalAmt = 'abc'",
      "select * from Invoice where MetaData.CreateTime > 'yesterday'",
    ]) {
      const answer = await client().query(statement)
      expect(answer.status, statement).toBe(400)
      expect(answer.body.Fault.Error[0].code, statement).toBe('4001')
    }
  })

  it('a syntax error over HTTP is the 4000 fault; no query at all too', async () => {
    const answer = await client().query('select * from Customer where')
    expect(answer.status).toBe(400)
    expect(answer.body.Fault).toMatchObject({
      type: 'ValidationFault',
      Error: [{ code: '4000', Message: 'Error parsing query' }],
    })
    expect((await client().get('query')).body.Fault.Error[0].code).toBe('4000')
  })

  it('Preferences and CompanyInfo are queryable', async () => {
    const prefs = await client().query('select * from Preferences')
    expect(rows(prefs, 'Preferences')[0].SalesFormsPrefs.AllowShipping).toBe(true)
    expect(rows(await client().query('select * from CompanyInfo'), 'CompanyInfo')).toHaveLength(1)
  })
})
