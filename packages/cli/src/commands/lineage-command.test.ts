import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCli, type CliServer, runCli, startCliServer, tempDir } from '../test-support/cli-process.js'
import { seedExperiment, seedRun, uniqueName } from '../test-support/seed.js'

let server: CliServer
const cli = (...args: string[]) => runCli([...args, '--url', server.url])

beforeAll(async () => {
  await buildCli()
  server = await startCliServer(['--port', '0', '--data-dir', tempDir(), '--log-level', 'warn'])
})

afterAll(async () => {
  server.child.kill('SIGTERM')
  await server.exited
})

/** Runs a CLI command that must succeed; its stdout. */
async function ok(...args: string[]): Promise<string> {
  const result = await cli(...args)
  if (result.code !== 0) throw new Error(`provena ${args.join(' ')}: ${result.stderr}`)
  return result.stdout
}

/** dataset -> training run -> model v1 -> fine-tuning run -> model v2, made with the CLI. */
async function pipeline() {
  const dataset = uniqueName('churn')
  const model = uniqueName('scorer')
  const dir = tempDir()
  writeFileSync(path.join(dir, 'train.csv'), 'a,b\n1,2\n')
  await ok('data', 'add', path.join(dir, 'train.csv'), '--name', dataset)
  await ok('models', 'create', model)
  const experimentId = await seedExperiment(server.url, uniqueName('e'))
  const runs: string[] = []
  for (const name of ['train', 'tune']) {
    const runId = await seedRun(server.url, { experimentId, name })
    writeFileSync(path.join(dir, 'weights.bin'), `weights ${name}`)
    await ok('artifacts', 'upload', runId, path.join(dir, 'weights.bin'), 'model')
    if (name === 'train') await ok('data', 'log-input', runId, `${dataset}@1`)
    else await ok('models', 'log-input', runId, `models:/${model}/1`, '--context', 'fine-tuning')
    await ok('models', 'register', model, `runs:/${runId}/model`)
    runs.push(runId)
  }
  return { dataset, model, runs }
}

// Each test starts several CLI processes one after another; a busy 2-core machine needs the time.
describe('provena lineage', { timeout: 120_000 }, () => {
  it('prints where a fine-tuned model came from as a tree, and answers the downstream question', async () => {
    const { dataset, model, runs } = await pipeline()

    const tree = await ok('lineage', `models:/${model}/2`)
    const trained = await ok('lineage', `datasets:/${dataset}`, '--downstream', '--type', 'model_version')

    expect(tree.split('\n')).toEqual([
      `${model} v2  [model_version]  models:/${model}/2`,
      `└─ ← output: tune  [run]  runs:/${runs[1]}`,
      `   └─ ← input (fine-tuning): ${model} v1  [model_version]  models:/${model}/1`,
      `      └─ ← output: train  [run]  runs:/${runs[0]}`,
      `         └─ ← input (training): ${dataset}@1  [dataset_version]  datasets:/${dataset}@1`,
      '',
    ])
    expect(trained).toContain('Reached (2, edges between them not shown: filtered by type):')
    expect(trained).toContain(`  ${model} v1  [model_version]  models:/${model}/1  (2 edges away)`)
    expect(trained).toContain(`  ${model} v2  [model_version]  models:/${model}/2  (4 edges away)`)
  })

  it('exports PROV-JSON and DOT, and refuses a bad ref or an export of the downstream graph', async () => {
    const { model } = await pipeline()

    const prov = JSON.parse(await ok('lineage', `models:/${model}/2`, '--format', 'prov'))
    const dot = await ok('lineage', `models:/${model}/2`, '--format', 'dot', '--depth', '1')
    const badRef = await cli('lineage', 'models:/only-a-name')
    const downstreamExport = await cli('lineage', `models:/${model}/1`, '--downstream', '--format', 'prov')

    expect(Object.keys(prov.activity)).toHaveLength(2)
    expect(dot.match(/ -> /g)).toHaveLength(1)
    expect(badRef.code).not.toBe(0)
    expect(badRef.stderr).toContain('ref')
    expect(downstreamExport.code).not.toBe(0)
    expect(downstreamExport.stderr).toContain('exports the upstream graph only')
  })
})
