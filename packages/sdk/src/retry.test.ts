import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectionError, InternalError, Provena } from './index.js'
import { backoffDelayMs } from './retry.js'
import { type Fault, type ProxiedRequest, startFaultyProxy } from './test-support/faulty-proxy.js'
import { listeningTestServer } from './test-support/listening-test-server.js'

/** Injects `fault` into the first `times` requests that `matches` accepts, and relays the rest. */
function faultFirst(times: number, fault: Fault, matches: (r: ProxiedRequest) => boolean) {
  let remaining = times
  return (request: ProxiedRequest): Fault => {
    if (remaining === 0 || !matches(request)) return 'none'
    remaining--
    return fault
  }
}

const isBatch = (r: ProxiedRequest) => r.method === 'POST' && r.path.endsWith('/batch')
const idempotencyKeyOf = (r: ProxiedRequest): unknown =>
  (JSON.parse(r.body) as { idempotencyKey?: unknown }).idempotencyKey

describe('retries against a real server behind a faulty proxy', () => {
  let server: Awaited<ReturnType<typeof listeningTestServer>>
  let serverUrl: string
  let direct: Provena
  beforeAll(async () => {
    server = await listeningTestServer()
    serverUrl = server.url
    direct = new Provena({ capture: false, url: serverUrl })
  })
  afterAll(async () => server.close())

  it('retries a batch whose answer was lost under the same idempotency key, storing each point once', async () => {
    const proxy = await startFaultyProxy(serverUrl, faultFirst(1, 'drop-answer', isBatch))
    const client = new Provena({ capture: false, url: proxy.url })
    const run = await client.startRun({ experiment: 'dropped-answer' })
    for (let step = 0; step < 3; step++) run.logMetric('loss', 1 / (step + 1), { step, timestamp: 100 + step })

    await run.flush()
    await proxy.close()

    expect(await direct.getMetricHistory(run.id, 'loss')).toEqual([
      { value: 1, step: 0, timestampMs: 100 },
      { value: 0.5, step: 1, timestampMs: 101 },
      { value: 1 / 3, step: 2, timestampMs: 102 },
    ])
    const batches = proxy.requests.filter(isBatch)
    expect(batches).toHaveLength(2)
    expect(idempotencyKeyOf(batches[1]!)).toEqual(idempotencyKeyOf(batches[0]!))
    expect(idempotencyKeyOf(batches[0]!)).toEqual(expect.any(String))
  })

  it('retries a batch answered 503 and stores it once', async () => {
    const proxy = await startFaultyProxy(serverUrl, faultFirst(2, 'unavailable', isBatch))
    const client = new Provena({ capture: false, url: proxy.url })
    const run = await client.startRun({ experiment: 'unavailable' })
    run.logMetric('acc', 0.75, { step: 4, timestamp: 200 })

    await run.flush()
    await proxy.close()

    expect(await direct.getMetricHistory(run.id, 'acc')).toEqual([{ value: 0.75, step: 4, timestampMs: 200 }])
    expect(proxy.requests.filter(isBatch)).toHaveLength(3)
  })

  it('gives up after maxRetries and surfaces the last 503 from flush()', async () => {
    const proxy = await startFaultyProxy(serverUrl, faultFirst(10, 'unavailable', isBatch))
    const client = new Provena({ capture: false, url: proxy.url, maxRetries: 2 })
    const run = await client.startRun({ experiment: 'unavailable-for-good' })
    run.logMetric('acc', 1)

    const error = await run.flush().catch((e: unknown) => e)
    await proxy.close()

    expect(error).toBeInstanceOf(InternalError)
    expect(proxy.requests.filter(isBatch)).toHaveLength(3)
  })

  it('does not retry creating an experiment whose answer was lost, since it may exist already', async () => {
    const isCreate = (r: ProxiedRequest) => r.method === 'POST' && r.path === '/api/v1/experiments'
    const proxy = await startFaultyProxy(serverUrl, faultFirst(1, 'drop-answer', isCreate))
    const client = new Provena({ capture: false, url: proxy.url })

    const error = await client.experiments.create({ name: 'lost-create' }).catch((e: unknown) => e)
    await proxy.close()

    expect(error).toBeInstanceOf(ConnectionError)
    expect(String((error as Error).message)).toContain(proxy.url)
    expect(proxy.requests.filter(isCreate)).toHaveLength(1)
    expect((await direct.experiments.getByName('lost-create')).name).toBe('lost-create')
  })

  it('retries a read whose answer was lost', async () => {
    const isRead = (r: ProxiedRequest) => r.method === 'GET' && r.path === '/api/v1/experiments/0'
    const proxy = await startFaultyProxy(serverUrl, faultFirst(1, 'drop-answer', isRead))
    const client = new Provena({ capture: false, url: proxy.url })

    const experiment = await client.experiments.get('0')
    await proxy.close()

    expect(experiment.name).toBe('Default')
    expect(proxy.requests.filter(isRead)).toHaveLength(2)
  })
})

describe('backoffDelayMs', () => {
  it('doubles from 100 ms up to a 5 s cap at the top of the jitter range', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 10].map((retry) => backoffDelayMs(retry, () => 1))).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000,
    ])
  })

  it('may wait not at all at the bottom of the jitter range', () => {
    expect(backoffDelayMs(3, () => 0)).toBe(0)
  })
})
