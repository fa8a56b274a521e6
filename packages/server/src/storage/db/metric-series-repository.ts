import type { Kysely } from 'kysely'
import type { Extremes, RollupBlockUpdate, RollupRange } from './metric-rollups.js'
import { compareKeys, decodeSegments, type PointColumns, SEGMENT_POINTS, segmentLength } from './metric-segments.js'
import type { DB } from './schema.js'
import { executeTemplate } from './statement-templates.js'

/** A series' row: how many points it has, and the (step, timestamp) of its last point in history order. */
export interface SeriesState {
  pointCount: number
  last: { step: number; timestampMs: number } | undefined
}

/** Segments [from, to] of one series. */
export interface SegmentRange {
  key: string
  from: number
  to: number
}

/** One block of a rollup level, as stored. */
export interface RollupBlock {
  blockNo: number
  extremes: Extremes | undefined
}

export type MetricSeriesRepository = ReturnType<typeof createMetricSeriesRepository>

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
export const MAX_PARAMETERS = 32_766
// Long OR chains hit SQLite's expression depth limit (1,000), so range lookups go in groups. Each
// range names the whole key and there is no ORDER BY (rows are sorted here), so SQLite seeks
// every range in the primary key; otherwise it scans all of the run's rows.
const MAX_RANGES_PER_QUERY = 50
/** Segments read at a time when searching backwards from the end of a series. */
const SEGMENTS_PER_READ = 16

export function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = []
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size))
  return result
}

export function lastSegmentOf(pointCount: number): number {
  return Math.ceil(pointCount / SEGMENT_POINTS) - 1
}

function toExtremes(row: ExtremesColumns): Extremes | undefined {
  if (row.minPosition === null || row.maxPosition === null) return undefined
  return {
    min: {
      position: Number(row.minPosition),
      value: Number(row.minValue),
      step: Number(row.minStep),
      timestampMs: Number(row.minTimestampMs),
    },
    max: {
      position: Number(row.maxPosition),
      value: Number(row.maxValue),
      step: Number(row.maxStep),
      timestampMs: Number(row.maxTimestampMs),
    },
  }
}

/** The values of a rollup insert: the run id, then each block's key, size, number and extremes. */
function rollupValues(runId: string, group: { key: string; update: RollupBlockUpdate }[], perRow: number): unknown[] {
  const values: unknown[] = new Array(1 + group.length * perRow)
  values[0] = runId
  let at = 1
  for (const { key, update } of group) {
    const { min, max } = update.extremes ?? {}
    values[at++] = key
    values[at++] = update.blockSize
    values[at++] = update.blockNo
    values[at++] = min?.position ?? null
    values[at++] = min?.value ?? null
    values[at++] = min?.step ?? null
    values[at++] = min?.timestampMs ?? null
    values[at++] = max?.position ?? null
    values[at++] = max?.value ?? null
    values[at++] = max?.step ?? null
    values[at++] = max?.timestampMs ?? null
  }
  return values
}

/**
 * The rows behind metric history (see metric-segments.ts and metric-rollups.ts): a state row per
 * series, its packed segments and its rollup blocks. The statements of the ingestion path run
 * from templates (statement-templates.ts).
 */
export function createMetricSeriesRepository(db: Kysely<DB>) {
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
            .values(
              group.map((_, i) => ({
                runId: value(0),
                key: value(i + 1),
                pointCount: 0,
                lastStep: null,
                lastTimestampMs: null,
              })),
            )
            .onConflict((oc) =>
              oc.columns(['runId', 'key']).doUpdateSet((eb) => ({ pointCount: eb.ref('metricSeries.pointCount') })),
            )
            .returning(['key', 'pointCount', 'lastStep', 'lastTimestampMs']),
        [runId, ...group],
      )
      for (const row of rows) {
        const last =
          row.lastStep === null ? undefined : { step: Number(row.lastStep), timestampMs: Number(row.lastTimestampMs) }
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
                  eb.and([
                    eb('runId', '=', value(0)),
                    eb('key', '=', value(3 * i + 1)),
                    eb('segmentNo', '>=', value(3 * i + 2)),
                    eb('segmentNo', '<=', value(3 * i + 3)),
                  ]),
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
  async function readRollups(
    runId: string,
    ranges: RollupRange[],
  ): Promise<Map<string, Map<number, (Extremes | undefined)[]>>> {
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
  async function firstAffectedSegment(
    runId: string,
    key: string,
    pointCount: number,
    earliest: { step: number; timestampMs: number },
  ) {
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

  async function writeSegments(
    runId: string,
    rows: { key: string; segmentNo: number; points: Buffer }[],
  ): Promise<void> {
    for (const group of chunks(rows, Math.floor(MAX_PARAMETERS / 4))) {
      await executeTemplate(
        db,
        `writeSegments:${group.length}`,
        (value) =>
          db
            .insertInto('metricSegments')
            .values(
              group.map((_, i) => ({
                runId: value(0),
                key: value(3 * i + 1),
                segmentNo: value(3 * i + 2),
                points: value(3 * i + 3),
              })),
            )
            .onConflict((oc) =>
              oc.columns(['runId', 'key', 'segmentNo']).doUpdateSet((eb) => ({ points: eb.ref('excluded.points') })),
            ),
        [runId, ...group.flatMap((r) => [r.key, r.segmentNo, r.points])],
      )
    }
  }

  async function writeRollups(runId: string, updates: { key: string; update: RollupBlockUpdate }[]): Promise<void> {
    const perRow = 11
    // Each row binds the run id too: perRow + 1 parameters a row.
    for (const group of chunks(updates, Math.floor(MAX_PARAMETERS / (perRow + 1)))) {
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
        rollupValues(runId, group, perRow),
      )
    }
  }

  async function writeSeries(
    runId: string,
    rows: { key: string; pointCount: number; lastStep: number; lastTimestampMs: number }[],
  ) {
    for (const group of chunks(rows, Math.floor(MAX_PARAMETERS / 5))) {
      await executeTemplate(
        db,
        `writeSeries:${group.length}`,
        (value) =>
          db
            .insertInto('metricSeries')
            .values(
              group.map((_, i) => ({
                runId: value(0),
                key: value(4 * i + 1),
                pointCount: value(4 * i + 2),
                lastStep: value(4 * i + 3),
                lastTimestampMs: value(4 * i + 4),
              })),
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
    const row = await db
      .selectFrom('metricSeries')
      .select('pointCount')
      .where('runId', '=', runId)
      .where('key', '=', key)
      .executeTakeFirst()
    return row ? Number(row.pointCount) : 0
  }

  /** The blocks of one rollup level of a series, in order; the level must be kept (isRollupKept). */
  async function readRollupLevel(runId: string, key: string, blockSize: number): Promise<RollupBlock[]> {
    const rows = await db
      .selectFrom('metricRollups')
      .select([
        'blockNo',
        'minPosition',
        'minValue',
        'minStep',
        'minTimestampMs',
        'maxPosition',
        'maxValue',
        'maxStep',
        'maxTimestampMs',
      ])
      .where('runId', '=', runId)
      .where('key', '=', key)
      .where('blockSize', '=', blockSize)
      .orderBy('blockNo')
      .execute()
    return rows.map((row) => ({ blockNo: Number(row.blockNo), extremes: toExtremes(row) }))
  }

  return {
    lockSeries,
    readSegments,
    readRollups,
    firstAffectedSegment,
    writeSegments,
    writeRollups,
    writeSeries,
    countHistory,
    readRollupLevel,
  }
}
