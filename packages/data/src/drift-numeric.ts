import { populationStabilityIndex } from './drift-measures.js'

/** Indices of the reference's deciles q = 0.1 … 0.9 among its 101 quantiles: the PSI's cut points. */
const DECILE_INDICES = [10, 20, 30, 40, 50, 60, 70, 80, 90]

/**
 * PSI and the Kolmogorov-Smirnov statistic between two numeric columns, from their 101 quantiles.
 * Each side's CDF is the piecewise-linear function through (quantile i, i/100); a run of equal
 * quantiles is a jump (a value that many rows share).
 */
export function numericDrift(
  referenceQuantiles: readonly number[],
  currentQuantiles: readonly number[],
): { psi: number; ks: number } {
  const reference = monotone(referenceQuantiles)
  const current = monotone(currentQuantiles)
  return { psi: decilePsi(reference, current), ks: kolmogorovSmirnov(reference, current) }
}

/**
 * PSI over 10 bins cut at the reference's deciles, (−∞, d1], (d1, d2] … (d9, +∞), equal cut points
 * merged, so every value of either side falls in a bin.
 */
function decilePsi(reference: readonly number[], current: readonly number[]): number {
  const cuts: number[] = []
  for (const index of DECILE_INDICES) {
    const cut = reference[index] as number
    if (cuts.length === 0 || cut > (cuts[cuts.length - 1] as number)) cuts.push(cut)
  }
  return populationStabilityIndex(binMasses(reference, cuts), binMasses(current, cuts))
}

function binMasses(quantiles: readonly number[], cuts: readonly number[]): number[] {
  const masses: number[] = []
  let below = 0
  for (const cut of cuts) {
    const atOrBelow = cdfAt(quantiles, cut)
    masses.push(atOrBelow - below)
    below = atOrBelow
  }
  masses.push(1 - below)
  return masses
}

/** The largest CDF difference, looked at on both sides of every quantile of either column. */
function kolmogorovSmirnov(reference: readonly number[], current: readonly number[]): number {
  let ks = 0
  for (const points of [reference, current]) {
    for (const x of points) {
      ks = Math.max(
        ks,
        Math.abs(cdfAt(reference, x) - cdfAt(current, x)),
        Math.abs(cdfBelow(reference, x) - cdfBelow(current, x)),
      )
    }
  }
  return Math.min(1, ks)
}

/** P(X ≤ x) under the interpolated CDF. */
function cdfAt(q: readonly number[], x: number): number {
  const last = q.length - 1
  if (x < (q[0] as number)) return 0
  if (x >= (q[last] as number)) return 1
  // k: the last index with q[k] ≤ x; then q[k] ≤ x < q[k + 1].
  let lo = 0
  let hi = last
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if ((q[mid] as number) <= x) lo = mid
    else hi = mid
  }
  return interpolate(q, lo, x)
}

/** P(X < x) under the interpolated CDF (its limit from the left). */
function cdfBelow(q: readonly number[], x: number): number {
  const last = q.length - 1
  if (x <= (q[0] as number)) return 0
  if (x > (q[last] as number)) return 1
  // k: the last index with q[k] < x; then q[k] < x ≤ q[k + 1].
  let lo = 0
  let hi = last
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if ((q[mid] as number) < x) lo = mid
    else hi = mid
  }
  return interpolate(q, lo, x)
}

function interpolate(q: readonly number[], k: number, x: number): number {
  const from = q[k] as number
  const to = q[k + 1] as number
  return (k + (x - from) / (to - from)) / (q.length - 1)
}

/** Sketch estimates can dip by rounding; a CDF needs the quantiles in order. */
function monotone(quantiles: readonly number[]): number[] {
  const sorted: number[] = []
  let previous = Number.NEGATIVE_INFINITY
  for (const value of quantiles) {
    previous = Math.max(previous, value)
    sorted.push(previous)
  }
  return sorted
}
