import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_CONTEXT } from '../../domain/auth/principal.js'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`
const PROXY = '/api/2.0/mlflow-artifacts'

describe.each(testDialects())('the MLflow artifact proxy on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  const tokens: Record<'owner' | 'reader', string> = { owner: '', reader: '' }

  beforeAll(async () => {
    t = await openTestApp(dialect, { auth: true, defaultPermission: 'NONE' })
    for (const name of ['owner', 'reader'] as const) {
      await t.services.accounts.createUser(SYSTEM_CONTEXT, { username: name, password: 'proxy-password-1' })
      tokens[name] = (await t.services.accounts.createToken(SYSTEM_CONTEXT, { name: 't' }, name)).token
    }
  })
  afterAll(async () => t.close())

  /** A running run: `owner` may EDIT its experiment, `reader` only READ it. */
  async function seed() {
    const experiment = await t.services.experiments.create(SYSTEM_CONTEXT, { name: unique('exp') })
    const run = await t.services.runs.create(SYSTEM_CONTEXT, { experimentId: experiment.id, status: 'RUNNING' })
    await t.store.transaction(async (tx) => {
      for (const [name, level] of [
        ['owner', 'EDIT'],
        ['reader', 'READ'],
      ] as const) {
        const user = await tx.users.findByUsername(name)
        await tx.permissions.grant('experiment', experiment.id, String(user?.id), level)
      }
    })
    return { experimentId: experiment.id, runId: run.id, root: `${experiment.id}/${run.id}/artifacts` }
  }

  function request(
    method: 'GET' | 'PUT' | 'DELETE' | 'POST',
    url: string,
    options: { who?: keyof typeof tokens; body?: string | Buffer; contentType?: string } = {},
  ) {
    const headers: Record<string, string> = { authorization: `Bearer ${tokens[options.who ?? 'owner']}` }
    if (options.contentType) headers['content-type'] = options.contentType
    return t.app.inject({ method, url, headers, ...(options.body === undefined ? {} : { payload: options.body }) })
  }

  const storedPaths = async (runId: string) =>
    (await t.services.artifacts.list(SYSTEM_CONTEXT, runId, { path: '', maxResults: 100 })).entries.map((e) => e.path)

  describe('PUT and GET', () => {
    it('stores the raw body of any media type as the run’s file, audited as a native upload', async () => {
      const { runId, root } = await seed()
      for (const [path, contentType, body] of [
        ['notes.txt', 'text/plain', 'hello'],
        ['model/MLmodel', 'application/octet-stream', 'flavors: {}'],
        ['metrics.json', 'application/json', '{"not": "parsed"'],
        ['plot.png', 'image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47])],
      ] as const) {
        const res = await request('PUT', `${PROXY}/artifacts/${root}/${path}`, { body, contentType })
        expect({ status: res.statusCode, body: res.json() }).toEqual({ status: 200, body: {} })
      }
      const json = await request('GET', `${PROXY}/artifacts/${root}/metrics.json`)
      expect(json.body).toBe('{"not": "parsed"')
      const png = await request('GET', `${PROXY}/artifacts/${root}/plot.png`)
      expect(png.rawPayload).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]))
      expect(png.headers).toMatchObject({
        'content-type': 'image/png',
        'content-length': '4',
        'x-content-type-options': 'nosniff',
        'content-disposition': expect.stringContaining('attachment'),
      })
      const { events } = await t.services.audit.list(SYSTEM_CONTEXT, {
        objectId: runId,
        action: 'artifact.upload',
        maxResults: 10,
      })
      expect(events.map((e) => [e.actor, (e.after as { path: string }).path]).sort()).toEqual(
        ['metrics.json', 'model/MLmodel', 'notes.txt', 'plot.png'].map((p) => ['owner/token:t', p]),
      )
    })

    it('stores an empty body as an empty file', async () => {
      const { runId, root } = await seed()
      const res = await request('PUT', `${PROXY}/artifacts/${root}/empty.txt`, { body: '', contentType: 'text/plain' })
      expect(res.statusCode).toBe(200)
      expect(await storedPaths(runId)).toEqual(['empty.txt'])
    })

    it('stores a body sent without a Content-Type', async () => {
      const { root } = await seed()
      const res = await request('PUT', `${PROXY}/artifacts/${root}/raw.bin`, { body: Buffer.from('raw bytes') })
      expect(res.statusCode).toBe(200)
      expect((await request('GET', `${PROXY}/artifacts/${root}/raw.bin`)).body).toBe('raw bytes')
    })

    it('answers a file that is not there with RESOURCE_DOES_NOT_EXIST', async () => {
      const { root } = await seed()
      const res = await request('GET', `${PROXY}/artifacts/${root}/missing.bin`)
      expect({ status: res.statusCode, body: res.json() }).toEqual({
        status: 404,
        body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: expect.stringContaining('missing.bin') },
      })
    })

    it('refuses an upload by a reader with PERMISSION_DENIED, storing nothing', async () => {
      const { runId, root } = await seed()
      const res = await request('PUT', `${PROXY}/artifacts/${root}/x.bin`, {
        who: 'reader',
        body: 'x',
        contentType: 'application/octet-stream',
      })
      expect({ status: res.statusCode, code: res.json().error_code }).toEqual({
        status: 403,
        code: 'PERMISSION_DENIED',
      })
      expect(await storedPaths(runId)).toEqual([])
    })

    it('refuses to change a finished run’s files (INVALID_PARAMETER_VALUE), keeping them as they were', async () => {
      const { runId, root } = await seed()
      await request('PUT', `${PROXY}/artifacts/${root}/model.bin`, {
        body: 'v1',
        contentType: 'application/octet-stream',
      })
      await t.services.runs.update(SYSTEM_CONTEXT, runId, { status: 'FINISHED' })
      const put = await request('PUT', `${PROXY}/artifacts/${root}/model.bin`, {
        body: 'v2',
        contentType: 'application/octet-stream',
      })
      expect({ status: put.statusCode, code: put.json().error_code }).toEqual({
        status: 400,
        code: 'INVALID_PARAMETER_VALUE',
      })
      const del = await request('DELETE', `${PROXY}/artifacts/${root}/model.bin`)
      expect(del.json().error_code).toBe('INVALID_PARAMETER_VALUE')
      expect((await request('GET', `${PROXY}/artifacts/${root}/model.bin`)).body).toBe('v1')
    })

    it('refuses a path whose experiment is not the run’s, storing nothing', async () => {
      const { runId } = await seed()
      const other = await seed()
      const res = await request('PUT', `${PROXY}/artifacts/${other.experimentId}/${runId}/artifacts/x.bin`, {
        body: 'x',
        contentType: 'application/octet-stream',
      })
      expect({ status: res.statusCode, code: res.json().error_code }).toEqual({
        status: 404,
        code: 'RESOURCE_DOES_NOT_EXIST',
      })
      expect(await storedPaths(runId)).toEqual([])
    })
  })

  describe('path normalisation', () => {
    // Dot segments written plainly in a URL are resolved by URL parsers (the injector's too) before a
    // request is sent; the socket test sends them raw.
    it.each([
      ['a doubly encoded .. segment', 'artifacts/%252e%252e/x'],
      ['an encoded slash with ..', 'artifacts/..%2F..%2Fx'],
      ['a backslash', 'artifacts/..%5C..%5Cx'],
      ['a doubled slash', 'artifacts//x'],
      ['a ; parameter', 'artifacts/x;y'],
      ['a scheme', 'artifacts/file:x'],
      ['a NUL', 'artifacts/x%00y'],
      ['fullwidth dots', 'artifacts/%EF%BC%8E%EF%BC%8E/x'],
      ['no artifacts segment', 'other/x'],
    ])('refuses %s with INVALID_PARAMETER_VALUE, storing nothing', async (_, tail) => {
      const { experimentId, runId } = await seed()
      const res = await request('PUT', `${PROXY}/artifacts/${experimentId}/${runId}/${tail}`, {
        body: 'evil',
        contentType: 'application/octet-stream',
      })
      expect({ status: res.statusCode, code: res.json().error_code }).toEqual({
        status: 400,
        code: 'INVALID_PARAMETER_VALUE',
      })
      expect(await storedPaths(runId)).toEqual([])
    })

    it.each([
      ['an absolute path', '/etc/passwd'],
      ['a traversal', '1/../../etc'],
      ['an experiment id that is not one', 'abc/def/artifacts'],
    ])('refuses to list %s', async (_, path) => {
      const res = await request('GET', `${PROXY}/artifacts?path=${encodeURIComponent(path)}`)
      expect({ status: res.statusCode, code: res.json().error_code }).toEqual({
        status: 400,
        code: 'INVALID_PARAMETER_VALUE',
      })
    })
  })

  describe('list', () => {
    it('lists a directory as MLflow’s FileInfo: base names, is_dir, file_size for files', async () => {
      const { experimentId, runId, root } = await seed()
      for (const [path, body] of [
        ['a.txt', 'abc'],
        ['model/MLmodel', 'flavors'],
        ['model/data/w.bin', '12345'],
      ]) {
        await t.services.artifacts.upload(
          SYSTEM_CONTEXT,
          runId,
          path as string,
          Readable.from([Buffer.from(body as string)]),
        )
      }
      const list = async (path: string) =>
        (await request('GET', `${PROXY}/artifacts?path=${encodeURIComponent(path)}`, { who: 'reader' })).json()
      expect(await list(root)).toEqual({
        files: [
          { path: 'a.txt', is_dir: false, file_size: 3 },
          { path: 'model', is_dir: true },
        ],
      })
      expect(await list(`${root}/model/`)).toEqual({
        files: [
          { path: 'MLmodel', is_dir: false, file_size: 7 },
          { path: 'data', is_dir: true },
        ],
      })
      expect(await list(`${experimentId}/${runId}`)).toEqual({ files: [{ path: 'artifacts', is_dir: true }] })
      // MLflow's clients list a path to learn whether it is a directory: a file and a missing path list as empty.
      expect(await list(`${root}/a.txt`)).toEqual({})
      expect(await list(`${root}/nothing`)).toEqual({})
    })
  })

  describe('DELETE', () => {
    it('deletes a file, or a directory with its files', async () => {
      const { runId, root } = await seed()
      for (const path of ['keep.txt', 'dir/a.txt', 'dir/b.txt', 'gone.txt']) {
        await request('PUT', `${PROXY}/artifacts/${root}/${path}`, { body: path, contentType: 'text/plain' })
      }
      expect((await request('DELETE', `${PROXY}/artifacts/${root}/gone.txt`)).json()).toEqual({})
      expect((await request('DELETE', `${PROXY}/artifacts/${root}/dir`)).json()).toEqual({})
      expect(await storedPaths(runId)).toEqual(['keep.txt'])
      const again = await request('DELETE', `${PROXY}/artifacts/${root}/gone.txt`)
      expect(again.statusCode).toBe(404)
    })
  })

  describe('multipart upload', () => {
    it.each(['create', 'complete', 'abort'])(
      'answers mpu/%s as MLflow does for a store without multipart support',
      async (step) => {
        const { root } = await seed()
        const res = await t.app.inject({
          method: 'POST',
          url: `${PROXY}/mpu/${step}/${root}/big.bin`,
          headers: { authorization: `Bearer ${tokens.owner}` },
          payload: { path: 'big.bin', num_parts: 2 },
        })
        expect({ status: res.statusCode, body: res.json() }).toEqual({
          status: 501,
          body: {
            error_code: 'NOT_IMPLEMENTED',
            message: 'Multipart upload is not supported for the current artifact repository',
          },
        })
      },
    )
  })
})

describe('the MLflow artifact proxy and the browser-safety hook', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  beforeAll(async () => {
    t = await openTestApp('sqlite', { allowedHosts: ['localhost'] })
  })
  afterAll(async () => t?.close())

  async function root() {
    const experiment = await t.services.experiments.create(SYSTEM_CONTEXT, { name: unique('exp') })
    const run = await t.services.runs.create(SYSTEM_CONTEXT, { experimentId: experiment.id, status: 'RUNNING' })
    return { runId: run.id, root: `${experiment.id}/${run.id}/artifacts` }
  }

  it('lets a client PUT raw bytes of a "simple" media type (what MLflow’s client sends)', async () => {
    const { root: at } = await root()
    const res = await t.app.inject({
      method: 'PUT',
      url: `${PROXY}/artifacts/${at}/notes.txt`,
      headers: { host: 'localhost', 'content-type': 'text/plain' },
      payload: 'plain text',
    })
    expect(res.statusCode).toBe(200)
  })

  it('still refuses a host that is not allowed (DNS rebinding), storing nothing', async () => {
    const { runId, root: at } = await root()
    const res = await t.app.inject({
      method: 'PUT',
      url: `${PROXY}/artifacts/${at}/evil.txt`,
      headers: { host: 'attacker.example', 'content-type': 'text/plain' },
      payload: 'x',
    })
    expect(res.statusCode).toBe(403)
    expect((await t.services.artifacts.list(SYSTEM_CONTEXT, runId, { maxResults: 10 })).entries).toEqual([])
  })

  it('still refuses a cross-site "simple" POST (a form) to the multipart endpoints', async () => {
    const { root: at } = await root()
    const res = await t.app.inject({
      method: 'POST',
      url: `${PROXY}/mpu/create/${at}/big.bin`,
      headers: { host: 'localhost', 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'path=big.bin',
    })
    expect(res.statusCode).toBe(415)
  })
})
