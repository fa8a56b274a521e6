import { randomBytes } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabaseUrl, testDialects } from '../../../test-support/test-databases.js'
import { type Database, openDatabase } from '../database.js'
import { createMetricsRepository } from '../metrics-repository.js'
import { createMigrator } from '../migrator.js'
import type { DB } from '../schema.js'

describe.each(testDialects())('migration 0002 on %s', (dialect) => {
  let database: Database
  beforeAll(async () => {
    database = openDatabase({
      url: await createTestDatabaseUrl(dialect),
      sqliteSynchronous: 'NORMAL',
      postgresPoolSize: 2,
    })
  })
  afterAll(async () => database.close())

  const migrator = (db: Kysely<DB>) => createMigrator(db, dialect)

  it('moves the points of the one-row-per-point table into series, in history order, NaN included', async () => {
    const { db } = database
    expect((await migrator(db).migrateTo('0001-tracking')).error).toBeUndefined()
    const runId = randomBytes(16).toString('hex')
    await sql`insert into runs (id, experiment_id, name, status, start_time_ms, user_id, lifecycle, updated_at_ms)
      values (${runId}, 0, 'old', 'FINISHED', 0, 'test', 'active', 0)`.execute(db)
    // Logged out of order, with a tie on (step, timestamp) that the row id breaks.
    const rows: [string, number, number, number, number][] = [
      ['loss', 0.5, 0, 2, 100],
      ['loss', 0.9, 0, 1, 100],
      ['loss', 0, 1, 1, 100],
      ['loss', 0.7, 0, 1, 100],
      ['acc', 0.1, 0, 0, 5],
    ]
    for (const [key, value, isNan, step, timestampMs] of rows) {
      await sql`insert into metrics (run_id, key, value, is_nan, step, timestamp_ms)
        values (${runId}, ${key}, ${value}, ${isNan}, ${step}, ${timestampMs})`.execute(db)
    }

    expect((await migrator(db).migrateTo('0002-metric-series')).error).toBeUndefined()

    const metrics = createMetricsRepository(db)
    expect(await metrics.history(runId, 'loss', { limit: 10 })).toEqual({
      points: [
        { value: 0.9, step: 1, timestampMs: 100 },
        { value: Number.NaN, step: 1, timestampMs: 100 },
        { value: 0.7, step: 1, timestampMs: 100 },
        { value: 0.5, step: 2, timestampMs: 100 },
      ],
      next: undefined,
    })
    expect(await metrics.countHistory(runId, 'acc')).toBe(1)
  })
})
