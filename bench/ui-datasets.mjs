// Web UI in headless Chromium with a wide dataset (200 columns, half with 1,000 categories): navigation to a version page's first histogram drawn, and to the drift report's first overlaid histogram.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { DatasetProfile } from '../packages/contract/dist/index.js'
import { datasetDigest } from '../packages/data/dist/index.js'
import { DB_LABELS, openBenchDatabase } from './support/databases.mjs'
import { createJsonClient } from './support/http-client.mjs'
import { parseBenchArgs } from './support/options.mjs'
import { startServerProcess } from './support/processes.mjs'
import { machineLine, recordSection } from './support/results.mjs'
import { formatInt, formatMs, percentile } from './support/stats.mjs'

// The issue sets no target for these pages; the figures are recorded to see them move.
const ROWS = 1_000_000
const HISTOGRAM_BINS = 100
const KEPT_CATEGORIES = 1000
const WEB_DIR = fileURLToPath(new URL('../packages/web', import.meta.url))
const VITE = fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url))

const options = parseBenchArgs(process.argv.slice(2), { columns: 200, repetitions: 10 })

function buildUi() {
  const build = spawnSync(process.execPath, [VITE, 'build', '--logLevel', 'warn'], { cwd: WEB_DIR, stdio: 'inherit' })
  if (build.status !== 0) throw new Error('vite build of packages/web failed')
}

/** A numeric column: a normal distribution around `center`, as a profiler would store it. */
function numericColumn(name, center) {
  const quantiles = Array.from({ length: 101 }, (_, i) => center + 10 * (i / 50 - 1) ** 3)
  const [min, max] = [quantiles[0], quantiles[100]]
  const edges = Array.from({ length: HISTOGRAM_BINS + 1 }, (_, i) => min + ((max - min) * i) / HISTOGRAM_BINS)
  const counts = edges.slice(1).map((_, i) => Math.round(ROWS * Math.exp(-(((i - 50) / 20) ** 2)) * 0.028))
  const count = counts.reduce((s, c) => s + c, 0)
  return {
    name,
    type: 'float',
    count,
    nullCount: 0,
    distinctCount: 900_000,
    isDistinctExact: false,
    typeCounts: { float: count },
    numeric: { min, max, mean: center, stddev: 4, quantiles, histogram: { edges, counts } },
    categories: null,
  }
}

/** A string column keeping its 1,000 most frequent values (Zipf-like), shifted by `offset`. */
function categoricalColumn(name, offset) {
  const values = Array.from({ length: KEPT_CATEGORIES }, (_, i) => ({
    value: `${name}-value-${(i + offset) % (KEPT_CATEGORIES + 200)}`,
    count: Math.floor(ROWS / 8 / (i + 1)),
  }))
  const count = values.reduce((s, v) => s + v.count, 0) + 5000
  return {
    name,
    type: 'string',
    count,
    nullCount: 0,
    distinctCount: KEPT_CATEGORIES + 200,
    isDistinctExact: false,
    typeCounts: { string: count },
    numeric: null,
    categories: { values, otherCount: 5000, isExact: false },
  }
}

function profile(shift) {
  const columns = []
  for (let i = 0; i < options.columns / 2; i++) columns.push(numericColumn(`num_${i}`, 100 + shift * (i % 3)))
  for (let i = 0; i < options.columns / 2; i++) columns.push(categoricalColumn(`cat_${i}`, shift * (i % 5)))
  return DatasetProfile.parse({ rowCount: ROWS, columns, filesProfiled: 1, warnings: [] })
}

async function registerVersion(api, shift) {
  const files = [
    { path: `part-${shift}.parquet`, sizeBytes: 1000, sha256: createHash('sha256').update(`${shift}`).digest('hex') },
  ]
  const body = {
    source: 's3://bench/wide/',
    format: 'parquet',
    files,
    digest: datasetDigest(files),
    schema: { columns: profile(shift).columns.map((c) => ({ name: c.name, type: c.type })) },
    profile: profile(shift),
  }
  await api.post('/api/v1/datasets/wide/versions', body)
  return Buffer.byteLength(JSON.stringify(body.profile))
}

/** Milliseconds from navigation start to the page's `provena:histogram-drawn` mark, in a fresh context. */
async function timeToHistogram(browser, url, selector) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
  try {
    const page = await context.newPage()
    await page.goto(url)
    await page.waitForSelector(selector, { timeout: 60_000 })
    return await page.evaluate(
      () => performance.getEntriesByName('provena:histogram-drawn')[0]?.startTime ?? Number.NaN,
    )
  } finally {
    await context.close()
  }
}

async function measure(kind) {
  const database = await openBenchDatabase(kind, options)
  try {
    const server = await startServerProcess({
      dataDir: database.dataDir,
      db: database.db,
      sqliteSynchronous: database.sqliteSynchronous,
      execArgv: options.serverExecArgv,
    })
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    try {
      const api = createJsonClient(server.url, { maxSockets: 1 })
      const profileBytes = await registerVersion(api, 0)
      await registerVersion(api, 3)
      api.close()
      const versionUrl = `${server.url}/datasets/wide/2`
      const driftUrl = `${server.url}/datasets/wide/compare?a=1&b=2`
      const overlaid = 'svg.histogram[data-series="2"]'
      const versionFirstMs = await timeToHistogram(browser, versionUrl, 'svg.histogram')
      const driftFirstMs = await timeToHistogram(browser, driftUrl, overlaid)
      const versionMs = []
      const driftMs = []
      for (let i = 0; i < options.repetitions; i++) {
        versionMs.push(await timeToHistogram(browser, versionUrl, 'svg.histogram'))
        driftMs.push(await timeToHistogram(browser, driftUrl, overlaid))
      }
      return {
        kind,
        settings: database.settings,
        profileBytes,
        versionFirstMs,
        driftFirstMs,
        versionP50: percentile(versionMs, 50),
        versionMax: Math.max(...versionMs),
        driftP50: percentile(driftMs, 50),
        driftMax: Math.max(...driftMs),
      }
    } finally {
      await browser.close()
      await server.stop()
    }
  } finally {
    await database.close()
  }
}

function describe(r) {
  return [
    `- database: ${r.settings}; dataset \`wide\` with 2 versions of ${formatInt(options.columns)} columns: half numeric (101 quantiles, ${HISTOGRAM_BINS}-bin histograms), half strings keeping ${formatInt(KEPT_CATEGORIES)} categories; ${(r.profileBytes / 1e6).toFixed(1)} MB of profile JSON per version`,
    `- headless Chromium (Debian, --disable-gpu), 1400×900, a fresh browser context (empty cache) per visit; times are the page's performance mark \`provena:histogram-drawn\`, from navigation start; the first visit after the server started, then ${options.repetitions} more`,
    `- version page (\`/datasets/wide/2\`: the version with its profile, table of every column, histograms as they scroll into view) to its first histogram: first ${formatMs(r.versionFirstMs)}, p50 ${formatMs(r.versionP50)}, max ${formatMs(r.versionMax)}`,
    `- drift page (\`/datasets/wide/compare?a=1&b=2\`: the drift report computed by the server, both profiles, the column table) to its first overlaid histogram: first ${formatMs(r.driftFirstMs)}, p50 ${formatMs(r.driftP50)}, max ${formatMs(r.driftMax)}`,
  ].join('\n')
}

buildUi()
const results = []
for (const kind of options.dbs) {
  const result = await measure(kind)
  results.push(result)
  console.log(`${DB_LABELS[kind]}:\n${describe(result)}`)
}
if (options.isRecording) {
  const body = [`${machineLine()}`, '', ...results.map((r) => `### ${DB_LABELS[r.kind]}\n\n${describe(r)}\n`)].join(
    '\n',
  )
  recordSection('ui-datasets', 'ui-datasets: a wide dataset’s version and drift pages in Chromium', body)
}
