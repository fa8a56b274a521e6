import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestApp } from '../../test-support/test-app.js'

describe('the MLflow API prefixes', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  beforeAll(async () => {
    t = await openTestApp('sqlite')
  })
  afterAll(async () => {
    await t?.close()
  })

  it.each(['/api/2.0/mlflow/no-such-endpoint', '/ajax-api/2.0/mlflow/no-such-endpoint'])(
    'answers an unknown path under %s with MLflow’s error body',
    async (url) => {
      const response = await t.app.inject({ method: 'GET', url })
      expect(response.statusCode).toBe(404)
      expect(response.json()).toEqual({ error_code: 'ENDPOINT_NOT_FOUND', message: expect.stringContaining(url) })
    },
  )

  it('keeps the native error body outside the MLflow prefixes', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/no-such-endpoint' })
    expect(response.statusCode).toBe(404)
    expect(response.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } })
  })
})
