export interface ChartPoint {
  value: number
  step: number
  timestampMs: number
}

/**
 * Min/max bucket downsampling: the points are cut into buckets of equal count and each bucket
 * keeps its lowest and highest point (in step order), so spikes survive; the first and last
 * points are always kept. NaN points carry no shape and are dropped when downsampling.
 */
export function downsampleMinMax<T extends ChartPoint>(points: T[], maxPoints: number): T[] {
  if (points.length <= maxPoints) return points
  const finite = points.filter((p) => !Number.isNaN(p.value))
  if (finite.length <= maxPoints) return finite
  const first = finite[0]
  const last = finite[finite.length - 1]
  if (first === undefined || last === undefined) return []
  const inner = finite.slice(1, -1)
  const bucketCount = Math.max(1, Math.floor((maxPoints - 2) / 2))
  const kept: T[] = [first]
  for (let b = 0; b < bucketCount; b++) {
    const start = Math.floor((b * inner.length) / bucketCount)
    const end = Math.floor(((b + 1) * inner.length) / bucketCount)
    let minIndex = start
    let maxIndex = start
    for (let i = start + 1; i < end; i++) {
      const value = (inner[i] as T).value
      if (value < (inner[minIndex] as T).value) minIndex = i
      if (value > (inner[maxIndex] as T).value) maxIndex = i
    }
    if (start >= end) continue
    const [a, c] = minIndex <= maxIndex ? [minIndex, maxIndex] : [maxIndex, minIndex]
    kept.push(inner[a] as T)
    if (c !== a) kept.push(inner[c] as T)
  }
  kept.push(last)
  return kept
}
