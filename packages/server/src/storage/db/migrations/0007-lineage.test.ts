import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabaseUrl, testDialects } from '../../../test-support/test-databases.js'
import { createStore } from '../../store.js'
import { type Database, openDatabase } from '../database.js'
import { createMigrator } from '../migrator.js'
import type { DB } from '../schema.js'

const hex = (bytes: number) => randomBytes(bytes).toString('hex')

describe.each(testDialects())('migration 0007 on %s', (dialect) => {
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

  it('backfills the edges that model versions registered from runs and commit tags already imply', async () => {
    const { db } = database
    expect((await migrator(db).migrateTo('0006-registry')).error).toBeUndefined()
    const store = createStore({ db, kind: database.kind })
    const [trained, tagged, oddlyTagged] = [hex(16), hex(16), hex(16)]
    const commit = hex(20)
    for (const id of [trained, tagged, oddlyTagged]) {
      await store.runs.insert(
        {
          id,
          experimentId: '0',
          name: id,
          status: 'FINISHED',
          startTimeMs: 1000,
          endTimeMs: null,
          userId: 'ann',
          parentRunId: null,
          lifecycle: 'active',
        },
        1000,
      )
    }
    await store.runs.setTags(tagged, [
      { key: 'mlflow.source.git.commit', value: commit },
      { key: 'mlflow.source.git.repoURL', value: 'https://example.com/acme/churn.git' },
    ])
    await store.runs.setTags(oddlyTagged, [{ key: 'mlflow.source.git.commit', value: 'not a commit' }])
    await store.models.insertModel({ id: 'model-1', name: 'churn', description: null, nowMs: 2000, createdBy: 'ann' })
    const version = {
      modelId: 'model-1',
      status: 'READY' as const,
      description: null,
      digest: 'd',
      sizeBytes: 0,
      manifest: null,
      createdBy: 'ann',
    }
    await store.models.insertVersion(
      { ...version, id: 'mv-1', version: 1, source: `runs:/${trained}/m`, runId: trained, nowMs: 2000 },
      [],
    )
    await store.models.insertVersion(
      { ...version, id: 'mv-2', version: 2, source: 'upload', runId: null, nowMs: 3000 },
      [],
    )

    expect((await migrator(db).migrateTo('0007-lineage')).error).toBeUndefined()

    const edges = await db.selectFrom('lineageEdges').selectAll().orderBy('sourceType').execute()
    expect(edges.map((e) => ({ ...e, createdAtMs: Number(e.createdAtMs) }))).toEqual([
      {
        sourceType: 'code_version',
        sourceId: commit,
        targetType: 'run',
        targetId: tagged,
        edgeType: 'executed',
        context: '',
        createdAtMs: 1000,
        createdBy: 'ann',
      },
      {
        sourceType: 'run',
        sourceId: trained,
        targetType: 'model_version',
        targetId: 'mv-1',
        edgeType: 'output',
        context: '',
        createdAtMs: 2000,
        createdBy: 'ann',
      },
    ])
    const codeVersions = await db.selectFrom('codeVersions').selectAll().execute()
    expect(codeVersions.map((c) => ({ ...c, createdAtMs: Number(c.createdAtMs) }))).toEqual([
      { commitHash: commit, repoUrl: 'https://example.com/acme/churn.git', createdAtMs: 1000 },
    ])
  })
})
