import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateSignerKey } from './domain/audit/signed-note.js'
import { SYSTEM_CONTEXT } from './domain/auth/principal.js'
import { createServices } from './services.js'
import { migrateToLatest, openDatabase } from './storage/index.js'
import { createStore } from './storage/store.js'
import type { ApiAnswer } from './test-support/api-client.js'
import { documentedBatchSha256 } from './test-support/batch-digest.js'
import { buildServer, type ServerProcess, startServerProcess } from './test-support/server-process.js'
import { createTestBlobStore } from './test-support/test-app.js'

const ADMIN_PASSWORD = 'ingest-admin-password'

/** A client of one server process, as `authorization`. */
function clientOf(server: ServerProcess, authorization: string) {
  async function call(method: string, route: string, body?: unknown): Promise<ApiAnswer> {
    const res = await fetch(`${server.url}${route}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) }
  }
  return {
    get: (route: string) => call('GET', route),
    post: (route: string, body: unknown) => call('POST', route, body),
    put: (route: string, body: unknown) => call('PUT', route, body),
    delete: (route: string) => call('DELETE', route),
  }
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

function points(batch: number, size: number) {
  return Array.from({ length: size }, (_, i) => ({
    key: 'loss',
    value: batch * size + i,
    step: batch * size + i,
    timestampMs: 1_000 + i,
  }))
}

/**
 * The built server on a SQLite file applies metric batches in a thread of its own over a second
 * connection (ingest-thread.ts). The same answers, durability and audit trail as in the main
 * thread are what users rely on.
 */
describe('metric batches in the ingestion thread (SQLite, built server)', () => {
  let server: ServerProcess
  let admin: ReturnType<typeof clientOf>
  let db: string

  beforeAll(async () => {
    await buildServer()
    db = path.join(mkdtempSync(path.join(tmpdir(), 'provena-ingest-thread-')), 'provena.db')
    server = await startServerProcess(db, ADMIN_PASSWORD)
    const { body } = await clientOf(server, basic('admin', ADMIN_PASSWORD)).post('/api/v1/tokens', { name: 'tests' })
    admin = clientOf(server, `Bearer ${body.token}`)
  })
  afterAll(async () => {
    await server?.stop()
  })

  async function newRun(experimentName: string): Promise<{ runId: string; experimentId: string }> {
    let experiment = (await admin.post('/api/v1/experiments', { name: experimentName })).body.experiment
    if (experiment === undefined)
      experiment = (await admin.get(`/api/v1/experiments/by-name/${experimentName}`)).body.experiment
    const { run } = (await admin.post('/api/v1/runs', { experimentId: experiment.id })).body
    return { runId: run.id, experimentId: experiment.id }
  }

  it('applies concurrent batches of several runs exactly once, beside writes of the main thread, in one audit chain', async () => {
    const runs = await Promise.all([0, 1, 2, 3].map(() => newRun('concurrent')))
    const batches = 15
    const size = 400
    await Promise.all([
      ...runs.map(async ({ runId }) => {
        for (let b = 0; b < batches; b++) {
          const res = await admin.post(`/api/v1/runs/${runId}/batch`, { metrics: points(b, size) })
          expect(res.status).toBe(200)
        }
      }),
      // Meanwhile the main connection writes too: runs created, tags set.
      (async () => {
        for (let i = 0; i < 10; i++) {
          const { runId } = await newRun('concurrent')
          expect(
            (await admin.post(`/api/v1/runs/${runId}/batch`, { tags: [{ key: 'i', value: `${i}` }] })).status,
          ).toBe(200)
          expect((await admin.put(`/api/v1/runs/${runs[0]?.runId}/tags/t${i}`, { value: 'x' })).status).toBeLessThan(
            300,
          )
        }
      })(),
    ])
    for (const { runId } of runs) {
      const history = (await admin.get(`/api/v1/runs/${runId}/metrics/loss/history?maxResults=100000`)).body
      expect(history.totalPoints).toBe(batches * size)
      expect(history.points.map((p: { step: number }) => p.step)).toEqual(
        Array.from({ length: batches * size }, (_, i) => i),
      )
      const { run } = (await admin.get(`/api/v1/runs/${runId}`)).body
      const last = batches * size - 1
      expect(run.metrics).toEqual([{ key: 'loss', value: last, step: last, timestampMs: 1_000 + size - 1 }])
    }
    const verification = (await admin.post('/api/v1/audit/verify', {})).body
    expect(verification.ok).toBe(true)
    expect(verification.count).toBe(verification.storedHeadSeq)
  })

  it('answers refused batches as the main thread does, and writes nothing of them', async () => {
    const { runId, experimentId } = await newRun('refusals')
    const logged = { metrics: points(0, 10), params: [{ key: 'lr', value: '0.1' }] }
    expect((await admin.post(`/api/v1/runs/${runId}/batch`, { ...logged, idempotencyKey: 'k1' })).body).toEqual({
      applied: true,
    })
    // A retry with the same key is applied once.
    expect((await admin.post(`/api/v1/runs/${runId}/batch`, { ...logged, idempotencyKey: 'k1' })).body).toEqual({
      applied: false,
    })

    const conflict = await admin.post(`/api/v1/runs/${runId}/batch`, {
      metrics: points(1, 10),
      params: [{ key: 'lr', value: '0.2' }],
    })
    expect(conflict.status).toBe(400)
    expect(conflict.body.error.code).toBe('INVALID_INPUT')
    expect(conflict.body.error.message).toContain('lr')

    const unknown = await admin.post('/api/v1/runs/0123456789abcdef0123456789abcdef/batch', { metrics: points(0, 1) })
    expect(unknown.status).toBe(404)
    expect(unknown.body.error.code).toBe('NOT_FOUND')

    // A user who may read the experiment but not edit it.
    await admin.post('/api/v1/users', { username: 'reader', password: 'reader-password-1' })
    await admin.put(`/api/v1/permissions/experiment/${experimentId}`, { username: 'reader', level: 'READ' })
    const reader = clientOf(server, basic('reader', 'reader-password-1'))
    const denied = await reader.post(`/api/v1/runs/${runId}/batch`, { metrics: points(2, 10) })
    expect(denied.status).toBe(403)
    expect(denied.body.error.code).toBe('PERMISSION_DENIED')

    expect((await admin.delete(`/api/v1/runs/${runId}`)).status).toBeLessThan(300)
    const deleted = await admin.post(`/api/v1/runs/${runId}/batch`, { metrics: points(3, 10) })
    expect(deleted.status).toBe(409)
    expect((await admin.post(`/api/v1/runs/${runId}/restore`, {})).status).toBeLessThan(300)

    const history = (await admin.get(`/api/v1/runs/${runId}/metrics/loss/history`)).body
    expect(history.totalPoints).toBe(10)
    const { run } = (await admin.get(`/api/v1/runs/${runId}`)).body
    expect(run.params).toEqual({ lr: '0.1' })
  })

  it('takes points in columns, and audits the batch with the digest the documentation describes', async () => {
    const { runId } = await newRun('columns')
    const batch = {
      metrics: [{ key: 'b', value: 2, step: 9, timestampMs: 90 }],
      series: [
        { key: 'a', values: [1, 'NaN', -1.5], steps: [1, 2, 3], timestampsMs: [10, 20, 30] },
        { key: 'b', values: [3], steps: [10], timestampsMs: [100] },
      ],
      params: [{ key: 'lr', value: '0.1' }],
    }
    expect((await admin.post(`/api/v1/runs/${runId}/batch`, batch)).status).toBe(200)
    const history = (await admin.get(`/api/v1/runs/${runId}/metrics/a/history`)).body
    expect(history.points).toEqual([
      { value: 1, step: 1, timestampMs: 10 },
      { value: 'NaN', step: 2, timestampMs: 20 },
      { value: -1.5, step: 3, timestampMs: 30 },
    ])
    const { events } = (await admin.get(`/api/v1/audit/events?objectId=${runId}&action=run.log_batch`)).body
    expect(events.map((e: { details: unknown }) => e.details)).toEqual([
      {
        metrics: 5,
        params: 1,
        tags: 0,
        idempotencyKey: null,
        digestFormat: 'provena-metric-batch-v1',
        sha256: documentedBatchSha256(
          [
            { key: 'b', value: 2, step: 9, timestampMs: 90 },
            { key: 'a', value: 1, step: 1, timestampMs: 10 },
            { key: 'a', value: Number.NaN, step: 2, timestampMs: 20 },
            { key: 'a', value: -1.5, step: 3, timestampMs: 30 },
            { key: 'b', value: 3, step: 10, timestampMs: 100 },
          ],
          '{"params":[{"key":"lr","value":"0.1"}],"tags":[]}',
        ),
      },
    ])
  })

  it('keeps every acknowledged batch when the process is killed', async () => {
    const { runId } = await newRun('crash')
    let acknowledged = 0
    for (let b = 0; b < 30; b++) {
      expect((await admin.post(`/api/v1/runs/${runId}/batch`, { metrics: points(b, 200) })).status).toBe(200)
      acknowledged++
    }
    // No graceful stop: the process dies right after the last acknowledgement.
    server.child.kill('SIGKILL')
    await server.stop()

    const database = openDatabase({ url: db, sqliteSynchronous: 'FULL' })
    await migrateToLatest(database.db, database.kind)
    const stored = await createStore(database).metrics.countHistory(runId, 'loss')
    await database.close()
    expect(stored).toBe(acknowledged * 200)

    server = await startServerProcess(db, ADMIN_PASSWORD)
    const { body } = await clientOf(server, basic('admin', ADMIN_PASSWORD)).post('/api/v1/tokens', { name: 'again' })
    admin = clientOf(server, `Bearer ${body.token}`)
    expect((await admin.post(`/api/v1/runs/${runId}/batch`, { metrics: points(30, 200) })).status).toBe(200)
    expect((await admin.get(`/api/v1/runs/${runId}/metrics/loss/history?maxResults=1`)).body.totalPoints).toBe(31 * 200)
  })
})

describe('the ingestion thread, stopped', () => {
  it('hands later batches to the in-process path, and reports no failure for a stop that was asked for', async () => {
    await buildServer()
    // The thread's script exists only in the build; the module is loaded from there too.
    const built: typeof import('./ingest-thread.js') = await import(
      new URL('../dist/ingest-thread.js', import.meta.url).href
    )
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'provena-ingest-stop-')), 'provena.db')
    const database = openDatabase({ url: file, sqliteSynchronous: 'NORMAL' })
    await migrateToLatest(database.db, database.kind)
    const services = createServices({
      store: createStore(database),
      blobs: createTestBlobStore(),
      signerKey: generateSignerKey('test'),
    })
    const { id: experimentId } = await services.experiments.create(SYSTEM_CONTEXT, { name: 'stop' })
    const run = await services.runs.create(SYSTEM_CONTEXT, { experimentId, status: 'RUNNING' })
    const failures: string[] = []
    const thread = built.startIngestThread({
      db: file,
      defaultPermission: 'READ',
      syncCommits: null,
      onFailure: (reason) => failures.push(reason),
    })
    if (thread === undefined) throw new Error('the built worker script is missing')
    const inProcessCalls: number[] = []
    const inProcess: typeof services.metrics.logBatch = (ctx, runId, batch) => {
      inProcessCalls.push(batch.metrics.length)
      return services.metrics.logBatch(ctx, runId, batch)
    }
    const batch = (step: number) => ({ metrics: [{ key: 'loss', value: step, step }], params: [], tags: [] })

    expect(await thread.logBatch(SYSTEM_CONTEXT, run.id, batch(1), inProcess)).toEqual({ applied: true })
    expect(inProcessCalls).toEqual([])
    await thread.close()
    expect(await thread.logBatch(SYSTEM_CONTEXT, run.id, batch(2), inProcess)).toEqual({ applied: true })
    expect(inProcessCalls).toEqual([1])
    expect(failures).toEqual([])
    expect(await services.store.metrics.countHistory(run.id, 'loss')).toBe(2)
    await database.close()
  })
})
