import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localBlobFile } from '../../storage/artifacts/local-blob-store.js'
import { apiClient } from '../../test-support/api-client.js'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex')

function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort()
}

type ErrorAnswer = { error: { code: string; message: string } }

/**
 * A download of bad bytes never completes as if fine: it fails before the headers (a 500, when the
 * whole blob fits in the first chunk) or the transfer breaks off before its end.
 */
async function expectFailedDownload(res: Response): Promise<void> {
  if (res.status === 500) return void expect(((await res.json()) as ErrorAnswer).error.code).toBe('INTERNAL')
  expect(res.ok).toBe(true)
  await expect(res.arrayBuffer()).rejects.toThrow()
}

async function eventually<T>(read: () => T | Promise<T>, isDone: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5000
  for (;;) {
    const value = await read()
    if (isDone(value) || Date.now() > deadline) return value
    await sleep(25)
  }
}

/** Streams over a real socket: corruption, disconnects and archives are about what goes over the wire. */
describe.each(testDialects())('artifact streaming on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let api: ReturnType<typeof apiClient>
  let baseUrl: string

  beforeAll(async () => {
    t = await openTestApp(dialect)
    api = apiClient(t.app)
    baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 })
  })
  afterAll(async () => t.close())

  const newRun = async () => (await api.run({ experimentId: await api.experiment('streaming') })).id as string
  const blobPath = (digest: string) => localBlobFile(t.blobs.location, digest)

  async function upload(runId: string, artifactPath: string, body: Buffer | string) {
    const res = await fetch(`${baseUrl}/api/v1/runs/${runId}/artifacts/${artifactPath}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body,
    })
    expect(res.status).toBe(201)
  }

  async function integrityEvents(digest: string) {
    const { body } = await api.get(`/api/v1/audit/events?action=artifact.integrity_failure&objectId=${digest}`)
    return body.events as { objectType: string; objectId: string; details: Record<string, unknown> }[]
  }

  it('streams an upload larger than the JSON body limit without buffering it', async () => {
    const runId = await newRun()
    const bytes = randomBytes(20 * 1024 * 1024)

    await upload(runId, 'big.bin', bytes)

    const res = await fetch(`${baseUrl}/api/v1/runs/${runId}/artifacts/big.bin`)
    expect(sha256(Buffer.from(await res.arrayBuffer()))).toBe(sha256(bytes))
  })

  it.each([
    ['a small file (one chunk)', 1000],
    ['a file of several chunks', 3 * 1024 * 1024 + 17],
  ])('aborts the download of %s whose stored bytes were altered, and audits it', async (_what, size) => {
    const runId = await newRun()
    const bytes = randomBytes(size)
    await upload(runId, 'model.bin', bytes)
    const corrupt = Buffer.from(bytes)
    corrupt[size - 1] = (corrupt[size - 1] ?? 0) ^ 0xff
    writeFileSync(blobPath(sha256(bytes)), corrupt)

    const res = await fetch(`${baseUrl}/api/v1/runs/${runId}/artifacts/model.bin`)

    await expectFailedDownload(res)
    const events = await eventually(
      () => integrityEvents(sha256(bytes)),
      (found) => found.length > 0,
    )
    expect(events[0]).toMatchObject({
      objectType: 'blob',
      details: { runId, path: 'model.bin', expectedSha256: sha256(bytes), actualSha256: sha256(corrupt) },
    })
  })

  it('aborts a range download of an altered blob too, though the range itself is intact', async () => {
    const runId = await newRun()
    const bytes = randomBytes(4096)
    await upload(runId, 'model.bin', bytes)
    const corrupt = Buffer.from(bytes)
    corrupt[4000] = (corrupt[4000] ?? 0) ^ 0xff
    writeFileSync(blobPath(sha256(bytes)), corrupt)

    const res = await fetch(`${baseUrl}/api/v1/runs/${runId}/artifacts/model.bin`, { headers: { range: 'bytes=0-99' } })

    await expectFailedDownload(res)
  })

  it('answers 500 for a blob that has gone missing, and audits it', async () => {
    const runId = await newRun()
    await upload(runId, 'gone.bin', 'soon gone')
    execFileSync('rm', [blobPath(sha256('soon gone'))])

    const res = await fetch(`${baseUrl}/api/v1/runs/${runId}/artifacts/gone.bin`)

    expect(res.status).toBe(500)
    expect(((await res.json()) as ErrorAnswer).error.message).toMatch(
      /stored bytes of artifact 'gone.bin' .* are missing/,
    )
    expect(await integrityEvents(sha256('soon gone'))).toHaveLength(1)
  })

  it('keeps nothing of an upload whose client disconnects mid-body', async () => {
    const runId = await newRun()
    const blobsBefore = filesBelow(path.join(t.blobs.location, 'blobs'))
    const req = request(`${baseUrl}/api/v1/runs/${runId}/artifacts/partial.bin`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(64 * 1024 * 1024) },
    })
    req.on('error', () => {})
    req.write(randomBytes(4 * 1024 * 1024))
    await eventually(
      () => filesBelow(path.join(t.blobs.location, 'uploads')),
      (files) => files.length > 0,
    )

    req.destroy()

    const pending = await eventually(
      () => filesBelow(path.join(t.blobs.location, 'uploads')),
      (files) => files.length === 0,
    )
    expect(pending).toEqual([])
    expect(filesBelow(path.join(t.blobs.location, 'blobs'))).toEqual(blobsBefore)
    expect((await api.get(`/api/v1/runs/${runId}/artifacts`)).body.entries).toEqual([])
  })

  it('downloads a directory as a tar archive that tar extracts to the same files', async () => {
    const runId = await newRun()
    const binary = randomBytes(1024 * 1024 + 3)
    const longName = `${'ü'.repeat(60)}/${'x'.repeat(120)}.txt`
    await upload(runId, 'outputs/a.txt', 'alpha')
    await upload(runId, 'outputs/sub/b.bin', binary)
    await upload(runId, `outputs/${encodeURIComponent(longName).replaceAll('%2F', '/')}`, 'long')
    await upload(runId, 'other.txt', 'not in the archive')

    const res = await fetch(`${baseUrl}/api/v1/runs/${runId}/artifacts.tar?path=outputs`)
    const dest = mkdtempSync(path.join(tmpdir(), 'provena-tar-'))
    writeFileSync(path.join(dest, 'archive.tar'), Buffer.from(await res.arrayBuffer()))
    execFileSync('tar', ['-xf', 'archive.tar'], { cwd: dest })

    expect(res.headers.get('content-type')).toBe('application/x-tar')
    expect(filesBelow(dest)).toEqual(['a.txt', 'archive.tar', longName, 'sub/b.bin'].sort())
    expect(readFileSync(path.join(dest, 'a.txt'), 'utf8')).toBe('alpha')
    expect(sha256(readFileSync(path.join(dest, 'sub/b.bin')))).toBe(sha256(binary))
    expect(readFileSync(path.join(dest, longName), 'utf8')).toBe('long')
  })

  it('answers 404 for an archive of a directory with no files', async () => {
    const runId = await newRun()
    const res = await fetch(`${baseUrl}/api/v1/runs/${runId}/artifacts.tar?path=nothing`)
    expect(res.status).toBe(404)
  })
})
