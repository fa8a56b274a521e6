import type { RunFilterClause, RunOrderBy, ViewType } from '@provena/contract'
import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { DB } from './schema.js'

export interface RunSearchQuery {
  experimentIds: string[]
  clauses: RunFilterClause[]
  orderBy: RunOrderBy[]
  view: ViewType
  limit: number
  offset: number
}

const ATTRIBUTE_COLUMNS = {
  status: sql.ref('runs.status'),
  run_name: sql.ref('runs.name'),
  user_id: sql.ref('runs.user_id'),
  run_id: sql.ref('runs.id'),
  parent_run_id: sql.ref('runs.parent_run_id'),
  start_time: sql.ref('runs.start_time_ms'),
  end_time: sql.ref('runs.end_time_ms'),
} as const

const KEYED_TABLES = { metric: 'latest_metrics', param: 'params', tag: 'run_tags' } as const

/**
 * How many rows of the sort key's index an ordered walk reads per result row it must find: enough
 * when at least one run in 20 passes the filter. A sparser filter falls back to a filter-first plan.
 */
const WALK_ROWS_PER_RESULT = 20

type Condition = RawBuilder<unknown>

function comparison(column: RawBuilder<unknown>, clause: RunFilterClause): Condition {
  const { op, value } = clause
  if (op === 'IN' || op === 'NOT IN') {
    const list = sql.join((value as string[]).map((v) => sql`${v}`))
    return op === 'IN' ? sql`${column} in (${list})` : sql`${column} not in (${list})`
  }
  // ILIKE is spelled lower() LIKE lower() so both dialects agree; LIKE is case-sensitive in both.
  if (op === 'ILIKE') return sql`lower(${column}) like lower(${value})`
  if (op === 'LIKE') return sql`${column} like ${value}`
  return sql`${column} ${sql.raw(op === '!=' ? '<>' : op)} ${value}`
}

/** The conditions that put row `alias` of a keyed table on the run `runId` and the clause's key. */
function keyedConditions(alias: RawBuilder<unknown>, runId: RawBuilder<unknown>, clause: RunFilterClause): Condition[] {
  const nanGuard = clause.entity === 'metric' ? [sql`${alias}.is_nan = 0`] : []
  return [
    sql`${alias}.run_id = ${runId}`,
    sql`${alias}.key = ${clause.key}`,
    ...nanGuard,
    comparison(sql`${alias}.value`, clause),
  ]
}

/**
 * Compiles the parsed filter into one parameterised statement: each clause on a metric, param
 * or tag is an inner join on that key, so the planner can start from the most selective index.
 * Aliases are generated here (f0, f1, ...); user text only ever travels as bound values.
 */
function compileFilter(clauses: RunFilterClause[]): { joins: Condition[]; wheres: Condition[] } {
  const joins: Condition[] = []
  const wheres: Condition[] = []
  clauses.forEach((clause, i) => {
    if (clause.entity === 'attribute') {
      wheres.push(comparison(ATTRIBUTE_COLUMNS[clause.key], clause))
      return
    }
    const alias = sql.raw(`f${i}`)
    const on = sql.join(keyedConditions(alias, sql.ref('runs.id'), clause), sql` and `)
    joins.push(sql`inner join ${sql.raw(KEYED_TABLES[clause.entity])} ${alias} on ${on}`)
  })
  return { joins, wheres }
}

function compileOrder(orderBy: RunOrderBy[], firstAlias = 0): { joins: Condition[]; terms: Condition[] } {
  const joins: Condition[] = []
  const terms: Condition[] = []
  orderBy.forEach((order, i) => {
    const direction = sql.raw(order.direction === 'DESC' ? 'desc' : 'asc')
    if (order.entity === 'attribute') {
      const column = ATTRIBUTE_COLUMNS[order.key as keyof typeof ATTRIBUTE_COLUMNS]
      terms.push(sql`case when ${column} is null then 1 else 0 end`, sql`${column} ${direction}`)
      return
    }
    const alias = sql.raw(`o${firstAlias + i}`)
    joins.push(
      sql`left join ${sql.raw(KEYED_TABLES[order.entity])} ${alias} on ${alias}.run_id = runs.id and ${alias}.key = ${order.key}`,
    )
    // As in MLflow, runs without the key (and NaN metrics) sort last in either direction. Among
    // themselves they tie (value null), so the default order decides: comparing their stored
    // values would put NaN (stored as 0) and absent keys (null) in a different order on SQLite
    // and PostgreSQL, which sort nulls at opposite ends.
    const missing =
      order.entity === 'metric' ? sql`${alias}.run_id is null or ${alias}.is_nan = 1` : sql`${alias}.run_id is null`
    terms.push(
      sql`case when ${missing} then 1 else 0 end`,
      sql`case when ${missing} then null else ${alias}.value end ${direction}`,
    )
  })
  // MLflow's default order, which also makes paging stable: newest first, then by id.
  terms.push(sql`runs.start_time_ms desc`, sql`runs.id asc`)
  return { joins, terms }
}

function runConditions(query: RunSearchQuery): Condition[] {
  const lifecycles = query.view === 'all' ? ['active', 'deleted'] : [query.view]
  return [
    sql`runs.experiment_id in (${sql.join(query.experimentIds.map((id) => sql`${Number(id)}`))})`,
    sql`runs.lifecycle in (${sql.join(lifecycles.map((l) => sql`${l}`))})`,
  ]
}

/** Any plan: the filter joins first, so the planner starts from whichever index it finds most selective. */
async function searchFilterFirst(db: Kysely<DB>, query: RunSearchQuery): Promise<string[]> {
  const filter = compileFilter(query.clauses)
  const order = compileOrder(query.orderBy)
  const statement = sql<{ id: string }>`select runs.id from runs ${sql.join([...filter.joins, ...order.joins], sql` `)}
    where ${sql.join([...runConditions(query), ...filter.wheres], sql` and `)}
    order by ${sql.join(order.terms)}
    limit ${query.limit} offset ${query.offset}`
  return (await statement.execute(db)).rows.map((row) => row.id)
}

/**
 * Walks the index of the first sort key in order, from the best value on, checking each run
 * against the filter, and stops once the page is full: a few thousand index rows instead of
 * every run that passes the filter, sorted. It reads only the runs whose value is at least as
 * good as the value WALK_ROWS_PER_RESULT rows per result down the index (ties included), so the
 * answer is exact when that many runs pass; otherwise it returns undefined.
 *
 * The tables are joined with CROSS JOIN, which SQLite takes as "in this order" (its planner does
 * not see that the walk stops early); PostgreSQL plans a CROSS JOIN like any inner join.
 */
async function searchByOrderedWalk(
  db: Kysely<DB>,
  query: RunSearchQuery,
  first: RunOrderBy & { entity: 'metric' | 'param' | 'tag' },
) {
  const table = sql.raw(KEYED_TABLES[first.entity])
  const nanGuard = first.entity === 'metric' ? sql`and is_nan = 0` : sql``
  const direction = sql.raw(first.direction === 'DESC' ? 'desc' : 'asc')
  const walkRows = WALK_ROWS_PER_RESULT * (query.offset + query.limit)
  const bound = await sql<{ value: number | string }>`select value from ${table} where key = ${first.key} ${nanGuard}
    order by value ${direction} limit 1 offset ${walkRows - 1}`.execute(db)
  const boundValue = bound.rows[0]?.value
  const atLeastAsGood = first.direction === 'DESC' ? sql.raw('>=') : sql.raw('<=')

  const walked = sql.raw('o0')
  const walkConditions: Condition[] = [sql`${walked}.key = ${first.key}`]
  if (first.entity === 'metric') walkConditions.push(sql`${walked}.is_nan = 0`)
  if (boundValue !== undefined) walkConditions.push(sql`${walked}.value ${atLeastAsGood} ${boundValue}`)
  const filterJoins: Condition[] = []
  const filterConditions: Condition[] = []
  query.clauses.forEach((clause, i) => {
    if (clause.entity === 'attribute') {
      filterConditions.push(comparison(ATTRIBUTE_COLUMNS[clause.key], clause))
      return
    }
    const alias = sql.raw(`f${i}`)
    filterJoins.push(sql`cross join ${sql.raw(KEYED_TABLES[clause.entity])} ${alias}`)
    filterConditions.push(...keyedConditions(alias, sql`${walked}.run_id`, clause))
  })
  const rest = compileOrder(query.orderBy.slice(1), 1)
  const statement = sql<{ id: string }>`select runs.id from ${table} ${walked} ${sql.join(filterJoins, sql` `)}
    cross join runs ${sql.join(rest.joins, sql` `)}
    where ${sql.join([...walkConditions, ...filterConditions, sql`runs.id = ${walked}.run_id`, ...runConditions(query)], sql` and `)}
    order by ${sql.join([sql`${walked}.value ${direction}`, ...rest.terms])}
    limit ${query.limit} offset ${query.offset}`
  const ids = (await statement.execute(db)).rows.map((row) => row.id)
  return ids.length === query.limit ? ids : undefined
}

/** How many of the newest runs `keys` looks at, so its cost stays flat whatever the number of runs. */
const KEY_SAMPLE_RUNS = 1000
/** Most keys of one kind that `keys` returns. */
const MAX_LISTED_KEYS = 1000

export function createRunSearchRepository(db: Kysely<DB>) {
  async function keysOf(table: 'params' | 'latest_metrics' | 'run_tags', experimentIds: string[]): Promise<string[]> {
    const ids = sql.join(experimentIds.map((id) => sql`${Number(id)}`))
    const statement = sql<{ key: string }>`select distinct key from ${sql.table(table)} where run_id in (
        select id from runs where experiment_id in (${ids}) and lifecycle = 'active'
        order by start_time_ms desc limit ${KEY_SAMPLE_RUNS})
      order by key limit ${MAX_LISTED_KEYS}`
    return (await statement.execute(db)).rows.map((row) => row.key)
  }

  return {
    /** The distinct param, metric and tag keys of the newest active runs of some experiments. */
    async keys(experimentIds: string[]): Promise<{ params: string[]; metrics: string[]; tags: string[] }> {
      return {
        params: await keysOf('params', experimentIds),
        metrics: await keysOf('latest_metrics', experimentIds),
        tags: await keysOf('run_tags', experimentIds),
      }
    },

    /** Ids of the matching runs, in order, for one page. */
    async searchIds(query: RunSearchQuery): Promise<string[]> {
      const [first] = query.orderBy
      if (first && first.entity !== 'attribute') {
        const walked = await searchByOrderedWalk(db, query, first)
        if (walked) return walked
      }
      return searchFilterFirst(db, query)
    },
  }
}
