import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Provena } from './index.js'
import { listeningTestServer } from './test-support/listening-test-server.js'
import { recordingFetch } from './test-support/recording-fetch.js'

const HOUR_MS = 3_600_000
// Generous, because a loaded CI machine may take a while; the waits end as soon as the points are stored.
const WAIT = { timeout: 10_000, interval: 20 }

describe('metric buffering against a real server', () => {
  let server: Awaited<ReturnType<typeof listeningTestServer>>
  let serverUrl: string
  let direct: Provena
  beforeAll(async () => {
    server = await listeningTestServer()
    serverUrl = server.url
    direct = new Provena({ capture: false, url: serverUrl })
  })
  afterAll(async () => server.close())

  it('sends each full batch in the background and keeps the rest until flushed', async () => {
    const recording = recordingFetch()
    const client = new Provena({
      capture: false,
      url: serverUrl,
      fetch: recording.fetch,
      batchSize: 5,
      flushIntervalMs: HOUR_MS,
    })
    const run = await client.startRun({ experiment: 'by-size' })

    for (let step = 0; step < 12; step++) run.logMetric('loss', step, { step, timestamp: 1 })

    await vi.waitFor(async () => expect(await direct.getMetricHistory(run.id, 'loss')).toHaveLength(10), WAIT)
    expect(recording.calls.filter((c) => c.endsWith('/batch'))).toHaveLength(2)
    await run.flush()
    expect(await direct.getMetricHistory(run.id, 'loss')).toHaveLength(12)
  })

  it('sends what waited flushIntervalMs without being asked to', async () => {
    const client = new Provena({ capture: false, url: serverUrl, batchSize: 1000, flushIntervalMs: 50 })
    const run = await client.startRun({ experiment: 'by-time' })

    run.logMetrics({ a: 1, b: 2 }, { step: 0, timestamp: 5 })

    await vi.waitFor(async () => {
      expect(await direct.getMetricHistory(run.id, 'a')).toEqual([{ value: 1, step: 0, timestampMs: 5 }])
      expect(await direct.getMetricHistory(run.id, 'b')).toEqual([{ value: 2, step: 0, timestampMs: 5 }])
    }, WAIT)
  })

  it('keeps at most one batch of a run in flight', async () => {
    let inFlight = 0
    let mostInFlight = 0
    const counting: typeof fetch = async (input, init) => {
      const isBatch = String(input).endsWith('/batch')
      if (isBatch) mostInFlight = Math.max(mostInFlight, ++inFlight)
      try {
        return await fetch(input, init)
      } finally {
        if (isBatch) inFlight--
      }
    }
    const client = new Provena({
      capture: false,
      url: serverUrl,
      fetch: counting,
      batchSize: 10,
      flushIntervalMs: HOUR_MS,
    })
    const run = await client.startRun({ experiment: 'one-in-flight' })

    for (let step = 0; step < 100; step++) run.logMetric('loss', step, { step, timestamp: 1 })
    await run.flush()

    expect(mostInFlight).toBe(1)
    expect((await direct.getMetricHistory(run.id, 'loss')).map((p) => p.value)).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    )
  })
})
