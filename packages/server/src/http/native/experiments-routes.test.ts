import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'

describe.each(testDialects())('experiments API on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  beforeAll(async () => {
    t = await openTestApp(dialect)
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
})
