import type { CategoryProfile, NumericProfile } from '@provena/contract'

/**
 * Histograms drawn from stored profiles: a profile keeps equal-width bins over its own [min, max]
 * (and 101 quantiles), so two versions have different bins. To draw them over one another, both
 * are spread onto one set of edges, each source bin's values assumed evenly spread inside it.
 */

/** A stretch of values and the share of the column's non-null values in it. */
interface SourceBin {
  low: number
  high: number
  mass: number
}

/** Bins drawn: `edges` has one more entry than `fractions`; fractions of non-null values, summing to 1. */
export interface Bins {
  edges: number[]
  fractions: number[]
}

/**
 * The profile's values as bins: its histogram, or, when that is empty, the 100 stretches between
 * its quantiles (1% each).
 */
function sourceBins(profile: NumericProfile): SourceBin[] {
  const { edges, counts } = profile.histogram
  const total = counts.reduce((sum, c) => sum + c, 0)
  if (total > 0 && edges.length === counts.length + 1) {
    return counts.map((count, i) => ({ low: edges[i] ?? 0, high: edges[i + 1] ?? 0, mass: count / total }))
  }
  const q = profile.quantiles
  return q.slice(1).map((high, i) => ({ low: q[i] ?? high, high, mass: 1 / (q.length - 1) }))
}

/** The bin of `edges` that holds `value`; values outside go to the first or last bin. */
function binOf(edges: number[], value: number): number {
  const last = edges.length - 2
  if (value <= (edges[0] ?? value)) return 0
  if (value >= (edges[last + 1] ?? value)) return last
  let lo = 0
  let hi = last
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if ((edges[mid] ?? 0) <= value) lo = mid
    else hi = mid - 1
  }
  return lo
}

/**
 * The share of the profile's non-null values in each bin of `edges` (ascending, at least two).
 * Values outside the edges count in the first or last bin, so the shares always sum to 1.
 */
export function massOnEdges(profile: NumericProfile, edges: number[]): number[] {
  const fractions = new Array<number>(Math.max(0, edges.length - 1)).fill(0)
  if (fractions.length === 0) return fractions
  for (const bin of sourceBins(profile)) {
    if (bin.mass === 0) continue
    const first = binOf(edges, bin.low)
    const last = binOf(edges, bin.high)
    const width = bin.high - bin.low
    if (width <= 0 || first === last) {
      fractions[first] = (fractions[first] ?? 0) + bin.mass
      continue
    }
    for (let j = first; j <= last; j++) {
      // The ends of the outer target bins reach to infinity, so nothing outside the edges is lost.
      const low = j === 0 ? Number.NEGATIVE_INFINITY : (edges[j] ?? 0)
      const high = j === fractions.length - 1 ? Number.POSITIVE_INFINITY : (edges[j + 1] ?? 0)
      const overlap = Math.min(high, bin.high) - Math.max(low, bin.low)
      if (overlap > 0) fractions[j] = (fractions[j] ?? 0) + (bin.mass * overlap) / width
    }
  }
  return fractions
}

/** `binCount` equal-width bins from the smallest minimum to the largest maximum of the profiles. */
export function commonEdges(profiles: NumericProfile[], binCount: number): number[] {
  const low = Math.min(...profiles.map((p) => p.min))
  const high = Math.max(...profiles.map((p) => p.max))
  if (!Number.isFinite(low) || !Number.isFinite(high)) return []
  // A constant column gets one bin of width 1 around its value, so it still shows as a bar.
  if (high <= low) return [low - 0.5, low + 0.5]
  return Array.from({ length: binCount + 1 }, (_, i) => (i === binCount ? high : low + ((high - low) * i) / binCount))
}

/** Bins to draw one numeric profile: its histogram, merged down to at most `maxBins` bins. */
export function profileBins(profile: NumericProfile, maxBins: number): Bins {
  const { edges, counts } = profile.histogram
  const total = counts.reduce((sum, c) => sum + c, 0)
  if (counts.length > 0 && counts.length <= maxBins && total > 0 && edges.length === counts.length + 1) {
    return { edges, fractions: counts.map((c) => c / total) }
  }
  const target = commonEdges([profile], maxBins)
  return { edges: target, fractions: massOnEdges(profile, target) }
}

/** Two numeric profiles on the same edges, spanning both, for drawing one over the other. */
export function overlaidBins(
  reference: NumericProfile,
  current: NumericProfile,
  binCount: number,
): { edges: number[]; reference: number[]; current: number[] } {
  const edges = commonEdges([reference, current], binCount)
  return { edges, reference: massOnEdges(reference, edges), current: massOnEdges(current, edges) }
}

/** One bar of a categorical histogram: a value's share of the non-null values of each profile. */
export interface CategoryBar {
  label: string
  fractions: number[]
  /** Values not among the profile's most frequent ones. */
  isOther: boolean
}

/** Shown in place of the rest, when a profile counted values it does not list. */
export const OTHER_LABEL = '(other)'

function categoryTotal(profile: CategoryProfile): number {
  return profile.values.reduce((sum, v) => sum + v.count, 0) + profile.otherCount
}

/**
 * Bars of the most frequent values of one or more categorical profiles (the first profile's order,
 * then values only later ones have), at most `maxBars`; everything else goes into one "(other)" bar.
 */
export function categoryBars(profiles: CategoryProfile[], maxBars: number): CategoryBar[] {
  const totals = profiles.map(categoryTotal)
  const counts = profiles.map((p) => new Map(p.values.map((v) => [v.value, v.count])))
  // Most frequent first by their largest share in any profile, so a new category that became common shows.
  const share = (value: string) =>
    Math.max(...counts.map((byValue, i) => (totals[i] ? (byValue.get(value) ?? 0) / (totals[i] ?? 1) : 0)))
  const values = [...new Set(profiles.flatMap((p) => p.values.map((v) => v.value)))]
  values.sort((a, b) => share(b) - share(a))
  const shown = values.slice(0, maxBars)
  const bars = shown.map((label) => ({
    label,
    fractions: counts.map((byValue, i) => (totals[i] ? (byValue.get(label) ?? 0) / (totals[i] ?? 1) : 0)),
    isOther: false,
  }))
  const otherFractions = profiles.map((_, i) =>
    totals[i] ? 1 - bars.reduce((s, b) => s + (b.fractions[i] ?? 0), 0) : 0,
  )
  if (otherFractions.some((f) => f > 1e-9)) {
    bars.push({ label: OTHER_LABEL, fractions: otherFractions.map((f) => Math.max(0, f)), isOther: true })
  }
  return bars
}
