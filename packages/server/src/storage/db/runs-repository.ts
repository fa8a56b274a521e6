import type { Lifecycle, Run, RunStatus } from '@provena/contract'
import { AlreadyExistsError, encodeMetricValue } from '@provena/contract'
import { type Kysely, type Selectable, sql } from 'kysely'
import type { DialectKind } from './dialects/dialect-kind.js'
import { jsonObjectOf, jsonTuplesOf } from './dialects/json-aggregates.js'
import { isUniqueViolation } from './dialects/unique-violation.js'
import type { DB, RunsTable } from './schema.js'
import { executeTemplate } from './statement-templates.js'

/** A run's own row, without params, tags and metrics. */
export interface RunRecord {
  id: string
  experimentId: string
  name: string
  status: RunStatus
  startTimeMs: number
  endTimeMs: number | null
  userId: string
  parentRunId: string | null
  lifecycle: Lifecycle
}

export type RunPatch = Partial<Pick<RunRecord, 'name' | 'status' | 'endTimeMs'>>

export type RunsRepository = ReturnType<typeof createRunsRepository>

function toRecord(row: Selectable<RunsTable>): RunRecord {
  return {
    id: row.id,
    experimentId: String(row.experimentId),
    name: row.name,
    status: row.status as RunStatus,
    startTimeMs: Number(row.startTimeMs),
    endTimeMs: row.endTimeMs === null ? null : Number(row.endTimeMs),
    userId: row.userId,
    parentRunId: row.parentRunId,
    lifecycle: row.lifecycle as Lifecycle,
  }
}

// SQLite allows at most 32,766 bound parameters per statement; IN lists stay far below it.
const MAX_IDS_PER_QUERY = 1000

export function createRunsRepository(db: Kysely<DB>, kind: DialectKind) {
  async function keyValues(table: 'params' | 'runTags', ids: string[]): Promise<Map<string, Record<string, string>>> {
    const byRun = new Map<string, Record<string, string>>(ids.map((id) => [id, {}]))
    for (let i = 0; i < ids.length; i += MAX_IDS_PER_QUERY) {
      const rows = await db
        .selectFrom(table)
        .select(['runId', jsonObjectOf(kind, sql.ref('key'), sql.ref('value')).as('entries')])
        .where('runId', 'in', ids.slice(i, i + MAX_IDS_PER_QUERY))
        .groupBy('runId')
        .execute()
      for (const row of rows) byRun.set(row.runId, JSON.parse(row.entries) as Record<string, string>)
    }
    return byRun
  }

  async function latestMetricsOf(ids: string[]): Promise<Map<string, Run['metrics']>> {
    const byRun = new Map<string, Run['metrics']>(ids.map((id) => [id, []]))
    const columns = ['key', 'value', 'is_nan', 'step', 'timestamp_ms'].map((column) => sql.ref(column))
    for (let i = 0; i < ids.length; i += MAX_IDS_PER_QUERY) {
      const rows = await db
        .selectFrom('latestMetrics')
        .select(['runId', jsonTuplesOf(kind, columns, sql.ref('key')).as('metrics')])
        .where('runId', 'in', ids.slice(i, i + MAX_IDS_PER_QUERY))
        .groupBy('runId')
        .execute()
      for (const row of rows) {
        const tuples = JSON.parse(row.metrics) as [string, number | string, number, number, number][]
        byRun.set(
          row.runId,
          tuples.map(([key, value, isNan, step, timestampMs]) => ({
            key,
            value: encodeMetricValue(isNan ? Number.NaN : Number(value)),
            step: Number(step),
            timestampMs: Number(timestampMs),
          })),
        )
      }
    }
    return byRun
  }

  return {
    async insert(run: RunRecord, nowMs: number): Promise<void> {
      try {
        await db
          .insertInto('runs')
          .values({ ...run, experimentId: Number(run.experimentId), updatedAtMs: nowMs })
          .execute()
      } catch (error) {
        if (isUniqueViolation(error)) throw new AlreadyExistsError(`run ${run.id} exists already`, { cause: error })
        throw error
      }
    },

    async findById(id: string): Promise<RunRecord | undefined> {
      // Every metric batch looks its run up: from a template (statement-templates.ts).
      const [row] = await executeTemplate(
        db,
        'runs:findById',
        (value) => db.selectFrom('runs').selectAll().where('id', '=', value(0)),
        [id],
      )
      return row && toRecord(row)
    },

    /** Runs with their params, tags and latest metrics, in the order of `ids`. */
    async loadFull(ids: string[]): Promise<Run[]> {
      if (ids.length === 0) return []
      const rows: Selectable<RunsTable>[] = []
      for (let i = 0; i < ids.length; i += MAX_IDS_PER_QUERY) {
        rows.push(
          ...(await db
            .selectFrom('runs')
            .selectAll()
            .where('id', 'in', ids.slice(i, i + MAX_IDS_PER_QUERY))
            .execute()),
        )
      }
      const [params, tags, metrics] = [
        await keyValues('params', ids),
        await keyValues('runTags', ids),
        await latestMetricsOf(ids),
      ]
      const byId = new Map(rows.map((row) => [row.id, row]))
      return ids.flatMap((id) => {
        const row = byId.get(id)
        if (!row) return []
        return [
          { ...toRecord(row), params: params.get(id) ?? {}, tags: tags.get(id) ?? {}, metrics: metrics.get(id) ?? [] },
        ]
      })
    },

    async update(id: string, patch: RunPatch, nowMs: number): Promise<void> {
      await db
        .updateTable('runs')
        .set({ ...patch, updatedAtMs: nowMs })
        .where('id', '=', id)
        .execute()
    },

    async setLifecycle(id: string, lifecycle: Lifecycle, nowMs: number): Promise<void> {
      await db.updateTable('runs').set({ lifecycle, updatedAtMs: nowMs }).where('id', '=', id).execute()
    },

    async paramsOf(runId: string, keys: string[]): Promise<Map<string, string>> {
      if (keys.length === 0) return new Map()
      const rows = await db
        .selectFrom('params')
        .select(['key', 'value'])
        .where('runId', '=', runId)
        .where('key', 'in', keys)
        .execute()
      return new Map(rows.map((r) => [r.key, r.value]))
    },

    /** Inserts params that are not there yet; the domain has checked that existing ones are equal. */
    async insertParams(runId: string, params: { key: string; value: string }[]): Promise<void> {
      if (params.length === 0) return
      await db
        .insertInto('params')
        .values(params.map((p) => ({ runId, key: p.key, value: p.value })))
        .onConflict((oc) => oc.columns(['runId', 'key']).doNothing())
        .execute()
    },

    async setTags(runId: string, tags: { key: string; value: string }[]): Promise<void> {
      for (const { key, value } of tags) {
        await db
          .insertInto('runTags')
          .values({ runId, key, value })
          .onConflict((oc) => oc.columns(['runId', 'key']).doUpdateSet({ value }))
          .execute()
      }
    },

    async deleteTag(runId: string, key: string): Promise<boolean> {
      const result = await db.deleteFrom('runTags').where('runId', '=', runId).where('key', '=', key).executeTakeFirst()
      return result.numDeletedRows > 0n
    },

    /**
     * Records that a batch with this idempotency key is being applied; false when it was before.
     * Inserting first (inside the batch's transaction) makes a concurrent retry wait for, then skip, the first.
     */
    async claimReceipt(runId: string, idempotencyKey: string, nowMs: number): Promise<boolean> {
      // The SDK gives every batch a key: from a template, like the rest of the batch path.
      const rows = await executeTemplate(
        db,
        'batchReceipts:claim',
        (value) =>
          db
            .insertInto('batchReceipts')
            .values({ runId: value(0), idempotencyKey: value(1), createdAtMs: value(2) })
            .onConflict((oc) => oc.columns(['runId', 'idempotencyKey']).doNothing())
            .returning('runId'),
        [runId, idempotencyKey, nowMs],
      )
      return rows.length > 0
    },
  }
}
