import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestStore } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'
import type { Store } from '../store.js'

describe.each(testDialects())('runs repository on %s', (dialect) => {
  let store: Store
  let close: () => Promise<void>
  beforeAll(async () => {
    const opened = await openTestStore(dialect)
    store = opened.store
    close = () => opened.database.close()
  })
  afterAll(async () => close())

  async function newRun(): Promise<string> {
    const id = randomBytes(16).toString('hex')
    await store.runs.insert(
      {
        id,
        experimentId: '0',
        name: id,
        status: 'RUNNING',
        startTimeMs: 5,
        endTimeMs: null,
        userId: 'u',
        parentRunId: null,
        lifecycle: 'active',
      },
      5,
    )
    return id
  }

  it('loads the params, tags and latest metrics of runs exactly, keys in order, special values included', async () => {
    const [first, second, bare] = [await newRun(), await newRun(), await newRun()]
    await store.runs.insertParams(first, [
      { key: 'snake_case_key', value: 'a "quoted" \\ value' },
      { key: 'unicode', value: 'héllo 🌍' },
    ])
    await store.runs.setTags(first, [{ key: 'note', value: '{"looks": "like json"}' }])
    const points = [
      { key: 'b_loss', value: 0.30000000000000004, step: 2 ** 53 - 1, timestampMs: 2 ** 52 },
      { key: 'A', value: Number.POSITIVE_INFINITY, step: -3, timestampMs: 0 },
      { key: 'nan', value: Number.NaN, step: 0, timestampMs: 1 },
      { key: 'neg', value: Number.NEGATIVE_INFINITY, step: 0, timestampMs: 1 },
      { key: 'tiny', value: 5e-324, step: 0, timestampMs: 1 },
    ]
    await store.metrics.raiseLatest(first, points)
    await store.metrics.raiseLatest(second, [{ key: 'loss', value: 1, step: 0, timestampMs: 0 }])

    const runs = await store.runs.loadFull([second, bare, first])

    expect(runs.map((r) => ({ id: r.id, params: r.params, tags: r.tags, metrics: r.metrics }))).toEqual([
      { id: second, params: {}, tags: {}, metrics: [{ key: 'loss', value: 1, step: 0, timestampMs: 0 }] },
      { id: bare, params: {}, tags: {}, metrics: [] },
      {
        id: first,
        params: { snake_case_key: 'a "quoted" \\ value', unicode: 'héllo 🌍' },
        tags: { note: '{"looks": "like json"}' },
        metrics: [
          { key: 'A', value: 'Infinity', step: -3, timestampMs: 0 },
          { key: 'b_loss', value: 0.30000000000000004, step: 2 ** 53 - 1, timestampMs: 2 ** 52 },
          { key: 'nan', value: 'NaN', step: 0, timestampMs: 1 },
          { key: 'neg', value: '-Infinity', step: 0, timestampMs: 1 },
          { key: 'tiny', value: 5e-324, step: 0, timestampMs: 1 },
        ],
      },
    ])
  })
})
