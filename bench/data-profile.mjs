// Data profiling: a 1,000,000-row, 20-column CSV (~150 MB) and the same table as Parquet, each profiled in a child process (wall time, peak RSS).

import { fork } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs'
import { loadavg } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parquetWriteFile } from 'hyparquet-writer'
import { parseBenchArgs } from './support/options.mjs'
import { firstMessage } from './support/processes.mjs'
import { machineLine, recordSection, verdict } from './support/results.mjs'
import { formatInt, formatMiB } from './support/stats.mjs'

const TARGET_CSV_MS = 10_000
const TARGET_CSV_RSS_MIB = 512
const MIB = 1024 * 1024
const CHILD = fileURLToPath(new URL('./support/data-profile-child.mjs', import.meta.url))
const DATA_DIR = '/tmp/provena-bench-data-profile'
/** Bump when the generated table changes, so a cached file of the old shape is not reused. */
const DATA_VERSION = 1

// `--workers N` fixes the number of worker threads; without it profileFiles picks (one per idle CPU).
const argv = process.argv.slice(2)
const workersAt = argv.indexOf('--workers')
const workers = workersAt === -1 ? 'auto' : String(Number(argv.splice(workersAt, 2)[1]))
const options = parseBenchArgs(argv, { rows: 1_000_000, repetitions: 1 })

/** mulberry32: the same seed gives the same table on every machine. */
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

const CITIES = ['Berlin', 'Paris', 'Lisbon', 'Oslo', 'Rome', 'Madrid', 'Vienna', 'Prague', 'Dublin', 'Athens']
const PLANS = ['free', 'pro', 'team', 'enterprise']
const T0 = Date.UTC(2023, 0, 1)

/**
 * The table: 20 columns — 6 integer, 6 float, 3 categorical strings, 2 boolean, 2 timestamp,
 * 1 high-cardinality string; about 2% nulls in five of them.
 */
const COLUMNS = [
  { name: 'id', type: 'INT64', make: (_r, i) => i },
  { name: 'age', type: 'INT32', make: (r) => 18 + Math.floor(r() * 70) },
  { name: 'visits', type: 'INT32', make: (r) => Math.floor(-Math.log(1 - r()) * 20) },
  { name: 'items', type: 'INT32', make: (r) => (r() < 0.02 ? null : Math.floor(r() * 1000)) },
  { name: 'year', type: 'INT32', make: (r) => 1990 + Math.floor(r() * 35) },
  { name: 'score_int', type: 'INT32', make: (r) => Math.floor(normal(r) * 100) },
  { name: 'income', type: 'DOUBLE', make: (r) => round(Math.exp(10 + normal(r) * 0.5), 2) },
  { name: 'ratio', type: 'DOUBLE', make: (r) => round(r(), 6) },
  { name: 'temperature', type: 'DOUBLE', make: (r) => (r() < 0.02 ? null : round(15 + normal(r) * 8, 3)) },
  { name: 'latitude', type: 'DOUBLE', make: (r) => round(-90 + r() * 180, 5) },
  { name: 'longitude', type: 'DOUBLE', make: (r) => round(-180 + r() * 360, 5) },
  { name: 'loss', type: 'DOUBLE', make: (r) => round(r() ** 3 * 10, 4) },
  { name: 'city', type: 'STRING', make: (r) => CITIES[Math.floor(r() ** 2 * CITIES.length)] },
  { name: 'plan', type: 'STRING', make: (r) => (r() < 0.02 ? null : PLANS[Math.floor(r() * PLANS.length)]) },
  { name: 'segment', type: 'STRING', make: (r) => `seg-${Math.floor(r() * 200)}` },
  { name: 'is_active', type: 'BOOLEAN', make: (r) => r() < 0.7 },
  { name: 'has_churned', type: 'BOOLEAN', make: (r) => (r() < 0.02 ? null : r() < 0.1) },
  { name: 'signed_up', type: 'TIMESTAMP', make: (r) => new Date(T0 + Math.floor(r() * 365 * 86_400) * 1000) },
  {
    name: 'last_seen',
    type: 'TIMESTAMP',
    make: (r) => (r() < 0.02 ? null : new Date(T0 + Math.floor(r() * 700 * 86_400_000))),
  },
  { name: 'user', type: 'STRING', make: (r) => `user-${Math.floor(r() * 500_000).toString(36)}` },
]

function normal(r) {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r())
}

function round(x, digits) {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

function csvCell(value) {
  if (value === null) return ''
  if (value instanceof Date) return value.toISOString()
  return String(value)
}

/** Writes the CSV (cached under /tmp) row by row; the Parquet file holds the same rows. */
async function generate(rows) {
  mkdirSync(DATA_DIR, { recursive: true })
  const csvPath = path.join(DATA_DIR, `table-v${DATA_VERSION}-${rows}.csv`)
  const parquetPath = path.join(DATA_DIR, `table-v${DATA_VERSION}-${rows}.parquet`)
  if (existsSync(csvPath) && existsSync(parquetPath)) return { csvPath, parquetPath }
  console.log(`generating ${formatInt(rows)} rows under ${DATA_DIR} (cached for later runs) …`)
  const random = prng(20_261_130)
  const columnData = COLUMNS.map(() => new Array(rows))
  const out = createWriteStream(`${csvPath}.tmp`)
  out.write(`${COLUMNS.map((column) => column.name).join(',')}\n`)
  let lines = []
  for (let i = 0; i < rows; i++) {
    const cells = COLUMNS.map((column, c) => {
      const value = column.make(random, i)
      columnData[c][i] = column.type === 'INT64' && value !== null ? BigInt(value) : value
      return csvCell(value)
    })
    lines.push(cells.join(','))
    if (lines.length === 10_000) {
      if (!out.write(`${lines.join('\n')}\n`)) await new Promise((resolve) => out.once('drain', resolve))
      lines = []
    }
  }
  if (lines.length > 0) out.write(`${lines.join('\n')}\n`)
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())))
  parquetWriteFile({
    filename: `${parquetPath}.tmp`,
    rowGroupSize: 100_000,
    columnData: COLUMNS.map((column, c) => ({ name: column.name, type: column.type, data: columnData[c] })),
  })
  renameSync(`${csvPath}.tmp`, csvPath)
  renameSync(`${parquetPath}.tmp`, parquetPath)
  return { csvPath, parquetPath }
}

async function profileInChild(file, format) {
  const child = fork(CHILD, [file, format, workers], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const result = await firstMessage(child)
  await exited
  return result
}

const { csvPath, parquetPath } = await generate(options.rows)
const results = []
for (const [label, file, format] of [
  ['CSV', csvPath, 'csv'],
  ['Parquet', parquetPath, 'parquet'],
]) {
  for (let i = 0; i < options.repetitions; i++) {
    const load1 = loadavg()[0].toFixed(2)
    const result = await profileInChild(file, format)
    const sizeMB = statSync(file).size / 1e6
    console.log(
      `${label.padEnd(8)} ${sizeMB.toFixed(1)} MB, ${formatInt(result.rowCount)} rows: ${(result.wallMs / 1000).toFixed(2)} s ` +
        `(${(sizeMB / (result.wallMs / 1000)).toFixed(1)} MB/s, CPU ${(result.cpuMs / 1000).toFixed(2)} s), ` +
        `peak RSS ${formatMiB(result.peakRssBytes)}; load average before ${load1}`,
    )
    if (result.rowCount !== options.rows)
      throw new Error(`${label}: profiled ${result.rowCount} rows, not ${options.rows}`)
    results.push({ label, sizeMB, ...result })
  }
}

const best = (label) => results.filter((r) => r.label === label).sort((a, b) => a.wallMs - b.wallMs)[0]
const csv = best('CSV')
const parquet = best('Parquet')
const isCsvTimeMet = csv.wallMs <= TARGET_CSV_MS
const isCsvRssMet = csv.peakRssBytes <= TARGET_CSV_RSS_MIB * MIB
console.log(`CSV: ${verdict(isCsvTimeMet)} (<= 10 s), ${verdict(isCsvRssMet)} (<= 512 MiB peak RSS)`)

if (options.isRecording) {
  recordSection(
    'data-profile',
    'data-profile: profiling a 1,000,000-row, 20-column table',
    `${machineLine()}

| file | size | rows | wall time | MB/s | CPU time | peak RSS | target |
| --- | --- | --- | --- | --- | --- | --- | --- |
| CSV | ${csv.sizeMB.toFixed(1)} MB | ${formatInt(csv.rowCount)} | ${(csv.wallMs / 1000).toFixed(2)} s | ${(csv.sizeMB / (csv.wallMs / 1000)).toFixed(1)} | ${(csv.cpuMs / 1000).toFixed(2)} s | ${formatMiB(csv.peakRssBytes)} | <= 10 s: ${verdict(isCsvTimeMet)}; <= 512 MiB: ${verdict(isCsvRssMet)} |
| Parquet (SNAPPY, 100,000-row groups) | ${parquet.sizeMB.toFixed(1)} MB | ${formatInt(parquet.rowCount)} | ${(parquet.wallMs / 1000).toFixed(2)} s | ${(parquet.sizeMB / (parquet.wallMs / 1000)).toFixed(1)} | ${(parquet.cpuMs / 1000).toFixed(2)} s | ${formatMiB(parquet.peakRssBytes)} | reported |

Each file profiled by \`profileFiles\` (worker threads: ${workers}) in a fresh child process; wall and CPU time inside the child (best of ${options.repetitions}), peak RSS from \`process.resourceUsage().maxRSS\`.`,
  )
}
