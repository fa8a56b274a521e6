import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { datasetDigest } from '../../data/src/index.js'
import { InvalidInputError, NotFoundError, Provena } from './index.js'
import { listeningTestServer } from './test-support/listening-test-server.js'

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

describe('the lineage graph through the SDK', () => {
  let server: Awaited<ReturnType<typeof listeningTestServer>>
  let provena: Provena
  beforeAll(async () => {
    server = await listeningTestServer()
    provena = new Provena({ capture: false, url: server.url })
  })
  afterAll(async () => server.close())

  /** A dataset, a training run that read it and registered model v1, and a fine-tuning run that used v1. */
  async function finetuned() {
    const dataset = unique('churn')
    const file = { path: 'data.csv', sizeBytes: 4, sha256: sha256('data') }
    const { datasetVersion } = await provena.datasets.register(dataset, {
      source: '/data',
      format: 'other',
      files: [file],
      digest: datasetDigest([file]),
      schema: null,
      profile: null,
    })
    const model = unique('scorer')
    await provena.models.create({ name: model })
    const train = await provena.startRun({ experiment: unique('lineage') })
    await train.logInput(`${dataset}@${datasetVersion.version}`)
    await provena.artifacts.upload(train.id, 'model.bin', () => 'weights')
    await provena.models.register(model, `runs:/${train.id}/model.bin`)
    await train.end()
    const tune = await provena.startRun({ experiment: unique('lineage') })
    await tune.logInput(`models:/${model}/1`, { context: 'fine-tuning' })
    await tune.end()
    return { dataset, model, train, tune }
  }

  it('logs a model version as a run input and answers both ways', async () => {
    const { dataset, model, train, tune } = await finetuned()

    const upstream = await provena.lineage.get(`runs:/${tune.id}`)
    const downstream = await provena.lineage.get(`datasets:/${dataset}`, { direction: 'downstream', types: ['run'] })

    expect(upstream.nodes.map((n) => n.ref).sort()).toEqual(
      [`runs:/${tune.id}`, `models:/${model}/1`, `runs:/${train.id}`, `datasets:/${dataset}@1`].sort(),
    )
    expect(upstream.edges.find((e) => e.type === 'input' && e.context === 'fine-tuning')).toBeDefined()
    expect(
      downstream.nodes
        .filter((n) => n.type === 'run')
        .map((n) => n.id)
        .sort(),
    ).toEqual([train.id, tune.id].sort())
  })

  it('exports DOT text and refuses a bad ref with the contract error', async () => {
    const { model } = await finetuned()

    const dot = await provena.lineage.export(`models:/${model}/1`, 'dot')

    expect(dot.startsWith('digraph lineage {')).toBe(true)
    await expect(provena.lineage.get('nonsense')).rejects.toThrow(InvalidInputError)
    await expect(provena.lineage.get(`models:/${model}/9`)).rejects.toThrow(NotFoundError)
  })

  it('adds an external node and an edge from it, and removes them', async () => {
    const { dataset } = await finetuned()
    const node = await provena.lineage.createExternalNode({ namespace: 'airflow', name: unique('dag/features') })

    const edge = await provena.lineage.addEdge({ source: node.ref, target: `datasets:/${dataset}@1`, type: 'output' })
    const before = await provena.lineage.get(`datasets:/${dataset}@1`, { depth: 1 })
    await provena.lineage.deleteExternalNode(node.namespace, node.name)

    expect(edge.source).toBe(`external:${node.id}`)
    expect(before.nodes.map((n) => n.ref)).toContain(node.ref)
    await expect(provena.lineage.getExternalNode(node.namespace, node.name)).rejects.toThrow(NotFoundError)
  })
})
