import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient } from '../../test-support/api-client.js'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')
const newRunId = () => randomBytes(16).toString('hex')

describe.each(testDialects())('the import API on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let api: ReturnType<typeof apiClient>
  let experimentId: string

  beforeAll(async () => {
    t = await openTestApp(dialect)
    api = apiClient(t.app)
    const created = await api.post('/api/v1/import/experiments', {
      name: `imported-${randomBytes(4).toString('hex')}`,
      createdAtMs: 1_600_000_000_000,
      updatedAtMs: 1_600_000_500_000,
    })
    experimentId = created.body.experimentId
  })
  afterAll(async () => t.close())

  async function upload(bytes: Buffer): Promise<string> {
    const digest = sha256(bytes)
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/import/blobs/${digest}`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: bytes,
    })
    expect(res.statusCode).toBe(204)
    return digest
  }

  const runBody = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    experimentId,
    name: 'imported run',
    status: 'FINISHED',
    startTimeMs: 1_600_000_001_000,
    endTimeMs: 1_600_000_002_000,
    userId: 'mlflow-user',
    parentRunId: null,
    lifecycle: 'active',
    params: { lr: '0.1' },
    ...extra,
  })

  it('answers which blobs are not stored yet, so that only those are uploaded', async () => {
    const stored = await upload(Buffer.from(`stored ${newRunId()}`))
    const absent = sha256(Buffer.from(`absent ${newRunId()}`))

    const res = await api.post('/api/v1/import/blobs/missing', { sha256: [stored, absent, absent] })

    expect([res.status, res.body]).toEqual([200, { missing: [absent] }])
  })

  it('imports a run once: the same import again is answered unchanged and audited once', async () => {
    const id = newRunId()
    const history = Buffer.from('["loss",0.5,0,1600000001500]\n["loss","NaN",1,1600000001600]')
    const metrics = { sha256: await upload(history), pointCount: 2 }

    const first = await api.post('/api/v1/import/runs', runBody(id, { metrics }))
    const second = await api.post('/api/v1/import/runs', runBody(id, { metrics }))
    const events = await api.get(`/api/v1/audit/events?objectId=${id}&action=run.import`)

    expect([first.status, first.body]).toEqual([200, { runId: id, outcome: 'created' }])
    expect([second.status, second.body]).toEqual([200, { runId: id, outcome: 'unchanged' }])
    expect(events.body.events).toHaveLength(1)
    expect(events.body.events[0].details).toMatchObject({ source: 'mlflow', metricPoints: 2 })
  })

  it('imports one new run sent twice at the same time once: one is created, the other unchanged', async () => {
    const id = newRunId()
    const history = Buffer.from('["loss",0.25,0,1600000001500]')
    const metrics = { sha256: await upload(history), pointCount: 1 }

    const answers = await Promise.all([1, 2].map(() => api.post('/api/v1/import/runs', runBody(id, { metrics }))))
    const events = await api.get(`/api/v1/audit/events?objectId=${id}&action=run.import`)

    expect(answers.map((a) => a.status)).toEqual([200, 200])
    expect(answers.map((a) => a.body.outcome).sort()).toEqual(['created', 'unchanged'])
    expect(events.body.events).toHaveLength(1)
  })

  it('refuses a run id that exists with other content (409), naming what differs, and keeps the run', async () => {
    const id = newRunId()
    await api.post('/api/v1/import/runs', runBody(id))

    const res = await api.post('/api/v1/import/runs', runBody(id, { status: 'FAILED', params: { lr: '0.2' } }))
    const stored = await api.get(`/api/v1/runs/${id}`)

    expect(res.status).toBe(409)
    expect(res.body.error.message).toBe(
      `run ${id} exists already with other content: status is "FINISHED" here, "FAILED" in the import; the params differ`,
    )
    expect([stored.body.run.status, stored.body.run.params]).toEqual(['FINISHED', { lr: '0.1' }])
  })

  it('notices a metric history that differs in one value, NaN and all', async () => {
    const id = newRunId()
    const history = (last: string) => Buffer.from(`["loss","NaN",0,1600000001500]\n["loss",${last},1,1600000001600]`)
    const first = { sha256: await upload(history('0.5')), pointCount: 2 }
    const other = { sha256: await upload(history('0.25')), pointCount: 2 }
    await api.post('/api/v1/import/runs', runBody(id, { metrics: first }))

    const same = await api.post('/api/v1/import/runs', runBody(id, { metrics: first }))
    const changed = await api.post('/api/v1/import/runs', runBody(id, { metrics: other }))

    expect(same.body.outcome).toBe('unchanged')
    expect(changed.status).toBe(409)
    expect(changed.body.error.message).toBe(
      `run ${id} exists already with other content: the metric history differs (2 points here, 2 in the import)`,
    )
  })

  it('refuses a metric history with a malformed line, naming it, and stores nothing of the run', async () => {
    const id = newRunId()
    const history = Buffer.from('["loss",0.5,0,1600000001500]\n["loss","lots",1,1600000001600]')
    const metrics = { sha256: await upload(history), pointCount: 2 }

    const res = await api.post('/api/v1/import/runs', runBody(id, { metrics }))

    expect(res.status).toBe(400)
    expect(res.body.error.message).toBe(
      'metric history line 2: the value is not a number, "NaN", "Infinity" or "-Infinity"',
    )
    expect((await api.get(`/api/v1/runs/${id}`)).status).toBe(404)
  })

  it('refuses artifacts whose bytes were not uploaded first', async () => {
    const id = newRunId()
    const missing = sha256(Buffer.from(`never uploaded ${id}`))

    const res = await api.post(
      '/api/v1/import/runs',
      runBody(id, { artifacts: [{ path: 'model/weights.bin', sizeBytes: 5, sha256: missing }] }),
    )

    expect(res.status).toBe(400)
    expect(res.body.error.message).toContain(`the bytes of 'model/weights.bin' (sha256 ${missing}) were not uploaded`)
    expect((await api.get(`/api/v1/runs/${id}`)).status).toBe(404)
  })

  it('refuses a model whose version comes from a run that was not imported, and creates no model', async () => {
    const name = `model-${randomBytes(4).toString('hex')}`
    const runId = newRunId()

    const res = await api.post('/api/v1/import/models', {
      name,
      createdAtMs: 1_600_000_000_000,
      updatedAtMs: 1_600_000_000_000,
      versions: [{ version: 4, runId, path: 'model', createdAtMs: 1_600_000_000_000, updatedAtMs: 1_600_000_000_000 }],
    })

    expect(res.status).toBe(400)
    expect(res.body.error.message).toBe(`version 4 of ${name} comes from run ${runId}, which has not been imported`)
    expect((await api.get(`/api/v1/models/${name}`)).status).toBe(404)
  })

  it('keeps a version number, its stage and times, and an alias; a different alias target is refused', async () => {
    const runId = newRunId()
    const weights = Buffer.from(`weights ${runId}`)
    const artifacts = [{ path: 'model/weights.bin', sizeBytes: weights.length, sha256: await upload(weights) }]
    await api.post('/api/v1/import/runs', runBody(runId, { artifacts }))
    const name = `model-${randomBytes(4).toString('hex')}`
    const body = (aliases: Record<string, number>) => ({
      name,
      createdAtMs: 1_600_000_000_000,
      updatedAtMs: 1_600_000_100_000,
      versions: [
        {
          version: 7,
          runId,
          path: 'model',
          stage: 'Production',
          userId: 'bob',
          createdAtMs: 1_600_000_010_000,
          updatedAtMs: 1_600_000_020_000,
        },
      ],
      aliases,
    })

    const res = await api.post('/api/v1/import/models', body({ champion: 7 }))
    const version = await api.get(`/api/v1/models/${name}/versions/7`)
    const moved = await api.post('/api/v1/import/models', body({ champion: 8 }))

    expect(res.body).toEqual({
      outcome: 'created',
      versions: [{ version: 7, outcome: 'created' }],
      aliases: [{ alias: 'champion', outcome: 'created' }],
    })
    expect(version.body.modelVersion).toMatchObject({
      version: 7,
      stage: 'Production',
      source: `runs:/${runId}/model`,
      createdAtMs: 1_600_000_010_000,
      updatedAtMs: 1_600_000_020_000,
      createdBy: 'bob',
      aliases: ['champion'],
      fileCount: 1,
    })
    expect(moved.status).toBe(409)
    expect(moved.body.error.message).toBe(`alias @champion of ${name} points to version 7 here, 8 in the import`)
  })

  it('puts imported runs and versions in the lineage graph: the recorded commit and the registration', async () => {
    const runId = newRunId()
    const commit = randomBytes(20).toString('hex')
    const weights = Buffer.from(`weights ${runId}`)
    const artifacts = [{ path: 'model/weights.bin', sizeBytes: weights.length, sha256: await upload(weights) }]
    const tags = { 'mlflow.source.git.commit': commit, 'mlflow.source.git.repoURL': 'https://git.example.com/ml.git' }
    await api.post('/api/v1/import/runs', runBody(runId, { artifacts, tags }))
    const name = `model-${randomBytes(4).toString('hex')}`
    const stamp = { createdAtMs: 1_600_000_000_000, updatedAtMs: 1_600_000_000_000 }
    await api.post('/api/v1/import/models', {
      name,
      ...stamp,
      versions: [{ version: 2, runId, path: 'model', ...stamp }],
    })

    const graph = await api.get(`/api/v1/lineage?ref=${encodeURIComponent(`models:/${name}/2`)}&direction=upstream`)

    expect(graph.status).toBe(200)
    const refs = Object.fromEntries(graph.body.nodes.map((n: { key: string; ref: string }) => [n.key, n.ref]))
    expect(
      graph.body.edges.map((e: { source: string; target: string; type: string }) => [
        refs[e.source],
        e.type,
        refs[e.target],
      ]),
    ).toEqual(
      expect.arrayContaining([
        [`code:/${commit}`, 'executed', `runs:/${runId}`],
        [`runs:/${runId}`, 'output', `models:/${name}/2`],
      ]),
    )
  })
})
