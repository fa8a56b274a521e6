import type { CategoryProfile, ColumnProfile, ColumnType, NumericProfile } from '@provena/contract'
import { MAX_DATASET_CATEGORIES, PROFILE_QUANTILE_COUNT } from '@provena/contract'
import { createDistinctCounter } from './distinct-counter.js'
import { createFrequentValues } from './frequent-values.js'
import { createKllSketch, quantilesOf } from './kll-sketch.js'
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
/** Numbers and timestamps are counted as categories only until this many distinct ones (see finish). */
const MAX_NUMBER_KEYS = 4096
/** Counts per number, in a mutable box so a repeated value costs one lookup. */
type NumberCounts = Map<number, { n: number }>
const TYPE_ORDER: ColumnType[] = ['integer', 'float', 'boolean', 'timestamp', 'string']

const cutCategory = (value: string) => {
  if (value.length <= MAX_CATEGORY_CHARS) return value
  const last = value.charCodeAt(MAX_CATEGORY_CHARS - 1)
  return value.slice(0, last >= 0xd800 && last <= 0xdbff ? MAX_CATEGORY_CHARS - 1 : MAX_CATEGORY_CHARS)
}

export function createColumnAccumulator(name: string): ColumnAccumulator {
  const typeCounts = { integer: 0, float: 0, boolean: 0, timestamp: 0, string: 0 }
  let count = 0
  let declaredType: ColumnType | undefined
  // Welford's running mean and sum of squared deviations.
  let numericCount = 0
  let mean = 0
  let m2 = 0
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  const sketch = createKllSketch()
  const distinct = createDistinctCounter()
  const strings = createFrequentValues<string>()
  // Numbers only matter as categories if the column turns out mixed (typed string); they are
  // counted while few, then left out (their share goes to otherCount and isExact is false).
  let numberCounts: NumberCounts | undefined = new Map()
  let timestampCounts: NumberCounts | undefined = new Map()

  function addNumeric(value: number): void {
    count++
    numericCount++
    const delta = value - mean
    mean += delta / numericCount
    m2 += delta * (value - mean)
    if (value < min) min = value
    if (value > max) max = value
    sketch.add(value)
    distinct.addNumber(value)
  }

  function countNumber(counts: NumberCounts | undefined, value: number): NumberCounts | undefined {
    if (counts === undefined) return undefined
    const box = counts.get(value)
    if (box !== undefined) box.n++
    else if (counts.size >= MAX_NUMBER_KEYS) return undefined
    else counts.set(value, { n: 1 })
    return counts
  }

  const accumulator: ColumnAccumulator = {
    name,
    addInteger(value) {
      typeCounts.integer++
      addNumeric(value)
      numberCounts = countNumber(numberCounts, value)
    },
    addFloat(value) {
      typeCounts.float++
      addNumeric(value)
      numberCounts = countNumber(numberCounts, value)
    },
    addTimestamp(epochMs) {
      typeCounts.timestamp++
      addNumeric(epochMs)
      timestampCounts = countNumber(timestampCounts, epochMs)
    },
    addBoolean(value) {
      typeCounts.boolean++
      count++
      const text = value ? 'true' : 'false'
      distinct.addString(text)
      strings.add(text)
    },
    addString(value) {
      typeCounts.string++
      count++
      distinct.addString(value)
      strings.add(cutCategory(value))
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
      const isNumeric = type === 'integer' || type === 'float' || type === 'timestamp'
      const stddev = numericCount > 1 ? Math.sqrt(m2 / (numericCount - 1)) : 0
      return {
        name,
        type,
        count,
        nullCount: rowCount - count,
        ...distinctOf(distinct.estimate()),
        typeCounts: Object.fromEntries(kinds.map((kind) => [kind, typeCounts[kind]])),
        numeric: isNumeric && count > 0 ? numericProfile(min, max, mean, stddev, sketch) : null,
        categories:
          type === 'string' || type === 'boolean'
            ? categoryProfile(count, strings.entries(), strings.isExact, numberCounts, timestampCounts, kinds)
            : null,
      }
    },
  }
  return accumulator
}

function distinctOf(estimate: { distinctCount: number; isExact: boolean }) {
  return { distinctCount: estimate.distinctCount, isDistinctExact: estimate.isExact }
}

/** The narrowest type holding every value: integer+float is float; any other mix is string. */
function columnType(typeCounts: Record<ColumnType, number>, declaredType: ColumnType | undefined): ColumnType {
  const kinds = TYPE_ORDER.filter((kind) => typeCounts[kind] > 0)
  if (kinds.length === 0) return declaredType ?? 'string'
  if (kinds.length === 1) return kinds[0]
  if (kinds.length === 2 && kinds[0] === 'integer' && kinds[1] === 'float') return 'float'
  return 'string'
}

function numericProfile(
  min: number,
  max: number,
  mean: number,
  stddev: number,
  sketch: ReturnType<typeof createKllSketch>,
): NumericProfile {
  const weighted = sketch.weightedValues()
  const qs = Array.from({ length: PROFILE_QUANTILE_COUNT }, (_, i) => i / (PROFILE_QUANTILE_COUNT - 1))
  const quantiles = quantilesOf(weighted, qs)
  quantiles[0] = min
  quantiles[PROFILE_QUANTILE_COUNT - 1] = max
  return {
    min,
    max,
    mean: Math.min(max, Math.max(min, mean)),
    stddev,
    quantiles,
    histogram: histogramOf(min, max, weighted),
  }
}

/** Equal-width bins over [min, max] filled from the sketch: exact counts for small columns, estimates beyond. */
function histogramOf(min: number, max: number, weighted: { values: Float64Array; weights: Float64Array }) {
  const bins = min === max ? 1 : HISTOGRAM_BINS
  const width = (max - min) / bins
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? max : min + i * width))
  const counts = new Array<number>(bins).fill(0)
  for (let i = 0; i < weighted.values.length; i++) {
    const bin = width === 0 ? 0 : Math.min(bins - 1, Math.floor((weighted.values[i] - min) / width))
    counts[bin] += weighted.weights[i]
  }
  return { edges, counts }
}

function categoryProfile(
  count: number,
  stringEntries: [string, number][],
  isStringsExact: boolean,
  numberCounts: NumberCounts | undefined,
  timestampCounts: NumberCounts | undefined,
  kinds: ColumnType[],
): CategoryProfile {
  const hasNumbers = kinds.includes('integer') || kinds.includes('float')
  const hasTimestamps = kinds.includes('timestamp')
  let entries = stringEntries
  if (hasNumbers || hasTimestamps) {
    const merged = new Map(stringEntries)
    const mergeIn = (counts: NumberCounts | undefined, format: (n: number) => string) => {
      for (const [value, box] of counts ?? []) merged.set(format(value), (merged.get(format(value)) ?? 0) + box.n)
    }
    if (hasNumbers) mergeIn(numberCounts, String)
    if (hasTimestamps) mergeIn(timestampCounts, (ms) => new Date(ms).toISOString())
    entries = [...merged].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  }
  const values = entries.slice(0, MAX_DATASET_CATEGORIES).map(([value, n]) => ({ value, count: n }))
  const listed = values.reduce((sum, entry) => sum + entry.count, 0)
  const isComplete =
    isStringsExact &&
    entries.length <= MAX_DATASET_CATEGORIES &&
    (!hasNumbers || numberCounts !== undefined) &&
    (!hasTimestamps || timestampCounts !== undefined)
  return { values, otherCount: count - listed, isExact: isComplete && listed === count }
}
