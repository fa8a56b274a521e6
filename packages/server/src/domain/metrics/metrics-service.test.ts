import { InvalidInputError } from '@provena/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prng } from '../../../../data/src/test-support/prng.js'
import { createServices } from '../../services.js'
import { createTestBlobStore, openTestStore } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'
import { generateSignerKey } from '../audit/signed-note.js'
import { LOCAL_ADMIN, type RequestContext } from '../auth/principal.js'
import { downsampleMinMax, planDownsampling } from './downsample.js'

type Services = ReturnType<typeof createServices>

const ADMIN: RequestContext = { principal: LOCAL_ADMIN, sourceIp: null, requestId: null }

describe.each(testDialects())('metrics service on %s', (dialect) => {
  let services: Services
  let close: () => Promise<void>
  beforeAll(async () => {
    const opened = await openTestStore(dialect)
    services = createServices({
      store: opened.store,
      blobs: createTestBlobStore(),
      signerKey: generateSignerKey('test'),
    })
    close = () => opened.database.close()
  })
  afterAll(async () => close())

  async function newRun(): Promise<string> {
    const run = await services.runs.create(ADMIN, { experimentId: '0', status: 'RUNNING' })
    return run.id
  }

  async function rawHistory(runId: string, key: string) {
    const all = []
    let pageToken: string | undefined
    do {
      const page = await services.metrics.history(ADMIN, runId, key, { maxResults: 7000, pageToken })
      all.push(...page.points)
      pageToken = page.nextPageToken ?? undefined
    } while (pageToken)
    return all
  }

  /** 20,000 points with spikes, NaN and late points, logged in batches of up to 1,000. */
  async function logNoisySeries(runId: string) {
    const random = prng(11)
    for (let batch = 0; batch < 20; batch++) {
      const metrics = Array.from({ length: 1000 }, (_, i) => {
        const step = random() < 0.01 ? Math.floor(random() * batch * 1000) : batch * 1000 + i
        const roll = random()
        const value = roll < 0.01 ? 'NaN' : roll < 0.02 ? (random() - 0.5) * 100 : Math.sin(step / 300) + random() / 10
        return { key: 'loss', value, step, timestampMs: 1_000 + step }
      })
      await services.metrics.logBatch(ADMIN, runId, { metrics: metrics as never, params: [], tags: [] })
    }
  }

  it.each([300, 100, 20])(
    'downsamples from the rollup to exactly the answer computed from every point (maxPoints %i)',
    async (maxPoints) => {
      const runId = await newRun()
      await logNoisySeries(runId)
      const raw = await rawHistory(runId, 'loss')
      expect(planDownsampling(raw.length, maxPoints).blockSize).toBeDefined()

      const answer = await services.metrics.history(ADMIN, runId, 'loss', { maxResults: 10, maxPoints })

      expect(answer).toEqual({
        key: 'loss',
        points: downsampleMinMax(raw, maxPoints),
        totalPoints: 20_000,
        isDownsampled: true,
        nextPageToken: null,
      })
    },
  )

  it('answers a downsampled history that keeps the first, last, lowest and highest points', async () => {
    const runId = await newRun()
    await logNoisySeries(runId)
    const raw = (await rawHistory(runId, 'loss')).filter((p) => !Number.isNaN(p.value))
    const lowest = raw.reduce((a, b) => (b.value < a.value ? b : a))
    const highest = raw.reduce((a, b) => (b.value > a.value ? b : a))

    const { points } = await services.metrics.history(ADMIN, runId, 'loss', { maxResults: 10, maxPoints: 300 })

    expect(points.length).toBeLessThanOrEqual(300)
    expect(points[0]).toEqual(raw[0])
    expect(points[points.length - 1]).toEqual(raw[raw.length - 1])
    expect(points).toContainEqual(lowest)
    expect(points).toContainEqual(highest)
  })

  it('applies nothing of a batch that is rejected', async () => {
    const runId = await newRun()
    await services.metrics.logBatch(ADMIN, runId, {
      metrics: [{ key: 'loss', value: 1, step: 1 }],
      params: [{ key: 'lr', value: '0.1' }],
      tags: [],
    })

    const rejected = services.metrics.logBatch(ADMIN, runId, {
      metrics: [{ key: 'loss', value: 2, step: 2 }],
      params: [{ key: 'lr', value: '0.2' }],
      tags: [{ key: 'note', value: 'x' }],
    })

    await expect(rejected).rejects.toThrow(InvalidInputError)
    const history = await services.metrics.history(ADMIN, runId, 'loss', { maxResults: 10 })
    expect(history.points.map((p) => p.value)).toEqual([1])
    const run = await services.runs.get(ADMIN, runId)
    expect({ tags: run.tags, metrics: run.metrics.map((m) => m.value) }).toEqual({ tags: {}, metrics: [1] })
  })
})
