import type { Kysely } from 'kysely'
import {
  type Extremes,
  isRollupKept,
  type PositionedPoint,
  type RollupBlockUpdate,
  type RollupRange,
  rewrittenRollupBlocks,
  type SeriesAppend,
  storedChildRanges,
} from './metric-rollups.js'
import {
  compareKeys,
  decodeSegments,
  emptyColumns,
  encodeSegment,
  mergeColumns,
  type PointColumns,
  SEGMENT_POINTS,
  segmentLength,
  sortedColumns,
} from './metric-segments.js'
import type { DB } from './schema.js'
import { executeTemplate } from './statement-templates.js'

/** One metric point as the domain sees it: NaN and the infinities are plain numbers here. */
export interface StoredPoint {
  key: string
  value: number
  step: number
  timestampMs: number
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

export interface RollupBlock {
  blockNo: number
  extremes: Extremes | undefined
}

export type MetricsRepository = ReturnType<typeof createMetricsRepository>

interface SeriesState {
  pointCount: number
  last: { step: number; timestampMs: number } | undefined
}

interface SegmentRange {
  key: string
  from: number
  to: number
}

interface ExtremesColumns {
  minPosition: number | null
  minValue: number | null
  minStep: number | null
  minTimestampMs: number | null
  maxPosition: number | null
  maxValue: number | null
  maxStep: number | null
  maxTimestampMs: number | null
}

// SQLite allows at most 32,766 bound parameters per statement, so rows are sent in chunks.
const MAX_PARAMETERS = 32_766
// Long OR chains hit SQLite's expression depth limit (1,000), so range lookups go in groups. Each
// range names the whole key and there is no ORDER BY (rows are sorted here), so SQLite seeks
// every range in the primary key; otherwise it scans all of the run's rows.
const MAX_RANGES_PER_QUERY = 50
const SEGMENTS_PER_READ = 16

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = []
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size))
  return result
}

function lastSegmentOf(pointCount: number): number {
  return Math.ceil(pointCount / SEGMENT_POINTS) - 1
}

function toExtremes(row: ExtremesColumns): Extremes | undefined {
  if (row.minPosition === null || row.maxPosition === null) return undefined
  return {
    min: { position: Number(row.minPosition), value: Number(row.minValue), step: Number(row.minStep), timestampMs: Number(row.minTimestampMs) },
    max: { position: Number(row.maxPosition), value: Number(row.maxValue), step: Number(row.maxStep), timestampMs: Number(row.maxTimestampMs) },
  }
}

function toExtremesColumns(extremes: Extremes | undefined): ExtremesColumns {
  return {
    minPosition: extremes?.min.position ?? null,
    minValue: extremes?.min.value ?? null,
    minStep: extremes?.min.step ?? null,
    minTimestampMs: extremes?.min.timestampMs ?? null,
    maxPosition: extremes?.max.position ?? null,
    maxValue: extremes?.max.value ?? null,
    maxStep: extremes?.max.step ?? null,
    maxTimestampMs: extremes?.max.timestampMs ?? null,
  }
}

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
  /**
   * Creates missing series rows and returns every series' state. The upsert also locks the rows
   * (PostgreSQL), so concurrent batches of one series take turns instead of writing the same positions.
   */
  async function lockSeries(runId: string, keys: string[]): Promise<Map<string, SeriesState>> {
    const states = new Map<string, SeriesState>()
    for (const group of chunks(keys, Math.floor(MAX_PARAMETERS / 5))) {
      const rows = await executeTemplate(
        db,
        `lockSeries:${group.length}`,
        (value) =>
          db
            .insertInto('metricSeries')
            .values(group.map((_, i) => ({ runId: value(0), key: value(i + 1), pointCount: 0, lastStep: null, lastTimestampMs: null })))
            .onConflict((oc) => oc.columns(['runId', 'key']).doUpdateSet((eb) => ({ pointCount: eb.ref('metricSeries.pointCount') })))
            .returning(['key', 'pointCount', 'lastStep', 'lastTimestampMs']),
        [runId, ...group],
      )
      for (const row of rows) {
        const last = row.lastStep === null ? undefined : { step: Number(row.lastStep), timestampMs: Number(row.lastTimestampMs) }
        states.set(row.key, { pointCount: Number(row.pointCount), last })
      }
    }
    return states
  }

  /** Segments [from, to] of several series of a run, decoded; segments are consecutive from `from`. */
  async function readSegments(runId: string, ranges: SegmentRange[]): Promise<Map<string, PointColumns>> {
    const buffers = new Map<string, Buffer[]>(ranges.map((r) => [r.key, []]))
    for (const group of chunks(ranges, MAX_RANGES_PER_QUERY)) {
      const rows = await executeTemplate(
        db,
        `readSegments:${group.length}`,
        (value) =>
          db
            .selectFrom('metricSegments')
            .select(['key', 'segmentNo', 'points'])
            .where((eb) =>
              eb.or(
                group.map((_, i) =>
                  eb.and([eb('runId', '=', value(0)), eb('key', '=', value(3 * i + 1)), eb('segmentNo', '>=', value(3 * i + 2)), eb('segmentNo', '<=', value(3 * i + 3))]),
                ),
              ),
            ),
        [runId, ...group.flatMap((r) => [r.key, r.from, r.to])],
      )
      rows.sort((a, b) => Number(a.segmentNo) - Number(b.segmentNo))
      for (const row of rows) buffers.get(row.key)?.push(row.points)
    }
    return new Map([...buffers].map(([key, segments]) => [key, decodeSegments(segments)]))
  }

  /** Blocks of several rollup ranges of a run, keyed by series, then block size. */
  async function readRollups(runId: string, ranges: RollupRange[]): Promise<Map<string, Map<number, (Extremes | undefined)[]>>> {
    const bySeries = new Map<string, Map<number, (Extremes | undefined)[]>>()
    for (const group of chunks(ranges, MAX_RANGES_PER_QUERY)) {
      const rows = await executeTemplate(
        db,
        `readRollups:${group.length}`,
        (value) =>
          db
            .selectFrom('metricRollups')
            .selectAll()
            .where((eb) =>
              eb.or(
                group.map((_, i) =>
                  eb.and([
                    eb('runId', '=', value(0)),
                    eb('key', '=', value(4 * i + 1)),
                    eb('blockSize', '=', value(4 * i + 2)),
                    eb('blockNo', '>=', value(4 * i + 3)),
                    eb('blockNo', '<', value(4 * i + 4)),
                  ]),
                ),
              ),
            ),
        [runId, ...group.flatMap((r) => [r.key, r.blockSize, r.from, r.to])],
      )
      rows.sort((a, b) => Number(a.blockNo) - Number(b.blockNo))
      for (const row of rows) {
        const levels = bySeries.get(row.key) ?? new Map<number, (Extremes | undefined)[]>()
        bySeries.set(row.key, levels)
        const blocks = levels.get(Number(row.blockSize)) ?? []
        levels.set(Number(row.blockSize), blocks)
        blocks.push(toExtremes(row))
      }
    }
    return bySeries
  }

  /** The first segment rewritten when points land before the end: the last one that starts no later than they do. */
  async function firstAffectedSegment(runId: string, key: string, pointCount: number, earliest: { step: number; timestampMs: number }) {
    for (let to = lastSegmentOf(pointCount); to >= 0; to -= SEGMENTS_PER_READ) {
      const rows = await db
        .selectFrom('metricSegments')
        .select(['segmentNo', 'points'])
        .where('runId', '=', runId)
        .where('key', '=', key)
        .where('segmentNo', '<=', to)
        .where('segmentNo', '>', to - SEGMENTS_PER_READ)
        .orderBy('segmentNo', 'desc')
        .execute()
      for (const { segmentNo, points } of rows) {
        const [step, timestampMs] = [points.readDoubleLE(0), points.readDoubleLE(segmentLength(points) * 8)]
        if (compareKeys(step, timestampMs, earliest.step, earliest.timestampMs) <= 0) return Number(segmentNo)
      }
    }
    return 0
  }

  async function planAppend(runId: string, key: string, state: SeriesState, points: StoredPoint[]): Promise<SeriesAppend> {
    const added = sortedColumns(points)
    const earliest = { step: added.steps[0] as number, timestampMs: added.timestamps[0] as number }
    const isAtEnd = !state.last || compareKeys(state.last.step, state.last.timestampMs, earliest.step, earliest.timestampMs) <= 0
    const fromSegment = isAtEnd ? Math.floor(state.pointCount / SEGMENT_POINTS) : await firstAffectedSegment(runId, key, state.pointCount, earliest)
    // The finest rollup level summarises segments, so the append that starts it reads them all.
    const isFinestLevelStarting = !isRollupKept(SEGMENT_POINTS, state.pointCount) && isRollupKept(SEGMENT_POINTS, state.pointCount + points.length)
    return { key, before: state.pointCount, added, fromSegment: isFinestLevelStarting ? 0 : fromSegment }
  }

  async function writeSegments(runId: string, rows: { key: string; segmentNo: number; points: Buffer }[]): Promise<void> {
    for (const group of chunks(rows, Math.floor(MAX_PARAMETERS / 4))) {
      await executeTemplate(
        db,
        `writeSegments:${group.length}`,
        (value) =>
          db
            .insertInto('metricSegments')
            .values(group.map((_, i) => ({ runId: value(0), key: value(3 * i + 1), segmentNo: value(3 * i + 2), points: value(3 * i + 3) })))
            .onConflict((oc) => oc.columns(['runId', 'key', 'segmentNo']).doUpdateSet((eb) => ({ points: eb.ref('excluded.points') }))),
        [runId, ...group.flatMap((r) => [r.key, r.segmentNo, r.points])],
      )
    }
  }

  async function writeRollups(runId: string, updates: { key: string; update: RollupBlockUpdate }[]): Promise<void> {
    const perRow = 11
    for (const group of chunks(updates, Math.floor(MAX_PARAMETERS / perRow))) {
      await executeTemplate(
        db,
        `writeRollups:${group.length}`,
        (value) => {
          const at = (i: number, column: number) => value(perRow * i + column + 1)
          return db
            .insertInto('metricRollups')
            .values(
              group.map((_, i) => ({
                runId: value(0),
                key: at(i, 0),
                blockSize: at(i, 1),
                blockNo: at(i, 2),
                minPosition: at(i, 3),
                minValue: at(i, 4),
                minStep: at(i, 5),
                minTimestampMs: at(i, 6),
                maxPosition: at(i, 7),
                maxValue: at(i, 8),
                maxStep: at(i, 9),
                maxTimestampMs: at(i, 10),
              })),
            )
            .onConflict((oc) =>
              oc.columns(['runId', 'key', 'blockSize', 'blockNo']).doUpdateSet((eb) => ({
                minPosition: eb.ref('excluded.minPosition'),
                minValue: eb.ref('excluded.minValue'),
                minStep: eb.ref('excluded.minStep'),
                minTimestampMs: eb.ref('excluded.minTimestampMs'),
                maxPosition: eb.ref('excluded.maxPosition'),
                maxValue: eb.ref('excluded.maxValue'),
                maxStep: eb.ref('excluded.maxStep'),
                maxTimestampMs: eb.ref('excluded.maxTimestampMs'),
              })),
            )
        },
        [
          runId,
          ...group.flatMap(({ key, update }) => {
            const e = toExtremesColumns(update.extremes)
            return [key, update.blockSize, update.blockNo, e.minPosition, e.minValue, e.minStep, e.minTimestampMs, e.maxPosition, e.maxValue, e.maxStep, e.maxTimestampMs]
          }),
        ],
      )
    }
  }

  async function writeSeries(runId: string, rows: { key: string; pointCount: number; lastStep: number; lastTimestampMs: number }[]) {
    for (const group of chunks(rows, Math.floor(MAX_PARAMETERS / 5))) {
      await executeTemplate(
        db,
        `writeSeries:${group.length}`,
        (value) =>
          db
            .insertInto('metricSeries')
            .values(
              group.map((_, i) => ({ runId: value(0), key: value(4 * i + 1), pointCount: value(4 * i + 2), lastStep: value(4 * i + 3), lastTimestampMs: value(4 * i + 4) })),
            )
            .onConflict((oc) =>
              oc.columns(['runId', 'key']).doUpdateSet((eb) => ({
                pointCount: eb.ref('excluded.pointCount'),
                lastStep: eb.ref('excluded.lastStep'),
                lastTimestampMs: eb.ref('excluded.lastTimestampMs'),
              })),
            ),
        [runId, ...group.flatMap((r) => [r.key, r.pointCount, r.lastStep, r.lastTimestampMs])],
      )
    }
  }

  async function countHistory(runId: string, key: string): Promise<number> {
    const row = await db.selectFrom('metricSeries').select('pointCount').where('runId', '=', runId).where('key', '=', key).executeTakeFirst()
    return row ? Number(row.pointCount) : 0
  }

  /** The decoded segments holding history positions [from, to), and the position of their first point. */
  async function columnsBetween(runId: string, key: string, from: number, to: number) {
    const firstSegment = Math.floor(from / SEGMENT_POINTS)
    const columns = (await readSegments(runId, [{ key, from: firstSegment, to: Math.floor((to - 1) / SEGMENT_POINTS) }])).get(key)
    const offset = firstSegment * SEGMENT_POINTS
    return { columns: columns ?? emptyColumns(0), start: from - offset, end: Math.min(to - offset, columns?.steps.length ?? 0), offset }
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
      points.push({ value: columns.values[i] as number, step: columns.steps[i] as number, timestampMs: columns.timestamps[i] as number })
    }
    return points
  }

  /** Where the page after `after` starts; see HistoryCursor. */
  async function resolveCursor(runId: string, key: string, after: HistoryCursor, pointCount: number): Promise<number> {
    const isAtKey = (p: PositionedPoint | undefined) => p !== undefined && compareKeys(p.step, p.timestampMs, after.step, after.timestampMs) === 0
    const groupStart = after.position - after.tie
    if (after.position <= pointCount && groupStart >= 0 && after.tie >= 1) {
      const [previous, first] = await pointsBetween(runId, key, Math.max(0, groupStart - 1), groupStart + 1)
      const isStillThere =
        groupStart === 0
          ? isAtKey(previous)
          : previous !== undefined && compareKeys(previous.step, previous.timestampMs, after.step, after.timestampMs) < 0 && isAtKey(first)
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
    async appendHistory(runId: string, points: StoredPoint[]): Promise<void> {
      if (points.length === 0) return
      const byKey = new Map<string, StoredPoint[]>()
      for (const p of points) {
        const group = byKey.get(p.key)
        if (group) group.push(p)
        else byKey.set(p.key, [p])
      }
      const keys = [...byKey.keys()].sort()
      const states = await lockSeries(runId, keys)
      const appends: SeriesAppend[] = []
      for (const key of keys) {
        appends.push(await planAppend(runId, key, states.get(key) ?? { pointCount: 0, last: undefined }, byKey.get(key) ?? []))
      }

      const rewritten = appends.filter((a) => a.fromSegment * SEGMENT_POINTS < a.before)
      const stored = await readSegments(runId, rewritten.map((a) => ({ key: a.key, from: a.fromSegment, to: lastSegmentOf(a.before) })))
      const storedChildren = await readRollups(runId, appends.flatMap(storedChildRanges))

      const segments: { key: string; segmentNo: number; points: Buffer }[] = []
      const rollups: { key: string; update: RollupBlockUpdate }[] = []
      const series: { key: string; pointCount: number; lastStep: number; lastTimestampMs: number }[] = []
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
        series.push({
          key: append.key,
          pointCount: append.before + append.added.steps.length,
          lastStep: merged.steps[length - 1] as number,
          lastTimestampMs: merged.timestamps[length - 1] as number,
        })
      }
      await writeSegments(runId, segments)
      await writeRollups(runId, rollups)
      await writeSeries(runId, series)
    },

    /** Keeps `latest_metrics` at the point with the highest step, then the latest timestamp. */
    async raiseLatest(runId: string, points: StoredPoint[]): Promise<void> {
      const latestByKey = new Map<string, StoredPoint>()
      for (const p of points) {
        const current = latestByKey.get(p.key)
        if (!current || compareKeys(p.step, p.timestampMs, current.step, current.timestampMs) >= 0) latestByKey.set(p.key, p)
      }
      const rows = [...latestByKey.values()].sort((a, b) => (a.key < b.key ? -1 : 1))
      for (const group of chunks(rows, Math.floor(MAX_PARAMETERS / 6))) {
        await executeTemplate(
          db,
          `raiseLatest:${group.length}`,
          (value) =>
            db
              .insertInto('latestMetrics')
              .values(
                group.map((_, i) => ({ runId: value(0), key: value(5 * i + 1), value: value(5 * i + 2), isNan: value(5 * i + 3), step: value(5 * i + 4), timestampMs: value(5 * i + 5) })),
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
          [runId, ...group.flatMap((p) => [p.key, Number.isNaN(p.value) ? 0 : p.value, Number.isNaN(p.value) ? 1 : 0, p.step, p.timestampMs])],
        )
      }
    },

    countHistory,

    /** Up to `limit` points in history order, from `after` on (or from the first point). */
    async history(runId: string, key: string, { after, limit }: { after?: HistoryCursor | undefined; limit: number }): Promise<HistoryPage> {
      const pointCount = await countHistory(runId, key)
      const start = after ? await resolveCursor(runId, key, after, pointCount) : 0
      const points = await historyPoints(runId, key, start, Math.min(pointCount, start + limit))
      const last = points[points.length - 1]
      if (!last || start + points.length >= pointCount) return { points, next: undefined }
      let tie = trailingTie(points)
      if (tie === points.length && after && compareKeys(after.step, after.timestampMs, last.step, last.timestampMs) === 0) tie += after.tie
      return { points, next: { position: start + points.length, step: last.step, timestampMs: last.timestampMs, tie } }
    },

    /** The blocks of one rollup level of a series, in order; the level must be kept (isRollupKept). */
    async rollup(runId: string, key: string, blockSize: number): Promise<RollupBlock[]> {
      const rows = await db
        .selectFrom('metricRollups')
        .select(['blockNo', 'minPosition', 'minValue', 'minStep', 'minTimestampMs', 'maxPosition', 'maxValue', 'maxStep', 'maxTimestampMs'])
        .where('runId', '=', runId)
        .where('key', '=', key)
        .where('blockSize', '=', blockSize)
        .orderBy('blockNo')
        .execute()
      return rows.map((row) => ({ blockNo: Number(row.blockNo), extremes: toExtremes(row) }))
    },

    /** The first and the last point of a series that are not NaN. */
    async finiteEnds(runId: string, key: string): Promise<{ first: PositionedPoint; last: PositionedPoint } | undefined> {
      const pointCount = await countHistory(runId, key)
      const stride = SEGMENT_POINTS * SEGMENTS_PER_READ
      let first: PositionedPoint | undefined
      for (let from = 0; from < pointCount && !first; from += stride) {
        first = (await pointsBetween(runId, key, from, from + stride)).find((p) => !Number.isNaN(p.value))
      }
      let last: PositionedPoint | undefined
      for (let to = pointCount; to > 0 && !last; to -= stride) {
        last = (await pointsBetween(runId, key, Math.max(0, to - stride), to)).findLast((p) => !Number.isNaN(p.value))
      }
      return first && last ? { first, last } : undefined
    },
  }
}
