import type { AddressInfo } from 'node:net'
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectionError, InvalidInputError, NotFoundError, Provena } from './index.js'
import { listeningTestServer } from './test-support/listening-test-server.js'
import { recordingFetch } from './test-support/recording-fetch.js'

describe('Provena client', () => {
  let server: Awaited<ReturnType<typeof listeningTestServer>>
  let serverUrl: string
  let provena: Provena
  beforeAll(async () => {
    server = await listeningTestServer()
    serverUrl = server.url
    provena = new Provena({ url: serverUrl })
  })
  afterAll(async () => server.close())

  it('starts a run with params and tags in the Default experiment', async () => {
    const run = await provena.startRun({
      name: 'baseline',
      params: { lr: 0.01, epochs: 3, shuffle: true, opt: 'adam' },
      tags: { team: 'ml' },
    })

    expect(await provena.runs.get(run.id)).toMatchObject({
      id: run.id,
      experimentId: '0',
      name: 'baseline',
      status: 'RUNNING',
      endTimeMs: null,
      params: { lr: '0.01', epochs: '3', shuffle: 'true', opt: 'adam' },
      tags: { team: 'ml' },
    })
  })

  it('attaches to an existing run to log into it', async () => {
    const started = await provena.startRun({ experiment: 'attach', capture: false })

    const attached = await provena.attachRun(started.id)
    attached.logMetric('acc', 0.5, { step: 2 })
    await attached.end()

    expect(await provena.runs.get(started.id)).toMatchObject({
      id: started.id,
      status: 'FINISHED',
      metrics: [{ key: 'acc', value: 0.5, step: 2 }],
    })
  })

  it('creates an experiment named in startRun on first use and reuses it afterwards', async () => {
    const first = await provena.startRun({ experiment: 'by-name-first-use' })
    const second = await provena.startRun({ experiment: 'by-name-first-use' })

    const experiment = await provena.experiments.getByName('by-name-first-use')
    expect([first.experimentId, second.experimentId]).toEqual([experiment.id, experiment.id])
  })

  it('creates the experiment once when several runs start under a new name at the same time', async () => {
    const runs = await Promise.all([1, 2, 3, 4].map(() => provena.startRun({ experiment: 'by-name-race' })))

    const { id } = await provena.experiments.getByName('by-name-race')
    expect(runs.map((r) => r.experimentId)).toEqual([id, id, id, id])
  })

  it('treats an all-digit experiment as an id', async () => {
    const { id } = await provena.experiments.create({ name: 'by-id' })

    const run = await provena.startRun({ experiment: id })

    expect(run.experimentId).toBe(id)
  })

  it('rejects an experiment id that does not exist with NotFoundError', async () => {
    await expect(provena.startRun({ experiment: '424242' })).rejects.toThrow(NotFoundError)
  })

  it('starts a child run under a parent', async () => {
    const parent = await provena.startRun({ experiment: 'nested' })

    const child = await provena.startRun({ experiment: 'nested', parentRunId: parent.id })

    expect((await provena.runs.get(child.id)).parentRunId).toBe(parent.id)
  })

  it('renames a run, deletes and restores it', async () => {
    const run = await provena.startRun({ experiment: 'run-lifecycle' })

    await provena.runs.update(run.id, { name: 'renamed' })
    await provena.runs.delete(run.id)
    const deleted = await provena.runs.get(run.id)
    const restored = await provena.runs.restore(run.id)

    expect(deleted).toMatchObject({ name: 'renamed', lifecycle: 'deleted' })
    expect(restored).toMatchObject({ name: 'renamed', lifecycle: 'active' })
  })

  it('searches runs by param, in the requested order', async () => {
    const { id } = await provena.experiments.create({ name: 'search' })
    const a = await provena.startRun({ experiment: id, name: 'a', params: { model: 'cnn' } })
    await provena.startRun({ experiment: id, name: 'b', params: { model: 'rnn' } })
    const c = await provena.startRun({ experiment: id, name: 'c', params: { model: 'cnn' } })

    const found = await provena.searchRuns({
      experimentIds: [id],
      filter: "params.model = 'cnn'",
      orderBy: ['run_name DESC'],
    })

    expect(found.runs.map((r) => r.id)).toEqual([c.id, a.id])
    expect(found.nextPageToken).toBeNull()
  })

  it('pages through search results with page tokens', async () => {
    const { id } = await provena.experiments.create({ name: 'search-pages' })
    for (const name of ['r1', 'r2', 'r3']) await provena.startRun({ experiment: id, name })

    const first = await provena.runs.search({ experimentIds: [id], orderBy: ['run_name'], maxResults: 2 })
    const second = await provena.runs.search({
      experimentIds: [id],
      orderBy: ['run_name'],
      maxResults: 2,
      pageToken: first.nextPageToken ?? '',
    })

    expect([...first.runs, ...second.runs].map((r) => r.name)).toEqual(['r1', 'r2', 'r3'])
  })

  it('rejects a search filter that does not parse with InvalidInputError', async () => {
    await expect(provena.searchRuns({ experimentIds: ['0'], filter: 'params.model ==' })).rejects.toThrow(
      InvalidInputError,
    )
  })

  it('reads a long metric history page by page, in step order', async () => {
    const recording = recordingFetch()
    const client = new Provena({ url: serverUrl, fetch: recording.fetch })
    const run = await client.startRun({ experiment: 'history-pages' })
    for (let step = 24; step >= 0; step--) run.logMetric('loss', step / 10, { step, timestamp: 1000 + step })
    await run.flush()

    const history = await client.getMetricHistory(run.id, 'loss', { pageSize: 10 })

    expect(history).toEqual(
      Array.from({ length: 25 }, (_, step) => ({ value: step / 10, step, timestampMs: 1000 + step })),
    )
    expect(recording.calls.filter((c) => c.endsWith('/history'))).toHaveLength(3)
  })

  it('asks the server for a downsampled history in one call when maxPoints is set', async () => {
    const recording = recordingFetch()
    const client = new Provena({ url: serverUrl, fetch: recording.fetch })
    const run = await client.startRun({ experiment: 'history-downsampled' })
    for (let step = 0; step < 100; step++) run.logMetric('acc', Math.sin(step), { step })
    await run.flush()

    const history = await client.getMetricHistory(run.id, 'acc', { maxPoints: 10 })

    expect(history.length).toBeGreaterThan(1)
    expect(history.length).toBeLessThanOrEqual(10)
    expect(recording.calls.filter((c) => c.endsWith('/history'))).toHaveLength(1)
  })

  it('reads a metric whose key holds a slash and spaces', async () => {
    const run = await provena.startRun({ experiment: 'history-odd-key' })
    run.logMetric('val/loss per epoch', 0.5, { step: 1, timestamp: 5 })
    await run.flush()

    expect(await provena.getMetricHistory(run.id, 'val/loss per epoch')).toEqual([
      { value: 0.5, step: 1, timestampMs: 5 },
    ])
  })

  it('flushes every active run on close', async () => {
    const client = new Provena({ url: serverUrl, flushIntervalMs: 3_600_000 })
    const runs = [await client.startRun({ experiment: 'close' }), await client.startRun({ experiment: 'close' })]
    for (const run of runs) run.logMetric('m', 1, { step: 0, timestamp: 7 })

    await client.close()

    for (const run of runs)
      expect(await provena.getMetricHistory(run.id, 'm')).toEqual([{ value: 1, step: 0, timestampMs: 7 }])
  })

  it('sends the token as a bearer token and names itself to the server', async () => {
    const headers: Headers[] = []
    const observing: typeof fetch = (input, init) => {
      headers.push(new Headers(init?.headers))
      return fetch(input, init)
    }
    const client = new Provena({ url: serverUrl, token: 'tok-123', fetch: observing })

    await client.experiments.get('0')

    expect(headers.map((h) => [h.get('authorization'), h.get('x-provena-client')])).toEqual([['Bearer tok-123', 'sdk']])
  })

  it('fails with a ConnectionError naming the URL when no server listens', async () => {
    const url = await unusedLoopbackUrl()
    const client = new Provena({ url, maxRetries: 2 })

    const error = await client.experiments.get('0').catch((e: unknown) => e)

    expect(error).toBeInstanceOf(ConnectionError)
    expect(String((error as Error).message)).toContain(url)
    expect((error as Error).cause).toBeInstanceOf(Error)
  })
})

async function unusedLoopbackUrl(): Promise<string> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}
