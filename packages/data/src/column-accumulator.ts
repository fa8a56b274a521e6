import type { CategoryProfile, ColumnProfile, ColumnType, NumericProfile } from '@provena/contract'
import { MAX_DATASET_CATEGORIES, PROFILE_QUANTILE_COUNT } from '@provena/contract'
import { ExactCounts } from './exact-counts.js'
import { FrequentValues } from './frequent-values.js'
import { HyperLogLog } from './hyper-log-log.js'
import { KllSketch, quantilesOf, type WeightedValues } from './kll-sketch.js'
import { inferTextValue, type ValueSink } from './text-value.js'

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

/**
 * One column's running statistics: every reader feeds values in; `finish` makes the profile.
 * A class for the reason given in exact-counts.ts: its methods run for every cell.
 */
export class ColumnAccumulator implements ValueSink {
  private readonly typeCounts = { integer: 0, float: 0, boolean: 0, timestamp: 0, string: 0 }
  private count = 0
  private declaredType: ColumnType | undefined
  // Welford's running mean and sum of squared deviations, over numbers and timestamps, kept in a
  // typed array so that storing a double does not make a new heap object.
  private readonly moments = Float64Array.of(0, 0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)
  private readonly sketch = new KllSketch()
  // Exact counts while few distinct values (undefined after); strings and booleans as categories.
  private numbers: ExactCounts | undefined = new ExactCounts(MAX_EXACT_NUMBERS)
  private timestamps: ExactCounts | undefined = new ExactCounts(MAX_EXACT_NUMBERS)
  private readonly strings = new FrequentValues(undefined, () => this.leaveExact())
  private readonly booleans = { true: 0, false: 0 }
  // Created when some exact count gives up (see `leaveExact`); from then on every value goes in.
  private hyperLogLog: HyperLogLog | undefined

  constructor(readonly name: string) {}

  addInteger(value: number): void {
    this.typeCounts.integer++
    this.addNumber(value)
  }

  addFloat(value: number): void {
    this.typeCounts.float++
    this.addNumber(value)
  }

  addTimestamp(epochMs: number): void {
    this.typeCounts.timestamp++
    this.addMoments(epochMs)
    if (this.timestamps !== undefined) this.timestamps = this.countExactly(this.timestamps, epochMs)
    else {
      this.sketch.add(epochMs)
      this.hyperLogLog?.addNumber(epochMs)
    }
    if (this.timestamps !== undefined) this.hyperLogLog?.addNumber(epochMs)
  }

  addBoolean(value: boolean): void {
    // Counted apart from the strings: two counters instead of a table lookup per value.
    this.typeCounts.boolean++
    this.count++
    if (value) this.booleans.true++
    else this.booleans.false++
    this.hyperLogLog?.addString(value ? 'true' : 'false')
  }

  addString(value: string): void {
    this.typeCounts.string++
    this.count++
    const category = value.length > MAX_CATEGORY_CHARS ? cutCategory(value) : value
    if (this.hyperLogLog === undefined && category !== value) this.leaveExact()
    this.strings.add(category)
    this.hyperLogLog?.addString(value)
  }

  /** A text value (CSV/TSV field, JSON string) whose type is inferred; empty text is null. */
  addText(text: string, start: number, end: number): void {
    if (end > start) inferTextValue(text, start, end, this)
  }

  /** A value parsed from JSON: null, boolean, number, string (inferred), object/array (as JSON text). */
  addJson(value: unknown): void {
    if (value === null || value === undefined) return
    if (typeof value === 'string') this.addText(value, 0, value.length)
    else if (typeof value === 'number') {
      if (Number.isInteger(value)) this.addInteger(value)
      else this.addFloat(value)
    } else if (typeof value === 'boolean') this.addBoolean(value)
    else this.addString(JSON.stringify(value))
  }

  /** The type a typed format (Parquet) declares; it decides the type of a column with no values. */
  declareType(type: ColumnType): void {
    this.declaredType = type
  }

  finish(rowCount: number, warn: (message: string) => void): ColumnProfile {
    const type = columnType(this.typeCounts, this.declaredType)
    const kinds = TYPE_ORDER.filter((kind) => this.typeCounts[kind] > 0)
    if (type === 'string' && kinds.length > 1) {
      const mix = kinds.map((kind) => `${this.typeCounts[kind]} ${kind}`).join(', ')
      warn(`column ${JSON.stringify(this.name)} mixes value types (${mix}); it is profiled as string`)
    }
    const stringEntries = withBooleans(this.strings.entries(), this.booleans)
    const exactDistinct = (this.numbers?.size ?? 0) + (this.timestamps?.size ?? 0) + stringEntries.length
    const exactCounts = type === 'timestamp' ? this.timestamps : this.numbers
    const weighted = exactCounts !== undefined ? weightedFromCounts(exactCounts) : this.sketch.weightedValues()
    const [numericCount, , m2, min, max] = this.moments
    let mean = this.moments[MEAN]
    let stddev = numericCount > 1 ? Math.sqrt(m2 / (numericCount - 1)) : 0
    // Values near ±1.8e308 overflow the running sums; fall back to bounds that cannot.
    if (!Number.isFinite(mean) || !Number.isFinite(stddev)) {
      mean = min / 2 + max / 2
      stddev = max / 2 - min / 2
    }
    return {
      name: this.name,
      type,
      count: this.count,
      nullCount: rowCount - this.count,
      distinctCount: this.hyperLogLog?.estimate() ?? exactDistinct,
      isDistinctExact: this.hyperLogLog === undefined,
      typeCounts: Object.fromEntries(kinds.map((kind) => [kind, this.typeCounts[kind]])),
      numeric:
        (type === 'integer' || type === 'float' || type === 'timestamp') && this.count > 0
          ? numericProfile(min, max, Math.min(max, Math.max(min, mean)), stddev, weighted)
          : null,
      categories:
        type === 'string' || type === 'boolean'
          ? categoryProfile(this.count, stringEntries, this.strings.isExact, this.numbers, this.timestamps, kinds)
          : null,
    }
  }

  private addMoments(value: number): void {
    this.count++
    const moments = this.moments
    const n = ++moments[COUNT]
    const delta = value - moments[MEAN]
    moments[MEAN] += delta / n
    moments[M2] += delta * (value - moments[MEAN])
    if (value < moments[MIN]) moments[MIN] = value
    if (value > moments[MAX]) moments[MAX] = value
  }

  private addNumber(value: number): void {
    this.addMoments(value)
    if (this.numbers !== undefined) this.numbers = this.countExactly(this.numbers, value)
    else {
      this.sketch.add(value)
      this.hyperLogLog?.addNumber(value)
    }
    if (this.numbers !== undefined) this.hyperLogLog?.addNumber(value)
  }

  /** Counts a number exactly; returns the counts, or undefined once there are too many distinct values. */
  private countExactly(counts: ExactCounts, value: number): ExactCounts | undefined {
    if (counts.add(value)) return counts
    for (const [held, n] of counts.entries()) for (let i = 0; i < n; i++) this.sketch.add(held)
    this.sketch.add(value)
    this.leaveExact().addNumber(value)
    return undefined
  }

  /** The distinct count can no longer be exact: everything counted so far goes into a HyperLogLog. */
  private leaveExact(): HyperLogLog {
    if (this.hyperLogLog !== undefined) return this.hyperLogLog
    const hll = new HyperLogLog()
    for (const [value] of this.numbers?.entries() ?? []) hll.addNumber(value)
    for (const [value] of this.timestamps?.entries() ?? []) hll.addNumber(value)
    for (const [value] of this.strings.entries()) hll.addString(value)
    for (const [value, n] of booleanEntries(this.booleans)) if (n > 0) hll.addString(value)
    this.hyperLogLog = hll
    return hll
  }
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
