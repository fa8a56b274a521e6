import type { Kysely, Migration } from 'kysely'
import { binaryColumnType } from '../dialects/binary-column.js'
import type { DialectKind } from '../dialects/dialect-kind.js'
import { addKeyValueStatistics } from '../dialects/key-value-statistics.js'
import { createMetricsRepository } from '../metrics-repository.js'
import type { DB } from '../schema.js'

const POINTS_PER_COPY = 100_000

/**
 * Metric history moves from one row per point (`metrics`) to packed segments of 64 points
 * (`metric_segments`) with min/max rollups (`metric_rollups`) and a per-series state row
 * (`metric_series`): a row per point cannot be written fast enough (about 5 µs per row with its
 * index on SQLite), and a downsampled chart must not read every point. Existing points are
 * copied over through the metrics repository of this version, then `metrics` is dropped.
 */
export function metricSeriesMigration(kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('metric_series')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('point_count', 'bigint', (c) => c.notNull())
        .addColumn('last_step', 'bigint')
        .addColumn('last_timestamp_ms', 'bigint')
        .addPrimaryKeyConstraint('metric_series_pk', ['run_id', 'key'])
        .execute()

      await db.schema
        .createTable('metric_segments')
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('segment_no', 'bigint', (c) => c.notNull())
        .addColumn('points', binaryColumnType(kind), (c) => c.notNull())
        .addPrimaryKeyConstraint('metric_segments_pk', ['run_id', 'key', 'segment_no'])
        .execute()

      await db.schema
        .createTable('metric_rollups')
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('block_size', 'integer', (c) => c.notNull())
        .addColumn('block_no', 'bigint', (c) => c.notNull())
        .addColumn('min_position', 'bigint')
        .addColumn('min_value', 'double precision')
        .addColumn('min_step', 'bigint')
        .addColumn('min_timestamp_ms', 'bigint')
        .addColumn('max_position', 'bigint')
        .addColumn('max_value', 'double precision')
        .addColumn('max_step', 'bigint')
        .addColumn('max_timestamp_ms', 'bigint')
        .addPrimaryKeyConstraint('metric_rollups_pk', ['run_id', 'key', 'block_size', 'block_no'])
        .execute()

      await copyPointRows(db as Kysely<DB>)
      await db.schema.dropTable('metrics').execute()

      // Metric filters and sorts always skip NaN (is_nan = 1), so with is_nan in the index they
      // read only the index; without it, every entry in range cost a lookup of its row.
      await db.schema.dropIndex('latest_metrics_key_value_idx').execute()
      await db.schema
        .createIndex('latest_metrics_key_nan_value_idx')
        .on('latest_metrics')
        .columns(['key', 'is_nan', 'value', 'run_id'])
        .execute()
      for (const table of ['params', 'run_tags']) await addKeyValueStatistics(db, kind, table)
    },
  }
}

/** Copies every series of the old `metrics` table, in history order, into the new tables. */
async function copyPointRows(db: Kysely<DB>): Promise<void> {
  const metrics = createMetricsRepository(db)
  const legacy = db as unknown as Kysely<LegacyDB>
  const series = await legacy
    .selectFrom('metrics')
    .select(['runId', 'key'])
    .distinct()
    .orderBy('runId')
    .orderBy('key')
    .execute()
  for (const { runId, key } of series) {
    let after: { step: number; timestampMs: number; id: number } | undefined
    for (;;) {
      let query = legacy
        .selectFrom('metrics')
        .select(['id', 'value', 'isNan', 'step', 'timestampMs'])
        .where('runId', '=', runId)
        .where('key', '=', key)
      if (after) {
        const { step, timestampMs, id } = after
        query = query.where((eb) =>
          eb.or([
            eb('step', '>', step),
            eb.and([eb('step', '=', step), eb('timestampMs', '>', timestampMs)]),
            eb.and([eb('step', '=', step), eb('timestampMs', '=', timestampMs), eb('id', '>', id)]),
          ]),
        )
      }
      const rows = await query.orderBy('step').orderBy('timestampMs').orderBy('id').limit(POINTS_PER_COPY).execute()
      const points = rows.map((r) => ({
        key,
        value: r.isNan ? Number.NaN : Number(r.value),
        step: Number(r.step),
        timestampMs: Number(r.timestampMs),
      }))
      await metrics.appendHistory(runId, points)
      const last = rows[rows.length - 1]
      if (!last || rows.length < POINTS_PER_COPY) break
      after = { step: Number(last.step), timestampMs: Number(last.timestampMs), id: Number(last.id) }
    }
  }
}

/** The `metrics` table as 0001 created it; it exists only until this migration drops it. */
interface LegacyDB {
  metrics: { id: number; runId: string; key: string; value: number; isNan: number; step: number; timestampMs: number }
}
