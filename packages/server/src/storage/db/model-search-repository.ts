import type { RegistryFilterClause, RegistryOrderBy, RegistryTextOp } from '@provena/contract'
import { type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely'
import type { DialectKind } from './dialects/dialect-kind.js'
import { grantOf } from './granted-to.js'
import type { DB } from './schema.js'

type ModelsEb = ExpressionBuilder<DB, 'registeredModels'>
type VersionsEb = ExpressionBuilder<DB, 'modelVersions' | 'registeredModels'>

export interface RegistrySearchQuery {
  clauses: RegistryFilterClause[]
  orderBy: RegistryOrderBy[]
  /** Only objects this user was granted (when the caller sees only their grants). */
  grantedTo?: string | undefined
  limit: number
  offset: number
}

export type ModelSearchRepository = ReturnType<typeof createModelSearchRepository>

/**
 * Searches of the registry by MLflow's filter (names, tags, run ids, sources, version numbers),
 * returning ids in order; the models repository turns them into models and versions.
 */
export function createModelSearchRepository(db: Kysely<DB>, kind: DialectKind) {
  /**
   * LIKE is case-sensitive on both dialects (SQLite runs with case_sensitive_like on), as in
   * MLflow; ILIKE compares lower-cased on SQLite, which has no ILIKE.
   */
  function compareText(column: string, op: RegistryTextOp, value: string) {
    const ref = sql.ref(column)
    switch (op) {
      case '=':
        return sql<SqlBool>`${ref} = ${value}`
      case '!=':
        return sql<SqlBool>`${ref} <> ${value}`
      case 'LIKE':
        return sql<SqlBool>`${ref} like ${value}`
      case 'ILIKE':
        return kind === 'postgres'
          ? sql<SqlBool>`${ref} ilike ${value}`
          : sql<SqlBool>`lower(${ref}) like lower(${value})`
    }
  }

  function tagMatches(
    table: 'registeredModelTags' | 'modelVersionTags',
    ownerColumn: string,
    clause: RegistryFilterClause & { field: 'tag' },
  ) {
    const owner = table === 'registeredModelTags' ? 'registered_model_tags.model_id' : 'model_version_tags.version_id'
    const from = table === 'registeredModelTags' ? sql.table('registered_model_tags') : sql.table('model_version_tags')
    const keyColumn = table === 'registeredModelTags' ? 'registered_model_tags.key' : 'model_version_tags.key'
    const valueColumn = table === 'registeredModelTags' ? 'registered_model_tags.value' : 'model_version_tags.value'
    return sql<SqlBool>`exists (select 1 from ${from} where ${sql.ref(owner)} = ${sql.ref(ownerColumn)} and ${sql.ref(keyColumn)} = ${clause.key} and ${compareText(valueColumn, clause.op, clause.value)})`
  }

  function versionClause(clause: RegistryFilterClause) {
    switch (clause.field) {
      case 'name':
        return compareText('registered_models.name', clause.op, clause.value)
      case 'source':
        return compareText('model_versions.source', clause.op, clause.value)
      case 'tag':
        return tagMatches('modelVersionTags', 'model_versions.id', clause)
      case 'version': {
        const op = clause.op === '!=' ? '<>' : clause.op
        return sql<SqlBool>`${sql.ref('model_versions.version')} ${sql.raw(op)} ${clause.value}`
      }
      case 'runId':
        if ('values' in clause) {
          const list = sql.join(clause.values)
          return clause.op === 'IN'
            ? sql<SqlBool>`${sql.ref('model_versions.run_id')} in (${list})`
            : sql<SqlBool>`(${sql.ref('model_versions.run_id')} is null or ${sql.ref('model_versions.run_id')} not in (${list}))`
        }
        return clause.op === '='
          ? sql<SqlBool>`${sql.ref('model_versions.run_id')} = ${clause.value}`
          : sql<SqlBool>`(${sql.ref('model_versions.run_id')} is null or ${sql.ref('model_versions.run_id')} <> ${clause.value})`
    }
  }

  function modelClause(clause: RegistryFilterClause) {
    if (clause.field === 'name') return compareText('registered_models.name', clause.op, clause.value)
    if (clause.field === 'tag') return tagMatches('registeredModelTags', 'registered_models.id', clause)
    // The domain parses filters for models with the models' keys only.
    throw new Error(`no registered-model filter on ${clause.field}`)
  }

  const MODEL_COLUMNS = {
    name: 'registeredModels.name',
    createdAtMs: 'registeredModels.createdAtMs',
    updatedAtMs: 'registeredModels.updatedAtMs',
  } as const
  const VERSION_COLUMNS = {
    name: 'registeredModels.name',
    createdAtMs: 'modelVersions.createdAtMs',
    updatedAtMs: 'modelVersions.updatedAtMs',
    version: 'modelVersions.version',
  } as const

  return {
    /** Ids of the registered models matching every clause, in the asked order (then by name). */
    async searchModelIds(query: RegistrySearchQuery): Promise<string[]> {
      let select = db.selectFrom('registeredModels').select('registeredModels.id')
      for (const clause of query.clauses) select = select.where(() => modelClause(clause))
      const { grantedTo } = query
      if (grantedTo !== undefined) {
        select = select.where((eb: ModelsEb) =>
          eb.exists(grantOf(db, 'registered_model', grantedTo, eb.ref('registeredModels.name'))),
        )
      }
      for (const order of query.orderBy) {
        if (order.field === 'version') continue
        select = select.orderBy(MODEL_COLUMNS[order.field], order.direction)
      }
      select = select.orderBy('registeredModels.name', 'asc')
      const rows = await select.limit(query.limit).offset(query.offset).execute()
      return rows.map((r) => r.id)
    },

    /**
     * Ids of the versions matching every clause, in the asked order; MLflow's default order is the
     * last update first, then name, then the highest version.
     */
    async searchVersionIds(query: RegistrySearchQuery): Promise<string[]> {
      let select = db
        .selectFrom('modelVersions')
        .innerJoin('registeredModels', 'registeredModels.id', 'modelVersions.modelId')
        .select('modelVersions.id')
      for (const clause of query.clauses) select = select.where(() => versionClause(clause))
      const { grantedTo } = query
      if (grantedTo !== undefined) {
        select = select.where((eb: VersionsEb) =>
          eb.exists(grantOf(db, 'registered_model', grantedTo, eb.ref('registeredModels.name'))),
        )
      }
      const orderBy: RegistryOrderBy[] =
        query.orderBy.length > 0 ? query.orderBy : [{ field: 'updatedAtMs', direction: 'desc' }]
      for (const order of orderBy) select = select.orderBy(VERSION_COLUMNS[order.field], order.direction)
      select = select.orderBy('registeredModels.name', 'asc').orderBy('modelVersions.version', 'desc')
      const rows = await select.limit(query.limit).offset(query.offset).execute()
      return rows.map((r) => r.id)
    },
  }
}
