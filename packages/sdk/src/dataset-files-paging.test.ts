import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { datasetDigest } from '../../data/src/index.js'
import { Provena } from './index.js'
import { listeningTestServer } from './test-support/listening-test-server.js'

const file = (path: string) => ({
  path,
  sizeBytes: path.length,
  sha256: createHash('sha256').update(path).digest('hex'),
})

describe("a dataset version's files through the SDK", () => {
  let server: Awaited<ReturnType<typeof listeningTestServer>>
  let provena: Provena
  const files = ['a.csv', 'b.csv', 'c/d.csv'].map(file)

  beforeAll(async () => {
    server = await listeningTestServer()
    provena = new Provena({ url: server.url })
    await provena.datasets.register('paged', {
      source: '/data/paged',
      format: 'csv',
      files,
      digest: datasetDigest(files),
      schema: null,
      profile: null,
    })
  })
  afterAll(async () => server.close())

  it('lists one page at a time, by path, with a token for the next', async () => {
    const first = await provena.datasets.listFilesPage('paged@latest', { maxResults: 2 })
    expect(first.files).toEqual(files.slice(0, 2))
    expect(first.nextPageToken).toEqual(expect.any(String))

    const second = await provena.datasets.listFilesPage('paged@1', {
      maxResults: 2,
      pageToken: first.nextPageToken ?? undefined,
    })
    expect(second).toEqual({ files: files.slice(2), nextPageToken: null })
  })

  it('lists every file when asked for all of them', async () => {
    expect(await provena.datasets.listFiles({ name: 'paged', version: 1 })).toEqual(files)
  })
})
