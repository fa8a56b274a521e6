import { createTokenCursor, describeToken, excerpt, type Token, type TokenCursor } from './run-filter-tokens.js'

export { RunFilterSyntaxError } from './run-filter-tokens.js'

/** Most comparisons one filter may join with AND. */
export const MAX_FILTER_CLAUSES = 50
/** Most values one IN or NOT IN list may hold. */
export const MAX_FILTER_LIST_VALUES = 1000

/** Run attributes a filter or order-by may name, for autocompletion; MLflow's `created` means `start_time`. */
export const RUN_FILTER_ATTRIBUTES = [
  'status',
  'run_name',
  'user_id',
  'run_id',
  'parent_run_id',
  'start_time',
  'end_time',
] as const
/** A run attribute a filter or order-by may name. */
export type RunFilterAttribute = (typeof RUN_FILTER_ATTRIBUTES)[number]
const NUMBER_ATTRIBUTES = ['start_time', 'end_time'] as const satisfies readonly RunFilterAttribute[]
type NumberAttribute = (typeof NUMBER_ATTRIBUTES)[number]
type TextAttribute = Exclude<RunFilterAttribute, NumberAttribute>

/** What a filter or order-by names: a metric, param or tag by key, or an attribute of the run. */
export type FilterEntity = 'metric' | 'param' | 'tag' | 'attribute'

const NUMBER_OPS = ['=', '!=', '<', '<=', '>', '>='] as const
const TEXT_OPS = ['=', '!=', 'LIKE', 'ILIKE'] as const
const LIST_OPS = ['IN', 'NOT IN'] as const
type NumberOp = (typeof NUMBER_OPS)[number]
type TextOp = (typeof TEXT_OPS)[number]
type ListOp = (typeof LIST_OPS)[number]

/** A comparison operator; keywords are upper case whatever the case of the input. */
export type ComparisonOp = NumberOp | TextOp | ListOp

type NumberColumn = { entity: 'metric'; key: string } | { entity: 'attribute'; key: NumberAttribute }
type TextColumn = { entity: 'param' | 'tag'; key: string } | { entity: 'attribute'; key: TextAttribute }
/** The value of a run that a comparison reads or an order-by sorts on; attributes carry their canonical name. */
export type RunColumn = NumberColumn | TextColumn

/** One comparison of a run filter; metrics and time attributes compare with numbers, the rest with strings. */
export type RunFilterClause =
  | { entity: 'metric'; key: string; op: NumberOp; value: number }
  | { entity: 'param' | 'tag'; key: string; op: TextOp; value: string }
  | { entity: 'param' | 'tag'; key: string; op: ListOp; value: string[] }
  | { entity: 'attribute'; key: TextAttribute; op: TextOp; value: string }
  | { entity: 'attribute'; key: TextAttribute; op: ListOp; value: string[] }
  | { entity: 'attribute'; key: NumberAttribute; op: NumberOp; value: number }

/** One sort key of a run search. */
export type RunOrderBy = RunColumn & { direction: 'ASC' | 'DESC' }

// The aliases MLflow's SearchUtils accepts for each entity.
const ENTITY_ALIASES = new Map<string, FilterEntity>([
  ['metric', 'metric'],
  ['metrics', 'metric'],
  ['param', 'param'],
  ['params', 'param'],
  ['parameter', 'param'],
  ['parameters', 'param'],
  ['tag', 'tag'],
  ['tags', 'tag'],
  ['attribute', 'attribute'],
  ['attributes', 'attribute'],
  ['attr', 'attribute'],
  ['run', 'attribute'],
])
const ATTRIBUTE_ALIASES = new Map<string, RunFilterAttribute>([
  ...RUN_FILTER_ATTRIBUTES.map((name) => [name, name] as const),
  ['created', 'start_time'],
])

/**
 * Parses an MLflow search_runs filter into its comparisons; an empty filter has none.
 * @example parseRunFilter("metrics.acc > 0.9 AND params.model = 'cnn'")
 */
export function parseRunFilter(text: string): RunFilterClause[] {
  const cursor = createTokenCursor(text, 'filter')
  const clauses: RunFilterClause[] = []
  if (cursor.peek().kind === 'end') return clauses
  for (;;) {
    if (clauses.length === MAX_FILTER_CLAUSES) {
      throw cursor.error(cursor.peek(), `a filter may join at most ${MAX_FILTER_CLAUSES} comparisons`)
    }
    clauses.push(parseComparison(cursor))
    const token = cursor.next()
    if (token.kind === 'end') return clauses
    if (!isWord(token, 'AND')) throw cursor.error(token, afterComparisonDetail(token))
  }
}

/**
 * Parses one MLflow order_by clause; a bare name is an attribute and the direction defaults to ASC.
 * @example parseRunOrderBy('metrics.`val loss` DESC')
 */
export function parseRunOrderBy(clause: string): RunOrderBy {
  const cursor = createTokenCursor(clause, 'order-by')
  const { column } = parseColumn(cursor)
  let token = cursor.next()
  const word = token.kind === 'word' ? token.text.toUpperCase() : ''
  const direction = word === 'DESC' ? 'DESC' : 'ASC'
  if (word === 'ASC' || word === 'DESC') token = cursor.next()
  if (token.kind !== 'end') {
    throw cursor.error(token, `expected ASC, DESC or the end of the clause, found ${describeToken(token)}`)
  }
  return { ...column, direction }
}

function parseComparison(cursor: TokenCursor): RunFilterClause {
  const start = cursor.peek()
  if (isSymbol(start, '(')) throw cursor.error(start, 'parentheses are not supported; join comparisons with AND')
  const { column, first, last } = parseColumn(cursor)
  const { op, from, to } = parseOperator(cursor, cursor.source(first, last))
  if (isNumberColumn(column)) {
    if (!isOneOf(NUMBER_OPS, op)) throw cursor.error(from, operatorDetail(column, op, NUMBER_OPS), to)
    return { ...column, op, value: parseNumber(cursor, column) }
  }
  if (isOneOf(LIST_OPS, op)) return { ...column, op, value: parseList(cursor, column) }
  if (!isOneOf(TEXT_OPS, op)) throw cursor.error(from, operatorDetail(column, op, [...TEXT_OPS, ...LIST_OPS]), to)
  return { ...column, op, value: parseString(cursor, column) }
}

function parseColumn(cursor: TokenCursor): { column: RunColumn; first: Token; last: Token } {
  const token = cursor.next()
  if (token.kind !== 'word' || ['AND', 'OR', 'NOT'].includes(token.text.toUpperCase())) {
    const expected = 'expected a column such as metrics.<key>, params.<key>, tags.<key> or attributes.<name>'
    throw cursor.error(token, `${expected}, found ${describeToken(token)}`)
  }
  const dot = token.text.indexOf('.')
  if (dot === -1) {
    if (ENTITY_ALIASES.has(token.text.toLowerCase())) throw cursor.error(token, `expected .<key> after '${token.text}'`)
    // MLflow reads a name without an entity as an attribute, as in `start_time DESC`.
    return { column: attributeColumn(cursor, token.text, token, token), first: token, last: token }
  }
  const entityName = token.text.slice(0, dot)
  const entity = ENTITY_ALIASES.get(entityName.toLowerCase())
  if (entity === undefined) {
    const detail = `unknown entity '${excerpt(entityName)}'; expected metrics, params, tags or attributes`
    throw cursor.error(token, detail)
  }
  const { key, last } = parseKey(cursor, token, token.text.slice(dot + 1))
  const column = entity === 'attribute' ? attributeColumn(cursor, key, token, last) : { entity, key }
  return { column, first: token, last }
}

/** A key follows the entity's dot directly, bare or quoted in backticks or double quotes. */
function parseKey(cursor: TokenCursor, word: Token, bareKey: string): { key: string; last: Token } {
  if (bareKey !== '') return { key: bareKey, last: word }
  const quoted = cursor.peek()
  const isAdjacent = quoted.position === word.position + word.text.length
  if (quoted.kind !== 'string' || quoted.quote === "'" || !isAdjacent) {
    const detail = `expected a key after '${word.text}'; quote a key with spaces in backticks or double quotes`
    throw cursor.error(word, detail)
  }
  cursor.next()
  if (quoted.value === '') throw cursor.error(word, 'a key must not be empty', quoted)
  return { key: quoted.value, last: quoted }
}

function attributeColumn(cursor: TokenCursor, name: string, first: Token, last: Token): RunColumn {
  const attribute = ATTRIBUTE_ALIASES.get(name.toLowerCase())
  if (attribute === undefined) {
    const valid = [...ATTRIBUTE_ALIASES.keys()].join(', ')
    throw cursor.error(first, `unknown attribute '${excerpt(name)}'; valid attributes are ${valid}`, last)
  }
  return { entity: 'attribute', key: attribute }
}

function parseOperator(cursor: TokenCursor, columnText: string): { op: ComparisonOp; from: Token; to: Token } {
  const token = cursor.next()
  if (token.kind === 'symbol' && isOneOf(NUMBER_OPS, token.text)) return { op: token.text, from: token, to: token }
  const word = token.kind === 'word' ? token.text.toUpperCase() : ''
  if (word === 'LIKE' || word === 'ILIKE' || word === 'IN') return { op: word, from: token, to: token }
  if (word === 'NOT') {
    const next = cursor.next()
    if (isWord(next, 'IN')) return { op: 'NOT IN', from: token, to: next }
    throw cursor.error(next, `expected IN after NOT, found ${describeToken(next)}`)
  }
  const detail = `expected a comparison operator after '${excerpt(columnText)}', found ${describeToken(token)}`
  throw cursor.error(token, detail)
}

function parseNumber(cursor: TokenCursor, column: RunColumn): number {
  const token = cursor.next()
  if (token.kind === 'number') return token.value
  throw cursor.error(token, `expected a number for ${label(column)}, found ${describeToken(token)}`)
}

function parseString(cursor: TokenCursor, column: RunColumn): string {
  const token = cursor.next()
  // Backticks quote keys, never values, as in MLflow.
  if (token.kind === 'string' && token.quote !== '`') return token.value
  const expected = `expected a string in single or double quotes for ${label(column)}`
  throw cursor.error(token, `${expected}, found ${describeToken(token)}`)
}

function parseList(cursor: TokenCursor, column: RunColumn): string[] {
  const open = cursor.next()
  if (!isSymbol(open, '(')) {
    throw cursor.error(open, `expected a list like ('a', 'b') for ${label(column)}, found ${describeToken(open)}`)
  }
  const values: string[] = []
  for (;;) {
    if (values.length === MAX_FILTER_LIST_VALUES) {
      throw cursor.error(cursor.peek(), `a list may hold at most ${MAX_FILTER_LIST_VALUES} values`)
    }
    values.push(parseString(cursor, column))
    const token = cursor.next()
    if (isSymbol(token, ')')) return values
    if (!isSymbol(token, ',')) {
      throw cursor.error(token, `expected ',' or ')' in the list, found ${describeToken(token)}`)
    }
  }
}

function afterComparisonDetail(token: Token): string {
  if (isWord(token, 'OR')) return 'OR is not supported; join comparisons with AND'
  if (isSymbol(token, '(') || isSymbol(token, ')')) return 'parentheses are not supported; join comparisons with AND'
  return `expected AND or the end of the filter, found ${describeToken(token)}`
}

function operatorDetail(column: RunColumn, op: ComparisonOp, allowed: readonly ComparisonOp[]): string {
  return `${label(column)} compares with ${allowed.join(', ')}, not ${op}`
}

function label(column: RunColumn): string {
  return `${column.entity} '${excerpt(column.key)}'`
}

function isNumberColumn(column: RunColumn): column is NumberColumn {
  return column.entity === 'metric' || (column.entity === 'attribute' && isOneOf(NUMBER_ATTRIBUTES, column.key))
}

function isOneOf<T extends string>(list: readonly T[], value: string): value is T {
  return (list as readonly string[]).includes(value)
}

function isWord(token: Token, keyword: string): boolean {
  return token.kind === 'word' && token.text.toUpperCase() === keyword
}

function isSymbol(token: Token, symbol: string): boolean {
  return token.kind === 'symbol' && token.text === symbol
}
