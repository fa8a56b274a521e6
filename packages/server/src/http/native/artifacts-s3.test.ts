import { createHash, randomBytes } from 'node:crypto'
import { request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient } from '../../test-support/api-client.js'
import { startS3TestServer } from '../../test-support/s3-test-server.js'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex')

let s3: Awaited<ReturnType<typeof startS3TestServer>>
beforeAll(async () => {
  s3 = await startS3TestServer()
})
afterAll(async () => s3.close())

/** The artifact API with its blobs in a real S3-protocol server. */
describe.each(testDialects())('artifacts on S3 with %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let api: ReturnType<typeof apiClient>
  let baseUrl: string
  let prefix: string

  beforeAll(async () => {
    const location = s3.location()
    prefix = location.prefix
    const { createS3BlobStore } = await import('../../storage/artifacts/s3-blob-store.js')
    t = await openTestApp(dialect, { blobs: createS3BlobStore(location) })
    api = apiClient(t.app)
    baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 })
  })
  afterAll(async () => {
    await t.close()
    t.blobs.close()
  })

  const newRun = async () => (await api.run({ experimentId: await api.experiment('s3') })).id as string
  const blobKey = (digest: string) => `${prefix}blobs/${digest.slice(0, 2)}/${digest}`

  async function upload(runId: string, artifactPath: string, body: Buffer | string) {
    const res = await fetch(`${baseUrl}/api/v1/runs/${runId}/artifacts/${artifactPath}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body,
    })
    expect(res.status).toBe(201)
  }

  async function storedBlobs(): Promise<string[]> {
    const found: string[] = []
    for await (const blob of t.blobs.list()) found.push(blob.sha256)
    return found.sort()
  }

  it('uploads and downloads through the bucket, with ranges', async () => {
    const runId = await newRun()
    const bytes = randomBytes(20 * 1024 * 1024 + 1)

    await upload(runId, 'model/weights.bin', bytes)

    const whole = await fetch(`${baseUrl}/api/v1/runs/${runId}/artifacts/model/weights.bin`)
    const part = await fetch(`${baseUrl}/api/v1/runs/${runId}/artifacts/model/weights.bin`, {
      headers: { range: 'bytes=100-199' },
    })
    expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(sha256(bytes))
    expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200))
    expect(await storedBlobs()).toContain(sha256(bytes))
  })

  it('aborts the download of an object altered in the bucket, and audits it', async () => {
    const runId = await newRun()
    const bytes = randomBytes(3 * 1024 * 1024)
    await upload(runId, 'model.bin', bytes)
    const corrupt = Buffer.from(bytes)
    corrupt[5] = (corrupt[5] ?? 0) ^ 0xff
    await s3.putObject(blobKey(sha256(bytes)), corrupt)

    const res = await fetch(`${baseUrl}/api/v1/runs/${runId}/artifacts/model.bin`)

    expect(res.status).toBe(200)
    await expect(res.arrayBuffer()).rejects.toThrow()
    let events: { details: Record<string, unknown> }[] = []
    for (let i = 0; i < 100 && events.length === 0; i++, await sleep(20)) {
      const { body } = await api.get(`/api/v1/audit/events?action=artifact.integrity_failure&objectId=${sha256(bytes)}`)
      events = body.events
    }
    expect(events[0]?.details).toMatchObject({ runId, path: 'model.bin', actualSha256: sha256(corrupt) })
  })

  it('reports altered and missing objects in verify', async () => {
    const runId = await newRun()
    await upload(runId, 'a.txt', 'to be altered')
    await upload(runId, 'b.txt', 'to be removed')
    await s3.putObject(blobKey(sha256('to be altered')), 'altered')
    await s3.deleteObject(blobKey(sha256('to be removed')))

    const res = await t.app.inject({ method: 'POST', url: '/api/v1/artifacts/verify', payload: { runId } })

    expect([res.statusCode, res.headers['content-type']]).toEqual([200, 'application/x-ndjson'])
    const lines = res.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines).toEqual(
      expect.arrayContaining([
        { type: 'mismatch', sha256: sha256('to be altered'), actualSha256: sha256('altered'), sizeBytes: 7 },
        { type: 'missing', sha256: sha256('to be removed') },
        { type: 'summary', checkedBlobs: 2, checkedBytes: 26, mismatches: 1, missing: 1 },
      ]),
    )
  })

  it('keeps nothing in the bucket of an upload whose client disconnects', async () => {
    const runId = await newRun()
    const before = await storedBlobs()
    const req = request(`${baseUrl}/api/v1/runs/${runId}/artifacts/partial.bin`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(64 * 1024 * 1024) },
    })
    req.on('error', () => {})
    req.write(randomBytes(20 * 1024 * 1024))
    await sleep(300)

    req.destroy()
    await sleep(500)

    expect(await storedBlobs()).toEqual(before)
    expect(await t.blobs.removeAbandonedUploads(Date.now() + 60_000)).toBe(0)
    expect((await api.get(`/api/v1/runs/${runId}/artifacts`)).body.entries).toEqual([])
  })

  it('collects unreferenced objects from the bucket', async () => {
    const runId = await newRun()
    await upload(runId, 'gone.txt', 'collect me')
    await api.delete(`/api/v1/runs/${runId}/artifacts/gone.txt`)

    const gc = await api.post('/api/v1/artifacts/gc', { graceMinutes: 0 })

    expect(gc.body).toMatchObject({ dryRun: false, removedBlobs: 1, freedBytes: 10 })
    expect(await storedBlobs()).not.toContain(sha256('collect me'))
  })
})
