import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConflictError, InvalidInputError, Provena } from './index.js'
import { listeningTestServer } from './test-support/listening-test-server.js'

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 10)}`

function modelFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'provena-sdk-model-'))
  mkdirSync(path.join(dir, 'weights'))
  writeFileSync(path.join(dir, 'weights', 'model.onnx'), 'onnx bytes')
  return dir
}

describe('the model registry through the SDK', () => {
  let server: Awaited<ReturnType<typeof listeningTestServer>>
  let provena: Provena
  beforeAll(async () => {
    server = await listeningTestServer()
    provena = new Provena({ url: server.url })
  })
  afterAll(async () => server.close())

  it('packages a model with its manifest, registers it and reads back how to load it', async () => {
    const name = unique('scorer')
    const run = await provena.startRun({ experiment: unique('models') })
    const signature = {
      inputs: [{ name: 'x', type: 'float32', shape: [-1, 4] }],
      outputs: [{ type: 'float32', shape: [-1] }],
    }

    const logged = await run.logModel(modelFolder(), {
      framework: 'onnx',
      signature,
      requirements: ['onnxruntime==1.19.2'],
      inputExample: { x: [[1, 2, 3, 4]] },
    })
    await provena.models.create({ name })
    const version = await provena.models.register(name, logged.uri)
    const files = await provena.models.listFiles(name, version.version)

    expect(logged.uri).toBe(`runs:/${run.id}/model`)
    expect(files.map((f) => f.path)).toEqual(['input_example.json', 'provena-model.json', 'weights/model.onnx'])
    expect(version.manifest).toEqual({
      format: 'provena-model-v1',
      framework: 'onnx',
      signature,
      requirements: ['onnxruntime==1.19.2'],
      inputExample: 'input_example.json',
    })
  })

  it('refuses to register a version whose provena-model.json is not a manifest, and makes none', async () => {
    const name = unique('broken')
    const run = await provena.startRun({ experiment: unique('models') })
    const dir = modelFolder()
    writeFileSync(path.join(dir, 'provena-model.json'), '{"format":"something else"}')
    await run.logArtifact(dir, 'model')
    await provena.models.create({ name })

    const attempt = provena.models.register(name, `runs:/${run.id}/model`)

    await expect(attempt).rejects.toThrow(InvalidInputError)
    await expect(attempt).rejects.toThrow(/provena-model\.json of runs:\/.* is not a provena-model-v1 manifest/)
    expect((await provena.models.listVersions(name)).versions).toEqual([])
  })

  it('refuses to package a folder that has its own provena-model.json', async () => {
    const run = await provena.startRun({ experiment: unique('models') })
    const dir = modelFolder()
    writeFileSync(path.join(dir, 'provena-model.json'), '{}')

    await expect(run.logModel(dir, { framework: 'onnx' })).rejects.toThrow(/has a provena-model.json already/)
  })

  it('decodes registry errors into the contract classes', async () => {
    const name = unique('dup')
    await provena.models.create({ name })

    await expect(provena.models.create({ name })).rejects.toThrow(/already exists/)
    await expect(provena.models.rollback(name, 'champion')).rejects.toThrow(ConflictError)
  })
})
