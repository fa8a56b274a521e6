import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InvalidInputError, NotFoundError, Provena } from './index.js'
import { listeningTestServer } from './test-support/listening-test-server.js'

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`

describe('the lineage graph through the SDK', () => {
  let server: Awaited<ReturnType<typeof listeningTestServer>>
  let provena: Provena
  beforeAll(async () => {
    server = await listeningTestServer()
    provena = new Provena({ url: server.url })
  })
  afterAll(async () => server.close())

  it('records a model version a run used and answers the graph downstream of it, filtered by type', async () => {
    const name = unique('base')
    const folder = mkdtempSync(path.join(tmpdir(), 'provena-sdk-lineage-'))
    writeFileSync(path.join(folder, 'model.bin'), 'weights')
    const train = await provena.startRun({ experiment: unique('lineage') })
    const logged = await train.logModel(folder, { framework: 'pytorch' })
    await train.end()
    await provena.models.create({ name })
    await provena.models.register(name, logged.uri)
    const tune = await provena.startRun({ experiment: unique('lineage'), name: 'tune' })

    const input = await provena.lineage.logModelInput(tune.id, `models:/${name}/1`, { context: 'fine-tuning' })
    const graph = await provena.lineage.get(`models:/${name}/1`, { direction: 'downstream', depth: 1 })
    const onlyRuns = await provena.lineage.get(`runs:/${tune.id}`, { direction: 'upstream', types: ['run'] })

    expect(input).toMatchObject({ name, version: 1, context: 'fine-tuning' })
    expect(graph.nodes.map((n) => n.label)).toEqual([`${name} v1`, 'tune'])
    expect(graph.edges.map((e) => [e.type, e.context])).toEqual([['input', 'fine-tuning']])
    expect(onlyRuns.nodes.map((n) => n.type)).toEqual(['run', 'run'])
  })

  it('throws the contract errors for a ref that is unknown or malformed', async () => {
    await expect(provena.lineage.get(`runs:/${'0'.repeat(32)}`)).rejects.toThrow(NotFoundError)
    await expect(provena.lineage.get('not-a-ref')).rejects.toThrow(InvalidInputError)
  })
})
