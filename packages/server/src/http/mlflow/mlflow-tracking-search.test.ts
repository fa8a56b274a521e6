import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_CONTEXT } from '../../domain/auth/principal.js'
import { openTestApp, TEST_ADMIN_PASSWORD } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'
import { mlflowClient } from './mlflow-test-client.js'

describe.each(testDialects())('MLflow run search and dataset inputs on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let mlflow: ReturnType<typeof mlflowClient>
  beforeAll(async () => {
    t = await openTestApp(dialect)
    mlflow = mlflowClient(t.app)
  })
  afterAll(async () => t.close())

  /** An experiment with three runs: lr 0.1/0.2/0.3 and final loss 0.9/0.5/0.1, started in that order. */
  async function seeded() {
    const experimentId = await mlflow.experiment('search')
    const ids: string[] = []
    for (const [i, [lr, loss]] of [
      ['0.1', 0.9],
      ['0.2', 0.5],
      ['0.3', 0.1],
    ].entries()) {
      const runId = await mlflow.run({ experiment_id: experimentId, run_name: `run-${i}`, start_time: 1000 + i })
      await mlflow.post('runs/log-batch', {
        run_id: runId,
        metrics: [{ key: 'loss', value: loss, timestamp: 5, step: 1 }],
        params: [{ key: 'lr', value: lr }],
      })
      ids.push(runId)
    }
    return { experimentId, ids }
  }
  const runIds = (body: { runs?: { info: { run_id: string } }[] }) => (body.runs ?? []).map((r) => r.info.run_id)

  it('finds runs with MLflow’s filter language, newest first by default', async () => {
    const { experimentId, ids } = await seeded()
    const all = await mlflow.post('runs/search', { experiment_ids: [experimentId] })
    expect(all.status).toBe(200)
    expect(runIds(all.body)).toEqual([ids[2], ids[1], ids[0]])
    expect(all.body.next_page_token).toBeUndefined()
    expect(all.body.runs[0]).toEqual({
      info: expect.objectContaining({ run_id: ids[2], run_name: 'run-2', experiment_id: experimentId }),
      data: {
        metrics: [{ key: 'loss', value: 0.1, timestamp: 5, step: 1 }],
        params: [{ key: 'lr', value: '0.3' }],
        tags: [{ key: 'mlflow.runName', value: 'run-2' }],
      },
      inputs: {},
    })

    const filtered = await mlflow.post('runs/search', {
      experiment_ids: [experimentId],
      filter: "metrics.loss < 0.8 and params.lr != '0.3'",
    })
    expect(runIds(filtered.body)).toEqual([ids[1]])
    const byName = await mlflow.post('runs/search', {
      experiment_ids: [experimentId],
      filter: "tags.`mlflow.runName` = 'run-0'",
    })
    expect(runIds(byName.body)).toEqual([ids[0]])
  })

  it('orders by a metric and pages with max_results and next_page_token', async () => {
    const { experimentId, ids } = await seeded()
    const request = { experiment_ids: [experimentId], order_by: ['metrics.loss ASC'], max_results: 2 }
    const first = await mlflow.post('runs/search', request)
    expect(runIds(first.body)).toEqual([ids[2], ids[1]])
    const second = await mlflow.post('runs/search', { ...request, page_token: first.body.next_page_token })
    expect(runIds(second.body)).toEqual([ids[0]])
    expect(second.body.next_page_token).toBeUndefined()
  })

  it('searches deleted runs with run_view_type', async () => {
    const { experimentId, ids } = await seeded()
    await mlflow.post('runs/delete', { run_id: ids[0] })
    const deleted = await mlflow.post('runs/search', { experiment_ids: [experimentId], run_view_type: 'DELETED_ONLY' })
    expect(runIds(deleted.body)).toEqual([ids[0]])
    const all = await mlflow.post('runs/search', { experiment_ids: [experimentId], run_view_type: 'ALL' })
    expect(runIds(all.body)).toHaveLength(3)
  })

  it('refuses a malformed filter, an unknown order column and max_results above 50000', async () => {
    const { experimentId } = await seeded()
    for (const request of [
      { filter: 'metrics.loss <' },
      { order_by: ['colour DESC'] },
      { max_results: 50_001 },
      { run_view_type: 'SOME' },
    ]) {
      const res = await mlflow.post('runs/search', { experiment_ids: [experimentId], ...request })
      expect(res.status).toBe(400)
      expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE')
    }
  })

  it('records MLflow dataset inputs as Provena dataset versions read by the run', async () => {
    const runId = await mlflow.run()
    const dataset = {
      name: 'iris data',
      digest: 'a1b2c3d4',
      source_type: 'local',
      source: '{"uri": "/data/iris.csv"}',
      schema: '{"mlflow_colspec": []}',
    }
    const request = { run_id: runId, datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'eval' }], dataset }] }
    expect(await mlflow.post('runs/log-inputs', request)).toEqual({ status: 200, body: {} })
    // The same dataset logged again is the same version, read once.
    expect((await mlflow.post('runs/log-inputs', request)).status).toBe(200)

    const provena = await t.services.datasetUsage.runDatasets(SYSTEM_CONTEXT, runId)
    expect(provena.inputs).toEqual([
      expect.objectContaining({
        context: 'eval',
        datasetVersion: expect.objectContaining({ datasetName: 'iris-data', version: 1, source: dataset.source }),
      }),
    ])
    const { run } = (await mlflow.get('runs/get', { run_id: runId })).body
    expect(run.inputs).toEqual({
      dataset_inputs: [
        {
          tags: [{ key: 'mlflow.data.context', value: 'eval' }],
          dataset: {
            name: 'iris-data',
            digest: provena.inputs[0]?.datasetVersion.digest,
            source_type: 'provena',
            source: 'datasets:/iris-data@1',
          },
        },
      ],
    })
  })

  it('refuses dataset inputs without a digest and records nothing', async () => {
    const runId = await mlflow.run()
    const res = await mlflow.post('runs/log-inputs', { run_id: runId, datasets: [{ dataset: { name: 'd' } }] })
    expect(res.status).toBe(400)
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE')
    expect((await t.services.datasetUsage.runDatasets(SYSTEM_CONTEXT, runId)).inputs).toEqual([])
  })
})

describe.each(testDialects())('MLflow API authentication on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let token: string
  beforeAll(async () => {
    t = await openTestApp(dialect, { auth: true, defaultPermission: 'NONE' })
    await t.services.accounts.createUser(SYSTEM_CONTEXT, { username: 'ana', password: 'ana-password-1' })
    token = (await t.services.accounts.createToken(SYSTEM_CONTEXT, { name: 'mlflow' }, 'ana')).token
  })
  afterAll(async () => t.close())

  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

  it('accepts MLFLOW_TRACKING_USERNAME/PASSWORD as basic credentials, acting as that user', async () => {
    const ana = mlflowClient(t.app, { headers: { authorization: basic('ana', 'ana-password-1') } })
    const experimentId = await ana.experiment('basic')
    const run = await ana.post('runs/create', { experiment_id: experimentId })
    expect(run.status).toBe(200)
    expect(run.body.run.info.user_id).toBe('ana')
  })

  it('accepts MLFLOW_TRACKING_TOKEN as a bearer token', async () => {
    const ana = mlflowClient(t.app, { headers: { authorization: `Bearer ${token}` } })
    const experimentId = await ana.experiment('bearer')
    expect((await ana.get('experiments/get', { experiment_id: experimentId })).status).toBe(200)
  })

  it('answers missing or wrong credentials with 401 in MLflow’s error body', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: basic('ana', 'wrong') },
      { authorization: 'Bearer nope' },
    ]
    for (const headers of attempts) {
      const res = await mlflowClient(t.app, { headers }).post('experiments/create', { name: 'x' })
      expect(res).toEqual({ status: 401, body: { error_code: 'UNAUTHENTICATED', message: expect.any(String) } })
    }
  })

  it('hides another user’s experiment (404) and refuses writes to a readable one (403)', async () => {
    const admin = mlflowClient(t.app, { headers: { authorization: basic('admin', TEST_ADMIN_PASSWORD) } })
    const experimentId = await admin.experiment('private')
    const ana = mlflowClient(t.app, { headers: { authorization: `Bearer ${token}` } })
    expect((await ana.get('experiments/get', { experiment_id: experimentId })).status).toBe(404)
    await t.services.permissions.grant(SYSTEM_CONTEXT, 'experiment', experimentId, { username: 'ana', level: 'READ' })
    expect((await ana.get('experiments/get', { experiment_id: experimentId })).status).toBe(200)
    const write = await ana.post('runs/create', { experiment_id: experimentId })
    expect(write).toEqual({ status: 403, body: { error_code: 'PERMISSION_DENIED', message: expect.any(String) } })
  })
})
