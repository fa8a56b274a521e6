import { randomBytes } from 'node:crypto'
import { type Kysely, Migrator } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabaseUrl, testDialects } from '../../../test-support/test-databases.js'
import { createStore } from '../../store.js'
import { type Database, openDatabase } from '../database.js'
import type { DB } from '../schema.js'
import { trackingMigration } from './0001-tracking.js'
import { metricSeriesMigration } from './0002-metric-series.js'
import { accessAndAuditMigration } from './0003-access-and-audit.js'
import { artifactsMigration } from './0004-artifacts.js'
import { datasetsMigration } from './0005-datasets.js'
import { registryMigration } from './0006-registry.js'
import { lineageMigration } from './0007-lineage.js'
import { deletedVersionEdgesMigration } from './0008-deleted-version-edges.js'

describe.each(testDialects())('migration 0008 on %s', (dialect) => {
  let database: Database
  beforeAll(async () => {
    database = openDatabase({ url: await createTestDatabaseUrl(dialect), sqliteSynchronous: 'NORMAL' })
  })
  afterAll(async () => database.close())

  function migrator(db: Kysely<DB>) {
    const migrations = {
      '0001-tracking': trackingMigration(dialect),
      '0002-metric-series': metricSeriesMigration(dialect),
      '0003-access-and-audit': accessAndAuditMigration(dialect),
      '0004-artifacts': artifactsMigration(dialect),
      '0005-datasets': datasetsMigration(dialect),
      '0006-registry': registryMigration(dialect),
      '0007-lineage': lineageMigration(),
      '0008-deleted-version-edges': deletedVersionEdgesMigration(),
    }
    return new Migrator({ db, provider: { getMigrations: async () => migrations } })
  }

  it('removes the edges of model versions deleted earlier and keeps every other edge', async () => {
    const { db } = database
    expect((await migrator(db).migrateTo('0007-lineage')).error).toBeUndefined()
    const store = createStore({ db, kind: database.kind })
    const run = randomBytes(16).toString('hex')
    await store.runs.insert(
      {
        id: run,
        experimentId: '0',
        name: 'r',
        status: 'FINISHED',
        startTimeMs: 1000,
        endTimeMs: null,
        userId: 'ann',
        parentRunId: null,
        lifecycle: 'active',
      },
      1000,
    )
    await store.models.insertModel({ id: 'model-1', name: 'churn', description: null, nowMs: 2000, createdBy: 'ann' })
    await store.models.insertVersion(
      {
        id: 'mv-kept',
        modelId: 'model-1',
        version: 1,
        status: 'READY',
        description: null,
        digest: 'd',
        sizeBytes: 0,
        manifest: null,
        createdBy: 'ann',
        source: `runs:/${run}/m`,
        runId: run,
        nowMs: 2000,
      },
      [],
    )
    const edge = (sourceType: string, sourceId: string, targetType: string, targetId: string, edgeType: string) => ({
      sourceType,
      sourceId,
      targetType,
      targetId,
      edgeType,
      context: '',
      createdAtMs: 3000,
      createdBy: 'ann',
    })
    await db
      .insertInto('lineageEdges')
      .values([
        edge('run', run, 'model_version', 'mv-kept', 'output'),
        edge('run', run, 'model_version', 'mv-gone', 'output'),
        edge('model_version', 'mv-gone', 'run', run, 'input'),
        edge('external', 'feed-1', 'run', run, 'input'),
      ])
      .execute()

    expect((await migrator(db).migrateToLatest()).error).toBeUndefined()

    const edges = await db.selectFrom('lineageEdges').select(['sourceId', 'targetId']).execute()
    expect(edges.map((e) => `${e.sourceId} -> ${e.targetId}`).sort()).toEqual(
      [`${run} -> mv-kept`, `feed-1 -> ${run}`].sort(),
    )
  })
})
