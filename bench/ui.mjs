// Web UI in headless Chromium with 100,000 runs and a 1,000,000-point metric: navigation to the runs table's first rows, and to the metric's chart drawn.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { DB_LABELS, openBenchDatabase } from './support/databases.mjs'
import { createJsonClient } from './support/http-client.mjs'
import { parseBenchArgs } from './support/options.mjs'
import { startServerProcess } from './support/processes.mjs'
import { machineLine, recordSection, verdict } from './support/results.mjs'
import { seedSearchRuns } from './support/search-seed.mjs'
import { formatInt, formatMs, percentile } from './support/stats.mjs'

const TARGET_RUNS_MS = 1500
const TARGET_CHART_MS = 1000
const POINTS_PER_BATCH = 10_000
const WEB_DIR = fileURLToPath(new URL('../packages/web', import.meta.url))
const VITE = fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url))

const options = parseBenchArgs(process.argv.slice(2), { runs: 100_000, points: 1_000_000, repetitions: 10 })

/** The UI the server serves, built fresh so that the figures are of the current code. */
function buildUi() {
  const build = spawnSync(process.execPath, [VITE, 'build', '--logLevel', 'warn'], { cwd: WEB_DIR, stdio: 'inherit' })
  if (build.status !== 0) throw new Error('vite build of packages/web failed')
}

async function seedLongMetric(api, experimentId) {
  // Created finished, so the run page does not poll it as a live run while it is measured.
  const { run } = await api.post('/api/v1/runs', { experimentId, name: 'long-history', status: 'FINISHED' })
  const startMs = Date.now()
  for (let start = 0; start < options.points; start += POINTS_PER_BATCH) {
    const metrics = []
    for (let step = start; step < Math.min(options.points, start + POINTS_PER_BATCH); step++) {
      const value = Math.exp(-step / 300_000) + 0.05 * Math.sin(step / 37)
      metrics.push({ key: 'loss', value, timestampMs: startMs + step, step })
    }
    await api.post(`/api/v1/runs/${run.id}/batch`, { metrics })
  }
  return run.id
}

/**
 * Opens `url` in a fresh browser context (empty cache, as for a first visit), waits for
 * `selector`, and returns the time of the page's performance mark `mark`: milliseconds since
 * navigation started, as the browser itself measured it.
 */
async function timeToMark(browser, url, selector, mark) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
  try {
    const page = await context.newPage()
    await page.goto(url)
    await page.waitForSelector(selector, { timeout: 60_000 })
    return await page.evaluate((name) => performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN, mark)
  } finally {
    await context.close()
  }
}

async function measure(kind) {
  const database = await openBenchDatabase(kind, options)
  try {
    const seedStartedAt = performance.now()
    const { experimentId } = await seedSearchRuns({ url: database.db, runCount: options.runs })
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
      const runId = await seedLongMetric(api, experimentId)
      api.close()
      const seedSeconds = (performance.now() - seedStartedAt) / 1000
      console.log(
        `seeded ${formatInt(options.runs)} runs and ${formatInt(options.points)} points in ${seedSeconds.toFixed(0)} s`,
      )

      const runsUrl = `${server.url}/runs?e=${experimentId}`
      const chartUrl = `${server.url}/runs/${runId}?tab=charts`
      const runsSelector = '[role=row][data-row-id]'
      const chartSelector = '.chart-canvas[data-drawn=true]'
      const runsFirstMs = await timeToMark(browser, runsUrl, runsSelector, 'provena:runs-rendered')
      const chartFirstMs = await timeToMark(browser, chartUrl, chartSelector, 'provena:chart-drawn')
      const runsMs = []
      const chartMs = []
      for (let i = 0; i < options.repetitions; i++) {
        runsMs.push(await timeToMark(browser, runsUrl, runsSelector, 'provena:runs-rendered'))
        chartMs.push(await timeToMark(browser, chartUrl, chartSelector, 'provena:chart-drawn'))
      }
      return {
        kind,
        settings: database.settings,
        seedSeconds,
        runsFirstMs,
        chartFirstMs,
        runsP50: percentile(runsMs, 50),
        runsMax: Math.max(...runsMs),
        chartP50: percentile(chartMs, 50),
        chartMax: Math.max(...chartMs),
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
    `- database: ${r.settings}; ${formatInt(options.runs)} runs × 20 params × 10 metrics (seeded with multi-row inserts) plus one run whose metric has ${formatInt(options.points)} points (logged over HTTP); ${r.seedSeconds.toFixed(0)} s to seed`,
    `- headless Chromium (Debian, --disable-gpu), 1400×900, a fresh browser context (empty cache) per visit; times are the page's own performance marks, from navigation start; the first visit after the server started, then ${options.repetitions} more`,
    `- runs table of the experiment (first page 100 runs with all their params and metrics, newest first) to its first rows: first ${formatMs(r.runsFirstMs)}, p50 ${formatMs(r.runsP50)}, max ${formatMs(r.runsMax)} (target <= ${TARGET_RUNS_MS} ms: ${verdict(r.runsP50 <= TARGET_RUNS_MS)})`,
    `- run page, chart of the ${formatInt(options.points)}-point metric (downsampled on the server to the chart's width) drawn: first ${formatMs(r.chartFirstMs)}, p50 ${formatMs(r.chartP50)}, max ${formatMs(r.chartMax)} (target <= ${TARGET_CHART_MS} ms: ${verdict(r.chartP50 <= TARGET_CHART_MS)})`,
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
  recordSection('ui', 'ui: runs table and a million-point chart in Chromium', body)
}
