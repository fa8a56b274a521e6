import { createHash, randomUUID } from 'node:crypto'
import type { DatasetFile, DatasetProfile } from '@provena/contract'
import { datasetDigest } from '@provena/data'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient } from '../../test-support/api-client.js'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`

/** A manifest of small text files, as `provena data add` would send it. */
function filesOf(contents: Record<string, string>): DatasetFile[] {
  return Object.entries(contents).map(([path, text]) => ({
    path,
    sizeBytes: Buffer.byteLength(text),
    sha256: sha256(text),
  }))
}

/** A one-column profile: `amount` with the given summary numbers (quantiles spread evenly from min to max). */
function profileOf(rowCount: number, min: number, max: number): DatasetProfile {
  const quantiles = Array.from({ length: 101 }, (_, i) => min + ((max - min) * i) / 100)
  return {
    rowCount,
    filesProfiled: 1,
    warnings: [],
    columns: [
      {
        name: 'amount',
        type: 'float',
        count: rowCount,
        nullCount: 0,
        distinctCount: rowCount,
        isDistinctExact: true,
        typeCounts: { float: rowCount },
        numeric: {
          min,
          max,
          mean: (min + max) / 2,
          stddev: (max - min) / Math.sqrt(12),
          quantiles,
          histogram: { edges: [min, (min + max) / 2, max], counts: [rowCount / 2, rowCount / 2] },
        },
        categories: null,
      },
    ],
  }
}

function registration(contents: Record<string, string>, extra: Record<string, unknown> = {}) {
  const files = filesOf(contents)
  return {
    source: '/data/somewhere',
    format: 'other',
    files,
    digest: datasetDigest(files),
    schema: null,
    profile: null,
    ...extra,
  }
}

describe.each(testDialects())('dataset routes on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let api: ReturnType<typeof apiClient>

  beforeAll(async () => {
    t = await openTestApp(dialect)
    api = apiClient(t.app)
  })
  afterAll(async () => t.close())

  const versionsOf = async (name: string) => (await api.get(`/api/v1/datasets/${name}/versions`)).body.versions
  const auditActions = async (name: string) =>
    (await api.get(`/api/v1/audit/events?objectType=dataset&objectId=${name}`)).body.events
      .map((e: { action: string }) => e.action)
      .reverse()

  it('registers a version with its files, digest and profile', async () => {
    const name = unique('sales')
    const body = registration(
      { 'a.csv': 'x\n1\n', 'b/c.csv': 'x\n2\n' },
      {
        format: 'csv',
        schema: { columns: [{ name: 'amount', type: 'float' }] },
        profile: profileOf(2, 1, 2),
      },
    )

    const created = await api.post(`/api/v1/datasets/${name}/versions`, body)
    const fetched = await api.get(`/api/v1/datasets/${name}/versions/1`)
    const files = await api.get(`/api/v1/datasets/${name}/versions/1/files`)

    expect(created.status).toBe(201)
    expect(created.body.isNew).toBe(true)
    expect(fetched.body.datasetVersion).toEqual({
      ...created.body.datasetVersion,
      datasetName: name,
      version: 1,
      digest: body.digest,
      fileCount: 2,
      sizeBytes: 8,
      rowCount: 2,
      format: 'csv',
      isStored: false,
      schema: body.schema,
      profile: body.profile,
    })
    expect(files.body).toEqual({ files: body.files, nextPageToken: null })
    expect(await auditActions(name)).toEqual(['dataset.create', 'dataset_version.create'])
  })

  it('answers an identical registration with the existing version and makes no new one', async () => {
    const name = unique('same')
    const body = registration({ 'a.txt': 'a' })
    const first = await api.post(`/api/v1/datasets/${name}/versions`, body)

    const second = await api.post(`/api/v1/datasets/${name}/versions`, { ...body, files: [...body.files].reverse() })

    expect(second.status).toBe(200)
    expect(second.body).toEqual({ datasetVersion: first.body.datasetVersion, isNew: false })
    expect(await versionsOf(name)).toHaveLength(1)
    expect(await auditActions(name)).toEqual(['dataset.create', 'dataset_version.create'])
  })

  it('numbers new content as the next version, and latest finds it', async () => {
    const name = unique('next')
    await api.post(`/api/v1/datasets/${name}/versions`, registration({ 'a.txt': 'a' }))

    const second = await api.post(`/api/v1/datasets/${name}/versions`, registration({ 'a.txt': 'b' }))
    const latest = await api.get(`/api/v1/datasets/${name}/versions/latest`)

    expect(second.body.datasetVersion.version).toBe(2)
    expect(latest.body.datasetVersion.id).toBe(second.body.datasetVersion.id)
  })

  describe('refuses bad registrations and stores nothing', () => {
    const cases: [string, (name: string) => object, RegExp][] = [
      [
        'a digest that does not match the files',
        () => ({ ...registration({ 'a.txt': 'a' }), digest: sha256('x') }),
        /does not match the files/,
      ],
      [
        'a path listed twice',
        () => registration({ 'a.txt': 'a' }, { files: [...filesOf({ 'a.txt': 'a' }), ...filesOf({ 'a.txt': 'a' })] }),
        /listed twice/,
      ],
      [
        'a path that climbs out',
        () => ({ ...registration({ 'a.txt': 'a' }), files: filesOf({ '../etc/passwd': 'a' }) }),
        /relative path/,
      ],
      ['a file that is also a directory', () => registration({ a: 'a', 'a/b': 'b' }), /as a file and as a directory/],
      ['no files', () => ({ ...registration({ 'a.txt': 'a' }), files: [] }), /files/],
      [
        'stored files whose bytes were never uploaded',
        () => registration({ 'a.txt': unique('never') }, { isStored: true }),
        /were not uploaded/,
      ],
      ['an unknown format', () => registration({ 'a.txt': 'a' }, { format: 'xlsx' }), /format/],
    ]
    it.each(cases)('%s', async (_, makeBody, message) => {
      const name = unique('bad')

      const res = await api.post(`/api/v1/datasets/${name}/versions`, makeBody(name))

      expect(res.status).toBe(400)
      expect(res.body.error.message).toMatch(message)
      expect((await api.get(`/api/v1/datasets/${name}`)).status).toBe(404)
    })
  })

  it('refuses uploaded bytes that do not match the digest in the URL', async () => {
    const name = unique('blob')
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/datasets/${name}/blobs/${sha256('expected')}`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: 'something else',
    })

    expect(res.statusCode).toBe(400)
    expect(await t.blobs.head(sha256('expected'))).toBeUndefined()
  })

  it('records inputs and outputs of runs and answers from both ends', async () => {
    const name = unique('lineage')
    await api.post(`/api/v1/datasets/${name}/versions`, registration({ 'in.txt': 'in' }))
    await api.post(`/api/v1/datasets/${name}/versions`, registration({ 'out.txt': 'out' }))
    const run = await api.run({ experimentId: await api.experiment('lineage') })

    const input = await api.post(`/api/v1/runs/${run.id}/inputs`, { name, version: 1, context: 'training' })
    const repeated = await api.post(`/api/v1/runs/${run.id}/inputs`, { name, version: 1, context: 'training' })
    await api.post(`/api/v1/runs/${run.id}/outputs`, { name, version: 2 })
    const ofRun = await api.get(`/api/v1/runs/${run.id}/datasets`)
    const readers = await api.get(`/api/v1/datasets/${name}/versions/1/runs`)

    expect(input.status).toBe(200)
    expect(repeated.body.createdAtMs).toBe(input.body.createdAtMs)
    expect(
      ofRun.body.inputs.map((l: { context: string; datasetVersion: { version: number } }) => [
        l.datasetVersion.version,
        l.context,
      ]),
    ).toEqual([[1, 'training']])
    expect(
      ofRun.body.outputs.map((l: { context: null; datasetVersion: { version: number } }) => [
        l.datasetVersion.version,
        l.context,
      ]),
    ).toEqual([[2, null]])
    expect(readers.body.runs).toEqual([
      {
        runId: run.id,
        experimentId: run.experimentId,
        runName: run.name,
        direction: 'input',
        context: 'training',
        createdAtMs: input.body.createdAtMs,
      },
    ])
  })

  it('refuses an input of a version that does not exist, and records nothing', async () => {
    const name = unique('ghost')
    await api.post(`/api/v1/datasets/${name}/versions`, registration({ 'a.txt': 'a' }))
    const run = await api.run({ experimentId: await api.experiment('ghost') })

    const res = await api.post(`/api/v1/runs/${run.id}/inputs`, { name, version: 9 })
    const bad = await api.post(`/api/v1/runs/${run.id}/inputs`, { name, version: 1, context: 'no;semicolons' })

    expect(res.status).toBe(404)
    expect(bad.status).toBe(400)
    expect((await api.get(`/api/v1/runs/${run.id}/datasets`)).body).toEqual({ inputs: [], outputs: [] })
  })

  it('compares two versions and reports the files that changed', async () => {
    const name = unique('compare')
    const v1 = registration({ 'a.csv': 'a1', 'b.csv': 'b' }, { format: 'csv', profile: profileOf(1000, 0, 10) })
    const v2 = registration({ 'a.csv': 'a2', 'c.csv': 'c' }, { format: 'csv', profile: profileOf(1000, 5, 15) })
    await api.post(`/api/v1/datasets/${name}/versions`, v1)
    await api.post(`/api/v1/datasets/${name}/versions`, v2)

    const res = await api.post('/api/v1/datasets/drift', {
      reference: { dataset: { name, version: 1 } },
      current: { dataset: { name, version: 2 } },
    })

    expect(res.status).toBe(200)
    expect(res.body.report.verdict).toBe('drift')
    expect(res.body.report.files).toEqual({ added: ['c.csv'], removed: ['b.csv'], changed: ['a.csv'] })
    expect(res.body.report.reference).toEqual({ label: `${name}@1`, rowCount: 1000 })
  })

  it('compares a version with a profile the client made, under custom thresholds', async () => {
    const name = unique('thresholds')
    await api.post(
      `/api/v1/datasets/${name}/versions`,
      registration({ 'a.csv': 'a' }, { format: 'csv', profile: profileOf(1000, 0, 10) }),
    )
    const current = { profile: profileOf(1000, 0.5, 10.5), label: 'new.csv' }

    const strict = await api.post('/api/v1/datasets/drift', {
      reference: { dataset: { name, version: 1 } },
      current,
      thresholds: { psi: { warn: 0.001, drift: 0.002 }, ks: { warn: 0.001, drift: 0.002 } },
    })
    const lenient = await api.post('/api/v1/datasets/drift', { reference: { dataset: { name, version: 1 } }, current })

    expect(strict.body.report.verdict).toBe('drift')
    expect(lenient.body.report.verdict).toBe('ok')
    expect(lenient.body.report.files).toBeNull()
  })

  it('refuses drift for a version without a profile', async () => {
    const name = unique('noprofile')
    await api.post(`/api/v1/datasets/${name}/versions`, registration({ 'a.bin': 'a' }))

    const res = await api.post('/api/v1/datasets/drift', {
      reference: { dataset: { name, version: 1 } },
      current: { dataset: { name, version: 1 } },
    })

    expect(res.status).toBe(400)
    expect(res.body.error.message).toBe(`${name}@1 has no profile (format other): drift needs tabular data`)
  })
})

describe.each(testDialects())('stored dataset files on %s', (dialect) => {
  it('keeps the blobs of a stored version from garbage collection', async () => {
    const t = await openTestApp(dialect)
    try {
      const api = apiClient(t.app)
      const name = unique('pinned')
      for (const text of ['kept', 'orphan']) {
        await t.app.inject({
          method: 'PUT',
          url: `/api/v1/datasets/${name}/blobs/${sha256(text)}`,
          headers: { 'content-type': 'application/octet-stream' },
          payload: text,
        })
      }
      const created = await api.post(
        `/api/v1/datasets/${name}/versions`,
        registration({ 'kept.txt': 'kept' }, { isStored: true }),
      )

      const gc = await api.post('/api/v1/artifacts/gc', { graceMinutes: 0 })

      expect(created.body.datasetVersion.isStored).toBe(true)
      expect(gc.body).toMatchObject({ removedBlobs: 1, keptBlobs: 1 })
      expect(await t.blobs.head(sha256('kept'))).toBeDefined()
      expect(await t.blobs.head(sha256('orphan'))).toBeUndefined()
    } finally {
      await t.close()
    }
  })
})
