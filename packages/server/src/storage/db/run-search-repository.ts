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
  start_time: sql.ref('runs.start_time_ms'),
  end_time: sql.ref('runs.end_time_ms'),
} as const

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

/**
 * Compiles the parsed filter into one parameterised statement: each clause on a metric, param
 * or tag is an inner join on that key, so the planner can start from the most selective index.
 * Aliases are generated here (m0, p1, ...); user text only ever travels as bound values.
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
    const table = sql.raw({ metric: 'latest_metrics', param: 'params', tag: 'run_tags' }[clause.entity])
    const column = sql`${alias}.value`
    const nanGuard = clause.entity === 'metric' ? sql` and ${alias}.is_nan = 0` : sql``
    joins.push(
      sql`inner join ${table} ${alias} on ${alias}.run_id = runs.id and ${alias}.key = ${clause.key}${nanGuard} and ${comparison(column, clause)}`,
    )
  })
  return { joins, wheres }
}

function compileOrder(orderBy: RunOrderBy[]): { joins: Condition[]; terms: Condition[] } {
  const joins: Condition[] = []
  const terms: Condition[] = []
  orderBy.forEach((order, i) => {
    const direction = sql.raw(order.direction === 'DESC' ? 'desc' : 'asc')
    if (order.entity === 'attribute') {
      const column = ATTRIBUTE_COLUMNS[order.key as keyof typeof ATTRIBUTE_COLUMNS]
      terms.push(sql`case when ${column} is null then 1 else 0 end`, sql`${column} ${direction}`)
      return
    }
    const alias = sql.raw(`o${i}`)
    const table = sql.raw({ metric: 'latest_metrics', param: 'params', tag: 'run_tags' }[order.entity])
    joins.push(sql`left join ${table} ${alias} on ${alias}.run_id = runs.id and ${alias}.key = ${order.key}`)
    // As in MLflow, runs without the key (and NaN metrics) sort last in either direction.
    const missing =
      order.entity === 'metric' ? sql`${alias}.run_id is null or ${alias}.is_nan = 1` : sql`${alias}.run_id is null`
    terms.push(sql`case when ${missing} then 1 else 0 end`, sql`${alias}.value ${direction}`)
  })
  // MLflow's default order, which also makes paging stable: newest first, then by id.
  terms.push(sql`runs.start_time_ms desc`, sql`runs.id asc`)
  return { joins, terms }
}

export function createRunSearchRepository(db: Kysely<DB>) {
  return {
    /** Ids of the matching runs, in order, for one page. */
    async searchIds(query: RunSearchQuery): Promise<string[]> {
      const filter = compileFilter(query.clauses)
      const order = compileOrder(query.orderBy)
      const lifecycles = query.view === 'all' ? ['active', 'deleted'] : [query.view]
      const wheres = [
        sql`runs.experiment_id in (${sql.join(query.experimentIds.map((id) => sql`${Number(id)}`))})`,
        sql`runs.lifecycle in (${sql.join(lifecycles.map((l) => sql`${l}`))})`,
        ...filter.wheres,
      ]
      const statement = sql<{
        id: string
      }>`select runs.id from runs ${sql.join([...filter.joins, ...order.joins], sql` `)}
        where ${sql.join(wheres, sql` and `)}
        order by ${sql.join(order.terms)}
        limit ${query.limit} offset ${query.offset}`
      const result = await statement.execute(db)
      return result.rows.map((row) => row.id)
    },
  }
}
