import {
  type Extremes,
  isRollupKept,
  type PositionedPoint,
  ROLLUP_BLOCK_SIZES,
  widenExtremes,
} from '../../storage/db/metric-rollups.js'
import type { RollupBlock } from '../../storage/db/metrics-repository.js'

export interface ChartPoint {
  value: number
  step: number
  timestampMs: number
}

/**
 * How a series of `pointCount` points is cut into buckets for `maxPoints`: buckets of
 * `bucketWidth` consecutive points, each keeping its lowest and highest point, plus the first
 * and the last point, so `2 + 2 * bucketCount <= maxPoints`. When a rollup level has blocks of
 * at most half a bucket, the width is rounded up to a whole number of its blocks (`blockSize`),
 * so the buckets can be read from the rollup instead of from every point.
 */
export interface DownsamplingPlan {
  bucketWidth: number
  bucketCount: number
  blockSize: number | undefined
}

export function planDownsampling(pointCount: number, maxPoints: number): DownsamplingPlan {
  const bucketLimit = Math.floor((maxPoints - 2) / 2)
  if (bucketLimit < 1 || pointCount === 0)
    return { bucketWidth: Math.max(1, pointCount), bucketCount: 0, blockSize: undefined }
  const minWidth = Math.ceil(pointCount / bucketLimit)
  const blockSize = ROLLUP_BLOCK_SIZES.findLast((size) => 2 * size <= minWidth && isRollupKept(size, pointCount))
  const bucketWidth = blockSize === undefined ? minWidth : blockSize * Math.ceil(minWidth / blockSize)
  return { bucketWidth, bucketCount: Math.ceil(pointCount / bucketWidth), blockSize }
}

/**
 * The first point, each bucket's lowest and highest point, and the last point, in history order
 * and each once. `first` and `last` are the first and last points that are not NaN.
 */
function assemble(first: PositionedPoint, buckets: (Extremes | undefined)[], last: PositionedPoint): ChartPoint[] {
  const kept: PositionedPoint[] = [first]
  const keep = (p: PositionedPoint) => {
    if (p.position > (kept[kept.length - 1] as PositionedPoint).position) kept.push(p)
  }
  for (const bucket of buckets) {
    if (!bucket) continue
    const [a, b] = bucket.min.position <= bucket.max.position ? [bucket.min, bucket.max] : [bucket.max, bucket.min]
    keep(a)
    keep(b)
  }
  keep(last)
  return kept.map(({ value, step, timestampMs }) => ({ value, step, timestampMs }))
}

/**
 * Min/max bucket downsampling of a whole series (see DownsamplingPlan): spikes survive, and so
 * do the first and last points. NaN points carry no shape and are dropped; a series that fits
 * in `maxPoints` is returned whole, NaN included.
 */
export function downsampleMinMax<T extends ChartPoint>(points: T[], maxPoints: number): ChartPoint[] {
  if (points.length <= maxPoints) return points
  const plan = planDownsampling(points.length, maxPoints)
  const buckets = new Array<Extremes | undefined>(plan.bucketCount)
  let first: PositionedPoint | undefined
  let last: PositionedPoint | undefined
  points.forEach((p, position) => {
    if (Number.isNaN(p.value)) return
    const point = { position, value: p.value, step: p.step, timestampMs: p.timestampMs }
    first ??= point
    last = point
    const bucket = Math.floor(position / plan.bucketWidth)
    if (bucket < plan.bucketCount) buckets[bucket] = widenExtremes(buckets[bucket], { min: point, max: point })
  })
  return first && last ? assemble(first, buckets, last) : []
}

/**
 * The same answer as downsampleMinMax, from the blocks of the rollup level the plan names and
 * the first and last finite points, without reading the points in between.
 */
export function downsampleFromRollup(
  plan: DownsamplingPlan,
  blocks: RollupBlock[],
  ends: { first: PositionedPoint; last: PositionedPoint } | undefined,
): ChartPoint[] {
  if (!ends || plan.blockSize === undefined) return []
  const blocksPerBucket = plan.bucketWidth / plan.blockSize
  const buckets = new Array<Extremes | undefined>(plan.bucketCount)
  for (const { blockNo, extremes } of blocks) {
    const bucket = Math.floor(blockNo / blocksPerBucket)
    // Blocks beyond the planned buckets hold points logged after the count was read.
    if (bucket < plan.bucketCount) buckets[bucket] = widenExtremes(buckets[bucket], extremes)
  }
  return assemble(ends.first, buckets, ends.last)
}
