import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'
import { mlflowClient } from './mlflow-test-client.js'

describe.each(testDialects())('MLflow runs API on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let mlflow: ReturnType<typeof mlflowClient>
  beforeAll(async () => {
    t = await openTestApp(dialect)
    mlflow = mlflowClient(t.app)
  })
  afterAll(async () => t.close())

  it('creates a run and answers get with MLflow’s Run message (info, data, inputs)', async () => {
    const experimentId = await mlflow.experiment('runs')
    const created = await mlflow.post('runs/create', {
      experiment_id: experimentId,
      run_name: 'first',
      user_id: 'ana',
      start_time: 1_700_000_000_000,
      tags: [{ key: 'mlflow.source.type', value: 'LOCAL' }],
    })
    expect(created.status).toBe(200)
    const runId = created.body.run.info.run_id
    expect(runId).toMatch(/^[0-9a-f]{32}$/)
    const expected = {
      run: {
        info: {
          run_id: runId,
          run_uuid: runId,
          run_name: 'first',
          experiment_id: experimentId,
          user_id: 'ana',
          status: 'RUNNING',
          start_time: 1_700_000_000_000,
          artifact_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
          lifecycle_stage: 'active',
        },
        data: {
          metrics: [],
          params: [],
          tags: expect.arrayContaining([
            { key: 'mlflow.source.type', value: 'LOCAL' },
            { key: 'mlflow.runName', value: 'first' },
          ]),
        },
        inputs: {},
      },
    }
    expect(created.body).toEqual(expected)
    expect(await mlflow.get('runs/get', { run_id: runId })).toEqual({ status: 200, body: expected })
    // Older clients send run_uuid.
    expect((await mlflow.get('runs/get', { run_uuid: runId })).body).toEqual(expected)
  })

  it('creates a run in the Default experiment when no experiment is named, with a generated name', async () => {
    const res = await mlflow.post('runs/create', {})
    expect(res.body.run.info).toMatchObject({ experiment_id: '0', status: 'RUNNING' })
    expect(res.body.run.info.run_name).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/)
  })

  it('answers an unknown run with RESOURCE_DOES_NOT_EXIST and 404, and a missing run_id with 400', async () => {
    for (const run_id of ['0123456789abcdef0123456789abcdef', 'not-a-run']) {
      const res = await mlflow.get('runs/get', { run_id })
      expect(res).toEqual({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: expect.any(String) } })
    }
    const missing = await mlflow.get('runs/get', {})
    expect(missing.status).toBe(400)
    expect(missing.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining("'run_id'"),
    })
  })

  it('refuses a run in an experiment that does not exist', async () => {
    const res = await mlflow.post('runs/create', { experiment_id: '99999999' })
    expect(res.status).toBe(404)
    expect(res.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST')
  })

  it('updates status, end time and name, answering run_info', async () => {
    const runId = await mlflow.run({ experiment_id: await mlflow.experiment('update') })
    const res = await mlflow.post('runs/update', {
      run_id: runId,
      status: 'FINISHED',
      end_time: 1_800_000_000_000,
      run_name: 'renamed',
    })
    expect(res.status).toBe(200)
    expect(res.body.run_info).toMatchObject({ status: 'FINISHED', end_time: 1_800_000_000_000, run_name: 'renamed' })
    const { run } = (await mlflow.get('runs/get', { run_id: runId })).body
    expect(run.data.tags).toContainEqual({ key: 'mlflow.runName', value: 'renamed' })
  })

  it('refuses an unknown status and leaves the run as it was', async () => {
    const runId = await mlflow.run()
    const res = await mlflow.post('runs/update', { run_id: runId, status: 'DONE' })
    expect(res.status).toBe(400)
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE')
    expect((await mlflow.get('runs/get', { run_id: runId })).body.run.info.status).toBe('RUNNING')
  })

  it('deletes and restores a run; logging to a deleted run is refused and writes nothing', async () => {
    const runId = await mlflow.run()
    expect(await mlflow.post('runs/delete', { run_id: runId })).toEqual({ status: 200, body: {} })
    expect((await mlflow.get('runs/get', { run_id: runId })).body.run.info.lifecycle_stage).toBe('deleted')
    const log = await mlflow.post('runs/log-metric', { run_id: runId, key: 'loss', value: 1, timestamp: 1 })
    expect(log.status).toBe(400)
    expect(log.body.error_code).toBe('INVALID_PARAMETER_VALUE')
    expect(await mlflow.post('runs/restore', { run_id: runId })).toEqual({ status: 200, body: {} })
    const { run } = (await mlflow.get('runs/get', { run_id: runId })).body
    expect(run.info.lifecycle_stage).toBe('active')
    expect(run.data.metrics).toEqual([])
  })

  it('logs metrics with NaN and infinities and pages their history', async () => {
    const runId = await mlflow.run()
    const values = [0.5, 'NaN', 'Infinity', '-Infinity', 0.25]
    for (const [step, value] of values.entries()) {
      const res = await mlflow.post('runs/log-metric', {
        run_id: runId,
        key: 'loss',
        value,
        timestamp: 1000 + step,
        step,
      })
      expect(res).toEqual({ status: 200, body: {} })
    }
    const first = await mlflow.get('metrics/get-history', { run_id: runId, metric_key: 'loss', max_results: 3 })
    expect(first.body).toEqual({
      metrics: [
        { key: 'loss', value: 0.5, timestamp: 1000, step: 0 },
        { key: 'loss', value: 'NaN', timestamp: 1001, step: 1 },
        { key: 'loss', value: 'Infinity', timestamp: 1002, step: 2 },
      ],
      next_page_token: expect.any(String),
    })
    const second = await mlflow.get('metrics/get-history', {
      run_id: runId,
      metric_key: 'loss',
      max_results: 3,
      page_token: first.body.next_page_token,
    })
    expect(second.body).toEqual({
      metrics: [
        { key: 'loss', value: '-Infinity', timestamp: 1003, step: 3 },
        { key: 'loss', value: 0.25, timestamp: 1004, step: 4 },
      ],
    })
    const { run } = (await mlflow.get('runs/get', { run_id: runId })).body
    expect(run.data.metrics).toEqual([{ key: 'loss', value: 0.25, timestamp: 1004, step: 4 }])
  })

  it('accepts int64 fields as decimal strings, as protobuf’s JSON allows', async () => {
    const runId = await mlflow.run()
    const res = await mlflow.post('runs/log-metric', {
      run_id: runId,
      key: 'acc',
      value: 0.75,
      timestamp: '1700000000000',
      step: '7',
    })
    expect(res.status).toBe(200)
    const history = await mlflow.get('metrics/get-history', { run_id: runId, metric_key: 'acc' })
    expect(history.body.metrics).toEqual([{ key: 'acc', value: 0.75, timestamp: 1_700_000_000_000, step: 7 }])
  })

  it('refuses a metric without a timestamp or with a bad key, and stores nothing', async () => {
    const runId = await mlflow.run()
    const noTimestamp = await mlflow.post('runs/log-metric', { run_id: runId, key: 'loss', value: 1 })
    expect(noTimestamp.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining("'timestamp'"),
    })
    const badKey = await mlflow.post('runs/log-metric', { run_id: runId, key: 'lo$$', value: 1, timestamp: 1 })
    expect(badKey.status).toBe(400)
    expect((await mlflow.get('runs/get', { run_id: runId })).body.run.data.metrics).toEqual([])
  })

  it('logs a param once; a different value for it is refused and the first stays', async () => {
    const runId = await mlflow.run()
    expect(await mlflow.post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' })).toEqual({
      status: 200,
      body: {},
    })
    expect((await mlflow.post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' })).status).toBe(200)
    const changed = await mlflow.post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.2' })
    expect(changed.status).toBe(400)
    expect(changed.body.error_code).toBe('INVALID_PARAMETER_VALUE')
    expect((await mlflow.get('runs/get', { run_id: runId })).body.run.data.params).toEqual([
      { key: 'lr', value: '0.1' },
    ])
  })

  it('sets and deletes run tags; deleting a missing tag is RESOURCE_DOES_NOT_EXIST', async () => {
    const runId = await mlflow.run({ run_name: 'tagged' })
    expect(await mlflow.post('runs/set-tag', { run_id: runId, key: 'stage', value: 'dev' })).toEqual({
      status: 200,
      body: {},
    })
    const tagsOf = async () => (await mlflow.get('runs/get', { run_id: runId })).body.run.data.tags
    expect(await tagsOf()).toContainEqual({ key: 'stage', value: 'dev' })
    expect(await mlflow.post('runs/delete-tag', { run_id: runId, key: 'stage' })).toEqual({ status: 200, body: {} })
    expect(await tagsOf()).toEqual([{ key: 'mlflow.runName', value: 'tagged' }])
    const missing = await mlflow.post('runs/delete-tag', { run_id: runId, key: 'stage' })
    expect(missing.status).toBe(404)
    expect(missing.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST')
  })

  it('logs a batch of metrics, params and tags', async () => {
    const runId = await mlflow.run({ run_name: 'batch' })
    const res = await mlflow.post('runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'loss', value: 0.9, timestamp: 10, step: 0 },
        { key: 'loss', value: 0.4, timestamp: 20, step: 1 },
      ],
      params: [{ key: 'lr', value: '0.01' }],
      tags: [{ key: 'stage', value: 'dev' }],
    })
    expect(res).toEqual({ status: 200, body: {} })
    const { data } = (await mlflow.get('runs/get', { run_id: runId })).body.run
    expect(data).toEqual({
      metrics: [{ key: 'loss', value: 0.4, timestamp: 20, step: 1 }],
      params: [{ key: 'lr', value: '0.01' }],
      tags: expect.arrayContaining([{ key: 'stage', value: 'dev' }]),
    })
  })

  it('logs a batch whose int64 fields are decimal strings, with NaN and infinite values', async () => {
    const runId = await mlflow.run()
    const res = await mlflow.post('runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'gap', value: 'NaN', timestamp: '10', step: '0' },
        { key: 'gap', value: '-Infinity', timestamp: 20, step: 1 },
      ],
    })
    expect(res).toEqual({ status: 200, body: {} })
    const history = await mlflow.get('metrics/get-history', { run_id: runId, metric_key: 'gap' })
    expect(history.body.metrics).toEqual([
      { key: 'gap', value: 'NaN', timestamp: 10, step: 0 },
      { key: 'gap', value: '-Infinity', timestamp: 20, step: 1 },
    ])
  })

  it.each([
    [{ metrics: 1001 }, 'at most 1000 metrics. Got 1001 metrics'],
    [{ params: 101 }, 'at most 100 params. Got 101 params'],
    [{ tags: 101 }, 'at most 100 tags. Got 101 tags'],
    [{ metrics: 900, params: 100, tags: 100 }, 'at most 1000 metrics, params, and tags in total. Got 1100'],
  ] as [{ metrics?: number; params?: number; tags?: number }, string][])(
    'refuses a batch over MLflow’s limits (%o) and writes nothing of it',
    async (counts, message) => {
      const runId = await mlflow.run({ run_name: 'limits' })
      const res = await mlflow.post('runs/log-batch', {
        run_id: runId,
        metrics: Array.from({ length: counts.metrics ?? 0 }, (_, i) => ({ key: 'm', value: i, timestamp: 1, step: i })),
        params: Array.from({ length: counts.params ?? 0 }, (_, i) => ({ key: `p${i}`, value: 'v' })),
        tags: Array.from({ length: counts.tags ?? 0 }, (_, i) => ({ key: `t${i}`, value: 'v' })),
      })
      expect(res).toEqual({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE', message: expect.stringContaining(message) },
      })
      const { data } = (await mlflow.get('runs/get', { run_id: runId })).body.run
      expect(data).toEqual({ metrics: [], params: [], tags: [{ key: 'mlflow.runName', value: 'limits' }] })
    },
  )

  it('refuses a batch body over 1 MB, and one with a bad entry, writing nothing', async () => {
    const runId = await mlflow.run({ run_name: 'big' })
    const big = await mlflow.post('runs/log-batch', {
      run_id: runId,
      tags: [{ key: 'blob', value: 'x'.repeat(1_000_001) }],
    })
    expect(big.status).toBe(413)
    expect(big.body.error_code).toBe('INVALID_PARAMETER_VALUE')
    const bad = await mlflow.post('runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'ok', value: 1, timestamp: 1 },
        { key: 'bad?', value: 2, timestamp: 1 },
      ],
    })
    expect(bad.status).toBe(400)
    expect(bad.body).toEqual({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining('metrics.1.key'),
    })
    const { data } = (await mlflow.get('runs/get', { run_id: runId })).body.run
    expect(data).toEqual({ metrics: [], params: [], tags: [{ key: 'mlflow.runName', value: 'big' }] })
  })

  it('records log-model calls in the mlflow.log-model.history tag', async () => {
    const runId = await mlflow.run()
    const model = (flavor: string) => ({ artifact_path: 'model', run_id: runId, flavors: { [flavor]: {} } })
    for (const flavor of ['sklearn', 'python_function']) {
      const res = await mlflow.post('runs/log-model', { run_id: runId, model_json: JSON.stringify(model(flavor)) })
      expect(res).toEqual({ status: 200, body: {} })
    }
    const { tags } = (await mlflow.get('runs/get', { run_id: runId })).body.run.data
    const history = tags.find((tag: { key: string }) => tag.key === 'mlflow.log-model.history')
    expect(JSON.parse(history.value)).toEqual([model('sklearn'), model('python_function')])
    const bad = await mlflow.post('runs/log-model', { run_id: runId, model_json: 'not json' })
    expect(bad.status).toBe(400)
  })

  it('lists a run’s artifacts as MLflow FileInfo entries', async () => {
    const runId = await mlflow.run()
    const { Readable } = await import('node:stream')
    const { SYSTEM_CONTEXT } = await import('../../domain/auth/principal.js')
    for (const [path, text] of [
      ['model/MLmodel', 'flavors: {}'],
      ['model/model.pkl', 'weights'],
      ['notes.txt', 'hello'],
    ] as const) {
      await t.services.artifacts.upload(SYSTEM_CONTEXT, runId, path, Readable.from([Buffer.from(text)]))
    }
    const { run } = (await mlflow.get('runs/get', { run_id: runId })).body
    const root = await mlflow.get('artifacts/list', { run_id: runId })
    expect(root.body).toEqual({
      root_uri: run.info.artifact_uri,
      files: [
        { path: 'model', is_dir: true },
        { path: 'notes.txt', is_dir: false, file_size: 5 },
      ],
    })
    const dir = await mlflow.get('artifacts/list', { run_id: runId, path: 'model' })
    expect(dir.body.files).toEqual([
      { path: 'model/MLmodel', is_dir: false, file_size: 11 },
      { path: 'model/model.pkl', is_dir: false, file_size: 7 },
    ])
  })
})
