/**
 * The QBO query language (reference §7): `SELECT * | COUNT(*) FROM Entity [WHERE p op v [AND …]]
 * [ORDERBY p [ASC|DESC], …] [STARTPOSITION n] [MAXRESULTS n]`, keywords in any case, strings in single
 * quotes with `\'` escapes. Syntax errors read like QBO's JavaCC parser (code 4000, captured in
 * node-quickbooks#56 and quickbooks-php#129); things it parses but refuses (OR, projections) are 4001.
 */
import { queryParseError, queryValidationError } from './errors.js'

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }

export type Operator = '=' | '<' | '>' | '<=' | '>=' | 'IN' | 'LIKE'

export interface Condition {
  property: string
  operator: Operator
  values: Literal[]
}

export interface Query {
  count: boolean
  entity: string
  where: Condition[]
  orderBy: { property: string; descending: boolean }[]
  startPosition?: number
  maxResults?: number
}

type TokenKind = 'identifier' | 'string' | 'number' | 'symbol' | 'eof' | 'invalid'

interface Token {
  kind: TokenKind
  /** Text as written (strings without quotes and escapes); for `invalid`, the lexical error. */
  text: string
  column: number
}

const KEYWORDS = new Set([
  'select',
  'from',
  'where',
  'and',
  'or',
  'orderby',
  'order',
  'by',
  'asc',
  'desc',
  'startposition',
  'maxresults',
  'in',
  'like',
  'count',
  'iterator',
])

function lexicalError(column: number, char: string, after: string): Token {
  const text = `Invalid content. Lexical error at line 1, column ${column}.  Encountered: ${JSON.stringify(char)} (${char.codePointAt(0)}), after : ${JSON.stringify(after)}`
  return { kind: 'invalid', text, column }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    const column = i + 1
    if (/\s/.test(c)) {
      i++
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i
      while (i < text.length && /[A-Za-z0-9_.]/.test(text[i]!)) i++
      tokens.push({ kind: 'identifier', text: text.slice(start, i), column })
    } else if (/\d/.test(c) || (c === '-' && /\d/.test(text[i + 1] ?? ''))) {
      const match = /^-?\d+(\.\d+)?/.exec(text.slice(i))!
      tokens.push({ kind: 'number', text: match[0], column })
      i += match[0].length
    } else if (c === "'") {
      let value = ''
      i++
      for (;;) {
        if (i >= text.length) {
          tokens.push(lexicalError(i + 1, '<EOF>', `'${value}`))
          return tokens
        }
        const d = text[i]!
        if (d === '\\' && i + 1 < text.length) {
          value += text[i + 1]
          i += 2
        } else if (d === "'") {
          i++
          break
        } else {
          value += d
          i++
        }
      }
      tokens.push({ kind: 'string', text: value, column })
    } else if (c === '<' || c === '>') {
      const op = text[i + 1] === '=' ? `${c}=` : c
      tokens.push({ kind: 'symbol', text: op, column })
      i += op.length
    } else if ('=(),*'.includes(c)) {
      tokens.push({ kind: 'symbol', text: c, column })
      i++
    } else {
      // Like JavaCC, the parser meets a lexical error only when it gets there.
      tokens.push(lexicalError(column, c, ''))
      return tokens
    }
  }
  tokens.push({ kind: 'eof', text: '', column: text.length + 1 })
  return tokens
}

const describe = (token: Token): string => {
  if (token.kind === 'eof') return '"<EOF>"'
  if (token.kind === 'identifier' && KEYWORDS.has(token.text.toLowerCase())) {
    return `" "${token.text.toLowerCase()}" "${token.text} ""`
  }
  const kind = {
    identifier: 'IDENTIFIER',
    string: 'STRING_LITERAL',
    number: 'INTEGER_LITERAL',
    symbol: '',
    invalid: '',
  }[token.kind]
  return kind === '' ? `" "${token.text}" "${token.text} ""` : `" <${kind}> "${token.text} ""`
}

class Parser {
  #position = 0

  constructor(private readonly tokens: Token[]) {}

  get #token(): Token {
    return this.tokens[this.#position]!
  }

  #fail(expected: string[]): never {
    const token = this.#token
    if (token.kind === 'invalid') throw queryParseError(token.text)
    const list = expected.map((e) => `    ${e} ...\n`).join('')
    const head = expected.length === 1 ? 'Was expecting:' : 'Was expecting one of:'
    throw queryParseError(
      `Encountered ${describe(token)} at line 1, column ${token.column}.\n${head}\n${list}    `,
    )
  }

  #isKeyword(word: string): boolean {
    return this.#token.kind === 'identifier' && this.#token.text.toLowerCase() === word
  }

  #acceptKeyword(word: string): boolean {
    if (!this.#isKeyword(word)) return false
    this.#position++
    return true
  }

  #keyword(word: string, expected = [`"${word}"`]): void {
    if (!this.#acceptKeyword(word)) this.#fail(expected)
  }

  #acceptSymbol(symbol: string): boolean {
    if (this.#token.kind !== 'symbol' || this.#token.text !== symbol) return false
    this.#position++
    return true
  }

  #symbol(symbol: string): void {
    if (!this.#acceptSymbol(symbol)) this.#fail([`"${symbol}"`])
  }

  #identifier(): string {
    const token = this.#token
    if (token.kind !== 'identifier' || KEYWORDS.has(token.text.toLowerCase())) this.#fail(['<IDENTIFIER>'])
    this.#position++
    return token.text
  }

  #literal(): Literal {
    const token = this.#token
    if (token.kind === 'string') {
      this.#position++
      return { kind: 'string', value: token.text }
    }
    if (token.kind === 'number') {
      this.#position++
      return { kind: 'number', value: Number(token.text) }
    }
    const word = token.kind === 'identifier' ? token.text.toLowerCase() : ''
    if (word === 'true' || word === 'false') {
      this.#position++
      return { kind: 'boolean', value: word === 'true' }
    }
    return this.#fail(['<STRING_LITERAL>', '<INTEGER_LITERAL>', '<BOOLEAN>'])
  }

  #integer(): number {
    const token = this.#token
    if (token.kind !== 'number' || token.text.includes('.')) this.#fail(['<INTEGER_LITERAL>'])
    this.#position++
    return Number(token.text)
  }

  #condition(): Condition {
    const property = this.#identifier()
    if (this.#acceptKeyword('in')) {
      this.#symbol('(')
      const values = [this.#literal()]
      while (this.#acceptSymbol(',')) values.push(this.#literal())
      this.#symbol(')')
      return { property, operator: 'IN', values }
    }
    if (this.#acceptKeyword('like')) {
      if (this.#token.kind !== 'string') this.#fail(['<STRING_LITERAL>'])
      return { property, operator: 'LIKE', values: [this.#literal()] }
    }
    for (const op of ['=', '<', '>', '<=', '>='] as const) {
      if (this.#acceptSymbol(op)) return { property, operator: op, values: [this.#literal()] }
    }
    return this.#fail(['"="', '"<"', '">"', '"<="', '">="', '"in"', '"like"'])
  }

  parse(): Query {
    this.#keyword('select')
    let count = false
    if (this.#acceptSymbol('*')) {
      // whole objects
    } else if (this.#acceptKeyword('count')) {
      this.#symbol('(')
      this.#symbol('*')
      this.#symbol(')')
      count = true
    } else if (this.#token.kind === 'identifier' && !this.#isKeyword('from')) {
      this.#identifier()
      while (this.#acceptSymbol(',')) this.#identifier()
      this.#keyword('from')
      throw queryValidationError(
        'Only SELECT * and SELECT COUNT(*) are supported; objects are always returned whole',
      )
    } else {
      this.#fail(['"*"', '"count"', '<IDENTIFIER>'])
    }
    this.#keyword('from')
    const query: Query = { count, entity: this.#identifier(), where: [], orderBy: [] }
    if (this.#acceptKeyword('where')) {
      query.where.push(this.#condition())
      for (;;) {
        if (this.#acceptKeyword('and')) query.where.push(this.#condition())
        else if (this.#isKeyword('or')) throw queryValidationError('OR operation is not supported')
        else break
      }
    }
    let ordering = this.#acceptKeyword('orderby')
    if (!ordering && this.#acceptKeyword('order')) {
      this.#keyword('by')
      ordering = true
    }
    if (ordering) {
      do {
        const property = this.#identifier()
        const descending = this.#acceptKeyword('desc')
        if (!descending) this.#acceptKeyword('asc')
        query.orderBy.push({ property, descending })
      } while (this.#acceptSymbol(','))
    }
    for (;;) {
      if (query.startPosition === undefined && this.#acceptKeyword('startposition')) {
        query.startPosition = this.#integer()
      } else if (query.maxResults === undefined && this.#acceptKeyword('maxresults')) {
        query.maxResults = this.#integer()
      } else break
    }
    if (this.#token.kind !== 'eof') {
      // The list of the node-quickbooks capture.
      this.#fail(
        query.where.length > 0
          ? [
              '<EOF>',
              '<AND>',
              '"iterator"',
              '"maxresults"',
              '<OR>',
              '"order"',
              '"orderby"',
              '"startposition"',
            ]
          : ['<EOF>', '"iterator"', '"maxresults"', '"order"', '"orderby"', '"startposition"', '"where"'],
      )
    }
    return query
  }
}

export function parseQuery(text: string): Query {
  if (text.trim() === '') {
    throw queryParseError('Encountered "<EOF>" at line 0, column 0.\nWas expecting:\n    "select" ...\n    ')
  }
  return new Parser(tokenize(text)).parse()
}
