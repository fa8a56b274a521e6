import { AlreadyExistsError, type Experiment, type Lifecycle, type ViewType } from '@provena/contract'
import { type Kysely, type Selectable, type SqlBool, sql } from 'kysely'
import { isUniqueViolation } from './dialects/unique-violation.js'
import { grantOf } from './granted-to.js'
import type { DB, ExperimentsTable } from './schema.js'

export interface NewExperiment {
  name: string
  description: string | null
  tags: Record<string, string>
  nowMs: number
}

export interface ExperimentListQuery {
  view: ViewType
  nameLike?: string | undefined
  /** A LIKE pattern matched without regard to case (MLflow's ILIKE), the same way on both databases. */
  nameILike?: string | undefined
  /** Only experiments this user holds an explicit permission on. */
  grantedTo?: string | undefined
  /** Sort keys before the id (ascending) that breaks ties; by id alone when absent. */
  orderBy?: ExperimentOrderBy[] | undefined
  limit: number
  offset: number
}

export interface ExperimentOrderBy {
  column: 'name' | 'id' | 'createdAtMs' | 'updatedAtMs'
  direction: 'asc' | 'desc'
}

export type ExperimentsRepository = ReturnType<typeof createExperimentsRepository>

function lifecyclesOf(view: ViewType): Lifecycle[] {
  return view === 'all' ? ['active', 'deleted'] : [view]
}

export function createExperimentsRepository(db: Kysely<DB>) {
  async function tagsOf(ids: number[]): Promise<Map<number, Record<string, string>>> {
    const byId = new Map<number, Record<string, string>>(ids.map((id) => [id, {}]))
    if (ids.length === 0) return byId
    const rows = await db.selectFrom('experimentTags').selectAll().where('experimentId', 'in', ids).execute()
    for (const row of rows) {
      const tags = byId.get(Number(row.experimentId))
      if (tags) tags[row.key] = row.value
    }
    return byId
  }

  async function withTags(rows: Selectable<ExperimentsTable>[]): Promise<Experiment[]> {
    const tags = await tagsOf(rows.map((r) => Number(r.id)))
    return rows.map((r) => ({
      id: String(r.id),
      name: r.name,
      description: r.description,
      lifecycle: r.lifecycle as Lifecycle,
      tags: tags.get(Number(r.id)) ?? {},
      createdAtMs: Number(r.createdAtMs),
      updatedAtMs: Number(r.updatedAtMs),
    }))
  }

  async function setTags(experimentId: string, tags: Record<string, string | null>): Promise<void> {
    for (const [key, value] of Object.entries(tags)) {
      if (value === null) {
        await db
          .deleteFrom('experimentTags')
          .where('experimentId', '=', Number(experimentId))
          .where('key', '=', key)
          .execute()
      } else {
        await db
          .insertInto('experimentTags')
          .values({ experimentId: Number(experimentId), key, value })
          .onConflict((oc) => oc.columns(['experimentId', 'key']).doUpdateSet({ value }))
          .execute()
      }
    }
  }

  return {
    async insert({ name, description, tags, nowMs }: NewExperiment): Promise<string> {
      try {
        const row = await db
          .insertInto('experiments')
          .values({ name, description, lifecycle: 'active', createdAtMs: nowMs, updatedAtMs: nowMs })
          .returning('id')
          .executeTakeFirstOrThrow()
        await setTags(String(row.id), tags)
        return String(row.id)
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AlreadyExistsError(`an experiment named '${name}' exists already`, { cause: error })
        throw error
      }
    },

    async findById(id: string): Promise<Experiment | undefined> {
      const rows = await db.selectFrom('experiments').selectAll().where('id', '=', Number(id)).execute()
      return (await withTags(rows))[0]
    },

    async findByName(name: string): Promise<Experiment | undefined> {
      const rows = await db.selectFrom('experiments').selectAll().where('name', '=', name).execute()
      return (await withTags(rows))[0]
    },

    async list({
      view,
      nameLike,
      nameILike,
      grantedTo,
      orderBy = [],
      limit,
      offset,
    }: ExperimentListQuery): Promise<Experiment[]> {
      let query = db.selectFrom('experiments').selectAll().where('lifecycle', 'in', lifecyclesOf(view))
      if (nameLike !== undefined) query = query.where('name', 'like', nameLike)
      // lower() on both sides: SQLite has no ILIKE, and its LIKE is case-sensitive here (case_sensitive_like).
      if (nameILike !== undefined)
        query = query.where((eb) => sql<SqlBool>`lower(${eb.ref('name')}) like lower(${nameILike})`)
      if (grantedTo !== undefined) {
        query = query.where((eb) =>
          eb.exists(grantOf(db, 'experiment', grantedTo, eb.cast<string>('experiments.id', 'text'))),
        )
      }
      for (const { column, direction } of orderBy) query = query.orderBy(column, direction)
      const rows = await query.orderBy('id', 'asc').limit(limit).offset(offset).execute()
      return withTags(rows)
    },

    async update(id: string, patch: { name?: string; description?: string | null }, nowMs: number): Promise<void> {
      try {
        await db
          .updateTable('experiments')
          .set({ ...patch, updatedAtMs: nowMs })
          .where('id', '=', Number(id))
          .execute()
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AlreadyExistsError(`an experiment named '${patch.name}' exists already`, { cause: error })
        }
        throw error
      }
    },

    setTags,

    async setLifecycle(id: string, lifecycle: Lifecycle, nowMs: number): Promise<void> {
      await db.updateTable('experiments').set({ lifecycle, updatedAtMs: nowMs }).where('id', '=', Number(id)).execute()
    },
  }
}
