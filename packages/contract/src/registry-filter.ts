import { InvalidInputError } from './errors.js'

/** A text comparison of MLflow's registry search: `=`/`!=` exact, `LIKE` case-sensitive, `ILIKE` not. */
export type RegistryTextOp = '=' | '!=' | 'LIKE' | 'ILIKE'
export type RegistryNumberOp = '=' | '!=' | '<' | '<=' | '>' | '>='

/** One clause of a registry search filter; clauses are joined by AND. */
export type RegistryFilterClause =
  | { field: 'name' | 'source'; op: RegistryTextOp; value: string }
  | { field: 'tag'; key: string; op: RegistryTextOp; value: string }
  | { field: 'runId'; op: '=' | '!='; value: string }
  | { field: 'runId'; op: 'IN' | 'NOT IN'; values: string[] }
  | { field: 'version'; op: RegistryNumberOp; value: number }

/** What a search over registered models, or over model versions, may filter on. */
export type RegistryFilterTarget = 'registered_models' | 'model_versions'

const MAX_FILTER_LENGTH = 10_000
const MAX_IN_VALUES = 1000

interface Token {
  kind: 'word' | 'string' | 'number' | 'op' | 'lparen' | 'rparen' | 'comma'
  text: string
}

function tokenize(filter: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < filter.length) {
    const c = filter.charAt(i)
    if (/\s/.test(c)) {
      i++
    } else if (c === "'" || c === '"' || c === '`') {
      const end = filter.indexOf(c, i + 1)
      if (end < 0) throw new InvalidInputError(`Invalid filter '${filter}': unterminated quote ${c}`)
      tokens.push({ kind: c === '`' ? 'word' : 'string', text: filter.slice(i + 1, end) })
      i = end + 1
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', text: c })
      i++
    } else if ('=!<>'.includes(c)) {
      const op = /^(!=|<=|>=|=|<|>)/.exec(filter.slice(i))?.[0]
      if (!op) throw new InvalidInputError(`Invalid filter '${filter}': unexpected '${c}'`)
      tokens.push({ kind: 'op', text: op })
      i += op.length
    } else {
      const word = /^[^\s'"`()=!<>,]+/.exec(filter.slice(i))?.[0] ?? c
      tokens.push({ kind: /^-?\d+$/.test(word) ? 'number' : 'word', text: word })
      i += word.length
    }
  }
  return tokens
}

/** Joins `tags.` with a backticked key that follows it directly (`tags.\`my key\``). */
function joinBacktickedKeys(filter: string, tokens: Token[]): Token[] {
  const joined: Token[] = []
  for (const token of tokens) {
    const previous = joined.at(-1)
    if (token.kind === 'word' && previous?.kind === 'word' && /^(tags|tag)\.$/i.test(previous.text)) {
      previous.text += token.text
      continue
    }
    joined.push(token)
  }
  if (joined.some((t) => t.kind === 'word' && /^(tags|tag)\.$/i.test(t.text))) {
    throw new InvalidInputError(`Invalid filter '${filter}': a tag key is missing after 'tags.'`)
  }
  return joined
}

type Field = { field: 'name' | 'source' | 'runId' | 'version' } | { field: 'tag'; key: string }

function fieldOf(filter: string, word: string, target: RegistryFilterTarget): Field {
  const tag = /^(tags|tag)\.(.+)$/i.exec(word)
  if (tag) return { field: 'tag', key: tag[2] as string }
  const key = word.toLowerCase()
  if (key === 'name') return { field: 'name' }
  if (target === 'model_versions') {
    if (key === 'run_id') return { field: 'runId' }
    if (key === 'source_path') return { field: 'source' }
    if (key === 'version_number') return { field: 'version' }
  }
  const valid =
    target === 'registered_models'
      ? "'name', 'tags.<key>'"
      : "'name', 'run_id', 'source_path', 'version_number', 'tags.<key>'"
  throw new InvalidInputError(
    `Invalid attribute key '${word}' specified in filter '${filter}'. Valid keys are ${valid}`,
  )
}

/**
 * Parses MLflow's search filter for registered models (`name`, `tags.<key>`) and model versions
 * (also `run_id`, `source_path`, `version_number`): clauses `<key> <comparator> <value>` joined by
 * AND, strings in single or double quotes, keys with spaces in backticks. Throws InvalidInputError.
 * @example parseRegistryFilter("name LIKE 'churn%' AND tags.team = 'ml'", 'registered_models')
 */
export function parseRegistryFilter(filter: string | undefined, target: RegistryFilterTarget): RegistryFilterClause[] {
  if (filter === undefined || filter.trim() === '') return []
  if (filter.length > MAX_FILTER_LENGTH)
    throw new InvalidInputError(`a filter has at most ${MAX_FILTER_LENGTH} characters`)
  const tokens = joinBacktickedKeys(filter, tokenize(filter))
  const clauses: RegistryFilterClause[] = []
  let i = 0
  const next = () => tokens[i++]
  const fail = (why: string): never => {
    throw new InvalidInputError(`Invalid filter '${filter}': ${why}`)
  }
  while (i < tokens.length) {
    const keyToken = next()
    if (keyToken?.kind !== 'word') fail(`expected an attribute key, got '${keyToken?.text ?? 'end'}'`)
    const field = fieldOf(filter, (keyToken as Token).text, target)
    let opToken = next()
    let op = opToken?.text.toUpperCase() ?? ''
    if (opToken?.kind === 'word' && op === 'NOT') {
      opToken = next()
      op = `NOT ${opToken?.text.toUpperCase() ?? ''}`
    }
    clauses.push(clauseOf(field, op, next, fail))
    if (i < tokens.length) {
      const and = next()
      if (and?.kind !== 'word' || and.text.toUpperCase() !== 'AND') fail(`expected AND, got '${and?.text}'`)
      if (i >= tokens.length) fail('a clause is missing after AND')
    }
  }
  return clauses
}

function clauseOf(
  field: Field,
  op: string,
  next: () => Token | undefined,
  fail: (why: string) => never,
): RegistryFilterClause {
  if (field.field === 'version') {
    if (!['=', '!=', '<', '<=', '>', '>='].includes(op)) fail(`'${op}' cannot compare version_number`)
    const value = next()
    const number = value?.kind === 'number' || value?.kind === 'string' ? Number(value.text) : Number.NaN
    if (!Number.isSafeInteger(number)) fail(`version_number must be compared with an integer, got '${value?.text}'`)
    return { field: 'version', op: op as RegistryNumberOp, value: number }
  }
  if (field.field === 'runId' && (op === 'IN' || op === 'NOT IN')) {
    if (next()?.kind !== 'lparen') fail(`${op} needs a list in parentheses: run_id IN ('a', 'b')`)
    const values: string[] = []
    for (;;) {
      const value = next()
      if (value?.kind !== 'string') fail(`${op} lists quoted strings`)
      values.push((value as Token).text)
      const separator = next()
      if (separator?.kind === 'rparen') break
      if (separator?.kind !== 'comma') fail(`expected , or ) in the ${op} list`)
    }
    if (values.length > MAX_IN_VALUES) fail(`an IN list has at most ${MAX_IN_VALUES} values`)
    return { field: 'runId', op, values }
  }
  const textOps = field.field === 'runId' ? ['=', '!='] : ['=', '!=', 'LIKE', 'ILIKE']
  if (!textOps.includes(op)) {
    fail(
      `'${op}' is not a comparator for ${field.field === 'tag' ? `tags.${field.key}` : field.field}; use ${textOps.join(', ')}`,
    )
  }
  const value = next()
  if (value?.kind !== 'string') fail(`expected a quoted string after ${op}, got '${value?.text ?? 'end'}'`)
  const text = (value as Token).text
  if (field.field === 'tag') return { field: 'tag', key: field.key, op: op as RegistryTextOp, value: text }
  if (field.field === 'runId') return { field: 'runId', op: op as '=' | '!=', value: text }
  return { field: field.field, op: op as RegistryTextOp, value: text }
}

/** One `order_by` entry of a registry search. */
export interface RegistryOrderBy {
  field: 'name' | 'createdAtMs' | 'updatedAtMs' | 'version'
  direction: 'asc' | 'desc'
}

const ORDER_FIELDS: Record<string, RegistryOrderBy['field']> = {
  name: 'name',
  creation_timestamp: 'createdAtMs',
  last_updated_timestamp: 'updatedAtMs',
  // MLflow's short form for the last update.
  timestamp: 'updatedAtMs',
  version_number: 'version',
}

/**
 * Parses MLflow's `order_by` entries (`name`, `creation_timestamp`, `last_updated_timestamp`,
 * `timestamp`, and for versions `version_number`, each optionally `ASC` or `DESC`).
 * @example parseRegistryOrderBy(['last_updated_timestamp DESC'], 'registered_models')
 */
export function parseRegistryOrderBy(entries: readonly string[], target: RegistryFilterTarget): RegistryOrderBy[] {
  return entries.map((entry) => {
    const match = /^\s*`?([a-z_]+)`?(?:\s+(ASC|DESC))?\s*$/i.exec(entry)
    const field = match ? ORDER_FIELDS[(match[1] as string).toLowerCase()] : undefined
    if (!match || !field || (field === 'version' && target === 'registered_models')) {
      throw new InvalidInputError(`Invalid order_by clause '${entry}'`)
    }
    return { field, direction: match[2]?.toUpperCase() === 'DESC' ? 'desc' : 'asc' }
  })
}
