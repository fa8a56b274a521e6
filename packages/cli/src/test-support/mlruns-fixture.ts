import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { tempDir } from './cli-process.js'

/*
 * Writes an `mlruns` folder the way MLflow's FileStore does (PyYAML safe_dump meta.yaml files,
 * one file per param and tag, metric lines `timestamp value step` with Python's float text), so
 * the import is tested against the documented layout, not against our own reader's idea of it.
 */

export interface FixturePoint {
  timestampMs: number
  value: number
  step: number
}

export interface FixtureRun {
  id: string
  name: string
  experimentId: string
  status: number
  startTimeMs: number
  endTimeMs: number | null
  userId: string
  lifecycle: 'active' | 'deleted'
  params: Record<string, string>
  tags: Record<string, string>
  metrics: Record<string, FixturePoint[]>
  artifacts: Record<string, string>
}

const runId = () => randomBytes(16).toString('hex')

/** Python's text for a float, as MLflow writes metric values. */
function pythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (value === Number.POSITIVE_INFINITY) return 'inf'
  if (value === Number.NEGATIVE_INFINITY) return '-inf'
  return Number.isInteger(value) ? `${value}.0` : String(value)
}

function write(file: string, text: string) {
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, text)
}

function writeExperiment(root: string, dir: string, e: { id: string; name: string; deleted?: boolean }) {
  write(
    path.join(dir, 'meta.yaml'),
    `artifact_location: ${pathToFileURL(path.join(root, e.id)).href}\ncreation_time: 1700000000000\nexperiment_id: '${e.id}'\nlast_update_time: 1700000000500\nlifecycle_stage: ${e.deleted ? 'deleted' : 'active'}\nname: ${e.name}\n`,
  )
}

function writeRun(expDir: string, run: FixtureRun) {
  const dir = path.join(expDir, run.id)
  write(
    path.join(dir, 'meta.yaml'),
    [
      `artifact_uri: ${pathToFileURL(path.join(dir, 'artifacts')).href}`,
      `end_time: ${run.endTimeMs ?? 'null'}`,
      "entry_point_name: ''",
      `experiment_id: '${run.experimentId}'`,
      `lifecycle_stage: ${run.lifecycle}`,
      `run_id: ${run.id}`,
      `run_name: ${run.name}`,
      `run_uuid: ${run.id}`,
      "source_name: ''",
      'source_type: 4',
      "source_version: ''",
      `start_time: ${run.startTimeMs}`,
      `status: ${run.status}`,
      'tags: []',
      `user_id: ${run.userId}`,
      `deleted_time: ${run.lifecycle === 'deleted' ? 1700000009000 : 'null'}`,
      '',
    ].join('\n'),
  )
  for (const [key, value] of Object.entries(run.params)) write(path.join(dir, 'params', key), value)
  for (const [key, value] of Object.entries(run.tags)) write(path.join(dir, 'tags', key), value)
  for (const [key, points] of Object.entries(run.metrics)) {
    write(
      path.join(dir, 'metrics', key),
      points.map((p) => `${p.timestampMs} ${pythonFloat(p.value)} ${p.step}\n`).join(''),
    )
  }
  mkdirSync(path.join(dir, 'artifacts'), { recursive: true })
  for (const [file, text] of Object.entries(run.artifacts)) write(path.join(dir, 'artifacts', file), text)
}

function writeDatasetInput(expDir: string, runIdValue: string, context: string) {
  const datasetId = 'd'.repeat(32)
  write(
    path.join(expDir, 'datasets', datasetId, 'meta.yaml'),
    `digest: 2a1e42c4\nname: iris data\nprofile: '{"num_rows": 150}'\nschema: '{"mlflow_colspec": [{"type": "double", "name": "x"}]}'\nsource: '{"uri": "/data/iris.csv"}'\nsource_type: local\n`,
  )
  write(
    path.join(expDir, runIdValue, 'inputs', 'e'.repeat(32), 'meta.yaml'),
    `destination_id: ${datasetId}\ndestination_type: RUN\nsource_id: ${datasetId}\nsource_type: DATASET\ntags:\n  mlflow.data.context: ${context}\n`,
  )
}

export interface MlrunsFixture {
  root: string
  experiments: { a: string; b: string; gone: string }
  parent: FixtureRun
  children: FixtureRun[]
  defaultRun: FixtureRun
  deletedRun: FixtureRun
  trashedRun: FixtureRun
  model: string
}

function run(experimentId: string, name: string, extra: Partial<FixtureRun> = {}): FixtureRun {
  return {
    id: runId(),
    name,
    experimentId,
    status: 3,
    startTimeMs: 1700000001000,
    endTimeMs: 1700000002000,
    userId: 'alice',
    lifecycle: 'active',
    params: {},
    tags: { 'mlflow.runName': name, 'mlflow.user': 'alice' },
    metrics: {},
    artifacts: {},
    ...extra,
  }
}

/**
 * Several experiments (one in .trash), a parent run with two nested runs, NaN and infinite metric
 * values, a long metric, artifacts in sub-folders, a deleted run, a dataset input, and a registered
 * model with three versions (one deleted), a stage and an alias.
 */
export function writeMlrunsFixture(suffix: string): MlrunsFixture {
  const root = path.join(tempDir(), 'mlruns')
  const names = { a: `vision-${suffix}`, b: `tabular-${suffix}`, gone: `abandoned-${suffix}` }
  writeExperiment(root, path.join(root, '0'), { id: '0', name: 'Default' })
  writeExperiment(root, path.join(root, '1'), { id: '1', name: names.a })
  write(path.join(root, '1', 'tags', 'team'), 'vision')
  writeExperiment(root, path.join(root, '2'), { id: '2', name: names.b })
  writeExperiment(root, path.join(root, '.trash', '3'), { id: '3', name: names.gone, deleted: true })

  const loss = Array.from({ length: 2500 }, (_, i) => ({ timestampMs: 1700000001000 + i, value: 1 / (i + 1), step: i }))
  loss.push({ timestampMs: 1700000009000, value: Number.NaN, step: 2500 })
  loss.push({ timestampMs: 1700000009001, value: Number.POSITIVE_INFINITY, step: 2501 })
  loss.push({ timestampMs: 1700000009002, value: Number.NEGATIVE_INFINITY, step: 2502 })
  const parent = run('1', 'sweep', {
    params: { lr: '0.01', 'optimizer/name': 'adam' },
    metrics: { loss, 'eval/acc': [{ timestampMs: 1700000003000, value: 0.75, step: 0 }] },
    artifacts: {
      'model/MLmodel': 'flavors:\n  python_function: {}\n',
      'model/weights.bin': 'weights-v1',
      'plots/deep/er/curve.txt': 'a curve',
    },
  })
  const children = ['trial-1', 'trial-2'].map((name, i) =>
    run('1', name, {
      status: i === 0 ? 3 : 4,
      params: { lr: String(0.1 * (i + 1)) },
      tags: { 'mlflow.runName': name, 'mlflow.parentRunId': parent.id },
      metrics: { loss: [{ timestampMs: 1700000004000, value: 0.5 - i / 10, step: 1 }] },
      artifacts: { 'model/weights.bin': `weights-trial-${i}` },
    }),
  )
  const defaultRun = run('0', 'quick', { status: 1, endTimeMs: null, params: { seed: '7' } })
  const deletedRun = run('2', 'mistake', { lifecycle: 'deleted', status: 5 })
  const trashedRun = run('3', 'old', { lifecycle: 'deleted' })
  for (const r of [parent, ...children]) writeRun(path.join(root, '1'), r)
  writeDatasetInput(path.join(root, '1'), parent.id, 'training')
  writeRun(path.join(root, '0'), defaultRun)
  writeRun(path.join(root, '2'), deletedRun)
  writeRun(path.join(root, '.trash', '3'), trashedRun)

  const model = `churn-${suffix}`
  const modelDir = path.join(root, 'models', model)
  write(
    path.join(modelDir, 'meta.yaml'),
    `creation_timestamp: 1700000100000\ndescription: churn model\nlast_updated_timestamp: 1700000300000\nname: ${model}\n`,
  )
  write(path.join(modelDir, 'tags', 'owner'), 'risk-team')
  write(path.join(modelDir, 'aliases', 'champion'), '2')
  const versions = [
    { n: 1, run: children[0] as FixtureRun, stage: 'Archived', source: `runs:/${children[0]?.id}/model` },
    {
      n: 2,
      run: parent,
      stage: 'Production',
      source: pathToFileURL(path.join(root, '1', parent.id, 'artifacts', 'model')).href,
    },
    { n: 3, run: children[1] as FixtureRun, stage: 'Deleted_Internal', source: `runs:/${children[1]?.id}/model` },
  ]
  for (const v of versions) {
    write(
      path.join(modelDir, `version-${v.n}`, 'meta.yaml'),
      [
        `creation_timestamp: ${1700000100000 + v.n * 1000}`,
        `current_stage: ${v.stage}`,
        "description: ''",
        `last_updated_timestamp: ${1700000200000 + v.n * 1000}`,
        `name: ${model}`,
        `run_id: ${v.run.id}`,
        "run_link: ''",
        `source: ${v.source}`,
        'status: READY',
        'status_message: null',
        `storage_location: ${v.source}`,
        'user_id: bob',
        `version: ${v.n}`,
        '',
      ].join('\n'),
    )
    write(path.join(modelDir, `version-${v.n}`, 'tags', 'validated'), String(v.n === 2))
  }
  return { root, experiments: names, parent, children, defaultRun, deletedRun, trashedRun, model }
}
