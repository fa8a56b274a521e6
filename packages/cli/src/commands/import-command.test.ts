import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { Provena } from '@provena/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabaseUrl, testDialects } from '../../../server/src/test-support/test-databases.js'
import {
  buildCli,
  type CliServer,
  cleanEnv,
  runCli,
  startCliServer,
  stopCliServer,
  tempDir,
} from '../test-support/cli-process.js'
import { startMlflowRestServer } from '../test-support/mlflow-rest-server.js'
import { type FixtureRun, type MlrunsFixture, writeMlrunsFixture } from '../test-support/mlruns-fixture.js'
import { uniqueName } from '../test-support/seed.js'

const STATUSES = ['', 'RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text()
}

/** What Provena should hold for a run of the fixture, besides its experiment. */
function expectedRun(run: FixtureRun, parentRunId: string | null) {
  return {
    id: run.id,
    name: run.name,
    status: STATUSES[run.status],
    startTimeMs: run.startTimeMs,
    endTimeMs: run.endTimeMs,
    userId: run.userId,
    parentRunId,
    lifecycle: run.lifecycle,
    params: run.params,
    tags: run.tags,
  }
}

describe.each(testDialects())('provena import mlflow --from <mlruns> on %s', { timeout: 180_000 }, (dialect) => {
  let server: CliServer
  let provena: Provena
  const cli = (...args: string[]) => runCli(['import', 'mlflow', ...args, '--url', server.url])

  beforeAll(async () => {
    await buildCli()
    const db = await createTestDatabaseUrl(dialect)
    server = await startCliServer(['--port', '0', '--data-dir', tempDir(), '--db', db, '--log-level', 'warn'])
    provena = new Provena({ url: server.url })
  })

  afterAll(async () => {
    if (server) await stopCliServer(server)
  })

  async function storedRun(run: FixtureRun) {
    const { metrics: _latest, experimentId: _e, ...rest } = await provena.runs.get(run.id)
    return rest
  }

  describe('a whole mlruns folder', () => {
    let fixture: MlrunsFixture
    let first: Awaited<ReturnType<typeof cli>>

    beforeAll(async () => {
      fixture = writeMlrunsFixture(uniqueName('x'))
      first = await cli('--from', fixture.root)
    })

    it('imports experiments by name, runs with their ids, times, users, statuses and parents', async () => {
      expect(first.stderr).toBe('')
      expect(first.code).toBe(0)
      const a = await provena.experiments.getByName(fixture.experiments.a)
      const gone = await provena.experiments.getByName(fixture.experiments.gone)
      expect(a.tags).toEqual({ team: 'vision' })
      expect([a.createdAtMs, a.updatedAtMs, a.lifecycle]).toEqual([1700000000000, 1700000000500, 'active'])
      expect(gone.lifecycle).toBe('deleted')
      expect(await storedRun(fixture.parent)).toEqual(expectedRun(fixture.parent, null))
      for (const child of fixture.children) {
        expect(await storedRun(child)).toEqual(expectedRun(child, fixture.parent.id))
        expect((await provena.runs.get(child.id)).experimentId).toBe(a.id)
      }
      expect(await storedRun(fixture.defaultRun)).toEqual(expectedRun(fixture.defaultRun, null))
      expect((await provena.runs.get(fixture.defaultRun.id)).experimentId).toBe('0')
      expect(await storedRun(fixture.deletedRun)).toEqual(expectedRun(fixture.deletedRun, null))
      expect(await storedRun(fixture.trashedRun)).toEqual(expectedRun(fixture.trashedRun, null))
    })

    it('imports every metric point with its timestamp and step, NaN and infinities included', async () => {
      const loss = await provena.getMetricHistory(fixture.parent.id, 'loss')
      const acc = await provena.getMetricHistory(fixture.parent.id, 'eval/acc')
      expect(loss).toEqual(fixture.parent.metrics.loss)
      expect(acc).toEqual(fixture.parent.metrics['eval/acc'])
    })

    it('imports artifacts in sub-folders byte for byte, and the dataset input', async () => {
      const files: string[] = []
      for await (const entry of provena.artifacts.walk(fixture.parent.id)) files.push(entry.path)
      const deep = await provena.artifacts.download(fixture.parent.id, 'plots/deep/er/curve.txt')
      const inputs = await provena.datasets.ofRun(fixture.parent.id)
      expect(files.sort()).toEqual(Object.keys(fixture.parent.artifacts).sort())
      expect(await text(deep.body)).toBe('a curve')
      expect(
        inputs.inputs.map((i) => [
          i.datasetVersion.datasetName,
          i.context,
          i.datasetVersion.fileCount,
          i.datasetVersion.isStored,
        ]),
      ).toEqual([['iris-data', 'training', 0, false]])
    })

    it('imports the registered model with version numbers, stages, an alias, and skips the deleted version', async () => {
      const model = await provena.models.get(fixture.model)
      const { versions } = await provena.models.listVersions(fixture.model)
      const champion = await provena.models.resolve(`models:/${fixture.model}@champion`)
      expect([model.description, model.tags, model.createdAtMs]).toEqual([
        'churn model',
        { owner: 'risk-team' },
        1700000100000,
      ])
      expect(
        versions
          .map((v) => [v.version, v.stage, v.source, v.runId, v.createdAtMs, v.createdBy, v.tags, v.fileCount])
          .sort(),
      ).toEqual([
        [
          1,
          'Archived',
          `runs:/${fixture.children[0]?.id}/model`,
          fixture.children[0]?.id,
          1700000101000,
          'bob',
          { validated: 'false' },
          1,
        ],
        [
          2,
          'Production',
          `runs:/${fixture.parent.id}/model`,
          fixture.parent.id,
          1700000102000,
          'bob',
          { validated: 'true' },
          2,
        ],
      ])
      expect(champion.version).toBe(2)
      expect(first.stdout).toContain(`version 3 of model ${fixture.model}: deleted in MLflow`)
    })

    it('says what it imported, and a second import imports nothing twice', async () => {
      const second = await cli('--from', fixture.root)
      const { runs } = await provena.runs.search({
        experimentIds: ['0', (await provena.experiments.getByName(fixture.experiments.a)).id],
        view: 'all',
      })
      expect(first.stdout).toContain('runs          6 new, 0 already imported')
      expect(first.stdout).toContain(`metric points ${(2503 + 1 + 2).toLocaleString('en')}`)
      expect(first.stdout).toContain('versions      2 new (2 with a stage), 0 already imported')
      expect(second.code).toBe(0)
      expect(second.stdout).toContain('experiments   0 new, 4 matched by name')
      expect(second.stdout).toContain('runs          0 new, 6 already imported')
      expect(second.stdout).toContain('versions      0 new (0 with a stage), 2 already imported')
      expect(second.stdout).toContain('aliases       0 new, 1 already set')
      expect(runs.filter((r) => r.id === fixture.parent.id)).toHaveLength(1)
      expect(await provena.getMetricHistory(fixture.parent.id, 'loss')).toHaveLength(2503)
    })
  })

  it('reports with --dry-run what it would import, and writes nothing', async () => {
    const fixture = writeMlrunsFixture(uniqueName('dry'))

    const result = await cli('--from', fixture.root, '--dry-run')

    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      'Would import (dry run: the source was read and checked; Provena was not contacted):',
    )
    expect(result.stdout).toContain('runs          6 new, 0 already imported')
    await expect(provena.experiments.getByName(fixture.experiments.a)).rejects.toThrow(/not found/)
    await expect(provena.runs.get(fixture.parent.id)).rejects.toThrow(/not found/)
  })

  it('refuses a run whose id exists with other content, and leaves it as it was', async () => {
    const fixture = writeMlrunsFixture(uniqueName('y'))
    await cli('--from', fixture.root)
    const metaFile = path.join(fixture.root, '1', fixture.parent.id, 'meta.yaml')
    const { readFileSync } = await import('node:fs')
    writeFileSync(metaFile, readFileSync(metaFile, 'utf8').replace('status: 3', 'status: 4'))
    writeFileSync(path.join(fixture.root, '1', fixture.parent.id, 'params', 'lr'), '0.5')

    const again = await cli('--from', fixture.root)

    expect(again.code).toBe(1)
    expect(again.stdout).toContain(
      `run ${fixture.parent.id} (sweep): run ${fixture.parent.id} exists already with other content: status is "FINISHED" here, "FAILED" in the import; the params differ`,
    )
    expect(await storedRun(fixture.parent)).toEqual(expectedRun(fixture.parent, null))
  })

  it('names a corrupt meta.yaml and writes nothing', async () => {
    const fixture = writeMlrunsFixture(uniqueName('z'))
    const metaFile = path.join(fixture.root, '2', fixture.deletedRun.id, 'meta.yaml')
    writeFileSync(metaFile, 'run_id: [unclosed\n  status: :\n')

    const result = await cli('--from', fixture.root)

    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`provena: ${metaFile} is not valid YAML`)
    await expect(provena.experiments.getByName(fixture.experiments.a)).rejects.toThrow(/not found/)
    await expect(provena.runs.get(fixture.parent.id)).rejects.toThrow(/not found/)
  })

  it('imports from an MLflow tracking server through its REST API, with the credentials MLflow clients send', async () => {
    const mlflow = await startMlflowRestServer(uniqueName('rest'))
    try {
      const env = cleanEnv({ MLFLOW_TRACKING_TOKEN: 'mlflow-secret' })
      const result = await runCli(['import', 'mlflow', '--from', mlflow.url, '--url', server.url], env)
      const again = await runCli(['import', 'mlflow', '--from', mlflow.url, '--url', server.url], env)

      expect(result.stderr).toBe('')
      expect(result.code).toBe(0)
      const experiment = await provena.experiments.getByName(mlflow.experimentName)
      const run = await provena.runs.get(mlflow.runId)
      const notes = await provena.artifacts.download(mlflow.runId, 'notes.txt')
      const version = await provena.models.resolve(`models:/${mlflow.model}@prod`)
      expect(experiment.tags).toEqual({ team: 'nlp' })
      expect(run).toMatchObject({
        experimentId: experiment.id,
        name: 'bert-finetune',
        status: 'FINISHED',
        startTimeMs: 1710000000000,
        endTimeMs: 1710000600000,
        userId: 'carol',
        params: { epochs: '3' },
      })
      expect(await provena.getMetricHistory(mlflow.runId, 'f1')).toEqual([
        { value: 0.5, step: 0, timestampMs: 1710000100000 },
        { value: Number.NaN, step: 1, timestampMs: 1710000200000 },
        { value: 0.9, step: 2, timestampMs: 1710000500000 },
      ])
      expect(await text(notes.body)).toBe('hello')
      expect(
        (await provena.datasets.ofRun(mlflow.runId)).inputs.map((i) => [i.datasetVersion.datasetName, i.context]),
      ).toEqual([['reviews', 'eval']])
      expect([version.version, version.stage, version.source, version.fileCount]).toEqual([
        1,
        'Staging',
        `runs:/${mlflow.runId}/model`,
        1,
      ])
      expect([...mlflow.authorizations]).toEqual(['Bearer mlflow-secret'])
      expect(again.stdout).toContain('runs          0 new, 1 already imported')
    } finally {
      await mlflow.close()
    }
  })

  it('says so when the folder does not exist', async () => {
    const missing = path.join(tempDir(), 'no-mlruns-here')

    const result = await cli('--from', missing)

    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      `provena: ${missing} is not a folder: give an MLflow tracking URI or the path of an mlruns folder\n`,
    )
  })
})

/**
 * One Provena server as the MLflow tracking server to import from (its MLflow-compatible API,
 * seeded the way MLflow's Python client writes), another as the target.
 */
describe('provena import mlflow --from <a Provena server’s MLflow API>', { timeout: 180_000 }, () => {
  let source: CliServer
  let target: CliServer

  beforeAll(async () => {
    await buildCli()
    source = await startCliServer(['--port', '0', '--data-dir', tempDir(), '--log-level', 'warn'])
    target = await startCliServer(['--port', '0', '--data-dir', tempDir(), '--log-level', 'warn'])
  })
  afterAll(async () => {
    if (source) await stopCliServer(source)
    if (target) await stopCliServer(target)
  })

  /** The fields these tests read from MLflow's answers. */
  interface MlflowAnswer {
    experiment_id?: string
    run?: { info: { run_id: string } }
  }

  async function mlflow(endpoint: string, body: object): Promise<MlflowAnswer> {
    const response = await fetch(`${source.url}/api/2.0/mlflow/${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    const answer = (await response.json()) as MlflowAnswer
    if (!response.ok) throw new Error(`${endpoint}: ${response.status} ${JSON.stringify(answer)}`)
    return answer
  }

  it('imports experiments, runs, every metric point, artifacts, versions and aliases it serves', async () => {
    const name = uniqueName('from-provena')
    const { experiment_id } = await mlflow('experiments/create', { name })
    const created = await mlflow('runs/create', { experiment_id, run_name: 'trained', start_time: 1_700_000_000_000 })
    const runId = created.run?.info.run_id ?? ''
    await mlflow('runs/log-batch', {
      run_id: runId,
      params: [{ key: 'lr', value: '0.01' }],
      metrics: [
        { key: 'loss', value: 0.75, timestamp: 1_700_000_001_000, step: 0 },
        { key: 'loss', value: 'NaN', timestamp: 1_700_000_002_000, step: 1 },
        { key: 'loss', value: 0.25, timestamp: 1_700_000_003_000, step: 2 },
      ],
    })
    const put = await fetch(
      `${source.url}/api/2.0/mlflow-artifacts/artifacts/${experiment_id}/${runId}/artifacts/model/weights.bin`,
      { method: 'PUT', body: 'weights v1' },
    )
    expect(put.status).toBe(200)
    await mlflow('runs/update', { run_id: runId, status: 'FINISHED', end_time: 1_700_000_009_000 })
    const model = uniqueName('provena-model')
    await mlflow('registered-models/create', { name: model })
    await mlflow('model-versions/create', { name: model, source: `runs:/${runId}/model`, run_id: runId })
    await mlflow('registered-models/alias', { name: model, alias: 'champion', version: '1' })

    const result = await runCli(['import', 'mlflow', '--from', source.url, '--url', target.url], cleanEnv())
    const again = await runCli(['import', 'mlflow', '--from', source.url, '--url', target.url], cleanEnv())

    expect(result.code).toBe(0)
    const provena = new Provena({ url: target.url })
    const experiment = await provena.experiments.getByName(name)
    expect(await provena.runs.get(runId)).toMatchObject({
      experimentId: experiment.id,
      name: 'trained',
      status: 'FINISHED',
      startTimeMs: 1_700_000_000_000,
      endTimeMs: 1_700_000_009_000,
      params: { lr: '0.01' },
    })
    expect(await provena.getMetricHistory(runId, 'loss')).toEqual([
      { value: 0.75, step: 0, timestampMs: 1_700_000_001_000 },
      { value: Number.NaN, step: 1, timestampMs: 1_700_000_002_000 },
      { value: 0.25, step: 2, timestampMs: 1_700_000_003_000 },
    ])
    expect(await text((await provena.artifacts.download(runId, 'model/weights.bin')).body)).toBe('weights v1')
    const version = await provena.models.resolve(`models:/${model}@champion`)
    expect([version.version, version.source, version.fileCount]).toEqual([1, `runs:/${runId}/model`, 1])
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('0 new, 1 already imported')
  })
})
