import { describe, expect, it } from 'vitest'
import { InvalidInputError } from './errors.js'
import { parseRunFilter, parseRunOrderBy, RUN_FILTER_ATTRIBUTES, RunFilterSyntaxError } from './run-filter.js'

function syntaxErrorOf(parse: () => unknown): { message: string; position: number; length: number } {
  try {
    parse()
  } catch (error) {
    if (!(error instanceof RunFilterSyntaxError)) throw error
    return { message: error.message, position: error.position, length: error.length }
  }
  throw new Error('expected a RunFilterSyntaxError')
}

describe('parseRunFilter', () => {
  it.each(['', '   ', ' \n\t '])('finds no comparisons in the empty filter %j', (text) => {
    expect(parseRunFilter(text)).toEqual([])
  })

  it.each(['=', '!=', '<', '<=', '>', '>='] as const)('compares a metric with a number using %s', (op) => {
    expect(parseRunFilter(`metrics.acc ${op} 0.5`)).toEqual([{ entity: 'metric', key: 'acc', op, value: 0.5 }])
  })

  it.each(['=', '!=', 'LIKE', 'ILIKE'] as const)('compares params and tags with a string using %s', (op) => {
    expect(parseRunFilter(`params.model ${op} 'cnn%' AND tags.team ${op} 'ml'`)).toEqual([
      { entity: 'param', key: 'model', op, value: 'cnn%' },
      { entity: 'tag', key: 'team', op, value: 'ml' },
    ])
  })

  it('compares params and tags with lists using IN and NOT IN', () => {
    expect(parseRunFilter("params.opt IN ('adam', 'sgd') AND tags.team NOT IN ('a')")).toEqual([
      { entity: 'param', key: 'opt', op: 'IN', value: ['adam', 'sgd'] },
      { entity: 'tag', key: 'team', op: 'NOT IN', value: ['a'] },
    ])
  })

  it('reads operator keywords and AND in any case', () => {
    const text = "params.a like 'x' and params.b iLike 'y' AnD params.c not   in ('z') AND params.d In ('w')"
    expect(parseRunFilter(text)).toEqual([
      { entity: 'param', key: 'a', op: 'LIKE', value: 'x' },
      { entity: 'param', key: 'b', op: 'ILIKE', value: 'y' },
      { entity: 'param', key: 'c', op: 'NOT IN', value: ['z'] },
      { entity: 'param', key: 'd', op: 'IN', value: ['w'] },
    ])
  })

  it('needs no spaces around symbol operators', () => {
    expect(parseRunFilter("metrics.a>=-1 AND params.b!='x'")).toEqual([
      { entity: 'metric', key: 'a', op: '>=', value: -1 },
      { entity: 'param', key: 'b', op: '!=', value: 'x' },
    ])
  })

  it.each([
    ['metric', 'metric'],
    ['metrics', 'metric'],
    ['METRICS', 'metric'],
    ['param', 'param'],
    ['params', 'param'],
    ['parameter', 'param'],
    ['Parameters', 'param'],
    ['tag', 'tag'],
    ['tags', 'tag'],
  ] as const)('accepts the entity alias %s for %s', (alias, entity) => {
    const value = entity === 'metric' ? 1 : '1'
    const literal = entity === 'metric' ? '1' : "'1'"
    expect(parseRunFilter(`${alias}.k = ${literal}`)).toEqual([{ entity, key: 'k', op: '=', value }])
  })

  it.each(['attribute', 'attributes', 'attr', 'run', 'Attributes'])('accepts the attribute alias %s', (alias) => {
    expect(parseRunFilter(`${alias}.status = 'FINISHED'`)).toEqual([
      { entity: 'attribute', key: 'status', op: '=', value: 'FINISHED' },
    ])
  })

  it('reads a name without an entity as an attribute, as MLflow does', () => {
    expect(parseRunFilter("status != 'FAILED' AND start_time > 0")).toEqual([
      { entity: 'attribute', key: 'status', op: '!=', value: 'FAILED' },
      { entity: 'attribute', key: 'start_time', op: '>', value: 0 },
    ])
  })

  it('compares string attributes with strings and lists', () => {
    const text = "attributes.run_name LIKE 'exp-%' AND attr.user_id ILIKE 'ANN' AND run.run_id IN ('a1', 'b2')"
    expect(parseRunFilter(text)).toEqual([
      { entity: 'attribute', key: 'run_name', op: 'LIKE', value: 'exp-%' },
      { entity: 'attribute', key: 'user_id', op: 'ILIKE', value: 'ANN' },
      { entity: 'attribute', key: 'run_id', op: 'IN', value: ['a1', 'b2'] },
    ])
  })

  it('compares time attributes with numbers and reads created as start_time', () => {
    const text = 'attributes.start_time >= 1700000000000 AND attributes.end_time < 2e12 AND attributes.created = 5'
    expect(parseRunFilter(text)).toEqual([
      { entity: 'attribute', key: 'start_time', op: '>=', value: 1700000000000 },
      { entity: 'attribute', key: 'end_time', op: '<', value: 2e12 },
      { entity: 'attribute', key: 'start_time', op: '=', value: 5 },
    ])
  })

  it('keeps dots, dashes, slashes and colons as part of a bare key', () => {
    expect(parseRunFilter("metrics.val.loss < 1 AND tags.mlflow.source-type/x:y = 'NOTEBOOK'")).toEqual([
      { entity: 'metric', key: 'val.loss', op: '<', value: 1 },
      { entity: 'tag', key: 'mlflow.source-type/x:y', op: '=', value: 'NOTEBOOK' },
    ])
  })

  it('reads keys quoted in backticks or double quotes', () => {
    expect(parseRunFilter('metrics.`val loss` < 1 AND params."learning rate" = \'0.1\'')).toEqual([
      { entity: 'metric', key: 'val loss', op: '<', value: 1 },
      { entity: 'param', key: 'learning rate', op: '=', value: '0.1' },
    ])
  })

  it.each([
    ['42', 42],
    ['-7', -7],
    ['3.25', 3.25],
    ['.5', 0.5],
    ['-1.5e-3', -0.0015],
    ['1E+6', 1_000_000],
  ])('reads the number %s', (literal, value) => {
    expect(parseRunFilter(`metrics.m = ${literal}`)).toEqual([{ entity: 'metric', key: 'm', op: '=', value }])
  })

  it.each([
    [`'cnn'`, 'cnn'],
    [`"cnn"`, 'cnn'],
    [`''`, ''],
    [`'it''s'`, "it's"],
    [`'it\\'s'`, "it's"],
    [`"say ""hi"""`, 'say "hi"'],
    [`'a\\\\b'`, 'a\\b'],
    [`'C:\\temp\\%'`, 'C:\\temp\\%'],
    [`'x = 1 AND y'`, 'x = 1 AND y'],
  ])('reads the string value %s', (literal, value) => {
    expect(parseRunFilter(`params.p = ${literal}`)).toEqual([{ entity: 'param', key: 'p', op: '=', value }])
  })

  it('accepts as many comparisons as the limit allows', () => {
    const text = Array.from({ length: 50 }, (_, i) => `metrics.m${i} > ${i}`).join(' AND ')
    expect(parseRunFilter(text)).toHaveLength(50)
  })
})

describe('parseRunFilter errors', () => {
  it('throws a RunFilterSyntaxError, which is an InvalidInputError', () => {
    expect(() => parseRunFilter('metrics.acc xx 1')).toThrow(InvalidInputError)
  })

  it('names the column of a missing operator and what came before it', () => {
    expect(syntaxErrorOf(() => parseRunFilter("params.a = 'b' AND metrics.acc xx 1"))).toEqual({
      message: "filter syntax error at column 32: expected a comparison operator after 'metrics.acc', found 'xx'",
      position: 31,
      length: 2,
    })
  })

  it('names line and column when the filter spans lines', () => {
    expect(syntaxErrorOf(() => parseRunFilter("params.a = 'b'\nAND metrics.acc = 'x'"))).toEqual({
      message: "filter syntax error at line 2, column 19: expected a number for metric 'acc', found string 'x'",
      position: 33,
      length: 3,
    })
  })

  it.each([
    ["metrics.acc = '0.9'", "column 15: expected a number for metric 'acc', found string '0.9'", 14, 5],
    ["metrics.acc LIKE '1'", "column 13: metric 'acc' compares with =, !=, <, <=, >, >=, not LIKE", 12, 4],
    ['metrics.acc NOT IN (1)', "column 13: metric 'acc' compares with =, !=, <, <=, >, >=, not NOT IN", 12, 6],
    ['params.lr = 0.1', "column 13: expected a string in single or double quotes for param 'lr', found '0.1'", 12, 3],
    ["params.lr < '1'", "column 11: param 'lr' compares with =, !=, LIKE, ILIKE, IN, NOT IN, not <", 10, 1],
    ["tags.t >= 'a'", "column 8: tag 't' compares with =, !=, LIKE, ILIKE, IN, NOT IN, not >=", 7, 2],
    [
      "attributes.start_time = '2024'",
      "column 25: expected a number for attribute 'start_time', found string '2024'",
      24,
      6,
    ],
    ['attributes.end_time IN (1)', "column 21: attribute 'end_time' compares with =, !=, <, <=, >, >=, not IN", 20, 2],
    [
      "attributes.status > 'A'",
      "column 19: attribute 'status' compares with =, !=, LIKE, ILIKE, IN, NOT IN, not >",
      18,
      1,
    ],
    [
      'attributes.run_id = 7',
      "column 21: expected a string in single or double quotes for attribute 'run_id', found '7'",
      20,
      1,
    ],
  ])('rejects %s, which breaks the type rules', (text, detail, position, length) => {
    expect(syntaxErrorOf(() => parseRunFilter(text))).toEqual({
      message: `filter syntax error at ${detail}`,
      position,
      length,
    })
  })

  it.each([
    ["params.p = 'x' OR 1=1", 'column 16: OR is not supported; join comparisons with AND', 15, 2],
    ["(params.p = 'x')", 'column 1: parentheses are not supported; join comparisons with AND', 0, 1],
    [
      "params.p = 'x' AND (metrics.m > 1)",
      'column 20: parentheses are not supported; join comparisons with AND',
      19,
      1,
    ],
    ["params.p = 'x' metrics.m > 1", "column 16: expected AND or the end of the filter, found 'metrics.m'", 15, 9],
    [
      "params.p = 'x' AND",
      'column 19: expected a column such as metrics.<key>, params.<key>, tags.<key> or attributes.<name>, found end of input',
      18,
      0,
    ],
    [
      "AND params.p = 'x'",
      "column 1: expected a column such as metrics.<key>, params.<key>, tags.<key> or attributes.<name>, found 'AND'",
      0,
      3,
    ],
    ["params.p = 'x", "column 12: quoted text 'x is missing its closing '", 11, 2],
    [
      'params.p = `x`',
      "column 12: expected a string in single or double quotes for param 'p', found string `x`",
      11,
      3,
    ],
    ["params.p NOT LIKE 'x'", "column 14: expected IN after NOT, found 'LIKE'", 13, 4],
    ['params.p IN ()', "column 14: expected a string in single or double quotes for param 'p', found ')'", 13, 1],
    ["params.p IN ('a',)", "column 18: expected a string in single or double quotes for param 'p', found ')'", 17, 1],
    ["params.p IN ('a' 'b')", "column 18: expected ',' or ')' in the list, found string 'b'", 17, 3],
    ["params.p IN 'a'", "column 13: expected a list like ('a', 'b') for param 'p', found string 'a'", 12, 3],
    ["params.p == 'a'", "column 11: expected a string in single or double quotes for param 'p', found '='", 10, 1],
    ['metrics.m > 1.5.2', "column 13: expected a number for metric 'm', found '1.5.2'", 12, 5],
    ['metrics.m > -1x', "column 13: malformed number '-1x'", 12, 3],
    ['metrics.m > 1e999', "column 13: number '1e999' is out of range", 12, 5],
    ["foo.bar = 'x'", "column 1: unknown entity 'foo'; expected metrics, params, tags or attributes", 0, 7],
    ['metrics = 1', "column 1: expected .<key> after 'metrics'", 0, 7],
    [
      'metrics. = 1',
      "column 1: expected a key after 'metrics.'; quote a key with spaces in backticks or double quotes",
      0,
      8,
    ],
    [
      "params.'lr' = 'x'",
      "column 1: expected a key after 'params.'; quote a key with spaces in backticks or double quotes",
      0,
      7,
    ],
    ['metrics.`` = 1', 'column 1: a key must not be empty', 0, 10],
  ])('rejects the malformed filter %s', (text, detail, position, length) => {
    expect(syntaxErrorOf(() => parseRunFilter(text))).toEqual({
      message: `filter syntax error at ${detail}`,
      position,
      length,
    })
  })

  it('rejects an unknown attribute and lists the valid ones', () => {
    expect(syntaxErrorOf(() => parseRunFilter("attributes.lifecycle_stage = 'active'"))).toEqual({
      message:
        "filter syntax error at column 1: unknown attribute 'lifecycle_stage'; valid attributes are " +
        'status, run_name, user_id, run_id, parent_run_id, start_time, end_time, created',
      position: 0,
      length: 26,
    })
  })

  it('rejects a filter with more comparisons than the limit', () => {
    const text = Array.from({ length: 51 }, (_, i) => `metrics.m${i} > ${i}`).join(' AND ')
    const last = text.lastIndexOf('metrics.m50')
    expect(syntaxErrorOf(() => parseRunFilter(text))).toEqual({
      message: `filter syntax error at column ${last + 1}: a filter may join at most 50 comparisons`,
      position: last,
      length: 11,
    })
  })

  it('rejects an IN list with more values than the limit', () => {
    const text = `params.p IN (${Array.from({ length: 1001 }, (_, i) => `'v${i}'`).join(',')})`
    const last = text.lastIndexOf("'v1000'")
    expect(syntaxErrorOf(() => parseRunFilter(text))).toEqual({
      message: `filter syntax error at column ${last + 1}: a list may hold at most 1000 values`,
      position: last,
      length: 7,
    })
  })
})

describe('parseRunFilter with SQL-injection-looking input', () => {
  it('rejects a statement appended after a value', () => {
    expect(syntaxErrorOf(() => parseRunFilter("params.p = 'x'; DROP TABLE runs"))).toEqual({
      message: "filter syntax error at column 15: unexpected character ';'",
      position: 14,
      length: 1,
    })
  })

  it('rejects an SQL comment', () => {
    expect(syntaxErrorOf(() => parseRunFilter("params.p = 'x' -- AND 1"))).toEqual({
      message: "filter syntax error at column 16: unexpected character '-'",
      position: 15,
      length: 1,
    })
  })

  it('keeps SQL inside a quoted value as a plain string', () => {
    expect(parseRunFilter("params.p = 'x''; DROP TABLE runs; --'")).toEqual([
      { entity: 'param', key: 'p', op: '=', value: "x'; DROP TABLE runs; --" },
    ])
  })

  it('keeps SQL inside a quoted key as a plain key', () => {
    expect(parseRunFilter('metrics.`m; DROP TABLE runs` > 1')).toEqual([
      { entity: 'metric', key: 'm; DROP TABLE runs', op: '>', value: 1 },
    ])
  })
})

describe('parseRunOrderBy', () => {
  it.each([
    ['metrics.m1 DESC', { entity: 'metric', key: 'm1', direction: 'DESC' }],
    ['params.`lr`', { entity: 'param', key: 'lr', direction: 'ASC' }],
    ['tags."my tag" asc', { entity: 'tag', key: 'my tag', direction: 'ASC' }],
    ['attributes.start_time ASC', { entity: 'attribute', key: 'start_time', direction: 'ASC' }],
    ['start_time', { entity: 'attribute', key: 'start_time', direction: 'ASC' }],
    ['created desc', { entity: 'attribute', key: 'start_time', direction: 'DESC' }],
    ['  run_name   Desc  ', { entity: 'attribute', key: 'run_name', direction: 'DESC' }],
    ['metrics.val.loss', { entity: 'metric', key: 'val.loss', direction: 'ASC' }],
  ])('parses %j', (clause, orderBy) => {
    expect(parseRunOrderBy(clause)).toEqual(orderBy)
  })

  it.each(RUN_FILTER_ATTRIBUTES)('orders by the attribute %s', (attribute) => {
    expect(parseRunOrderBy(`attributes.${attribute} DESC`)).toEqual({
      entity: 'attribute',
      key: attribute,
      direction: 'DESC',
    })
  })

  it.each([
    [
      '',
      'column 1: expected a column such as metrics.<key>, params.<key>, tags.<key> or attributes.<name>, found end of input',
      0,
      0,
    ],
    ['metrics.m1 DESC extra', "column 17: expected ASC, DESC or the end of the clause, found 'extra'", 16, 5],
    ['metrics.m1 DESC ASC', "column 17: expected ASC, DESC or the end of the clause, found 'ASC'", 16, 3],
    ['metrics.m1; DROP TABLE runs', "column 11: unexpected character ';'", 10, 1],
    [
      'm1; DROP TABLE runs',
      "column 1: unknown attribute 'm1'; valid attributes are status, run_name, user_id, run_id, parent_run_id, start_time, end_time, created",
      0,
      2,
    ],
    ['runs.m1', "column 1: unknown entity 'runs'; expected metrics, params, tags or attributes", 0, 7],
    ['metrics.m1, metrics.m2', "column 11: expected ASC, DESC or the end of the clause, found ','", 10, 1],
  ])('rejects the order-by clause %j', (clause, detail, position, length) => {
    expect(syntaxErrorOf(() => parseRunOrderBy(clause))).toEqual({
      message: `order-by syntax error at ${detail}`,
      position,
      length,
    })
  })
})
