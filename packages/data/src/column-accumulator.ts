import type { CategoryProfile, ColumnProfile, ColumnType, NumericProfile } from '@provena/contract'
import { MAX_DATASET_CATEGORIES, PROFILE_QUANTILE_COUNT } from '@provena/contract'
import { createExactCounts, type ExactCounts } from './exact-counts.js'
import { createFrequentValues } from './frequent-values.js'
import { createHyperLogLog, type HyperLogLog } from './hyper-log-log.js'
import { createKllSketch, quantilesOf, type WeightedValues } from './kll-sketch.js'
import { inferTextValue, type ValueSink } from './text-value.js'

/** One column's running statistics: every reader feeds values in; `finish` makes the profile. */
export interface ColumnAccumulator extends ValueSink {
  readonly name: string
  /** A text value (CSV/TSV field, JSON string) whose type is inferred; empty text is null. */
  addText(text: string, start: number, end: number): void
  /** A value parsed from JSON: null, boolean, number, string (inferred), object/array (as JSON text). */
  addJson(value: unknown): void
  /** The type a typed format (Parquet) declares; it decides the type of a column with no values. */
  declareType(type: ColumnType): void
  finish(rowCount: number, warn: (message: string) => void): ColumnProfile
}

const HISTOGRAM_BINS = 20
const MAX_CATEGORY_CHARS = 256
/**
 * Numbers (and timestamps) are counted exactly per value while a column has at most this many
 * distinct ones: quantiles, histogram and distinct count are then exact. Past it the counts are
 * fed to the KLL sketch and the HyperLogLog, which take every later value.
 */
const MAX_EXACT_NUMBERS = 4096
const [COUNT, MEAN, M2, MIN, MAX] = [0, 1, 2, 3, 4]
const TYPE_ORDER: ColumnType[] = ['integer', 'float', 'boolean', 'timestamp', 'string']

const cutCategory = (value: string) => {
  const last = value.charCodeAt(MAX_CATEGORY_CHARS - 1)
  return value.slice(0, last >= 0xd800 && last <= 0xdbff ? MAX_CATEGORY_CHARS - 1 : MAX_CATEGORY_CHARS)
}

export function createColumnAccumulator(name: string): ColumnAccumulator {
  const typeCounts = { integer: 0, float: 0, boolean: 0, timestamp: 0, string: 0 }
  let count = 0
  let declaredType: ColumnType | undefined
  // Welford's running mean and sum of squared deviations, over numbers and timestamps. In a
  // typed array because a double stored in a closure variable is a new heap object every time.
  const moments = Float64Array.of(0, 0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)
  const sketch = createKllSketch()
  // Exact counts while few distinct values (undefined after); strings and booleans as categories.
  let numbers: ExactCounts | undefined = createExactCounts(MAX_EXACT_NUMBERS)
  let timestamps: ExactCounts | undefined = createExactCounts(MAX_EXACT_NUMBERS)
  const strings = createFrequentValues<string>(undefined, () => leaveExact())
  const booleans = { true: 0, false: 0 }
  // Created when some exact count gives up (see `leaveExact`); from then on every value goes in.
  let hyperLogLog: HyperLogLog | undefined

  function addMoments(value: number): void {
    count++
    const n = ++moments[COUNT]
    const delta = value - moments[MEAN]
    moments[MEAN] += delta / n
    moments[M2] += delta * (value - moments[MEAN])
    if (value < moments[MIN]) moments[MIN] = value
    if (value > moments[MAX]) moments[MAX] = value
  }

  /** Counts a number exactly; returns the counts, or undefined once there are too many distinct values. */
  function countExactly(counts: ExactCounts, value: number): ExactCounts | undefined {
    if (counts.add(value)) return counts
    for (const [held, n] of counts.entries()) for (let i = 0; i < n; i++) sketch.add(held)
    sketch.add(value)
    leaveExact().addNumber(value)
    return undefined
  }

  /** The distinct count can no longer be exact: everything counted so far goes into a HyperLogLog. */
  function leaveExact(): HyperLogLog {
    if (hyperLogLog !== undefined) return hyperLogLog
    const hll = createHyperLogLog()
    for (const [value] of numbers?.entries() ?? []) hll.addNumber(value)
    for (const [value] of timestamps?.entries() ?? []) hll.addNumber(value)
    for (const [value] of strings.entries()) hll.addString(value)
    for (const [value, n] of booleanEntries(booleans)) if (n > 0) hll.addString(value)
    hyperLogLog = hll
    return hll
  }

  function addNumber(value: number): void {
    addMoments(value)
    if (numbers !== undefined) numbers = countExactly(numbers, value)
    else {
      sketch.add(value)
      hyperLogLog?.addNumber(value)
    }
    if (numbers !== undefined) hyperLogLog?.addNumber(value)
  }

  function addCategory(value: string): void {
    count++
    const category = value.length > MAX_CATEGORY_CHARS ? cutCategory(value) : value
    if (hyperLogLog === undefined && category !== value) leaveExact()
    strings.add(category)
    hyperLogLog?.addString(value)
  }

  const accumulator: ColumnAccumulator = {
    name,
    addInteger(value) {
      typeCounts.integer++
      addNumber(value)
    },
    addFloat(value) {
      typeCounts.float++
      addNumber(value)
    },
    addTimestamp(epochMs) {
      typeCounts.timestamp++
      addMoments(epochMs)
      if (timestamps !== undefined) timestamps = countExactly(timestamps, epochMs)
      else {
        sketch.add(epochMs)
        hyperLogLog?.addNumber(epochMs)
      }
      if (timestamps !== undefined) hyperLogLog?.addNumber(epochMs)
    },
    addBoolean(value) {
      // Counted apart from the strings: two counters instead of a table lookup per value.
      typeCounts.boolean++
      count++
      if (value) booleans.true++
      else booleans.false++
      hyperLogLog?.addString(value ? 'true' : 'false')
    },
    addString(value) {
      typeCounts.string++
      addCategory(value)
    },
    addText(text, start, end) {
      if (end > start) inferTextValue(text, start, end, accumulator)
    },
    addJson(value) {
      if (value === null || value === undefined) return
      if (typeof value === 'string') accumulator.addText(value, 0, value.length)
      else if (typeof value === 'number') {
        if (Number.isInteger(value)) accumulator.addInteger(value)
        else accumulator.addFloat(value)
      } else if (typeof value === 'boolean') accumulator.addBoolean(value)
      else accumulator.addString(JSON.stringify(value))
    },
    declareType(type) {
      declaredType = type
    },
    finish(rowCount, warn) {
      const type = columnType(typeCounts, declaredType)
      const kinds = TYPE_ORDER.filter((kind) => typeCounts[kind] > 0)
      if (type === 'string' && kinds.length > 1) {
        const mix = kinds.map((kind) => `${typeCounts[kind]} ${kind}`).join(', ')
        warn(`column ${JSON.stringify(name)} mixes value types (${mix}); it is profiled as string`)
      }
      const stringEntries = withBooleans(strings.entries(), booleans)
      const exactDistinct = (numbers?.size ?? 0) + (timestamps?.size ?? 0) + stringEntries.length
      const exactCounts = type === 'timestamp' ? timestamps : numbers
      const weighted = exactCounts !== undefined ? weightedFromCounts(exactCounts) : sketch.weightedValues()
      const [numericCount, , m2, min, max] = moments
      let mean = moments[MEAN]
      let stddev = numericCount > 1 ? Math.sqrt(m2 / (numericCount - 1)) : 0
      // Values near ±1.8e308 overflow the running sums; fall back to bounds that cannot.
      if (!Number.isFinite(mean) || !Number.isFinite(stddev)) {
        mean = min / 2 + max / 2
        stddev = max / 2 - min / 2
      }
      return {
        name,
        type,
        count,
        nullCount: rowCount - count,
        distinctCount: hyperLogLog?.estimate() ?? exactDistinct,
        isDistinctExact: hyperLogLog === undefined,
        typeCounts: Object.fromEntries(kinds.map((kind) => [kind, typeCounts[kind]])),
        numeric:
          (type === 'integer' || type === 'float' || type === 'timestamp') && count > 0
            ? numericProfile(min, max, Math.min(max, Math.max(min, mean)), stddev, weighted)
            : null,
        categories:
          type === 'string' || type === 'boolean'
            ? categoryProfile(count, stringEntries, strings.isExact, numbers, timestamps, kinds)
            : null,
      }
    },
  }
  return accumulator
}

const booleanEntries = (booleans: { true: number; false: number }): [string, number][] => [
  ['true', booleans.true],
  ['false', booleans.false],
]

/** String entries with the boolean counts added in (as "true" and "false"), most frequent first. */
function withBooleans(entries: [string, number][], booleans: { true: number; false: number }): [string, number][] {
  if (booleans.true === 0 && booleans.false === 0) return entries
  const merged = new Map(entries)
  for (const [value, n] of booleanEntries(booleans)) if (n > 0) merged.set(value, (merged.get(value) ?? 0) + n)
  return sortEntries([...merged])
}

function sortEntries(entries: [string, number][]): [string, number][] {
  return entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
}

/** The narrowest type holding every value: integer+float is float; any other mix is string. */
function columnType(typeCounts: Record<ColumnType, number>, declaredType: ColumnType | undefined): ColumnType {
  const kinds = TYPE_ORDER.filter((kind) => typeCounts[kind] > 0)
  if (kinds.length === 0) return declaredType ?? 'string'
  if (kinds.length === 1) return kinds[0]
  if (kinds.length === 2 && kinds[0] === 'integer' && kinds[1] === 'float') return 'float'
  return 'string'
}

function weightedFromCounts(counts: ExactCounts): WeightedValues {
  const entries = counts.entries().sort((a, b) => a[0] - b[0])
  return { values: Float64Array.from(entries, ([value]) => value), weights: Float64Array.from(entries, ([, n]) => n) }
}

function numericProfile(
  min: number,
  max: number,
  mean: number,
  stddev: number,
  weighted: WeightedValues,
): NumericProfile {
  const qs = Array.from({ length: PROFILE_QUANTILE_COUNT }, (_, i) => i / (PROFILE_QUANTILE_COUNT - 1))
  const quantiles = quantilesOf(weighted, qs)
  quantiles[0] = min
  quantiles[PROFILE_QUANTILE_COUNT - 1] = max
  return { min, max, mean, stddev, quantiles, histogram: histogramOf(min, max, weighted) }
}

/** Equal-width bins over [min, max], counted from exact counts or (for many distinct values) the sketch. */
function histogramOf(min: number, max: number, weighted: WeightedValues) {
  const bins = min === max ? 1 : HISTOGRAM_BINS
  // max/bins - min/bins cannot overflow where (max - min)/bins can.
  const width = max / bins - min / bins
  const edges = Array.from({ length: bins + 1 }, (_, i) =>
    i === bins ? max : min * ((bins - i) / bins) + max * (i / bins),
  )
  const counts = new Array<number>(bins).fill(0)
  for (let i = 0; i < weighted.values.length; i++) {
    const bin = width === 0 ? 0 : Math.min(bins - 1, Math.floor(weighted.values[i] / width - min / width))
    counts[bin] += weighted.weights[i]
  }
  return { edges, counts }
}

function categoryProfile(
  count: number,
  stringEntries: [string, number][],
  isStringsExact: boolean,
  numbers: ExactCounts | undefined,
  timestamps: ExactCounts | undefined,
  kinds: ColumnType[],
): CategoryProfile {
  const hasNumbers = kinds.includes('integer') || kinds.includes('float')
  const hasTimestamps = kinds.includes('timestamp')
  let entries = stringEntries
  if (hasNumbers || hasTimestamps) {
    const merged = new Map(stringEntries)
    const mergeIn = (counts: ExactCounts | undefined, format: (n: number) => string) => {
      for (const [value, n] of counts?.entries() ?? []) merged.set(format(value), (merged.get(format(value)) ?? 0) + n)
    }
    if (hasNumbers) mergeIn(numbers, String)
    if (hasTimestamps) mergeIn(timestamps, (ms) => new Date(ms).toISOString())
    entries = sortEntries([...merged])
  }
  const values = entries.slice(0, MAX_DATASET_CATEGORIES).map(([value, n]) => ({ value, count: n }))
  const listed = values.reduce((sum, entry) => sum + entry.count, 0)
  const isComplete =
    isStringsExact &&
    entries.length <= MAX_DATASET_CATEGORIES &&
    (!hasNumbers || numbers !== undefined) &&
    (!hasTimestamps || timestamps !== undefined)
  return { values, otherCount: count - listed, isExact: isComplete && listed === count }
}
