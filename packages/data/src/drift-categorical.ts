import type { CategoryProfile } from '@provena/contract'
import { compareUtf8 } from './dataset-manifest-order.js'
import { jensenShannonDistance, populationStabilityIndex } from './drift-measures.js'

export interface CategoricalDrift {
  psi: number
  jsDistance: number
  /** Values the current side has and the reference (when exact) has not; most frequent first. */
  newCategories: string[]
  /** Values the reference has and the current side (when exact) has not; most frequent first. */
  vanishedCategories: string[]
}

/**
 * PSI and Jensen-Shannon distance over the categories of both sides plus one `other` bucket.
 * A value has its own bucket when both sides know its count: it is listed on both, or listed on
 * one side and the other side's list is exact (so the value truly has no rows there). A value
 * listed on one side only, while the other side's list is cut, may hide in that side's `other`;
 * it then counts towards `other` on its own side too, so the comparison stays like for like.
 */
export function categoricalDrift(reference: CategoryProfile, current: CategoryProfile): CategoricalDrift {
  const referenceCounts = countsOf(reference)
  const currentCounts = countsOf(current)
  const referenceBuckets: number[] = []
  const currentBuckets: number[] = []
  let referenceOther = reference.otherCount
  let currentOther = current.otherCount
  const newCategories: [string, number][] = []
  const vanishedCategories: [string, number][] = []
  for (const [value, count] of referenceCounts) {
    const currentCount = currentCounts.get(value)
    if (currentCount !== undefined) {
      referenceBuckets.push(count)
      currentBuckets.push(currentCount)
    } else if (current.isExact) {
      referenceBuckets.push(count)
      currentBuckets.push(0)
      if (count > 0) vanishedCategories.push([value, count])
    } else {
      referenceOther += count
    }
  }
  for (const [value, count] of currentCounts) {
    if (referenceCounts.has(value)) continue
    if (reference.isExact) {
      referenceBuckets.push(0)
      currentBuckets.push(count)
      if (count > 0) newCategories.push([value, count])
    } else {
      currentOther += count
    }
  }
  referenceBuckets.push(referenceOther)
  currentBuckets.push(currentOther)
  const expected = proportions(referenceBuckets)
  const actual = proportions(currentBuckets)
  return {
    psi: populationStabilityIndex(expected, actual),
    jsDistance: jensenShannonDistance(expected, actual),
    newCategories: byFrequency(newCategories),
    vanishedCategories: byFrequency(vanishedCategories),
  }
}

function countsOf(categories: CategoryProfile): Map<string, number> {
  const counts = new Map<string, number>()
  for (const { value, count } of categories.values) counts.set(value, (counts.get(value) ?? 0) + count)
  return counts
}

function proportions(counts: readonly number[]): number[] {
  const total = counts.reduce((sum, count) => sum + count, 0)
  return counts.map((count) => (total > 0 ? count / total : 0))
}

function byFrequency(entries: [string, number][]): string[] {
  return entries.sort((a, b) => b[1] - a[1] || compareUtf8(a[0], b[0])).map(([value]) => value)
}
