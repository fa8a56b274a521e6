import type { Kysely, Migration } from 'kysely'
import { addAutoIncrementId } from '../dialects/auto-increment.js'
import type { DialectKind } from '../dialects/dialect-kind.js'

/** Experiments, runs, params, tags, metric history and latest metrics. Released: never edit. */
export function trackingMigration(kind: DialectKind): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await addAutoIncrementId(db.schema.createTable('experiments'), kind)
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text')
        .addColumn('lifecycle', 'text', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
        .execute()
      // MLflow's Default experiment has id 0; runs created without an experiment land there.
      const nowMs = Date.now()
      await db
        .insertInto('experiments' as never)
        .values({ id: 0, name: 'Default', lifecycle: 'active', created_at_ms: nowMs, updated_at_ms: nowMs } as never)
        .execute()

      await db.schema
        .createTable('experiment_tags')
        .addColumn('experiment_id', 'bigint', (c) => c.notNull().references('experiments.id'))
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('experiment_tags_pk', ['experiment_id', 'key'])
        .execute()

      await db.schema
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('experiment_id', 'bigint', (c) => c.notNull().references('experiments.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('start_time_ms', 'bigint', (c) => c.notNull())
        .addColumn('end_time_ms', 'bigint')
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('parent_run_id', 'text', (c) => c.references('runs.id'))
        .addColumn('lifecycle', 'text', (c) => c.notNull())
        .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('runs_experiment_start_idx')
        .on('runs')
        .columns(['experiment_id', 'start_time_ms'])
        .execute()
      await db.schema.createIndex('runs_parent_idx').on('runs').column('parent_run_id').execute()

      for (const table of ['run_tags', 'params']) {
        await db.schema
          .createTable(table)
          .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('value', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint(`${table}_pk`, ['run_id', 'key'])
          .execute()
        await db.schema.createIndex(`${table}_key_value_idx`).on(table).columns(['key', 'value', 'run_id']).execute()
      }

      await addAutoIncrementId(db.schema.createTable('metrics'), kind)
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'double precision', (c) => c.notNull())
        .addColumn('is_nan', 'integer', (c) => c.notNull())
        .addColumn('step', 'bigint', (c) => c.notNull())
        .addColumn('timestamp_ms', 'bigint', (c) => c.notNull())
        .execute()
      await db.schema
        .createIndex('metrics_history_idx')
        .on('metrics')
        .columns(['run_id', 'key', 'step', 'timestamp_ms', 'id'])
        .execute()

      await db.schema
        .createTable('latest_metrics')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'double precision', (c) => c.notNull())
        .addColumn('is_nan', 'integer', (c) => c.notNull())
        .addColumn('step', 'bigint', (c) => c.notNull())
        .addColumn('timestamp_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('latest_metrics_pk', ['run_id', 'key'])
        .execute()
      await db.schema
        .createIndex('latest_metrics_key_value_idx')
        .on('latest_metrics')
        .columns(['key', 'value', 'run_id'])
        .execute()

      await db.schema
        .createTable('batch_receipts')
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('batch_receipts_pk', ['run_id', 'idempotency_key'])
        .execute()
    },
  }
}
