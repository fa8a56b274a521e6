import {
  type CategoryProfile,
  type ColumnProfile,
  type ColumnType,
  type DatasetProfile,
  MAX_DATASET_CATEGORIES,
  type NumericProfile,
  PROFILE_QUANTILE_COUNT,
} from '@provena/contract'

/** One column of a test table: its type and every cell (null for a missing value). */
export interface TestColumn {
  name: string
  type: ColumnType
  values: readonly (number | string | boolean | null)[]
}

const HISTOGRAM_BINS = 20

/**
 * The exact DatasetProfile of a table given column by column: quantiles by linear interpolation
 * between order statistics, an equal-width histogram, exact category counts. Tests of drift use
 * it so they do not depend on the profiler's sketches.
 */
export function profileOf(columns: readonly TestColumn[]): DatasetProfile {
  return {
    rowCount: Math.max(0, ...columns.map((column) => column.values.length)),
    columns: columns.map(columnProfileOf),
    filesProfiled: 1,
    warnings: [],
  }
}

function columnProfileOf(column: TestColumn): ColumnProfile {
  const present = column.values.filter((value) => value !== null)
  const isNumeric = column.type === 'integer' || column.type === 'float' || column.type === 'timestamp'
  return {
    name: column.name,
    type: column.type,
    count: present.length,
    nullCount: column.values.length - present.length,
    distinctCount: new Set(present).size,
    isDistinctExact: true,
    typeCounts: present.length > 0 ? { [column.type]: present.length } : {},
    numeric: isNumeric && present.length > 0 ? numericProfileOf(present.map(Number)) : null,
    categories: !isNumeric ? categoryProfileOf(present.map(String)) : null,
  }
}

function numericProfileOf(values: number[]): NumericProfile {
  const sorted = Float64Array.from(values).sort()
  const n = sorted.length
  const min = sorted[0] as number
  const max = sorted[n - 1] as number
  const mean = sorted.reduce((sum, x) => sum + x, 0) / n
  const variance = sorted.reduce((sum, x) => sum + (x - mean) ** 2, 0) / n
  const quantiles = Array.from({ length: PROFILE_QUANTILE_COUNT }, (_, i) => {
    const h = ((n - 1) * i) / (PROFILE_QUANTILE_COUNT - 1)
    const lo = Math.floor(h)
    const hi = Math.min(lo + 1, n - 1)
    return (sorted[lo] as number) + (h - lo) * ((sorted[hi] as number) - (sorted[lo] as number))
  })
  const bins = min === max ? 1 : HISTOGRAM_BINS
  const width = (max - min) / bins
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + i * width))
  const counts = new Array<number>(bins).fill(0)
  for (const x of sorted) {
    const bin = width > 0 ? Math.min(bins - 1, Math.floor((x - min) / width)) : 0
    counts[bin] = (counts[bin] as number) + 1
  }
  return { min, max, mean, stddev: Math.sqrt(variance), quantiles, histogram: { edges, counts } }
}

function categoryProfileOf(values: string[]): CategoryProfile {
  const counts = new Map<string, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const kept = ranked.slice(0, MAX_DATASET_CATEGORIES)
  const keptCount = kept.reduce((sum, [, count]) => sum + count, 0)
  return {
    values: kept.map(([value, count]) => ({ value, count })),
    otherCount: values.length - keptCount,
    isExact: ranked.length <= MAX_DATASET_CATEGORIES,
  }
}

/** `n` draws from a normal distribution (Box-Muller). */
export function normalSample(random: () => number, n: number, mean: number, stddev: number): number[] {
  return Array.from({ length: n }, () => {
    const u = 1 - random()
    const v = random()
    return mean + stddev * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  })
}

/** `n` draws from `categories` with the given weights (they need not sum to 1). */
export function categoricalSample(
  random: () => number,
  n: number,
  categories: readonly string[],
  weights: readonly number[],
): string[] {
  const total = weights.reduce((sum, w) => sum + w, 0)
  return Array.from({ length: n }, () => {
    let r = random() * total
    for (let i = 0; i < categories.length; i++) {
      r -= weights[i] ?? 0
      if (r < 0) return categories[i] as string
    }
    return categories[categories.length - 1] as string
  })
}
