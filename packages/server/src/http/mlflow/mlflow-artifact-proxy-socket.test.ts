import { createHash, randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_CONTEXT } from '../../domain/auth/principal.js'
import { localBlobFile } from '../../storage/artifacts/local-blob-store.js'
import { openTestApp, TEST_ADMIN_PASSWORD } from '../../test-support/test-app.js'

/**
 * The artifact proxy over a real socket, spoken to as the Python `mlflow` client speaks to it
 * (mlflow/store/artifact/http_artifact_repo.py): HTTP basic credentials from
 * MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD, a PUT of the file's raw bytes with its
 * guessed media type, a GET streamed to disk, and a listing by `?path=`.
 */
describe('the MLflow artifact proxy over a listening server', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let base: string
  const authorization = `Basic ${Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64')}`

  beforeAll(async () => {
    t = await openTestApp('sqlite', { auth: true })
    base = `${await t.app.listen({ host: '127.0.0.1', port: 0 })}/api/2.0/mlflow-artifacts/artifacts`
  })
  afterAll(async () => t?.close())

  async function runRoot() {
    const experiment = await t.services.experiments.create(SYSTEM_CONTEXT, {
      name: `socket-${randomBytes(4).toString('hex')}`,
    })
    const run = await t.services.runs.create(SYSTEM_CONTEXT, { experimentId: experiment.id, status: 'RUNNING' })
    return `${experiment.id}/${run.id}/artifacts`
  }

  const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')

  it('uploads bytes with PUT, downloads the same bytes with GET and lists them', async () => {
    const root = await runRoot()
    const weights = randomBytes(3 * 1024 * 1024 + 17)
    const put = await fetch(`${base}/${root}/model/weights.bin`, {
      method: 'PUT',
      headers: { authorization, 'content-type': 'application/octet-stream' },
      body: weights,
    })
    expect({ status: put.status, body: await put.json() }).toEqual({ status: 200, body: {} })
    const yaml = await fetch(`${base}/${root}/model/MLmodel`, {
      method: 'PUT',
      headers: { authorization, 'content-type': 'text/plain' },
      body: 'artifact_path: model\n',
    })
    expect(yaml.status).toBe(200)

    const got = await fetch(`${base}/${root}/model/weights.bin`, { headers: { authorization } })
    expect(got.status).toBe(200)
    const downloaded = new Uint8Array(await got.arrayBuffer())
    expect({ size: downloaded.length, sha256: sha256(downloaded) }).toEqual({
      size: weights.length,
      sha256: sha256(weights),
    })

    const listing = await fetch(`${base}?path=${encodeURIComponent(`${root}/model`)}`, { headers: { authorization } })
    expect(await listing.json()).toEqual({
      files: [
        { path: 'MLmodel', is_dir: false, file_size: 21 },
        { path: 'weights.bin', is_dir: false, file_size: weights.length },
      ],
    })
  })

  it('aborts the download of a file whose stored bytes were altered, and audits it, as native downloads do', async () => {
    const root = await runRoot()
    const bytes = randomBytes(3 * 1024 * 1024 + 5)
    await fetch(`${base}/${root}/model.bin`, {
      method: 'PUT',
      headers: { authorization, 'content-type': 'application/octet-stream' },
      body: bytes,
    })
    const digest = sha256(bytes)
    const corrupt = Buffer.from(bytes)
    corrupt[corrupt.length - 1] = (corrupt[corrupt.length - 1] ?? 0) ^ 0xff
    writeFileSync(localBlobFile(t.blobs.location, digest), corrupt)

    const res = await fetch(`${base}/${root}/model.bin`, { headers: { authorization } })
    expect(res.status).toBe(200)
    await expect(res.arrayBuffer()).rejects.toThrow()
    let failures: unknown[] = []
    for (let i = 0; i < 200 && failures.length === 0; i++) {
      failures = (
        await t.services.audit.list(SYSTEM_CONTEXT, {
          action: 'artifact.integrity_failure',
          objectId: digest,
          maxResults: 10,
        })
      ).events
      if (failures.length === 0) await sleep(25)
    }
    expect(failures).toHaveLength(1)
  })

  it('takes a streamed (chunked) upload without a length', async () => {
    const root = await runRoot()
    const chunks = [randomBytes(64 * 1024), randomBytes(64 * 1024), randomBytes(100)]
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk)
        controller.close()
      },
    })
    const put = await fetch(`${base}/${root}/stream.bin`, {
      method: 'PUT',
      headers: { authorization, 'content-type': 'application/octet-stream' },
      body,
      duplex: 'half',
    } as RequestInit)
    expect(put.status).toBe(200)
    const got = new Uint8Array(
      await (await fetch(`${base}/${root}/stream.bin`, { headers: { authorization } })).arrayBuffer(),
    )
    expect(sha256(got)).toBe(sha256(Buffer.concat(chunks)))
  })

  it('answers a request without credentials with UNAUTHENTICATED, storing nothing', async () => {
    const root = await runRoot()
    const put = await fetch(`${base}/${root}/x.bin`, {
      method: 'PUT',
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    })
    expect({ status: put.status, code: ((await put.json()) as { error_code: string }).error_code }).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
    })
    const listing = await fetch(`${base}?path=${encodeURIComponent(root)}`, { headers: { authorization } })
    expect(await listing.json()).toEqual({})
  })

  it('registers a model from proxied artifacts and downloads it through its download URI, as load_model does', async () => {
    const root = await runRoot()
    for (const [path, text] of [
      ['model/MLmodel', 'flavors: {}\n'],
      ['model/model.pkl', 'pickled'],
    ]) {
      await fetch(`${base}/${root}/${path}`, {
        method: 'PUT',
        headers: { authorization, 'content-type': 'application/octet-stream' },
        body: text,
      })
    }
    const api = base.replace('/mlflow-artifacts/artifacts', '/mlflow')
    const json = { authorization, 'content-type': 'application/json' }
    const name = `socket model ${randomBytes(4).toString('hex')}`
    await fetch(`${api}/registered-models/create`, { method: 'POST', headers: json, body: JSON.stringify({ name }) })
    const created = await fetch(`${api}/model-versions/create`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name, source: `mlflow-artifacts:/${root}/model` }),
    })
    expect(((await created.json()) as { model_version: { version: string } }).model_version.version).toBe('1')
    const uri = await fetch(`${api}/model-versions/get-download-uri?${new URLSearchParams({ name, version: '1' })}`, {
      headers: { authorization },
    })
    const { artifact_uri } = (await uri.json()) as { artifact_uri: string }
    expect(artifact_uri).toBe(`mlflow-artifacts:/${root}/model`)
    const location = artifact_uri.slice('mlflow-artifacts:/'.length)
    const listing = (await (
      await fetch(`${base}?path=${encodeURIComponent(location)}`, { headers: { authorization } })
    ).json()) as {
      files: { path: string }[]
    }
    const downloaded: Record<string, string> = {}
    for (const file of listing.files) {
      downloaded[file.path] = await (
        await fetch(`${base}/${location}/${file.path}`, { headers: { authorization } })
      ).text()
    }
    expect(downloaded).toEqual({ MLmodel: 'flavors: {}\n', 'model.pkl': 'pickled' })
  })

  /** A PUT whose request line carries `path` exactly as written: no client-side URL normalisation. */
  function rawPut(path: string): Promise<{ status: number; body: { error_code?: string } }> {
    const url = new URL(base)
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          method: 'PUT',
          path,
          headers: { authorization, 'content-type': 'application/octet-stream' },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }),
          )
        },
      )
      req.on('error', reject)
      req.end('evil')
    })
  }

  it.each([
    ['a .. segment', '../../../../x'],
    ['a .. segment inside the run', 'a/../../x'],
    ['a . segment', './x'],
    ['an encoded .. segment', '%2e%2e/x'],
    ['an encoded slash between dots', 'a/..%2f..%2fx'],
    ['a backslash traversal', '..\\..\\x'],
  ])('refuses %s in the raw request line, storing nothing', async (_, tail) => {
    const root = await runRoot()
    const answer = await rawPut(`/api/2.0/mlflow-artifacts/artifacts/${root}/${tail}`)
    expect(answer.status).toBe(400)
    expect(answer.body.error_code).toBe('INVALID_PARAMETER_VALUE')
    const listing = await fetch(`${base}?path=${encodeURIComponent(root)}`, { headers: { authorization } })
    expect(await listing.json()).toEqual({})
  })
})
