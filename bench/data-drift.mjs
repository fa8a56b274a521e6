// Data drift: compareProfiles between two stored 20-column profiles (10 numeric, 10 categorical with 1,000 categories each): median time. Target <= 50 ms.

import { DatasetProfile, DriftThresholds } from '../packages/contract/dist/index.js'
import { compareProfiles } from '../packages/data/dist/index.js'
import { parseBenchArgs } from './support/options.mjs'
import { machineLine, recordSection, verdict } from './support/results.mjs'
import { formatMs, percentile } from './support/stats.mjs'

const TARGET_MS = 50
const ROWS = 1_000_000
const SAMPLE = 50_000
const HISTOGRAM_BINS = 100
const DISTINCT_VALUES = 1500
const KEPT_CATEGORIES = 1000

const options = parseBenchArgs(process.argv.slice(2), { iterations: 500 })

/** mulberry32: the same profiles on every run. */
function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function normal(random) {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}

/** A numeric column profiled from a sample, scaled to ROWS as a profiler would report it. */
function numericColumn(name, type, random, draw) {
  const sorted = Float64Array.from({ length: SAMPLE }, () => draw(random)).sort()
  const min = sorted[0]
  const max = sorted[SAMPLE - 1]
  const mean = sorted.reduce((s, x) => s + x, 0) / SAMPLE
  const stddev = Math.sqrt(sorted.reduce((s, x) => s + (x - mean) ** 2, 0) / SAMPLE)
  const quantiles = Array.from({ length: 101 }, (_, i) => sorted[Math.round(((SAMPLE - 1) * i) / 100)])
  const width = (max - min) / HISTOGRAM_BINS
  const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, i) => min + i * width)
  const counts = new Array(HISTOGRAM_BINS).fill(0)
  for (const x of sorted) counts[Math.min(HISTOGRAM_BINS - 1, Math.floor((x - min) / width))] += ROWS / SAMPLE
  const nullCount = Math.floor(random() * 1000)
  return {
    name,
    type,
    count: ROWS - nullCount,
    nullCount,
    distinctCount: 900_000,
    isDistinctExact: false,
    typeCounts: { [type]: ROWS - nullCount },
    numeric: { min, max, mean, stddev, quantiles, histogram: { edges, counts } },
    categories: null,
  }
}

/** A categorical column over DISTINCT_VALUES Zipf-distributed values, of which the 1,000 most frequent are kept. */
function categoricalColumn(name, random, offset) {
  const weights = Array.from({ length: DISTINCT_VALUES }, (_, i) => (1 / (i + 1)) * (0.9 + 0.2 * random()))
  const total = weights.reduce((s, w) => s + w, 0)
  const ranked = weights
    .map((w, i) => ({
      value: `${name}-value-${(i + offset) % DISTINCT_VALUES}`,
      count: Math.floor((w / total) * ROWS),
    }))
    .sort((a, b) => b.count - a.count)
  const values = ranked.slice(0, KEPT_CATEGORIES)
  const count = ranked.reduce((s, v) => s + v.count, 0)
  return {
    name,
    type: 'string',
    count,
    nullCount: ROWS - count,
    distinctCount: DISTINCT_VALUES,
    isDistinctExact: false,
    typeCounts: { string: count },
    numeric: null,
    categories: { values, otherCount: count - values.reduce((s, v) => s + v.count, 0), isExact: false },
  }
}

function profile(seed, shift) {
  const random = prng(seed)
  const columns = []
  for (let i = 0; i < 10; i++) {
    const type = ['float', 'integer', 'timestamp'][i % 3]
    const draw =
      type === 'float'
        ? (r) => 100 + shift * 5 + 10 * normal(r)
        : type === 'integer'
          ? (r) => Math.round(Math.exp(3 + shift * 0.1 + normal(r)))
          : (r) => 1_700_000_000_000 + Math.floor(r() * 86_400_000 * (30 + shift))
    columns.push(numericColumn(`num_${i}`, type, random, draw))
  }
  for (let i = 0; i < 10; i++) columns.push(categoricalColumn(`cat_${i}`, random, shift * 7 * i))
  return JSON.stringify(DatasetProfile.parse({ rowCount: ROWS, columns, filesProfiled: 1, warnings: [] }))
}

// Stored as the server stores them: JSON text.
const storedReference = profile(1, 0)
const storedCurrent = profile(2, 1)
const thresholds = DriftThresholds.parse({})
const reference = { label: 'reference', profile: JSON.parse(storedReference) }
const current = { label: 'current', profile: JSON.parse(storedCurrent) }

const compareTimes = []
const parseAndCompareTimes = []
let report
for (let i = 0; i < options.iterations + 20; i++) {
  const started = performance.now()
  report = compareProfiles(reference, current, thresholds)
  const compared = performance.now()
  compareProfiles(
    { label: 'reference', profile: JSON.parse(storedReference) },
    { label: 'current', profile: JSON.parse(storedCurrent) },
    thresholds,
  )
  const parsedAndCompared = performance.now()
  if (i >= 20) {
    compareTimes.push(compared - started)
    parseAndCompareTimes.push(parsedAndCompared - compared)
  }
}
const median = percentile(compareTimes, 50)
const verdicts = {}
for (const column of report.columns) verdicts[column.verdict] = (verdicts[column.verdict] ?? 0) + 1

const lines = [
  `- two profiles of ${ROWS.toLocaleString('en-US')} rows, 10 numeric columns (${HISTOGRAM_BINS}-bin histograms) and 10 string columns with ${KEPT_CATEGORIES} of ${DISTINCT_VALUES} categories kept; stored JSON ${(storedReference.length / 1024).toFixed(0)} KiB each`,
  `- compareProfiles: median **${formatMs(median)}**, p95 ${formatMs(percentile(compareTimes, 95))} over ${options.iterations} iterations — target <= ${TARGET_MS} ms: ${verdict(median <= TARGET_MS)}`,
  `- JSON.parse of both stored profiles + compareProfiles: median ${formatMs(percentile(parseAndCompareTimes, 50))}`,
  `- the report's column verdicts: ${JSON.stringify(verdicts)}, overall ${report.verdict}`,
  `- ${machineLine()}`,
]
console.log(lines.join('\n'))
if (options.isRecording) recordSection('data-drift', 'data-drift', lines.join('\n'))
