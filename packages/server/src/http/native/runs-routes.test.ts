import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient } from '../../test-support/api-client.js'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'

describe.each(testDialects())('runs API on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let api: ReturnType<typeof apiClient>
  beforeAll(async () => {
    t = await openTestApp(dialect)
    api = apiClient(t.app)
  })
  afterAll(async () => t.close())

  it('creates a run in the Default experiment with a readable generated name', async () => {
    const res = await api.post('/api/v1/runs', {})
    expect(res.status).toBe(201)
    expect(res.body.run).toMatchObject({
      experimentId: '0',
      status: 'RUNNING',
      endTimeMs: null,
      userId: 'local-admin',
      parentRunId: null,
      lifecycle: 'active',
      params: {},
      tags: {},
      metrics: [],
    })
    expect(res.body.run.id).toMatch(/^[0-9a-f]{32}$/)
    expect(res.body.run.name).toMatch(/^[a-z]+-[a-z]+-\d{1,3}$/)
  })

  it('stores the given name, params, tags and parent and returns them on get', async () => {
    const experimentId = await api.experiment()
    const parent = await api.run({ experimentId, name: 'parent' })
    const child = await api.run({
      experimentId,
      name: 'child',
      startTimeMs: 1_700_000_000_000,
      parentRunId: parent.id,
      params: { lr: '0.1' },
      tags: { stage: 'dev' },
    })
    const res = await api.get(`/api/v1/runs/${child.id}`)
    expect(res.body.run).toEqual({
      id: child.id,
      experimentId,
      name: 'child',
      status: 'RUNNING',
      startTimeMs: 1_700_000_000_000,
      endTimeMs: null,
      userId: 'local-admin',
      parentRunId: parent.id,
      lifecycle: 'active',
      params: { lr: '0.1' },
      tags: { stage: 'dev' },
      metrics: [],
    })
  })

  it('sets the end time when a run finishes without one', async () => {
    const run = await api.run()
    const res = await api.patch(`/api/v1/runs/${run.id}`, { status: 'FINISHED' })
    expect(res.status).toBe(200)
    expect(res.body.run.status).toBe('FINISHED')
    expect(res.body.run.endTimeMs).toBeGreaterThanOrEqual(run.startTimeMs)
  })

  it('deletes and restores a run, and refuses to log to a deleted run', async () => {
    const run = await api.run()
    expect((await api.delete(`/api/v1/runs/${run.id}`)).status).toBe(204)
    expect((await api.get(`/api/v1/runs/${run.id}`)).body.run.lifecycle).toBe('deleted')
    const logged = await api.post(`/api/v1/runs/${run.id}/batch`, { metrics: [{ key: 'loss', value: 1 }] })
    expect(logged.status).toBe(409)
    expect(logged.body.error.code).toBe('CONFLICT')
    const restored = await api.post(`/api/v1/runs/${run.id}/restore`)
    expect(restored.body.run.lifecycle).toBe('active')
    expect(restored.body.run.metrics).toEqual([])
  })

  it('sets and deletes a tag', async () => {
    const run = await api.run()
    expect((await api.put(`/api/v1/runs/${run.id}/tags/note`, { value: 'hello' })).status).toBe(204)
    expect((await api.get(`/api/v1/runs/${run.id}`)).body.run.tags).toEqual({ note: 'hello' })
    expect((await api.delete(`/api/v1/runs/${run.id}/tags/note`)).status).toBe(204)
    expect((await api.get(`/api/v1/runs/${run.id}`)).body.run.tags).toEqual({})
    expect((await api.delete(`/api/v1/runs/${run.id}/tags/note`)).status).toBe(404)
  })

  it('answers 404 for an unknown run and 400 for a malformed run id', async () => {
    const unknown = await api.get(`/api/v1/runs/${'a'.repeat(32)}`)
    expect(unknown).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: `run '${'a'.repeat(32)}' not found` } },
    })
    const malformed = await api.get('/api/v1/runs/not-a-run')
    expect(malformed.status).toBe(400)
    expect(malformed.body.error.code).toBe('INVALID_INPUT')
    expect(malformed.body.error.message).toContain('runId')
  })

  it('refuses a run in an unknown experiment or under an unknown parent and stores nothing', async () => {
    const experimentId = await api.experiment()
    const noExperiment = await api.post('/api/v1/runs', { experimentId: '987654' })
    expect(noExperiment.status).toBe(404)
    const noParent = await api.post('/api/v1/runs', { experimentId, parentRunId: 'b'.repeat(32) })
    expect(noParent.status).toBe(404)
    const search = await api.post('/api/v1/runs/search', { experimentIds: [experimentId] })
    expect(search.body.runs).toEqual([])
  })

  it('refuses a run in a deleted experiment', async () => {
    const experimentId = await api.experiment()
    await api.delete(`/api/v1/experiments/${experimentId}`)
    const res = await api.post('/api/v1/runs', { experimentId })
    expect(res.status).toBe(409)
    expect(res.body.error.message).toContain('deleted')
  })

  it('rejects wrong-typed and unknown-status fields with a message naming the field', async () => {
    const wrongType = await api.post('/api/v1/runs', { name: 42 })
    expect(wrongType.status).toBe(400)
    expect(wrongType.body.error.message).toContain('name')
    const badStatus = await api.post('/api/v1/runs', { status: 'DONE' })
    expect(badStatus.status).toBe(400)
    expect(badStatus.body.error.message).toContain('status')
  })
})
