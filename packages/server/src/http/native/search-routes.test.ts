import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient } from '../../test-support/api-client.js'
import { openTestApp } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'

describe.each(testDialects())('run search on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let api: ReturnType<typeof apiClient>
  let experimentId: string
  let otherExperimentId: string
  const ids: Record<string, string> = {}

  async function seedRun(
    experiment: string,
    name: string,
    acc: number | null,
    lr: string,
    team: string,
    startTimeMs: number,
  ) {
    const run = await api.run({ experimentId: experiment, name, startTimeMs, params: { lr }, tags: { team } })
    if (acc !== null) {
      await api.post(`/api/v1/runs/${run.id}/batch`, { metrics: [{ key: 'acc', value: acc, step: 1, timestampMs: 1 }] })
    }
    ids[name] = run.id
  }

  /** Names of the runs a search returns, in order. */
  async function names(body: Record<string, unknown>): Promise<string[]> {
    const res = await api.post('/api/v1/runs/search', { experimentIds: [experimentId], ...body })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body.runs.map((r: { name: string }) => r.name)
  }

  beforeAll(async () => {
    t = await openTestApp(dialect)
    api = apiClient(t.app)
    experimentId = await api.experiment('search')
    otherExperimentId = await api.experiment('search-other')
    await seedRun(experimentId, 'alpha', 0.91, '0.1', 'Vision', 1000)
    await seedRun(experimentId, 'beta', 0.75, '0.01', 'vision', 2000)
    await seedRun(experimentId, 'gamma', 0.5, '0.1', 'nlp', 3000)
    await seedRun(experimentId, 'delta', null, '0.001', 'nlp', 4000)
    await seedRun(otherExperimentId, 'omega', 0.99, '0.1', 'nlp', 5000)
    await api.patch(`/api/v1/runs/${ids.gamma}`, { status: 'FINISHED' })
  })
  afterAll(async () => t.close())

  it('returns runs newest first when there is no filter or order', async () => {
    expect(await names({})).toEqual(['delta', 'gamma', 'beta', 'alpha'])
  })

  it('filters on metrics with numeric comparisons', async () => {
    expect(await names({ filter: 'metrics.acc > 0.6', orderBy: ['metrics.acc DESC'] })).toEqual(['alpha', 'beta'])
    expect(await names({ filter: 'metrics.acc <= 0.75', orderBy: ['metrics.acc'] })).toEqual(['gamma', 'beta'])
    expect(await names({ filter: 'metrics.acc != 0.5' })).toEqual(['beta', 'alpha'])
  })

  it('filters on params and tags with =, !=, LIKE, ILIKE, IN and NOT IN', async () => {
    expect(await names({ filter: "params.lr = '0.1'" })).toEqual(['gamma', 'alpha'])
    expect(await names({ filter: "params.lr != '0.1'" })).toEqual(['delta', 'beta'])
    expect(await names({ filter: "tags.team LIKE 'vis%'" })).toEqual(['beta'])
    expect(await names({ filter: "tags.team ILIKE 'VIS%'" })).toEqual(['beta', 'alpha'])
    expect(await names({ filter: "params.lr IN ('0.01', '0.001')" })).toEqual(['delta', 'beta'])
    expect(await names({ filter: "params.lr NOT IN ('0.01', '0.001')" })).toEqual(['gamma', 'alpha'])
  })

  it('filters on attributes and combines clauses with AND', async () => {
    expect(await names({ filter: "attributes.status = 'FINISHED'" })).toEqual(['gamma'])
    expect(await names({ filter: "attributes.run_name LIKE '%a' and attributes.start_time >= 2000" })).toEqual([
      'delta',
      'gamma',
      'beta',
    ])
    expect(await names({ filter: "metrics.acc > 0.4 and params.lr = '0.1' and tags.team = 'nlp'" })).toEqual(['gamma'])
  })

  it('orders by a metric with runs lacking it last, in either direction', async () => {
    expect(await names({ orderBy: ['metrics.acc ASC'] })).toEqual(['gamma', 'beta', 'alpha', 'delta'])
    expect(await names({ orderBy: ['metrics.acc DESC'] })).toEqual(['alpha', 'beta', 'gamma', 'delta'])
    expect(await names({ orderBy: ['params.lr DESC', 'attributes.run_name'] })).toEqual([
      'alpha',
      'gamma',
      'beta',
      'delta',
    ])
  })

  it('searches several experiments at once', async () => {
    const res = await api.post('/api/v1/runs/search', {
      experimentIds: [experimentId, otherExperimentId],
      filter: "params.lr = '0.1'",
      orderBy: ['metrics.acc DESC'],
    })
    expect(res.body.runs.map((r: { name: string }) => r.name)).toEqual(['omega', 'alpha', 'gamma'])
  })

  it('pages with an opaque token until every run has been returned once', async () => {
    const first = await api.post('/api/v1/runs/search', { experimentIds: [experimentId], maxResults: 3 })
    expect(first.body.runs).toHaveLength(3)
    expect(first.body.nextPageToken).toEqual(expect.any(String))
    const second = await api.post('/api/v1/runs/search', {
      experimentIds: [experimentId],
      maxResults: 3,
      pageToken: first.body.nextPageToken,
    })
    expect(second.body.runs.map((r: { name: string }) => r.name)).toEqual(['alpha'])
    expect(second.body.nextPageToken).toBeNull()
  })

  it('returns full runs with params, tags and latest metrics', async () => {
    const res = await api.post('/api/v1/runs/search', {
      experimentIds: [experimentId],
      filter: "attributes.run_name = 'alpha'",
    })
    expect(res.body.runs[0]).toMatchObject({
      id: ids.alpha,
      params: { lr: '0.1' },
      tags: { team: 'Vision' },
      metrics: [{ key: 'acc', value: 0.91, step: 1, timestampMs: 1 }],
    })
  })

  it('answers a syntax error with 400 naming the column', async () => {
    const res = await api.post('/api/v1/runs/search', { experimentIds: [experimentId], filter: 'metrics.acc >> 1' })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('INVALID_INPUT')
    expect(res.body.error.message).toMatch(/column \d+/)
  })

  it('treats SQL in filters, keys and order-by as data or rejects it, and leaves every run intact', async () => {
    const before = await names({})
    const filters = [
      "params.lr = '0.1' OR 1=1",
      "params.lr = '0.1'; DROP TABLE runs; --",
      "params.`lr' OR '1'='1` = 'x'",
      "tags.team = 'x'' OR ''1''=''1'",
    ]
    for (const filter of filters) {
      const res = await api.post('/api/v1/runs/search', { experimentIds: [experimentId], filter })
      if (res.status === 200) expect(res.body.runs, filter).toEqual([])
      else expect(res.status, filter).toBe(400)
    }
    for (const orderBy of ['metrics.acc; DROP TABLE runs', 'metrics.`acc) desc, (select 1`']) {
      const res = await api.post('/api/v1/runs/search', { experimentIds: [experimentId], orderBy: [orderBy] })
      if (res.status === 200)
        expect(res.body.runs.map((r: { name: string }) => r.name).sort(), orderBy).toEqual([...before].sort())
      else expect(res.status, orderBy).toBe(400)
    }
    expect(await names({})).toEqual(before)
  })

  it('finds the nested runs of a run by parent_run_id', async () => {
    const child = await api.run({ experimentId, name: 'alpha-child', parentRunId: ids.alpha })
    expect(await names({ filter: `attributes.parent_run_id = '${ids.alpha}'` })).toEqual(['alpha-child'])
    await api.delete(`/api/v1/runs/${child.id}`)
  })

  it('lists the distinct param, metric and tag keys of some experiments, sorted', async () => {
    const res = await api.get(`/api/v1/runs/keys?experimentIds=${experimentId},${otherExperimentId}`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ params: ['lr'], metrics: ['acc'], tags: ['team'] })
  })

  it('rejects a malformed experiment list for keys with 400', async () => {
    for (const query of ['', '?experimentIds=', '?experimentIds=1,,2', "?experimentIds=1'%20or%201=1"]) {
      const res = await api.get(`/api/v1/runs/keys${query}`)
      expect(res.status, query).toBe(400)
    }
  })

  it('rejects a forged page token and an empty experiment list', async () => {
    const forged = await api.post('/api/v1/runs/search', {
      experimentIds: [experimentId],
      pageToken: 'eyJvZmZzZXQiOi0xfQ',
    })
    expect(forged.status).toBe(400)
    const none = await api.post('/api/v1/runs/search', { experimentIds: [] })
    expect(none.status).toBe(400)
  })
})
