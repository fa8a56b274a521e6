// Metric history of one run with 1,000,000 points: a 1,000-point downsampled answer, and the raw history in 100,000-point pages.
import { DB_LABELS, openBenchDatabase } from './support/databases.mjs'
import { createJsonClient } from './support/http-client.mjs'
import { parseBenchArgs } from './support/options.mjs'
import { startServerProcess } from './support/processes.mjs'
import { machineLine, recordSection, verdict } from './support/results.mjs'
import { formatInt, formatMs, percentile } from './support/stats.mjs'

const TARGET_DOWNSAMPLED_MS = 50
const KEY = 'loss'
const POINTS_PER_BATCH = 10_000
const PAGE_SIZE = 100_000
const MAX_POINTS = 1000

const options = parseBenchArgs(process.argv.slice(2), { points: 1_000_000, repetitions: 30, fetches: 3 })

/** A noisy decaying curve with rare spikes, so that minima and maxima matter. */
function valueAt(step) {
  const spike = step % 99_991 === 12_345 ? 5 : step % 77_773 === 4_321 ? -5 : 0
  return Math.exp(-step / 300_000) + 0.05 * Math.sin(step / 37) + spike
}

async function seed(api) {
  const { experiment } = await api.post('/api/v1/experiments', { name: `history-${Date.now()}` })
  const { run } = await api.post('/api/v1/runs', { experimentId: experiment.id, name: 'history' })
  const startMs = Date.now()
  for (let start = 0; start < options.points; start += POINTS_PER_BATCH) {
    const metrics = []
    for (let step = start; step < Math.min(options.points, start + POINTS_PER_BATCH); step++) {
      metrics.push({ key: KEY, value: valueAt(step), timestampMs: startMs + step, step })
    }
    await api.post(`/api/v1/runs/${run.id}/batch`, { metrics })
  }
  return run.id
}

function checkDownsampled(answer) {
  const { points } = answer
  const values = points.map((p) => p.value)
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (let step = 0; step < options.points; step++) {
    const value = valueAt(step)
    if (value < min) min = value
    if (value > max) max = value
  }
  const problems = []
  if (points.length > MAX_POINTS) problems.push(`${points.length} points`)
  if (points[0]?.step !== 0) problems.push('first point missing')
  if (points[points.length - 1]?.step !== options.points - 1) problems.push('last point missing')
  if (!values.includes(min) || !values.includes(max)) problems.push('global minimum or maximum missing')
  if (answer.totalPoints !== options.points) problems.push(`totalPoints ${answer.totalPoints}`)
  if (problems.length > 0) throw new Error(`bad downsampled answer: ${problems.join(', ')}`)
}

async function fetchAllPages(api, path) {
  const pageTimesMs = []
  let pageToken
  let count = 0
  do {
    const startedAt = performance.now()
    const query = `maxResults=${PAGE_SIZE}${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`
    const page = await api.get(`${path}?${query}`)
    pageTimesMs.push(performance.now() - startedAt)
    for (let i = 0; i < page.points.length; i++) {
      if (page.points[i].step !== count + i)
        throw new Error(`page point ${i} has step ${page.points[i].step}, expected ${count + i}`)
    }
    count += page.points.length
    pageToken = page.nextPageToken ?? undefined
  } while (pageToken)
  if (count !== options.points) throw new Error(`paging returned ${count} points, expected ${options.points}`)
  return pageTimesMs
}

async function measure(kind) {
  const database = await openBenchDatabase(kind, options)
  const server = await startServerProcess({
    dataDir: database.dataDir,
    db: database.db,
    sqliteSynchronous: database.sqliteSynchronous,
    execArgv: options.serverExecArgv,
  })
  try {
    const api = createJsonClient(server.url, { maxSockets: 1 })
    const seedStartedAt = performance.now()
    const runId = await seed(api)
    const seedSeconds = (performance.now() - seedStartedAt) / 1000
    const path = `/api/v1/runs/${runId}/metrics/${KEY}/history`

    checkDownsampled(await api.get(`${path}?maxPoints=${MAX_POINTS}`))
    for (let i = 0; i < 3; i++) await api.get(`${path}?maxPoints=${MAX_POINTS}`)
    const downsampledMs = []
    for (let i = 0; i < options.repetitions; i++) {
      const startedAt = performance.now()
      await api.get(`${path}?maxPoints=${MAX_POINTS}`)
      downsampledMs.push(performance.now() - startedAt)
    }

    const totalsMs = []
    const pageMs = []
    for (let i = 0; i < options.fetches; i++) {
      const pages = await fetchAllPages(api, path)
      totalsMs.push(pages.reduce((a, b) => a + b, 0))
      pageMs.push(...pages)
    }
    api.close()
    return {
      kind,
      settings: database.settings,
      seedSeconds,
      downsampledP50: percentile(downsampledMs, 50),
      downsampledP95: percentile(downsampledMs, 95),
      rawTotalMedian: percentile(totalsMs, 50),
      rawPageP50: percentile(pageMs, 50),
      rawPageMax: Math.max(...pageMs),
    }
  } finally {
    await server.stop()
    await database.close()
  }
}

function describe(r) {
  return [
    `- database: ${r.settings}; one run, one metric of ${formatInt(options.points)} points (increasing steps), posted over HTTP in batches of ${formatInt(POINTS_PER_BATCH)} (${r.seedSeconds.toFixed(1)} s)`,
    `- downsampled to ${formatInt(MAX_POINTS)} points (\`maxPoints=${MAX_POINTS}\`, first/last/global min/max checked): **p50 ${formatMs(r.downsampledP50)}**, p95 ${formatMs(r.downsampledP95)} over ${options.repetitions} requests; target p50 <= ${TARGET_DOWNSAMPLED_MS} ms: ${verdict(r.downsampledP50 <= TARGET_DOWNSAMPLED_MS)}`,
    `- raw history, ${formatInt(PAGE_SIZE)} points per page, all ${Math.ceil(options.points / PAGE_SIZE)} pages: **${formatMs(r.rawTotalMedian)} in total** (median of ${options.fetches} full fetches); per page p50 ${formatMs(r.rawPageP50)}, slowest ${formatMs(r.rawPageMax)}`,
    '- all over a real loopback socket to a server process. For scale: MLflow takes about 3.8 s to fetch a 100,000-point history.',
  ].join('\n')
}

for (const kind of options.dbs) {
  const result = await measure(kind)
  const body = describe(result)
  console.log(`\nhistory on ${DB_LABELS[kind]}\n${body}\n`)
  if (options.isRecording)
    recordSection(`history-${kind}`, `history — ${DB_LABELS[kind]}`, `${machineLine()}\n\n${body}`)
}
