import { MAX_BATCH_METRICS } from '@provena/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient } from '../../test-support/api-client.js'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'

describe.each(testDialects())('batch logging and metric history on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let api: ReturnType<typeof apiClient>
  beforeAll(async () => {
    t = await openTestApp(dialect)
    api = apiClient(t.app)
  })
  afterAll(async () => t.close())

  /** Everything a client can see of a run: the run itself and the full history of each key. */
  async function snapshot(runId: string, keys: string[]) {
    const run = (await api.get(`/api/v1/runs/${runId}`)).body
    const histories = await Promise.all(keys.map((k) => api.get(`/api/v1/runs/${runId}/metrics/${k}/history`)))
    return { run, histories: histories.map((h) => h.body) }
  }

  it('stores metrics, params and tags of a batch and keeps the latest value per key', async () => {
    const run = await api.run()
    const res = await api.post(`/api/v1/runs/${run.id}/batch`, {
      metrics: [
        { key: 'loss', value: 0.9, step: 2, timestampMs: 2000 },
        { key: 'loss', value: 0.5, step: 1, timestampMs: 3000 },
        { key: 'acc', value: 0.7, step: 5, timestampMs: 1000 },
        { key: 'acc', value: 0.8, step: 5, timestampMs: 1500 },
      ],
      params: [{ key: 'lr', value: '0.01' }],
      tags: [{ key: 'model', value: 'cnn' }],
    })
    expect(res).toEqual({ status: 200, body: { applied: true } })
    const got = (await api.get(`/api/v1/runs/${run.id}`)).body.run
    expect(got.params).toEqual({ lr: '0.01' })
    expect(got.tags).toEqual({ model: 'cnn' })
    expect(got.metrics).toEqual([
      { key: 'acc', value: 0.8, step: 5, timestampMs: 1500 },
      { key: 'loss', value: 0.9, step: 2, timestampMs: 2000 },
    ])
  })

  it('keeps every point, in step order, including NaN and the infinities', async () => {
    const run = await api.run()
    await api.post(`/api/v1/runs/${run.id}/batch`, {
      metrics: [
        { key: 'x', value: 'NaN', step: 3, timestampMs: 10 },
        { key: 'x', value: 'Infinity', step: 1, timestampMs: 10 },
        { key: 'x', value: '-Infinity', step: 2, timestampMs: 10 },
        { key: 'x', value: 1.5, step: 0, timestampMs: 10 },
        { key: 'x', value: 1.5, step: 0, timestampMs: 10 },
      ],
    })
    const history = await api.get(`/api/v1/runs/${run.id}/metrics/x/history`)
    expect(history.body).toEqual({
      key: 'x',
      points: [
        { value: 1.5, step: 0, timestampMs: 10 },
        { value: 1.5, step: 0, timestampMs: 10 },
        { value: 'Infinity', step: 1, timestampMs: 10 },
        { value: '-Infinity', step: 2, timestampMs: 10 },
        { value: 'NaN', step: 3, timestampMs: 10 },
      ],
      totalPoints: 5,
      isDownsampled: false,
      nextPageToken: null,
    })
    expect((await api.get(`/api/v1/runs/${run.id}`)).body.run.metrics).toEqual([
      { key: 'x', value: 'NaN', step: 3, timestampMs: 10 },
    ])
  })

  it('takes points in columns (series), alone or beside single points, as the same points', async () => {
    const run = await api.run()
    const res = await api.post(`/api/v1/runs/${run.id}/batch`, {
      metrics: [{ key: 'loss', value: 9, step: 5, timestampMs: 50 }],
      series: [
        { key: 'loss', values: [1, 'NaN', 'Infinity'], steps: [1, 2, 3], timestampsMs: [10, 20, 30] },
        { key: 'acc', values: [0.5, 0.75] },
      ],
    })
    expect(res.status).toBe(200)
    const loss = (await api.get(`/api/v1/runs/${run.id}/metrics/loss/history`)).body
    expect(loss.points).toEqual([
      { value: 1, step: 1, timestampMs: 10 },
      { value: 'NaN', step: 2, timestampMs: 20 },
      { value: 'Infinity', step: 3, timestampMs: 30 },
      { value: 9, step: 5, timestampMs: 50 },
    ])
    // Without steps and timestamps: step 0 and the server's time, as for single points.
    const acc = (await api.get(`/api/v1/runs/${run.id}/metrics/acc/history`)).body
    expect(acc.points.map((p: { value: number; step: number }) => [p.value, p.step])).toEqual([
      [0.5, 0],
      [0.75, 0],
    ])
    expect(acc.points[0].timestampMs).toBeGreaterThan(Date.now() - 60_000)
  })

  it('defaults a point to step 0 and the server time', async () => {
    const run = await api.run()
    const before = Date.now()
    await api.post(`/api/v1/runs/${run.id}/batch`, { metrics: [{ key: 'm', value: 1 }] })
    const [point] = (await api.get(`/api/v1/runs/${run.id}/metrics/m/history`)).body.points
    expect(point.step).toBe(0)
    expect(point.timestampMs).toBeGreaterThanOrEqual(before)
    expect(point.timestampMs).toBeLessThanOrEqual(Date.now())
  })

  it('applies a batch with an idempotency key only once', async () => {
    const run = await api.run()
    const batch = { metrics: [{ key: 'm', value: 1, step: 1, timestampMs: 1 }], idempotencyKey: 'batch-1' }
    expect((await api.post(`/api/v1/runs/${run.id}/batch`, batch)).body).toEqual({ applied: true })
    expect((await api.post(`/api/v1/runs/${run.id}/batch`, batch)).body).toEqual({ applied: false })
    expect((await api.get(`/api/v1/runs/${run.id}/metrics/m/history`)).body.totalPoints).toBe(1)
  })

  it('applies one batch once even when its retries arrive at the same time', async () => {
    const run = await api.run()
    const metrics = Array.from({ length: 100 }, (_, i) => ({ key: 'm', value: i, step: i, timestampMs: i }))
    const batch = { metrics, idempotencyKey: 'concurrent' }
    const answers = await Promise.all(Array.from({ length: 5 }, () => api.post(`/api/v1/runs/${run.id}/batch`, batch)))
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200])
    expect(answers.filter((a) => a.body.applied)).toHaveLength(1)
    expect((await api.get(`/api/v1/runs/${run.id}/metrics/m/history`)).body.totalPoints).toBe(100)
  })

  it('accepts the same param value again but rejects a different one, naming the key and writing nothing', async () => {
    const run = await api.run({ params: { lr: '0.1' } })
    expect((await api.post(`/api/v1/runs/${run.id}/batch`, { params: [{ key: 'lr', value: '0.1' }] })).status).toBe(200)
    const before = await snapshot(run.id, ['loss'])
    const res = await api.post(`/api/v1/runs/${run.id}/batch`, {
      metrics: [{ key: 'loss', value: 1, step: 1, timestampMs: 1 }],
      params: [
        { key: 'epochs', value: '10' },
        { key: 'lr', value: '0.2' },
      ],
      tags: [{ key: 'note', value: 'x' }],
    })
    expect(res.status).toBe(400)
    expect(res.body.error).toEqual({
      code: 'INVALID_INPUT',
      message: "param 'lr' was already logged with a different value; params are immutable",
    })
    expect(await snapshot(run.id, ['loss'])).toEqual(before)
  })

  it('rejects bad batches with a 4xx and leaves the run exactly as it was', async () => {
    const run = await api.run()
    await api.post(`/api/v1/runs/${run.id}/batch`, { metrics: [{ key: 'ok', value: 1, step: 0, timestampMs: 5 }] })
    const before = await snapshot(run.id, ['ok', 'bad'])
    const point = { key: 'ok', value: 2, step: 1, timestampMs: 6 }
    const cases: [unknown, number, string][] = [
      [{ metrics: [point, { key: 'bad key!', value: 1 }] }, 400, 'metrics.1.key'],
      [{ metrics: [point, { key: 'k'.repeat(251), value: 1 }] }, 400, 'metrics.1.key'],
      [{ metrics: [point, { key: '../etc', value: 1 }] }, 400, 'metrics.1.key'],
      [{ metrics: [point, { key: 'bad', value: 'high' }] }, 400, 'metrics.1.value'],
      [{ metrics: [point, { key: 'bad', value: 1, step: 1.5 }] }, 400, 'metrics.1.step'],
      [{ metrics: [point, { key: 'bad', value: 1, step: '3' }] }, 400, 'metrics.1.step'],
      [{ metrics: [point, { key: 'bad', value: 1, step: 2 ** 53 }] }, 400, 'metrics.1.step'],
      [{ metrics: [point, { key: 'bad', value: 1, timestampMs: -1 }] }, 400, 'metrics.1.timestampMs'],
      [{ metrics: [point, { key: 'bad', value: 1, timestampMs: 1.5 }] }, 400, 'metrics.1.timestampMs'],
      [{ metrics: [point, { key: 'bad', value: null }] }, 400, 'metrics.1.value'],
      [{ metrics: [point, { value: 1 }] }, 400, 'metrics.1.key'],
      [{ metrics: [point, null] }, 400, 'metrics.1'],
      [{ metrics: [point, [1, 2]] }, 400, 'metrics.1'],
      [{ metrics: { key: 'bad', value: 1 } }, 400, 'metrics'],
      [{ metrics: [point], idempotencyKey: 'x'.repeat(129) }, 400, 'idempotencyKey'],
      [{ series: [{ key: 'bad', values: [1, 2], steps: [1] }] }, 400, 'series.0.steps'],
      [{ series: [{ key: 'bad', values: [1], timestampsMs: [1, 2] }] }, 400, 'series.0.timestampsMs'],
      [{ series: [{ key: 'bad', values: [1, 'high'] }] }, 400, 'series.0.values.1'],
      [{ series: [{ key: 'bad key!', values: [1] }] }, 400, 'series.0.key'],
      [{ series: [{ key: 'bad', values: [1], steps: [0.5] }] }, 400, 'series.0.steps.0'],
      [{ series: [{ key: 'bad', values: [1], timestampsMs: [-5] }] }, 400, 'series.0.timestampsMs.0'],
      [{ series: [{ key: 'bad' }] }, 400, 'series.0.values'],
      [{ series: { key: 'bad', values: [1] } }, 400, 'series'],
      [
        {
          metrics: [point],
          series: [{ key: 'bad', values: Array.from({ length: MAX_BATCH_METRICS }, () => 1) }],
        },
        400,
        `at most ${MAX_BATCH_METRICS}`,
      ],
      [{ metrics: [point], params: [{ key: 'p', value: 'v'.repeat(6001) }] }, 400, 'params.0.value'],
      [{ metrics: [point], tags: [{ key: 't', value: 7 }] }, 400, 'tags.0.value'],
      [{ metrics: Array.from({ length: MAX_BATCH_METRICS + 1 }, () => point) }, 400, 'metrics'],
      [
        {
          metrics: [point],
          params: [
            { key: 'a', value: '1' },
            { key: 'a', value: '2' },
          ],
        },
        400,
        "param 'a'",
      ],
    ]
    for (const [body, status, mention] of cases) {
      const res = await api.post(`/api/v1/runs/${run.id}/batch`, body)
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status)
      expect(res.body.error.message).toContain(mention)
    }
    expect(await snapshot(run.id, ['ok', 'bad'])).toEqual(before)
  })

  it('answers malformed JSON with 400 and an oversized body with 413', async () => {
    const run = await api.run()
    const malformed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/runs/${run.id}/batch`,
      headers: { 'content-type': 'application/json' },
      payload: '{"metrics": [',
    })
    expect(malformed.statusCode).toBe(400)
    expect(malformed.json().error.code).toBe('INVALID_INPUT')
    const huge = await t.app.inject({
      method: 'POST',
      url: `/api/v1/runs/${run.id}/batch`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ tags: [{ key: 't', value: 'x'.repeat(9 * 1024 * 1024) }] }),
    })
    expect(huge.statusCode).toBe(413)
    expect(huge.json().error.code).toBe('PAYLOAD_TOO_LARGE')
    expect((await api.get(`/api/v1/runs/${run.id}`)).body.run.tags).toEqual({})
  })

  it('refuses state changes sent as a cross-site form or text/plain body', async () => {
    const run = await api.run()
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/v1/runs/${run.id}/batch`,
        headers: { 'content-type': contentType },
        payload: JSON.stringify({ tags: [{ key: 'evil', value: '1' }] }),
      })
      expect(res.statusCode).toBe(415)
    }
    expect((await api.get(`/api/v1/runs/${run.id}`)).body.run.tags).toEqual({})
    await api.delete(`/api/v1/runs/${run.id}`)
    const bare = await t.app.inject({ method: 'POST', url: `/api/v1/runs/${run.id}/restore` })
    expect(bare.statusCode).toBe(415)
    expect((await api.get(`/api/v1/runs/${run.id}`)).body.run.lifecycle).toBe('deleted')
    const scripted = await t.app.inject({
      method: 'POST',
      url: `/api/v1/runs/${run.id}/restore`,
      headers: { 'x-provena-client': 'cli' },
    })
    expect(scripted.statusCode).toBe(200)
  })

  it('pages through a long history without gaps or repeats', async () => {
    const run = await api.run()
    const metrics = Array.from({ length: 250 }, (_, i) => ({ key: 'p', value: i, step: i % 100, timestampMs: i }))
    await api.post(`/api/v1/runs/${run.id}/batch`, { metrics })
    const seen: number[] = []
    let token: string | null = null
    let pages = 0
    do {
      const query: string = token ? `&pageToken=${encodeURIComponent(token)}` : ''
      const page = await api.get(`/api/v1/runs/${run.id}/metrics/p/history?maxResults=40${query}`)
      expect(page.body.totalPoints).toBe(250)
      seen.push(...page.body.points.map((p: { value: number }) => p.value))
      token = page.body.nextPageToken
      pages++
    } while (token)
    expect(pages).toBe(7)
    const expected = [...metrics].sort((a, b) => a.step - b.step || a.timestampMs - b.timestampMs).map((m) => m.value)
    expect(seen).toEqual(expected)
  })

  it('rejects a forged page token with 400', async () => {
    const run = await api.run()
    const res = await api.get(`/api/v1/runs/${run.id}/metrics/p/history?pageToken=${encodeURIComponent("' OR 1=1 --")}`)
    expect(res.status).toBe(400)
    expect(res.body.error.message).toContain('page token')
  })

  it('downsamples a history to at most maxPoints, keeping first, last, minimum and maximum', async () => {
    const run = await api.run()
    const metrics = Array.from({ length: 2000 }, (_, i) => ({
      key: 'wave',
      value: i === 777 ? 100 : i === 1234 ? -100 : Math.sin(i / 50),
      step: i,
      timestampMs: 1000 + i,
    }))
    await api.post(`/api/v1/runs/${run.id}/batch`, { metrics })
    const res = await api.get(`/api/v1/runs/${run.id}/metrics/wave/history?maxPoints=100`)
    expect(res.body.isDownsampled).toBe(true)
    expect(res.body.totalPoints).toBe(2000)
    const points: { value: number; step: number }[] = res.body.points
    expect(points.length).toBeLessThanOrEqual(100)
    expect(points[0]).toEqual({ value: 0, step: 0, timestampMs: 1000 })
    expect(points.at(-1)?.step).toBe(1999)
    expect(points.map((p) => p.value)).toContain(100)
    expect(points.map((p) => p.value)).toContain(-100)
    const steps = points.map((p) => p.step)
    expect(steps).toEqual([...steps].sort((a, b) => a - b))
  })

  it('downsamples only a step range when asked for minStep and maxStep, at the same density', async () => {
    const run = await api.run()
    const metrics = Array.from({ length: 3000 }, (_, i) => ({ key: 'z', value: i === 1500 ? -7 : i, step: i * 2 }))
    await api.post(`/api/v1/runs/${run.id}/batch`, { metrics })
    const narrow = await api.get(`/api/v1/runs/${run.id}/metrics/z/history?maxPoints=100&minStep=1000&maxStep=1100`)
    expect(narrow.status).toBe(200)
    expect(narrow.body.isDownsampled).toBe(false)
    expect(narrow.body.points.map((p: { step: number }) => p.step)).toEqual(
      Array.from({ length: 51 }, (_, i) => 1000 + 2 * i),
    )
    const wide = await api.get(`/api/v1/runs/${run.id}/metrics/z/history?maxPoints=100&minStep=2000&maxStep=5000`)
    const steps: number[] = wide.body.points.map((p: { step: number }) => p.step)
    expect(wide.body.isDownsampled).toBe(true)
    expect(steps.length).toBeLessThanOrEqual(100)
    expect([steps[0], steps.at(-1)]).toEqual([2000, 5000])
    expect(wide.body.points.map((p: { value: number }) => p.value)).toContain(-7)
    const outside = await api.get(`/api/v1/runs/${run.id}/metrics/z/history?maxPoints=100&minStep=7000`)
    expect(outside.body.points).toEqual([])
  })

  it('rejects a step range without maxPoints with 400', async () => {
    const run = await api.run()
    const res = await api.get(`/api/v1/runs/${run.id}/metrics/z/history?minStep=1`)
    expect(res.status).toBe(400)
    expect(res.body.error.message).toContain('maxPoints')
  })

  it('answers 404 for the history of an unknown run', async () => {
    const res = await api.get(`/api/v1/runs/${'c'.repeat(32)}/metrics/loss/history`)
    expect(res.status).toBe(404)
  })
})
