import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prng } from '../../../../data/src/test-support/prng.js'
import { openTestStore } from '../../test-support/test-app.js'
import { testDialects } from '../../test-support/test-databases.js'
import type { Store } from '../store.js'
import { type Extremes, extremesOf, isRollupKept, ROLLUP_BLOCK_SIZES } from './metric-rollups.js'
import { compareKeys, emptyColumns, type PointColumns } from './metric-segments.js'
import type { HistoryCursor, HistoryPoint, StoredPoint } from './metrics-repository.js'

/** History order: (step, timestamp), then arrival. */
function inHistoryOrder(points: HistoryPoint[]): HistoryPoint[] {
  return points
    .map((p, arrival) => ({ p, arrival }))
    .sort((a, b) => a.p.step - b.p.step || a.p.timestampMs - b.p.timestampMs || a.arrival - b.arrival)
    .map(({ p }) => ({ value: p.value, step: p.step, timestampMs: p.timestampMs }))
}

function points(key: string, count: number, at: (i: number) => Partial<HistoryPoint> = () => ({})): StoredPoint[] {
  return Array.from({ length: count }, (_, i) => ({ key, value: i / 10, step: i, timestampMs: 1000 + i, ...at(i) }))
}

describe.each(testDialects())('metrics repository on %s', (dialect) => {
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
        startTimeMs: 0,
        endTimeMs: null,
        userId: 'test',
        parentRunId: null,
        lifecycle: 'active',
      },
      0,
    )
    return id
  }

  async function append(runId: string, batch: StoredPoint[]) {
    await store.transaction(async (tx) => {
      await tx.metrics.appendHistory(runId, batch)
      await tx.metrics.raiseLatest(runId, batch)
    })
  }

  async function readAll(runId: string, key: string, pageSize: number): Promise<HistoryPoint[]> {
    const all: HistoryPoint[] = []
    let after: HistoryCursor | undefined
    do {
      const page = await store.metrics.history(runId, key, { after, limit: pageSize })
      all.push(...page.points)
      after = page.next
    } while (after)
    return all
  }

  /** Points in history order as columns (a stable sort: ties keep their order). */
  function sortedColumns(points: HistoryPoint[]): PointColumns {
    const sorted = [...points].sort((a, b) => compareKeys(a.step, a.timestampMs, b.step, b.timestampMs))
    const columns = emptyColumns(sorted.length)
    sorted.forEach((p, i) => {
      columns.steps[i] = p.step
      columns.timestamps[i] = p.timestampMs
      columns.values[i] = p.value
    })
    return columns
  }

  /** Every kept rollup level must summarise the stored points exactly. */
  async function expectRollupsMatch(runId: string, key: string, expected: HistoryPoint[]) {
    const columns = sortedColumns(expected)
    for (const blockSize of ROLLUP_BLOCK_SIZES) {
      const blocks = await store.metrics.rollup(runId, key, blockSize)
      if (!isRollupKept(blockSize, expected.length)) {
        expect(blocks).toEqual([])
        continue
      }
      const wanted: { blockNo: number; extremes: Extremes | undefined }[] = []
      for (let from = 0; from < expected.length; from += blockSize) {
        wanted.push({
          blockNo: from / blockSize,
          extremes: extremesOf(columns, from, Math.min(from + blockSize, expected.length), from),
        })
      }
      expect(blocks).toEqual(wanted)
    }
  }

  it('reads back points appended in order, page by page, with their count', async () => {
    const runId = await newRun()
    const logged = points('loss', 1000)
    for (let i = 0; i < logged.length; i += 300) await append(runId, logged.slice(i, i + 300))

    expect(await store.metrics.countHistory(runId, 'loss')).toBe(1000)
    expect(await readAll(runId, 'loss', 128)).toEqual(
      logged.map(({ value, step, timestampMs }) => ({ value, step, timestampMs })),
    )
  })

  it('merges points that arrive out of order into (step, timestamp, arrival) order and keeps the rollups exact', async () => {
    const runId = await newRun()
    const random = prng(7)
    const logged: HistoryPoint[] = []
    for (let batch = 0; batch < 40; batch++) {
      const size = 1 + Math.floor(random() * 400)
      // Mostly increasing steps, with late points, duplicate keys and NaN mixed in.
      const base = batch * 250
      const batchPoints = Array.from({ length: size }, () => ({
        key: 'acc',
        value: random() < 0.02 ? Number.NaN : Math.round(random() * 1000) / 10,
        step: random() < 0.1 ? Math.floor(random() * base) : base + Math.floor(random() * 300),
        timestampMs: 5000 + Math.floor(random() * 3),
      }))
      logged.push(...batchPoints)
      await append(runId, batchPoints)
    }
    const expected = inHistoryOrder(logged)

    expect(await readAll(runId, 'acc', 1000)).toEqual(expected)
    await expectRollupsMatch(runId, 'acc', expected)
  })

  it('keeps every rollup level exact across the sizes where levels start', async () => {
    const runId = await newRun()
    const logged = points('lr', 9000, (i) => ({ value: Math.sin(i / 50) * (i % 7 === 0 ? 3 : 1) }))
    for (let i = 0; i < logged.length; i += 1777) await append(runId, logged.slice(i, i + 1777))

    await expectRollupsMatch(runId, 'lr', inHistoryOrder(logged))
  })

  it('merges a point into the start of a long series, rewriting thousands of rollup blocks in one batch', async () => {
    // 200,000 points: 3,125 finest rollup blocks and 390 of the next level, all moved by one early point,
    // more rows than one statement may bind parameters for.
    const runId = await newRun()
    const logged = points('long', 200_000, (i) => ({ step: i + 1, value: (i * 7919) % 1000 }))
    for (let i = 0; i < logged.length; i += 50_000) await append(runId, logged.slice(i, i + 50_000))
    const early = { key: 'long', value: -1, step: 0, timestampMs: 0 }

    await append(runId, [early])

    const expected = inHistoryOrder([...logged, early])
    expect(await store.metrics.countHistory(runId, 'long')).toBe(200_001)
    expect((await store.metrics.history(runId, 'long', { limit: 2 })).points).toEqual(expected.slice(0, 2))
    await expectRollupsMatch(runId, 'long', expected)
  })

  it('keeps one series per key when a batch mixes keys', async () => {
    const runId = await newRun()
    const batch = [...points('a', 150), ...points('b', 10, (i) => ({ value: -i }))]
    await append(runId, batch)

    expect(await readAll(runId, 'a', 1000)).toHaveLength(150)
    expect(await readAll(runId, 'b', 1000)).toEqual(
      points('b', 10, (i) => ({ value: -i })).map(({ value, step, timestampMs }) => ({ value, step, timestampMs })),
    )
    expect(await store.metrics.countHistory(runId, 'missing')).toBe(0)
  })

  it('continues paging where it left off when points are merged in before the cursor', async () => {
    const runId = await newRun()
    await append(runId, points('loss', 200))
    const first = await store.metrics.history(runId, 'loss', { limit: 100 })
    await append(runId, [{ key: 'loss', value: 9, step: 5, timestampMs: 0 }])

    const second = await store.metrics.history(runId, 'loss', { after: first.next, limit: 1000 })

    expect(second.points).toEqual(
      points('loss', 200)
        .slice(100)
        .map(({ value, step, timestampMs }) => ({ value, step, timestampMs })),
    )
  })

  it('pages through points that share one (step, timestamp) without losing or repeating any', async () => {
    const runId = await newRun()
    const logged = points('tied', 300, (i) => ({ step: 0, timestampMs: 7, value: i }))
    await append(runId, logged)
    await append(
      runId,
      points('tied', 5, (i) => ({ step: 0, timestampMs: 7, value: 300 + i })),
    )

    const values = (await readAll(runId, 'tied', 64)).map((p) => p.value)

    expect(values).toEqual(Array.from({ length: 305 }, (_, i) => i))
  })

  it('writes nothing when the transaction of a batch fails', async () => {
    const runId = await newRun()
    await append(runId, points('loss', 100))
    const failing = store.transaction(async (tx) => {
      await tx.metrics.appendHistory(
        runId,
        points('loss', 500, (i) => ({ step: i < 50 ? i : 1000 + i, value: 99 })),
      )
      await tx.metrics.raiseLatest(
        runId,
        points('loss', 1, () => ({ step: 5000, value: 99 })),
      )
      throw new Error('the batch fails after its metrics are written')
    })
    await expect(failing).rejects.toThrow('the batch fails')

    expect(await store.metrics.countHistory(runId, 'loss')).toBe(100)
    expect(await readAll(runId, 'loss', 1000)).toEqual(
      points('loss', 100).map(({ value, step, timestampMs }) => ({ value, step, timestampMs })),
    )
    await expectRollupsMatch(runId, 'loss', points('loss', 100))
    const [run] = await store.runs.loadFull([runId])
    expect(run?.metrics).toEqual([{ key: 'loss', value: 9.9, step: 99, timestampMs: 1099 }])
  })

  it('keeps as latest the point with the highest step, then the latest timestamp, NaN included', async () => {
    const runId = await newRun()
    await append(runId, [
      { key: 'loss', value: 0.9, step: 2, timestampMs: 2000 },
      { key: 'loss', value: 0.5, step: 1, timestampMs: 3000 },
      { key: 'acc', value: 0.1, step: 3, timestampMs: 1000 },
    ])
    await append(runId, [
      { key: 'loss', value: 0.1, step: 1, timestampMs: 9000 },
      { key: 'acc', value: Number.NaN, step: 3, timestampMs: 1000 },
    ])

    const [run] = await store.runs.loadFull([runId])
    expect(run?.metrics).toEqual([
      { key: 'acc', value: 'NaN', step: 3, timestampMs: 1000 },
      { key: 'loss', value: 0.9, step: 2, timestampMs: 2000 },
    ])
  })

  it('finds the first and last points that are not NaN past long runs of NaN at both ends', async () => {
    const runId = await newRun()
    await append(
      runId,
      points('edges', 1000, (i) => ({ value: i < 200 || i >= 850 ? Number.NaN : i })),
    )

    expect(await store.metrics.finiteEnds(runId, 'edges')).toEqual({
      first: { position: 200, value: 200, step: 200, timestampMs: 1200 },
      last: { position: 849, value: 849, step: 849, timestampMs: 1849 },
    })
    expect(await store.metrics.finiteEnds(runId, 'missing')).toBeUndefined()
  })

  it('stores NaN and the infinities and leaves NaN out of the rollups', async () => {
    const runId = await newRun()
    const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]
    const logged = points('odd', 300, (i) => ({ value: i < 64 ? Number.NaN : (special[i % 3] as number) }))
    await append(runId, logged)

    const read = await readAll(runId, 'odd', 1000)
    expect(read.map((p) => p.value)).toEqual(logged.map((p) => p.value))
    await expectRollupsMatch(runId, 'odd', read)
    expect((await store.metrics.rollup(runId, 'odd', 64))[0]).toEqual({ blockNo: 0, extremes: undefined })
  })
})
