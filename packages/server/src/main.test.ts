import { existsSync, mkdtempSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadServerConfig } from './config.js'
import { migrateDatabase, redactDatabaseUrl, startServer } from './main.js'
import { createTestDatabaseUrl, testDialects } from './test-support/test-databases.js'

function tempDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'provena-main-'))
}

describe('loadServerConfig', () => {
  it('defaults to loopback, port 5100 and a SQLite file inside the data dir', () => {
    const config = loadServerConfig({}, {})
    expect(config).toEqual({
      host: '127.0.0.1',
      port: 5100,
      dataDir: path.resolve('provena-data'),
      db: path.join(path.resolve('provena-data'), 'provena.db'),
      sqliteSynchronous: 'FULL',
      logLevel: 'info',
      insecureNoAuth: false,
      auth: false,
      allowedHosts: ['localhost', '127.0.0.1', '::1'],
      defaultPermission: 'READ',
      adminPassword: undefined,
      auditSigningKey: undefined,
      checkpointEvery: 1000,
      checkpointMinutes: 60,
      // The UI built next to the server package in the workspace.
      webDir: path.resolve(import.meta.dirname, '../../web/dist/app'),
      artifacts: { kind: 'local', dir: path.join(path.resolve('provena-data'), 'artifacts') },
      webhookAllowedHosts: [],
    })
  })

  it('takes an S3 location with the endpoint, region and keys of the usual AWS variables', () => {
    const env = {
      PROVENA_ARTIFACTS: 's3://ml-artifacts/team/provena',
      AWS_ENDPOINT_URL: 'http://minio:9000',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'key',
      AWS_SECRET_ACCESS_KEY: 'secret',
    }
    expect(loadServerConfig({ s3PathStyle: true }, env).artifacts).toEqual({
      kind: 's3',
      bucket: 'ml-artifacts',
      prefix: 'team/provena/',
      endpoint: 'http://minio:9000',
      region: 'eu-west-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'key', secretAccessKey: 'secret', sessionToken: undefined },
    })
    expect(
      loadServerConfig({ artifacts: 's3://bucket', s3Endpoint: 'http://other:9000' }, env).artifacts,
    ).toMatchObject({
      prefix: '',
      endpoint: 'http://other:9000',
    })
  })

  it('takes a directory for artifacts, and refuses other schemes', () => {
    expect(loadServerConfig({ artifacts: 'blobs' }, {}).artifacts).toEqual({
      kind: 'local',
      dir: path.resolve('blobs'),
    })
    expect(() => loadServerConfig({ artifacts: 'gs://bucket/x' }, {})).toThrow(/--artifacts \/ PROVENA_ARTIFACTS/)
  })

  it('takes environment variables, and flags over them', () => {
    const env = { PROVENA_PORT: '6000', PROVENA_DB: 'postgres://u:p@db/provena', PROVENA_INSECURE_NO_AUTH: '1' }
    expect(loadServerConfig({}, env)).toMatchObject({
      port: 6000,
      db: 'postgres://u:p@db/provena',
      insecureNoAuth: true,
    })
    expect(loadServerConfig({ port: 7000 }, env).port).toBe(7000)
  })

  it('names the flag and the variable of a bad value', () => {
    expect(() => loadServerConfig({}, { PROVENA_PORT: 'abc' })).toThrow(ConfigError)
    expect(() => loadServerConfig({}, { PROVENA_PORT: 'abc' })).toThrow(/--port \/ PROVENA_PORT/)
    expect(() => loadServerConfig({ sqliteSynchronous: 'OFF' }, {})).toThrow(
      /--sqlite-synchronous \/ PROVENA_SQLITE_SYNCHRONOUS/,
    )
    expect(() => loadServerConfig({ checkpointEvery: 0 }, {})).toThrow(
      /--audit-checkpoint-every \/ PROVENA_AUDIT_CHECKPOINT_EVERY/,
    )
  })
})

describe('redactDatabaseUrl', () => {
  it('hides a PostgreSQL password and leaves a SQLite path alone', () => {
    expect(redactDatabaseUrl('postgres://me:secret@db:5432/provena')).toBe('postgres://me:***@db:5432/provena')
    expect(redactDatabaseUrl('/data/provena.db')).toBe('/data/provena.db')
  })
})

describe('startServer', () => {
  it('refuses to listen on a non-loopback address without authentication', async () => {
    const config = loadServerConfig({ host: '0.0.0.0', port: 0, dataDir: tempDataDir() }, {})
    await expect(startServer(config)).rejects.toThrow(/--auth .*--insecure-no-auth/)
  })

  it.each(testDialects())(
    'serves health, readiness and OpenAPI over a real socket on %s, then stops',
    async (dialect) => {
      const dataDir = tempDataDir()
      const db = dialect === 'sqlite' ? undefined : await createTestDatabaseUrl('postgres')
      const server = await startServer(loadServerConfig({ port: 0, dataDir, db, logLevel: 'silent' }, {}))
      try {
        expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
        expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' })
        expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: 'ready' })
        const openapi = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as {
          openapi: string
          paths: object
        }
        expect(openapi.openapi).toMatch(/^3\./)
        expect(Object.keys(openapi.paths)).toEqual(
          expect.arrayContaining(['/api/v1/experiments', '/api/v1/runs/search', '/api/v1/runs/{runId}/batch']),
        )
        const created = await fetch(`${server.url}/api/v1/experiments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'over-the-wire' }),
        })
        expect(created.status).toBe(201)
        expect(created.headers.get('x-request-id')).toMatch(/\S+/)
      } finally {
        await server.close()
      }
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow()
      if (dialect === 'sqlite') expect(existsSync(path.join(dataDir, 'provena.db'))).toBe(true)
    },
  )

  it('finishes a request that is in flight when it is asked to stop', async () => {
    const server = await startServer(loadServerConfig({ port: 0, dataDir: tempDataDir(), logLevel: 'silent' }, {}))
    const created = await fetch(`${server.url}/api/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
    const { run } = (await created.json()) as { run: { id: string } }
    const body = JSON.stringify({ metrics: [{ key: 'm', value: 1, step: 1, timestampMs: 1 }] })
    // Send half the body, stop the server while the request is open, then send the rest.
    const answer = new Promise<number>((resolve, reject) => {
      const req = http.request(`${server.url}/api/v1/runs/${run.id}/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      })
      req.on('response', (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.write(body.slice(0, 10))
      setTimeout(() => {
        closing = server.close()
        setTimeout(() => req.end(body.slice(10)), 50)
      }, 100)
    })
    let closing: Promise<void> | undefined
    expect(await answer).toBe(200)
    await closing
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow()
  })
})

describe('migrateDatabase', () => {
  it('applies the migrations once and then has nothing to do', async () => {
    const db = await createTestDatabaseUrl('sqlite')
    expect(await migrateDatabase({ db, sqliteSynchronous: 'FULL' })).toEqual([
      '0001-tracking',
      '0002-metric-series',
      '0003-access-and-audit',
      '0004-artifacts',
      '0005-datasets',
      '0006-registry',
      '0007-lineage',
      '0008-deleted-version-edges',
    ])
    expect(await migrateDatabase({ db, sqliteSynchronous: 'FULL' })).toEqual([])
  })
})
