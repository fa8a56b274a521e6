import { type PointColumns, SEGMENT_POINTS } from './metric-segments.js'

/**
 * Block sizes of the rollup levels (points per block). The finest equals a segment; each level
 * is 8 times coarser, so a downsampled read picks a level whose blocks are 1/2 to 1/16 of a
 * chart bucket and reads a few thousand rows, whatever the length of the series.
 */
export const ROLLUP_BLOCK_SIZES = [SEGMENT_POINTS, 512, 4096, 32_768, 262_144] as const

/**
 * A level is kept once a series has twice its block size: a chart bucket is at least two blocks
 * wide, so a shorter series never reads that level, and short series (most of them) cost no
 * rollup rows at all.
 */
export function isRollupKept(blockSize: number, pointCount: number): boolean {
  return pointCount >= 2 * blockSize
}

/** A point and its place in history order (0-based). */
export interface PositionedPoint {
  position: number
  value: number
  step: number
  timestampMs: number
}

/**
 * The lowest and highest point of a stretch of a series; on equal values the earlier point.
 * NaN points are not compared; a stretch of only NaN has no extremes (undefined).
 */
export interface Extremes {
  min: PositionedPoint
  max: PositionedPoint
}

/** Extremes of `earlier` and `later` together, where every point of `earlier` comes first. */
export function widenExtremes(earlier: Extremes | undefined, later: Extremes | undefined): Extremes | undefined {
  if (!earlier) return later
  if (!later) return earlier
  return {
    min: later.min.value < earlier.min.value ? later.min : earlier.min,
    max: later.max.value > earlier.max.value ? later.max : earlier.max,
  }
}

/** Extremes of columns[from, to), whose first point is at history position `position`. */
export function extremesOf(columns: PointColumns, from: number, to: number, position: number): Extremes | undefined {
  let min = -1
  let max = -1
  for (let i = from; i < to; i++) {
    const value = columns.values[i] as number
    if (Number.isNaN(value)) continue
    if (min === -1 || value < (columns.values[min] as number)) min = i
    if (max === -1 || value > (columns.values[max] as number)) max = i
  }
  if (min === -1) return undefined
  const at = (i: number): PositionedPoint => ({
    position: position + i - from,
    value: columns.values[i] as number,
    step: columns.steps[i] as number,
    timestampMs: columns.timestamps[i] as number,
  })
  return { min: at(min), max: at(max) }
}

/** What one batch does to one series: `added` (in history order) lands at or after segment `fromSegment`. */
export interface SeriesAppend {
  key: string
  before: number
  added: PointColumns
  fromSegment: number
}

/** A range of rollup blocks [from, to) of one level of one series. */
export interface RollupRange {
  key: string
  blockSize: number
  from: number
  to: number
}

export interface RollupBlockUpdate {
  blockSize: number
  blockNo: number
  extremes: Extremes | undefined
}

const CHILDREN_PER_BLOCK = 8

/** The first block of a level that an append rewrites; a level kept from now on is built whole. */
function firstRewrittenBlock(append: SeriesAppend, blockSize: number): number {
  if (!isRollupKept(blockSize, append.before)) return 0
  return Math.floor((append.fromSegment * SEGMENT_POINTS) / blockSize)
}

/**
 * The stored blocks an append must read to rebuild the levels above the finest: for each level,
 * the children of its first rewritten block that lie before the rewritten part of the level below.
 */
export function storedChildRanges(append: SeriesAppend): RollupRange[] {
  const after = append.before + append.added.steps.length
  const ranges: RollupRange[] = []
  for (let level = 1; level < ROLLUP_BLOCK_SIZES.length; level++) {
    const blockSize = ROLLUP_BLOCK_SIZES[level] as number
    const childSize = ROLLUP_BLOCK_SIZES[level - 1] as number
    if (!isRollupKept(blockSize, after)) break
    const from = firstRewrittenBlock(append, blockSize) * CHILDREN_PER_BLOCK
    const to = firstRewrittenBlock(append, childSize)
    if (from < to) ranges.push({ key: append.key, blockSize: childSize, from, to })
  }
  return ranges
}

/**
 * The rollup blocks to write after an append, level by level: from the first block the append
 * touched to the end, the finest level from the points (`merged` holds the series from segment
 * `fromSegment` on), each coarser one from the level below plus `storedChildren`, the blocks
 * named by storedChildRanges (keyed by block size).
 */
export function rewrittenRollupBlocks(
  append: SeriesAppend,
  merged: PointColumns,
  storedChildren: Map<number, (Extremes | undefined)[]>,
): RollupBlockUpdate[] {
  const after = append.before + append.added.steps.length
  const updates: RollupBlockUpdate[] = []
  let below: { from: number; blocks: (Extremes | undefined)[] } | undefined
  for (const blockSize of ROLLUP_BLOCK_SIZES) {
    if (!isRollupKept(blockSize, after)) break
    const from = firstRewrittenBlock(append, blockSize)
    const blocks: (Extremes | undefined)[] = []
    for (let block = from; block < Math.ceil(after / blockSize); block++) {
      if (below === undefined) {
        const start = block * blockSize - append.fromSegment * SEGMENT_POINTS
        blocks.push(extremesOf(merged, start, Math.min(start + blockSize, merged.steps.length), block * blockSize))
        continue
      }
      const stored = storedChildren.get(blockSize / CHILDREN_PER_BLOCK) ?? []
      let extremes: Extremes | undefined
      for (let child = block * CHILDREN_PER_BLOCK; child < (block + 1) * CHILDREN_PER_BLOCK; child++) {
        const childExtremes =
          child < below.from ? stored[child - from * CHILDREN_PER_BLOCK] : below.blocks[child - below.from]
        extremes = widenExtremes(extremes, childExtremes)
      }
      blocks.push(extremes)
    }
    blocks.forEach((extremes, i) => {
      updates.push({ blockSize, blockNo: from + i, extremes })
    })
    below = { from, blocks }
  }
  return updates
}
