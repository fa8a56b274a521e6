import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient } from '../../test-support/api-client.js'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'

describe.each(testDialects())('experiments API on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let api: ReturnType<typeof apiClient>
  beforeAll(async () => {
    t = await openTestApp(dialect)
    api = apiClient(t.app)
  })
  afterAll(async () => t.close())

  it('has a Default experiment with id 0 from the start', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/experiments/0' })
    expect(res.statusCode).toBe(200)
    expect(res.json().experiment).toMatchObject({ id: '0', name: 'Default', lifecycle: 'active', tags: {} })
  })

  it('creates an experiment and reads it back by id and by name', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/experiments',
      payload: { name: 'churn', description: 'first', tags: { team: 'ml' } },
    })
    expect(created.statusCode).toBe(201)
    const { experiment } = created.json()
    expect(experiment).toMatchObject({ name: 'churn', description: 'first', tags: { team: 'ml' }, lifecycle: 'active' })
    expect(experiment.id).toMatch(/^[1-9]\d*$/)
    const byName = await t.app.inject({ method: 'GET', url: '/api/v1/experiments/by-name/churn' })
    expect(byName.json()).toEqual({ experiment })
  })

  it('answers 409 for a duplicate experiment name and keeps the first', async () => {
    await t.app.inject({ method: 'POST', url: '/api/v1/experiments', payload: { name: 'dup', description: 'one' } })
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/experiments',
      payload: { name: 'dup', description: 'two' },
    })
    expect(res.statusCode).toBe(409)
    expect(res.json().error.code).toBe('ALREADY_EXISTS')
    const kept = await t.app.inject({ method: 'GET', url: '/api/v1/experiments/by-name/dup' })
    expect(kept.json().experiment.description).toBe('one')
  })

  it('renames an experiment, changes its description and sets and deletes tags', async () => {
    const id = await api.experiment('rename')
    await api.patch(`/api/v1/experiments/${id}`, { tags: { a: '1', b: '2' } })
    const res = await api.patch(`/api/v1/experiments/${id}`, {
      name: `renamed-${id}`,
      description: 'new text',
      tags: { a: null, c: '3' },
    })
    expect(res.status).toBe(200)
    expect(res.body.experiment).toMatchObject({
      id,
      name: `renamed-${id}`,
      description: 'new text',
      tags: { b: '2', c: '3' },
    })
  })

  it('refuses to rename onto an existing name and keeps both experiments as they were', async () => {
    const first = await api.experiment('taken')
    const second = await api.experiment('mover')
    const before = (await api.get(`/api/v1/experiments/${second}`)).body
    const firstName = (await api.get(`/api/v1/experiments/${first}`)).body.experiment.name
    const res = await api.patch(`/api/v1/experiments/${second}`, { name: firstName, description: 'changed' })
    expect(res.status).toBe(409)
    expect(res.body.error.code).toBe('ALREADY_EXISTS')
    expect((await api.get(`/api/v1/experiments/${second}`)).body).toEqual(before)
  })

  it('deletes and restores an experiment, hiding it from the active list meanwhile', async () => {
    const id = await api.experiment('lifecycle')
    expect((await api.delete(`/api/v1/experiments/${id}`)).status).toBe(204)
    const active = await api.get('/api/v1/experiments?maxResults=1000')
    expect(active.body.experiments.map((e: { id: string }) => e.id)).not.toContain(id)
    const deleted = await api.get('/api/v1/experiments?view=deleted&maxResults=1000')
    expect(deleted.body.experiments.map((e: { id: string }) => e.id)).toContain(id)
    expect((await api.delete(`/api/v1/experiments/${id}`)).status).toBe(409)
    const restored = await api.post(`/api/v1/experiments/${id}/restore`)
    expect(restored.body.experiment.lifecycle).toBe('active')
    expect((await api.post(`/api/v1/experiments/${id}/restore`)).status).toBe(409)
  })

  it('refuses to delete the Default experiment', async () => {
    const res = await api.delete('/api/v1/experiments/0')
    expect(res.status).toBe(409)
    expect((await api.get('/api/v1/experiments/0')).body.experiment.lifecycle).toBe('active')
  })

  it('lists experiments a page at a time and filters by a name pattern', async () => {
    const prefix = `page-${Math.random().toString(36).slice(2)}`
    for (const n of [1, 2, 3]) await api.post('/api/v1/experiments', { name: `${prefix}-${n}` })
    const first = await api.get(`/api/v1/experiments?nameLike=${prefix}%25&maxResults=2`)
    expect(first.body.experiments.map((e: { name: string }) => e.name)).toEqual([`${prefix}-1`, `${prefix}-2`])
    const second = await api.get(
      `/api/v1/experiments?nameLike=${prefix}%25&maxResults=2&pageToken=${encodeURIComponent(first.body.nextPageToken)}`,
    )
    expect(second.body).toMatchObject({ experiments: [{ name: `${prefix}-3` }], nextPageToken: null })
  })

  it('rejects missing, empty and over-long names and unknown ids with clear errors', async () => {
    const missing = await api.post('/api/v1/experiments', { description: 'no name' })
    expect(missing.status).toBe(400)
    expect(missing.body.error.message).toContain('name')
    expect((await api.post('/api/v1/experiments', { name: '   ' })).status).toBe(400)
    expect((await api.post('/api/v1/experiments', { name: 'x'.repeat(501) })).status).toBe(400)
    expect((await api.post('/api/v1/experiments', { name: 'ok', tags: { 'bad key!': 'v' } })).status).toBe(400)
    expect((await api.get('/api/v1/experiments/123456789')).status).toBe(404)
    expect((await api.get('/api/v1/experiments/abc')).status).toBe(400)
    expect((await api.get('/api/v1/experiments?maxResults=0')).status).toBe(400)
    expect((await api.get('/api/v1/experiments/by-name/ok')).status).toBe(404)
  })

  it('refuses a name with an unpaired UTF-16 surrogate, which could not be stored or hashed faithfully', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/experiments',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": "bad \\ud800 name"}',
    })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.message).toContain('surrogate')
    const paired = await api.post('/api/v1/experiments', { name: 'emoji \ud83d\ude00 ok' })
    expect(paired.status).toBe(201)
  })
})
