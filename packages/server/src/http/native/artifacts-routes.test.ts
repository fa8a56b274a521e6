import { createHash } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { request } from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { apiClient } from '../../test-support/api-client.js'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex')

/** Every file below a directory, as paths relative to it. */
function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
}

describe.each(testDialects())('artifact routes on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let api: ReturnType<typeof apiClient>
  let baseUrl: string

  beforeAll(async () => {
    t = await openTestApp(dialect)
    api = apiClient(t.app)
    baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 })
  })
  afterAll(async () => t.close())

  const newRun = async () => (await api.run({ experimentId: await api.experiment('artifacts') })).id as string

  function upload(runId: string, artifactPath: string, body: Buffer | string, headers: Record<string, string> = {}) {
    return t.app.inject({
      method: 'PUT',
      url: `/api/v1/runs/${runId}/artifacts/${artifactPath}`,
      headers: { 'content-type': 'application/octet-stream', ...headers },
      payload: body,
    })
  }

  /**
   * A request whose path goes on the wire exactly as given: URL parsers (and app.inject) resolve
   * `..` and `%2e%2e` first, which would hide what the server does with them.
   */
  function rawRequest(method: 'GET' | 'PUT', urlPath: string, body = ''): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${baseUrl}/`,
        { method, path: urlPath, headers: { 'content-type': 'application/octet-stream' } },
        (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => (text += chunk))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
        },
      )
      req.on('error', reject)
      req.end(body)
    })
  }

  const download = (runId: string, artifactPath: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: `/api/v1/runs/${runId}/artifacts/${artifactPath}`, headers })

  const blobFiles = () => filesBelow(path.join(t.blobs.location, 'blobs'))
  const pendingUploads = () => filesBelow(path.join(t.blobs.location, 'uploads'))

  async function auditActions(runId: string): Promise<string[]> {
    const { body } = await api.get(`/api/v1/audit/events?objectType=run&objectId=${runId}`)
    return body.events.map((event: { action: string }) => event.action).reverse()
  }

  describe('upload and download', () => {
    it('stores a file and answers with its path, digest and size', async () => {
      const runId = await newRun()

      const res = await upload(runId, 'model/weights.bin', 'weights')

      expect(res.statusCode).toBe(201)
      expect(res.json().artifact).toEqual({
        path: 'model/weights.bin',
        sha256: sha256('weights'),
        sizeBytes: 7,
        createdAtMs: expect.any(Number),
      })
    })

    it('downloads the bytes with the digest as ETag, a type from the extension and a safe file name', async () => {
      const runId = await newRun()
      await upload(runId, 'plots/résumé "v1".json', '{"a":1}')

      const res = await download(runId, encodeURIComponent('plots/résumé "v1".json').replaceAll('%2F', '/'))

      expect(res.statusCode).toBe(200)
      expect(res.body).toBe('{"a":1}')
      expect(res.headers).toMatchObject({
        etag: `"${sha256('{"a":1}')}"`,
        'content-type': 'application/json',
        'content-length': '7',
        'accept-ranges': 'bytes',
        'content-disposition': `attachment; filename="r_sum_ _v1_.json"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v1%22.json`,
        'x-content-type-options': 'nosniff',
        'content-security-policy': "sandbox; default-src 'none'",
      })
    })

    it('stores identical files once', async () => {
      const runA = await newRun()
      const runB = await newRun()
      const before = blobFiles().length

      await upload(runA, 'a.txt', 'same bytes')
      await upload(runA, 'copy/a.txt', 'same bytes')
      await upload(runB, 'b.txt', 'same bytes')

      expect(blobFiles().length).toBe(before + 1)
      // The second and third copies are removed just after their answers.
      await vi.waitFor(() => expect(pendingUploads()).toEqual([]), { timeout: 10_000 })
    })

    it('accepts an empty file', async () => {
      const runId = await newRun()

      const res = await upload(runId, 'empty.txt', '')

      expect(res.json().artifact).toMatchObject({ sha256: sha256(''), sizeBytes: 0 })
      expect((await download(runId, 'empty.txt')).body).toBe('')
    })

    it('replaces a file uploaded again under the same path, and audits both', async () => {
      const runId = await newRun()
      await upload(runId, 'notes.txt', 'first')

      await upload(runId, 'notes.txt', 'second')

      expect((await download(runId, 'notes.txt')).body).toBe('second')
      expect(await auditActions(runId)).toEqual(['run.create', 'artifact.upload', 'artifact.overwrite'])
    })

    it('serves a range, a suffix range, and refuses one outside the file', async () => {
      const runId = await newRun()
      await upload(runId, 'digits.txt', '0123456789')

      const middle = await download(runId, 'digits.txt', { range: 'bytes=2-5' })
      const suffix = await download(runId, 'digits.txt', { range: 'bytes=-3' })
      const outside = await download(runId, 'digits.txt', { range: 'bytes=10-' })

      expect([middle.statusCode, middle.body, middle.headers['content-range']]).toEqual([206, '2345', 'bytes 2-5/10'])
      expect([suffix.statusCode, suffix.body, suffix.headers['content-range']]).toEqual([206, '789', 'bytes 7-9/10'])
      expect([outside.statusCode, outside.headers['content-range']]).toEqual([416, 'bytes */10'])
    })

    it('answers HEAD with the headers of the file and no body', async () => {
      const runId = await newRun()
      await upload(runId, 'a.txt', 'abc')

      const res = await t.app.inject({ method: 'HEAD', url: `/api/v1/runs/${runId}/artifacts/a.txt` })

      expect([res.statusCode, res.body, res.headers.etag, res.headers['content-length']]).toEqual([
        200,
        '',
        `"${sha256('abc')}"`,
        '3',
      ])
    })

    it('answers 304 to a client that has the current version', async () => {
      const runId = await newRun()
      await upload(runId, 'a.txt', 'abc')

      const res = await download(runId, 'a.txt', { 'if-none-match': `"${sha256('abc')}"` })

      expect([res.statusCode, res.body]).toEqual([304, ''])
    })

    it('answers 404 for a file that does not exist and says when the path is a directory', async () => {
      const runId = await newRun()
      await upload(runId, 'dir/a.txt', 'abc')

      expect((await download(runId, 'nope.txt')).json().error).toEqual({
        code: 'NOT_FOUND',
        message: `artifact 'nope.txt' not found in run ${runId}`,
      })
      expect((await download(runId, 'dir')).json().error.message).toMatch(/'dir' is a directory/)
    })
  })

  describe('listing', () => {
    it('lists a directory: files with size and digest, subdirectories once, in byte order of paths', async () => {
      const runId = await newRun()
      for (const file of ['b.txt', 'a/1.txt', 'a/2.txt', 'a/deep/3.txt', 'a.txt', 'c/x.txt'])
        await upload(runId, file, file)

      const root = await api.get(`/api/v1/runs/${runId}/artifacts`)
      const a = await api.get(`/api/v1/runs/${runId}/artifacts?path=a`)

      expect(root.body).toEqual({
        entries: [
          // Byte order of paths: 'a.txt' < 'a/…', as '.' < '/'.
          { name: 'a.txt', path: 'a.txt', isDir: false, sizeBytes: 5, sha256: sha256('a.txt') },
          { name: 'a', path: 'a', isDir: true, sizeBytes: null, sha256: null },
          { name: 'b.txt', path: 'b.txt', isDir: false, sizeBytes: 5, sha256: sha256('b.txt') },
          { name: 'c', path: 'c', isDir: true, sizeBytes: null, sha256: null },
        ],
        nextPageToken: null,
      })
      expect(a.body.entries.map((e: { path: string }) => e.path)).toEqual(['a/1.txt', 'a/2.txt', 'a/deep'])
    })

    it('pages through a large directory without repeating or skipping entries', async () => {
      const runId = await newRun()
      const expected: string[] = []
      for (let i = 0; i < 12; i++) {
        const name = `f${String(i).padStart(2, '0')}`
        await upload(runId, i % 3 === 0 ? `${name}/inner.txt` : name, name)
        expected.push(name)
      }

      const seen: string[] = []
      let token: string | null = null
      do {
        const query: string = `maxResults=5${token ? `&pageToken=${token}` : ''}`
        const page = await api.get(`/api/v1/runs/${runId}/artifacts?${query}`)
        seen.push(...page.body.entries.map((e: { name: string }) => e.name))
        token = page.body.nextPageToken
      } while (token)

      expect(seen).toEqual(expected)
    })

    it('lists an empty run as empty and refuses to list a file as a directory', async () => {
      const runId = await newRun()
      expect((await api.get(`/api/v1/runs/${runId}/artifacts`)).body).toEqual({ entries: [], nextPageToken: null })
      await upload(runId, 'a.txt', 'x')
      expect((await api.get(`/api/v1/runs/${runId}/artifacts?path=a.txt`)).status).toBe(409)
    })
  })

  describe('bad input', () => {
    // As they arrive on the wire; the HTTP layer decodes percent-encoding once.
    const badPaths: [what: string, urlPath: string][] = [
      ['.. segments', '../../../etc/passwd'],
      ['.. segments inside', 'a/../../b'],
      ['percent-encoded ..', '%2e%2e/%2e%2e/etc/passwd'],
      ['double percent-encoded ..', '%252e%252e%252fetc'],
      ['an encoded slash before ..', '..%2f..%2fetc'],
      ['backslashes', '..%5C..%5Cwindows%5Cwin.ini'],
      ['a NUL byte', 'model.bin%00.txt'],
      ['an absolute path (doubled slash)', '/etc/passwd'],
      ['an empty segment', 'a//b'],
      ['a fragment delimiter', 'model%23/../x'],
      ['a path parameter', 'model;/x'],
      ['a scheme', 's3:%2F%2Fbucket/key'],
      ['fullwidth dots', '%EF%BC%8E%EF%BC%8E/x'],
      ['a path over 1024 characters', `${'abcdefgh/'.repeat(120)}x`],
    ]

    it.each(badPaths)('refuses an upload to a path with %s and stores nothing', async (_what, urlPath) => {
      const runId = await newRun()
      const blobsBefore = blobFiles().length

      const res = await rawRequest('PUT', `/api/v1/runs/${runId}/artifacts/${urlPath}`, 'attack')

      expect(res.status).toBe(400)
      expect(JSON.parse(res.text).error.code).toBe('INVALID_INPUT')
      expect(blobFiles().length).toBe(blobsBefore)
      expect((await api.get(`/api/v1/runs/${runId}/artifacts`)).body.entries).toEqual([])
    })

    it.each(badPaths)('refuses a download of a path with %s', async (_what, urlPath) => {
      const runId = await newRun()
      await upload(runId, 'x', 'a file a resolved path could reach')
      expect((await rawRequest('GET', `/api/v1/runs/${runId}/artifacts/${urlPath}`)).status).toBe(400)
    })

    it('refuses a body whose digest differs from the x-provena-sha256 header, keeping nothing', async () => {
      const runId = await newRun()
      const blobsBefore = blobFiles().length

      const res = await upload(runId, 'a.txt', 'actual bytes', { 'x-provena-sha256': sha256('other bytes') })

      expect(res.statusCode).toBe(400)
      expect(res.json().error.message).toMatch(/have sha256 [0-9a-f]{64}, not the [0-9a-f]{64} the request announced/)
      expect(blobFiles().length).toBe(blobsBefore)
      expect(pendingUploads()).toEqual([])
      expect((await download(runId, 'a.txt')).statusCode).toBe(404)
    })

    it('accepts a body whose digest matches the header', async () => {
      const runId = await newRun()
      const res = await upload(runId, 'a.txt', 'bytes', { 'x-provena-sha256': sha256('bytes') })
      expect(res.statusCode).toBe(201)
    })

    it('refuses a malformed digest header', async () => {
      const runId = await newRun()
      const res = await upload(runId, 'a.txt', 'bytes', { 'x-provena-sha256': 'not-a-digest' })
      expect([res.statusCode, res.json().error.message]).toEqual([
        400,
        'header x-provena-sha256 must be 64 lowercase hex characters',
      ])
    })

    it('refuses an upload that is not a raw octet-stream body', async () => {
      const runId = await newRun()
      const res = await upload(runId, 'a.json', '{"a":1}', { 'content-type': 'application/json' })
      expect([res.statusCode, res.json().error.code]).toEqual([400, 'INVALID_INPUT'])
    })

    it('keeps raw bodies to artifact uploads: a JSON route sent octet-stream answers 400', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/experiments',
        headers: { 'content-type': 'application/octet-stream', 'x-provena-client': 'test' },
        payload: '{"name":"sneaky"}',
      })
      expect([res.statusCode, res.json().error.code]).toEqual([400, 'INVALID_INPUT'])
    })

    it('answers 404 for an upload to a run that does not exist', async () => {
      const res = await upload('0'.repeat(32), 'a.txt', 'x')
      expect([res.statusCode, res.json().error.code]).toEqual([404, 'NOT_FOUND'])
    })

    it('refuses a file below a file, and a file where a directory is', async () => {
      const runId = await newRun()
      await upload(runId, 'a/b.txt', 'x')

      expect((await upload(runId, 'a/b.txt/c', 'x')).statusCode).toBe(409)
      expect((await upload(runId, 'a', 'x')).statusCode).toBe(409)
    })

    it('lets only one of a file and a file below it win when both are uploaded at once', async () => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const runId = await newRun()

        const answers = await Promise.all([upload(runId, 'a', 'file'), upload(runId, 'a/b', 'below')])

        expect(answers.map((res) => res.statusCode).sort()).toEqual([201, 409])
      }
    })

    it('refuses uploads and deletes on a deleted run', async () => {
      const runId = await newRun()
      await upload(runId, 'a.txt', 'x')
      await api.delete(`/api/v1/runs/${runId}`)

      expect((await upload(runId, 'b.txt', 'x')).statusCode).toBe(409)
      expect((await api.delete(`/api/v1/runs/${runId}/artifacts/a.txt`)).status).toBe(409)
    })
  })

  describe('finished runs', () => {
    async function finishedRun() {
      const runId = await newRun()
      await upload(runId, 'model.bin', 'v1')
      await api.patch(`/api/v1/runs/${runId}`, { status: 'FINISHED' })
      return runId
    }

    it('refuses uploads, overwrites and deletes with 409 and leaves the artifacts as they were', async () => {
      const runId = await finishedRun()

      const added = await upload(runId, 'new.txt', 'x')
      const overwritten = await upload(runId, 'model.bin', 'v2')
      const deleted = await api.delete(`/api/v1/runs/${runId}/artifacts/model.bin`)

      expect([added.statusCode, overwritten.statusCode, deleted.status]).toEqual([409, 409, 409])
      expect(overwritten.json().error.message).toMatch(/is FINISHED: its artifacts can no longer change/)
      expect((await download(runId, 'model.bin')).body).toBe('v1')
      expect((await api.get(`/api/v1/runs/${runId}/artifacts`)).body.entries).toHaveLength(1)
    })

    it('lets an admin override with force=true, audited as an override', async () => {
      const runId = await finishedRun()

      const res = await t.app.inject({
        method: 'PUT',
        url: `/api/v1/runs/${runId}/artifacts/model.bin?force=true`,
        headers: { 'content-type': 'application/octet-stream' },
        payload: 'v2',
      })

      expect(res.statusCode).toBe(201)
      const { body } = await api.get(`/api/v1/audit/events?objectType=run&objectId=${runId}&action=artifact.overwrite`)
      expect(body.events[0].details).toEqual({ adminOverride: true, runStatus: 'FINISHED' })
      expect(body.events[0].before).toMatchObject({ path: 'model.bin', sha256: sha256('v1') })
    })
  })

  describe('delete', () => {
    it('deletes a file, then a directory with everything below it, each audited', async () => {
      const runId = await newRun()
      for (const file of ['keep.txt', 'dir/a.txt', 'dir/sub/b.txt']) await upload(runId, file, file)

      const file = await api.delete(`/api/v1/runs/${runId}/artifacts/keep.txt`)
      const dir = await api.delete(`/api/v1/runs/${runId}/artifacts/dir`)

      expect([file.body, dir.body]).toEqual([{ deleted: 1 }, { deleted: 2 }])
      expect((await api.get(`/api/v1/runs/${runId}/artifacts`)).body.entries).toEqual([])
      expect((await auditActions(runId)).filter((a) => a === 'artifact.delete')).toHaveLength(2)
    })

    it('answers 404 for a path with nothing at or below it', async () => {
      const runId = await newRun()
      expect((await api.delete(`/api/v1/runs/${runId}/artifacts/nothing`)).status).toBe(404)
    })
  })
})
