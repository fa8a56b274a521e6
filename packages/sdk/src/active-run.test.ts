import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConflictError, InvalidInputError, Provena } from './index.js'
import { listeningTestServer } from './test-support/listening-test-server.js'
import { recordingFetch } from './test-support/recording-fetch.js'

describe('an active run', () => {
  let server: Awaited<ReturnType<typeof listeningTestServer>>
  let serverUrl: string
  let provena: Provena
  beforeAll(async () => {
    server = await listeningTestServer()
    serverUrl = server.url
    provena = new Provena({ capture: false, url: serverUrl })
  })
  afterAll(async () => server.close())

  it('stores exactly the metric points logged, NaN and infinities included', async () => {
    const run = await provena.startRun({ experiment: 'round-trip' })
    const values = [
      0.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -1e-300,
      1.7976931348623157e308,
    ]
    for (const [step, value] of values.entries())
      run.logMetric('loss', value, { step, timestamp: 1_700_000_000_000 + step })

    await run.flush()

    expect(await provena.getMetricHistory(run.id, 'loss')).toEqual(
      values.map((value, step) => ({ value, step, timestampMs: 1_700_000_000_000 + step })),
    )
  })

  it('returns the latest metric values of a run as numbers', async () => {
    const run = await provena.startRun({ experiment: 'latest-values' })
    run.logMetrics({ a: Number.NaN, b: Number.NEGATIVE_INFINITY }, { step: 1, timestamp: 3 })
    await run.flush()

    const { metrics } = await provena.runs.get(run.id)

    expect(metrics.sort((x, y) => x.key.localeCompare(y.key))).toEqual([
      { key: 'a', value: Number.NaN, step: 1, timestampMs: 3 },
      { key: 'b', value: Number.NEGATIVE_INFINITY, step: 1, timestampMs: 3 },
    ])
  })

  it('logs several metrics with one step and one timestamp', async () => {
    const run = await provena.startRun({ experiment: 'log-metrics' })

    run.logMetrics({ acc: 0.9, loss: 0.1 }, { step: 3 })
    await run.flush()

    const [acc] = await provena.getMetricHistory(run.id, 'acc')
    const [loss] = await provena.getMetricHistory(run.id, 'loss')
    expect(acc).toEqual({ value: 0.9, step: 3, timestampMs: expect.any(Number) })
    expect(loss).toEqual({ value: 0.1, step: 3, timestampMs: acc?.timestampMs })
  })

  it('stamps a point with the time it was logged and step 0 when none is given', async () => {
    const run = await provena.startRun({ experiment: 'defaults' })
    const before = Date.now()

    run.logMetric('loss', 1)
    await run.flush()

    const [point] = await provena.getMetricHistory(run.id, 'loss')
    expect(point?.step).toBe(0)
    expect(point?.timestampMs).toBeGreaterThanOrEqual(before)
    expect(point?.timestampMs).toBeLessThanOrEqual(Date.now())
  })

  it('logs params and tags at once', async () => {
    const run = await provena.startRun({ experiment: 'params-tags' })

    await run.logParam('lr', 0.1)
    await run.logParams({ layers: 4, dropout: false })
    await run.setTag('stage/name', 'dev build')

    expect(await provena.runs.get(run.id)).toMatchObject({
      params: { lr: '0.1', layers: '4', dropout: 'false' },
      tags: { 'stage/name': 'dev build' },
    })
  })

  it('accepts the same param value again', async () => {
    const run = await provena.startRun({ experiment: 'params-same', params: { lr: 0.1 } })

    await run.logParam('lr', 0.1)

    expect((await provena.runs.get(run.id)).params).toEqual({ lr: '0.1' })
  })

  it('rejects a different value for a logged param with InvalidInputError', async () => {
    const run = await provena.startRun({ experiment: 'params-immutable', params: { lr: 0.1 } })

    await expect(run.logParam('lr', 0.2)).rejects.toThrow(InvalidInputError)
  })

  it('logs more params than one batch holds', async () => {
    const run = await provena.startRun({ experiment: 'params-many' })
    const params = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`p${i}`, i]))

    await run.logParams(params)

    expect(Object.keys((await provena.runs.get(run.id)).params)).toHaveLength(250)
  })

  it('ends FINISHED with an end time after flushing', async () => {
    const run = await provena.startRun({ experiment: 'end' })
    run.logMetric('loss', 0.3, { step: 1 })
    const before = Date.now()

    await run.end()

    const stored = await provena.runs.get(run.id)
    expect(stored.status).toBe('FINISHED')
    expect(stored.endTimeMs).toBeGreaterThanOrEqual(before)
    expect(stored.endTimeMs).toBeLessThanOrEqual(Date.now())
    expect(stored.metrics).toEqual([{ key: 'loss', value: 0.3, step: 1, timestampMs: expect.any(Number) }])
  })

  it('ends with the status given', async () => {
    const run = await provena.startRun({ experiment: 'end-failed' })

    await run.end('FAILED')

    expect((await provena.runs.get(run.id)).status).toBe('FAILED')
  })

  it('refuses metrics after the run has ended', async () => {
    const run = await provena.startRun({ experiment: 'after-end' })
    await run.end()

    expect(() => run.logMetric('loss', 1)).toThrow(ConflictError)
  })

  it('surfaces a refused batch from flush() as InvalidInputError without retrying it', async () => {
    const recording = recordingFetch()
    const client = new Provena({ capture: false, url: serverUrl, fetch: recording.fetch, maxRetries: 5 })
    const run = await client.startRun({ experiment: 'refused-batch' })
    run.logMetric('bad key!', 1)

    const error = await run.flush().catch((e: unknown) => e)

    expect(error).toBeInstanceOf(InvalidInputError)
    expect(recording.calls.filter((c) => c.endsWith('/batch'))).toEqual([`POST /api/v1/runs/${run.id}/batch`])
  })

  it('reports a refused batch once, then flushes cleanly', async () => {
    const run = await provena.startRun({ experiment: 'refused-once' })
    run.logMetric('bad key!', 1)
    await run.flush().catch(() => {})
    run.logMetric('good', 2, { step: 0, timestamp: 9 })

    await run.flush()

    expect(await provena.getMetricHistory(run.id, 'good')).toEqual([{ value: 2, step: 0, timestampMs: 9 }])
  })

  it('still ends the run when its last flush failed, and reports the failure', async () => {
    const run = await provena.startRun({ experiment: 'end-after-refusal' })
    run.logMetric('bad key!', 1)

    await expect(run.end()).rejects.toThrow(InvalidInputError)

    expect((await provena.runs.get(run.id)).status).toBe('FINISHED')
  })
})
