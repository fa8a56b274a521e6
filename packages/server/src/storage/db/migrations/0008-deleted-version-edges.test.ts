import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabaseUrl, testDialects } from '../../../test-support/test-databases.js'
import { createStore } from '../../store.js'
import { type Database, openDatabase } from '../database.js'
import { createMigrator } from '../migrator.js'
import type { DB } from '../schema.js'

describe.each(testDialects())('migration 0008 on %s', (dialect) => {
  let database: Database
  beforeAll(async () => {
    database = openDatabase({ url: await createTestDatabaseUrl(dialect), sqliteSynchronous: 'NORMAL' })
  })
  afterAll(async () => database.close())

  const migrator = (db: Kysely<DB>) => createMigrator(db, dialect)

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

    expect((await migrator(db).migrateTo('0008-deleted-version-edges')).error).toBeUndefined()

    const edges = await db.selectFrom('lineageEdges').select(['sourceId', 'targetId']).execute()
    expect(edges.map((e) => `${e.sourceId} -> ${e.targetId}`).sort()).toEqual(
      [`${run} -> mv-kept`, `feed-1 -> ${run}`].sort(),
    )
  })
})
