import type { AddressInfo } from 'node:net'
import mlflowPackage from 'mlflow'
import { RunStatus, ViewType } from 'mlflow/enum.js'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { SYSTEM_CONTEXT } from '../../domain/auth/principal.js'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'

// The package's index.js is `module.exports = MLflow`, while its types describe an ES module with
// a default export: the default import is the class at run time, whatever the types say.
const MLflow = mlflowPackage as unknown as typeof mlflowPackage.default

/**
 * The JavaScript `mlflow` client from the npm registry (2.0.7), used as published, against a
 * real listening server with access control on: it sends the token as MLflow's clients send
 * MLFLOW_TRACKING_TOKEN. It calls experiments/create, get and list (MLflow 1.x), runs/create, log-parameter,
 * log-metric, log-batch, get, update and search, and metrics/get-history.
 */
describe.each(testDialects())('the npm mlflow client against Provena on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let client: InstanceType<typeof MLflow>
  beforeAll(async () => {
    t = await openTestApp(dialect, { auth: true, defaultPermission: 'NONE' })
    await t.services.accounts.createUser(SYSTEM_CONTEXT, { username: 'trainer', password: 'trainer-password-1' })
    const { token } = await t.services.accounts.createToken(SYSTEM_CONTEXT, { name: 'npm-mlflow' }, 'trainer')
    await t.app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = t.app.server.address() as AddressInfo
    client = new MLflow({ endpoint: `http://127.0.0.1:${port}`, headers: { Authorization: `Bearer ${token}` } })
    // The client prints every POST body to the console.
    vi.spyOn(console, 'log').mockImplementation(() => {})
  })
  afterAll(async () => {
    vi.restoreAllMocks()
    await t?.close()
  })

  it('creates an experiment and a run, logs params and metrics, and finds them by search', async () => {
    const name = `npm-client-${Math.random().toString(36).slice(2)}`
    // Its types make artifact_location required; MLflow has it optional (Provena refuses one), and
    // the client leaves an undefined field out of the JSON.
    const { experiment_id } = await client.Experiments.create({ name } as { name: string; artifact_location: string })
    const { experiment } = await client.Experiments.get({ experiment_id })
    expect(experiment).toMatchObject({ experiment_id, name, lifecycle_stage: 'active' })
    const { experiments } = await client.Experiments.list({ view_type: ViewType.ACTIVE_ONLY })
    expect(experiments).toContainEqual(experiment)

    const runs = await Promise.all(
      ['0.1', '0.01'].map(async (lr, i) => {
        const { run } = await client.Runs.create({
          experiment_id,
          user_id: 'trainer',
          start_time: 1_700_000_000_000 + i,
          tags: [{ key: 'mlflow.source.name', value: 'train.js' }],
        })
        const run_id: string = run.info.run_id
        await client.Runs.logParameter({ run_id, key: 'lr', value: lr })
        await client.Runs.logMetric({ run_id, key: 'loss', value: 1 - i / 2, timestamp: 1000, step: 0 })
        await client.Runs.logBatch({
          run_id,
          metrics: [{ key: 'loss', value: 0.5 - i / 4, timestamp: 2000, step: 1 }],
          params: [{ key: 'epochs', value: '10' }],
          tags: [{ key: 'stage', value: 'dev' }],
        })
        await client.Runs.update({ run_id, status: RunStatus.FINISHED, end_time: 3000 })
        return run_id
      }),
    )

    const { runs: found } = await client.Runs.search({
      experiment_ids: [experiment_id],
      filter: "params.lr = '0.01' and metrics.loss < 0.3",
      run_view_type: ViewType.ACTIVE_ONLY,
      max_results: 10,
      order_by: ['metrics.loss ASC'],
    })
    expect(found).toHaveLength(1)
    expect(found[0].info).toMatchObject({ run_id: runs[1], status: RunStatus.FINISHED, end_time: 3000 })
    expect(found[0].data.params).toEqual(
      expect.arrayContaining([
        { key: 'lr', value: '0.01' },
        { key: 'epochs', value: '10' },
      ]),
    )
    expect(found[0].data.metrics).toEqual([{ key: 'loss', value: 0.25, timestamp: 2000, step: 1 }])

    const history = await client.Metrics.getHistory({ run_id: runs[0], metric_key: 'loss' })
    expect(history.metrics).toEqual([
      { key: 'loss', value: 1, timestamp: 1000, step: 0 },
      { key: 'loss', value: 0.5, timestamp: 2000, step: 1 },
    ])
    const { run } = await client.Runs.get({ run_id: runs[0] })
    expect(run.data.tags).toEqual(expect.arrayContaining([{ key: 'stage', value: 'dev' }]))
  })

  it('surfaces MLflow’s error body to the client', async () => {
    await expect(client.Runs.get({ run_id: '0123456789abcdef0123456789abcdef' })).rejects.toThrow(
      /"status":404.*RESOURCE_DOES_NOT_EXIST/,
    )
  })
})
