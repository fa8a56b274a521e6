import type { Kysely } from 'kysely'
import {
  isRollupKept,
  type PositionedPoint,
  type RollupBlockUpdate,
  rewrittenRollupBlocks,
  type SeriesAppend,
  storedChildRanges,
} from './metric-rollups.js'
import {
  compareKeys,
  emptyColumns,
  encodeSegment,
  mergeColumns,
  type PointColumns,
  SEGMENT_POINTS,
  sortedColumnsOf,
} from './metric-segments.js'
import {
  chunks,
  createMetricSeriesRepository,
  lastSegmentOf,
  MAX_PARAMETERS,
  type SeriesState,
} from './metric-series-repository.js'
import type { DB } from './schema.js'
import { executeTemplate } from './statement-templates.js'

export type { RollupBlock } from './metric-series-repository.js'

/** One metric point as the domain sees it: NaN and the infinities are plain numbers here. */
export interface StoredPoint {
  key: string
  value: number
  step: number
  timestampMs: number
}

/**
 * A batch's points in columns, in arrival order: point i is of key `keys[keyIndex[i]]` (the keys
 * are distinct). What a batch is carried as from the HTTP edge to the database: no object per point.
 */
export interface PointBatch extends PointColumns {
  keys: string[]
  keyIndex: Uint32Array
}

/**
 * An empty batch of `length` points to fill in, and `keyNumber`, which gives a key its index in
 * `batch.keys` (adding it there the first time it is asked for).
 */
export function newPointBatch(length: number): { batch: PointBatch; keyNumber: (key: string) => number } {
  const keys: string[] = []
  const indexOfKey = new Map<string, number>()
  const keyNumber = (key: string) => {
    let k = indexOfKey.get(key)
    if (k === undefined) {
      k = keys.length
      keys.push(key)
      indexOfKey.set(key, k)
    }
    return k
  }
  return { batch: { keys, keyIndex: new Uint32Array(length), ...emptyColumns(length) }, keyNumber }
}

/** Points as a batch in columns, in the same order. */
function pointBatchOf(points: readonly StoredPoint[]): PointBatch {
  const { batch, keyNumber } = newPointBatch(points.length)
  points.forEach((p, i) => {
    batch.keyIndex[i] = keyNumber(p.key)
    batch.values[i] = p.value
    batch.steps[i] = p.step
    batch.timestamps[i] = p.timestampMs
  })
  return batch
}

/** For each key of a batch (by index), the indices of its points; undefined for all of them (one key). */
function pointsByKey(batch: PointBatch): (Uint32Array | undefined)[] {
  if (batch.keys.length === 1) return [undefined]
  const counts = new Uint32Array(batch.keys.length)
  for (const k of batch.keyIndex) counts[k] = (counts[k] as number) + 1
  const groups = Array.from(counts, (count) => new Uint32Array(count))
  counts.fill(0)
  batch.keyIndex.forEach((k, i) => {
    ;(groups[k] as Uint32Array)[counts[k] as number] = i
    counts[k] = (counts[k] as number) + 1
  })
  return groups
}

export interface HistoryPoint {
  value: number
  step: number
  timestampMs: number
}

/**
 * Where the next page starts: `position` in history order, checked against the last point
 * returned — its (step, timestamp), and `tie`, how many points with that same key the pages
 * held so far. If points were merged in before it since, the start is found again by key.
 */
export interface HistoryCursor {
  position: number
  step: number
  timestampMs: number
  tie: number
}

export interface HistoryPage {
  points: HistoryPoint[]
  next: HistoryCursor | undefined
}

export type MetricsRepository = ReturnType<typeof createMetricsRepository>

function positionedPoints(columns: PointColumns, from: number, to: number, offset: number): PositionedPoint[] {
  const points: PositionedPoint[] = []
  for (let i = from; i < to; i++) {
    points.push({
      position: offset + i,
      value: columns.values[i] as number,
      step: columns.steps[i] as number,
      timestampMs: columns.timestamps[i] as number,
    })
  }
  return points
}

/** How many points at the end of `points` share the last one's (step, timestamp). */
function trailingTie(points: HistoryPoint[]): number {
  const last = points[points.length - 1]
  let tie = 0
  for (let i = points.length - 1; i >= 0 && last; i--) {
    const p = points[i] as HistoryPoint
    if (compareKeys(p.step, p.timestampMs, last.step, last.timestampMs) !== 0) break
    tie++
  }
  return tie
}

export function createMetricsRepository(db: Kysely<DB>) {
  const series = createMetricSeriesRepository(db)
  const { countHistory, readSegments } = series

  async function planAppend(
    runId: string,
    key: string,
    state: SeriesState,
    added: PointColumns,
  ): Promise<SeriesAppend> {
    const earliest = { step: added.steps[0] as number, timestampMs: added.timestamps[0] as number }
    const isAtEnd =
      !state.last || compareKeys(state.last.step, state.last.timestampMs, earliest.step, earliest.timestampMs) <= 0
    const fromSegment = isAtEnd
      ? Math.floor(state.pointCount / SEGMENT_POINTS)
      : await series.firstAffectedSegment(runId, key, state.pointCount, earliest)
    // The finest rollup level summarises segments, so the append that starts it reads them all.
    const isFinestLevelStarting =
      !isRollupKept(SEGMENT_POINTS, state.pointCount) &&
      isRollupKept(SEGMENT_POINTS, state.pointCount + added.steps.length)
    return { key, before: state.pointCount, added, fromSegment: isFinestLevelStarting ? 0 : fromSegment }
  }

  /** Writes the segments, rollup blocks and series rows that the planned appends change. */
  async function rewrite(runId: string, appends: SeriesAppend[]): Promise<void> {
    const rewritten = appends.filter((a) => a.fromSegment * SEGMENT_POINTS < a.before)
    const stored = await readSegments(
      runId,
      rewritten.map((a) => ({ key: a.key, from: a.fromSegment, to: lastSegmentOf(a.before) })),
    )
    const storedChildren = await series.readRollups(runId, appends.flatMap(storedChildRanges))
    const segments: { key: string; segmentNo: number; points: Buffer }[] = []
    const rollups: { key: string; update: RollupBlockUpdate }[] = []
    const seriesRows: { key: string; pointCount: number; lastStep: number; lastTimestampMs: number }[] = []
    for (const append of appends) {
      const storedPoints = stored.get(append.key)
      const merged = storedPoints ? mergeColumns(storedPoints, append.added) : append.added
      const length = merged.steps.length
      for (let from = 0; from < length; from += SEGMENT_POINTS) {
        const points = encodeSegment(merged, from, Math.min(length, from + SEGMENT_POINTS))
        segments.push({ key: append.key, segmentNo: append.fromSegment + from / SEGMENT_POINTS, points })
      }
      for (const update of rewrittenRollupBlocks(append, merged, storedChildren.get(append.key) ?? new Map())) {
        rollups.push({ key: append.key, update })
      }
      const pointCount = append.before + append.added.steps.length
      seriesRows.push({
        key: append.key,
        pointCount,
        lastStep: merged.steps[length - 1] as number,
        lastTimestampMs: merged.timestamps[length - 1] as number,
      })
    }
    await series.writeSegments(runId, segments)
    await series.writeRollups(runId, rollups)
    await series.writeSeries(runId, seriesRows)
  }

  /** The decoded segments holding history positions [from, to), and the position of their first point. */
  async function columnsBetween(runId: string, key: string, from: number, to: number) {
    const firstSegment = Math.floor(from / SEGMENT_POINTS)
    const columns = (
      await readSegments(runId, [{ key, from: firstSegment, to: Math.floor((to - 1) / SEGMENT_POINTS) }])
    ).get(key)
    const offset = firstSegment * SEGMENT_POINTS
    return {
      columns: columns ?? emptyColumns(0),
      start: from - offset,
      end: Math.min(to - offset, columns?.steps.length ?? 0),
      offset,
    }
  }

  /** Points at history positions [from, to), as far as they exist. */
  async function pointsBetween(runId: string, key: string, from: number, to: number): Promise<PositionedPoint[]> {
    if (to <= from) return []
    const { columns, start, end, offset } = await columnsBetween(runId, key, from, to)
    return positionedPoints(columns, start, end, offset)
  }

  /** Like pointsBetween, without positions: the shape of a history page. */
  async function historyPoints(runId: string, key: string, from: number, to: number): Promise<HistoryPoint[]> {
    if (to <= from) return []
    const { columns, start, end } = await columnsBetween(runId, key, from, to)
    const points: HistoryPoint[] = []
    for (let i = start; i < end; i++) {
      points.push({
        value: columns.values[i] as number,
        step: columns.steps[i] as number,
        timestampMs: columns.timestamps[i] as number,
      })
    }
    return points
  }

  /** Where the page after `after` starts; see HistoryCursor. */
  async function resolveCursor(runId: string, key: string, after: HistoryCursor, pointCount: number): Promise<number> {
    const isAtKey = (p: PositionedPoint | undefined) =>
      p !== undefined && compareKeys(p.step, p.timestampMs, after.step, after.timestampMs) === 0
    const groupStart = after.position - after.tie
    if (after.position <= pointCount && groupStart >= 0 && after.tie >= 1) {
      const [previous, first] = await pointsBetween(runId, key, Math.max(0, groupStart - 1), groupStart + 1)
      const isStillThere =
        groupStart === 0
          ? isAtKey(previous)
          : previous !== undefined &&
            compareKeys(previous.step, previous.timestampMs, after.step, after.timestampMs) < 0 &&
            isAtKey(first)
      if (isStillThere) return after.position
    }
    // Points were merged in before the cursor since the last page (or the token is stale): find its key again.
    const all = await pointsBetween(runId, key, 0, pointCount)
    const firstAtKey = all.findIndex((p) => compareKeys(p.step, p.timestampMs, after.step, after.timestampMs) >= 0)
    return Math.min(pointCount, (firstAtKey === -1 ? pointCount : firstAtKey) + after.tie)
  }

  return {
    /**
     * Adds points to their series in history order. Points that land before the end of a series
     * (a lower step, or an earlier timestamp at the same step) are merged in: the segments from
     * there on, and the rollup blocks above them, are rewritten.
     */
    async appendHistory(runId: string, points: readonly StoredPoint[] | PointBatch): Promise<void> {
      const batch = 'keyIndex' in points ? points : pointBatchOf(points)
      if (batch.steps.length === 0) return
      const groups = pointsByKey(batch)
      const keys = batch.keys.map((key, k) => ({ key, k })).sort((a, b) => (a.key < b.key ? -1 : 1))
      const states = await series.lockSeries(
        runId,
        keys.map(({ key }) => key),
      )
      const appends: SeriesAppend[] = []
      for (const { key, k } of keys) {
        const added = sortedColumnsOf(batch, groups[k])
        appends.push(await planAppend(runId, key, states.get(key) ?? { pointCount: 0, last: undefined }, added))
      }
      await rewrite(runId, appends)
    },

    /** Keeps `latest_metrics` at the point with the highest step, then the latest timestamp. */
    async raiseLatest(runId: string, points: readonly StoredPoint[] | PointBatch): Promise<void> {
      const batch = 'keyIndex' in points ? points : pointBatchOf(points)
      const latest = new Int32Array(batch.keys.length).fill(-1)
      batch.keyIndex.forEach((k, i) => {
        const current = latest[k] as number
        if (
          current === -1 ||
          compareKeys(
            batch.steps[i] as number,
            batch.timestamps[i] as number,
            batch.steps[current] as number,
            batch.timestamps[current] as number,
          ) >= 0
        )
          latest[k] = i
      })
      const rows: StoredPoint[] = []
      latest.forEach((i, k) => {
        if (i === -1) return
        const key = batch.keys[k] as string
        rows.push({
          key,
          value: batch.values[i] as number,
          step: batch.steps[i] as number,
          timestampMs: batch.timestamps[i] as number,
        })
      })
      rows.sort((a, b) => (a.key < b.key ? -1 : 1))
      for (const group of chunks(rows, Math.floor(MAX_PARAMETERS / 6))) {
        await executeTemplate(
          db,
          `raiseLatest:${group.length}`,
          (value) =>
            db
              .insertInto('latestMetrics')
              .values(
                group.map((_, i) => ({
                  runId: value(0),
                  key: value(5 * i + 1),
                  value: value(5 * i + 2),
                  isNan: value(5 * i + 3),
                  step: value(5 * i + 4),
                  timestampMs: value(5 * i + 5),
                })),
              )
              .onConflict((oc) =>
                oc
                  .columns(['runId', 'key'])
                  .doUpdateSet((eb) => ({
                    value: eb.ref('excluded.value'),
                    isNan: eb.ref('excluded.isNan'),
                    step: eb.ref('excluded.step'),
                    timestampMs: eb.ref('excluded.timestampMs'),
                  }))
                  .where((eb) =>
                    eb.or([
                      eb('latestMetrics.step', '<', eb.ref('excluded.step')),
                      eb.and([
                        eb('latestMetrics.step', '=', eb.ref('excluded.step')),
                        eb('latestMetrics.timestampMs', '<=', eb.ref('excluded.timestampMs')),
                      ]),
                    ]),
                  ),
              ),
          [
            runId,
            ...group.flatMap((p) => [
              p.key,
              Number.isNaN(p.value) ? 0 : p.value,
              Number.isNaN(p.value) ? 1 : 0,
              p.step,
              p.timestampMs,
            ]),
          ],
        )
      }
    },

    countHistory,

    /** Up to `limit` points in history order, from `after` on (or from the first point). */
    async history(
      runId: string,
      key: string,
      { after, limit }: { after?: HistoryCursor | undefined; limit: number },
    ): Promise<HistoryPage> {
      const pointCount = await countHistory(runId, key)
      const start = after ? await resolveCursor(runId, key, after, pointCount) : 0
      const points = await historyPoints(runId, key, start, Math.min(pointCount, start + limit))
      const last = points[points.length - 1]
      if (!last || start + points.length >= pointCount) return { points, next: undefined }
      let tie = trailingTie(points)
      if (
        tie === points.length &&
        after &&
        compareKeys(after.step, after.timestampMs, last.step, last.timestampMs) === 0
      )
        tie += after.tie
      return { points, next: { position: start + points.length, step: last.step, timestampMs: last.timestampMs, tie } }
    },

    /**
     * The history positions [from, to) of the points with minStep <= step <= maxStep: history
     * order is by step first, so they are one stretch, found by binary search.
     */
    async stepRange(
      runId: string,
      key: string,
      minStep: number,
      maxStep: number,
    ): Promise<{ from: number; to: number }> {
      const pointCount = await countHistory(runId, key)
      // The first position whose step passes `isPast`, which is false up to some point and true after.
      async function firstPast(isPast: (step: number) => boolean): Promise<number> {
        let [low, high] = [0, pointCount]
        while (low < high) {
          const middle = Math.floor((low + high) / 2)
          const [point] = await historyPoints(runId, key, middle, middle + 1)
          if (point && isPast(point.step)) high = middle
          else low = middle + 1
        }
        return low
      }
      const from = await firstPast((step) => step >= minStep)
      const to = await firstPast((step) => step > maxStep)
      return { from, to: Math.max(from, to) }
    },

    /** The points at history positions [from, to), as far as they exist. */
    pointsBetween: historyPoints,

    /** The blocks of one rollup level of a series, in order; the level must be kept (isRollupKept). */
    rollup: series.readRollupLevel,

    /** The first and the last point of a series that are not NaN. */
    async finiteEnds(
      runId: string,
      key: string,
    ): Promise<{ first: PositionedPoint; last: PositionedPoint } | undefined> {
      const pointCount = await countHistory(runId, key)
      // One segment at each end is nearly always enough; a run of NaN is skipped in growing strides.
      let first: PositionedPoint | undefined
      for (let from = 0, stride = SEGMENT_POINTS; from < pointCount && !first; from += stride, stride *= 2) {
        first = (await pointsBetween(runId, key, from, from + stride)).find((p) => !Number.isNaN(p.value))
      }
      let last: PositionedPoint | undefined
      const lastSegmentStart = lastSegmentOf(pointCount) * SEGMENT_POINTS
      for (let to = pointCount, stride = pointCount - lastSegmentStart; to > 0 && !last; to -= stride, stride *= 2) {
        last = (await pointsBetween(runId, key, Math.max(0, to - stride), to)).findLast((p) => !Number.isNaN(p.value))
      }
      return first && last ? { first, last } : undefined
    },
  }
}
