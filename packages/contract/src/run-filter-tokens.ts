import { InvalidInputError } from './errors.js'

/** An invalid run filter or order-by clause; `position` (0-based offset) and `length` mark the offending text. */
export class RunFilterSyntaxError extends InvalidInputError {
  readonly position: number
  readonly length: number

  constructor(message: string, span: { position: number; length: number }) {
    super(message)
    this.position = span.position
    this.length = span.length
  }
}

type Quote = "'" | '"' | '`'
type Punctuation = '=' | '!=' | '<' | '<=' | '>' | '>=' | '(' | ')' | ','

/** `text` is the token exactly as written, so `position + text.length` is where it ends. */
export type Token =
  | { kind: 'word'; text: string; position: number }
  | { kind: 'number'; text: string; position: number; value: number }
  | { kind: 'string'; text: string; position: number; value: string; quote: Quote }
  | { kind: 'symbol'; text: Punctuation; position: number }
  | { kind: 'end'; text: ''; position: number }

/** Reads tokens on demand, so the first error in the text is the one reported. */
export interface TokenCursor {
  peek(): Token
  next(): Token
  /** The error to throw for the text from `from` up to the end of `to`. */
  error(from: Token, detail: string, to?: Token): RunFilterSyntaxError
  /** The source text from `from` up to the end of `to`. */
  source(from: Token, to: Token): string
}

type Subject = 'filter' | 'order-by'

// Longer symbols first, so that `<=` is not read as `<` followed by `=`.
const PUNCTUATION: readonly Punctuation[] = ['!=', '<=', '>=', '=', '<', '>', '(', ')', ',']
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/y
const WORD = /[\w][\w.\-/:]*/y
const WORD_TAIL = /[\w.\-/:]*/y
const WHITESPACE = /\s*/y
const MAX_EXCERPT_LENGTH = 24

/** Reads the tokens of a filter or order-by clause; errors name `subject` and the line and column. */
export function createTokenCursor(text: string, subject: Subject): TokenCursor {
  let offset = 0
  let lookahead: Token | undefined

  const raise = (position: number, length: number, detail: string) =>
    new RunFilterSyntaxError(`${subject} syntax error at ${locate(text, position)}: ${detail}`, { position, length })

  const peek = () => {
    lookahead ??= readToken(text, offset, raise)
    return lookahead
  }

  return {
    peek,
    next() {
      const token = peek()
      offset = token.position + token.text.length
      lookahead = undefined
      return token
    },
    error: (from, detail, to = from) => raise(from.position, to.position + to.text.length - from.position, detail),
    source: (from, to) => text.slice(from.position, to.position + to.text.length),
  }
}

/** Describes a token for "found …" in an error message. */
export function describeToken(token: Token): string {
  if (token.kind === 'end') return 'end of input'
  return token.kind === 'string' ? `string ${excerpt(token.text)}` : `'${excerpt(token.text)}'`
}

/** Shortens text quoted in an error message. */
export function excerpt(text: string): string {
  return text.length > MAX_EXCERPT_LENGTH ? `${text.slice(0, MAX_EXCERPT_LENGTH)}…` : text
}

type Raise = (position: number, length: number, detail: string) => RunFilterSyntaxError

function readToken(text: string, start: number, raise: Raise): Token {
  const position = start + (matchAt(WHITESPACE, text, start)?.length ?? 0)
  if (position === text.length) return { kind: 'end', text: '', position }

  const char = text.charAt(position)
  if (char === "'" || char === '"' || char === '`') return readQuoted(text, position, char, raise)

  const number = matchAt(NUMBER, text, position)
  const tail = number === undefined ? '' : (matchAt(WORD_TAIL, text, position + number.length) ?? '')
  if (number !== undefined && tail === '') {
    const value = Number(number)
    if (!Number.isFinite(value)) throw raise(position, number.length, `number '${excerpt(number)}' is out of range`)
    return { kind: 'number', text: number, position, value }
  }

  // A number run into letters (`1e`, `1.5.2`) reads as a word, which the parser then rejects with context.
  const word = matchAt(WORD, text, position)
  if (word !== undefined) return { kind: 'word', text: word, position }
  if (number !== undefined) {
    throw raise(position, number.length + tail.length, `malformed number '${excerpt(number + tail)}'`)
  }

  const symbol = PUNCTUATION.find((candidate) => text.startsWith(candidate, position))
  if (symbol !== undefined) return { kind: 'symbol', text: symbol, position }
  throw raise(position, 1, `unexpected character '${char}'`)
}

/** Inside quotes, a doubled quote or a backslash before the quote stands for the quote; `\\` for one backslash. */
function readQuoted(text: string, position: number, quote: Quote, raise: Raise): Token {
  let value = ''
  let index = position + 1
  while (index < text.length) {
    const char = text.charAt(index)
    const following = text.charAt(index + 1)
    if ((char === '\\' && (following === quote || following === '\\')) || (char === quote && following === quote)) {
      value += following
      index += 2
    } else if (char === quote) {
      return { kind: 'string', text: text.slice(position, index + 1), position, value, quote }
    } else {
      value += char
      index += 1
    }
  }
  const rest = text.slice(position)
  throw raise(position, rest.length, `quoted text ${excerpt(rest)} is missing its closing ${quote}`)
}

function matchAt(pattern: RegExp, text: string, position: number): string | undefined {
  pattern.lastIndex = position
  const match = pattern.exec(text)
  return match === null || match[0] === '' ? undefined : match[0]
}

function locate(text: string, position: number): string {
  const before = text.slice(0, position)
  const line = before.split('\n').length
  const column = position - before.lastIndexOf('\n')
  return line === 1 ? `column ${column}` : `line ${line}, column ${column}`
}
