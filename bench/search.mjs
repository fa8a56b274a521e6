// Run search over 100,000 runs (20 params, 10 metrics each): filter on a metric and a param, order by a metric, 100 results, over HTTP.
import { DB_LABELS, openBenchDatabase } from './support/databases.mjs'
import { createJsonClient } from './support/http-client.mjs'
import { parseBenchArgs } from './support/options.mjs'
import { startServerProcess } from './support/processes.mjs'
import { machineLine, recordSection, verdict } from './support/results.mjs'
import { seedSearchRuns } from './support/search-seed.mjs'
import { formatInt, formatMs, percentile } from './support/stats.mjs'

const TARGET_P50_MS = { sqlite: 50 }
const FILTER = "metrics.m3 > 0.5 and params.p7 = 'x'"
const ORDER_BY = ['metrics.m1 DESC']
const WARM_UP = 5

const options = parseBenchArgs(process.argv.slice(2), { runs: 100_000, repetitions: 60 })

async function measure(kind) {
  const database = await openBenchDatabase(kind, options)
  try {
    const seedStartedAt = performance.now()
    const { experimentId, expectedMatches } = await seedSearchRuns({ url: database.db, runCount: options.runs })
    const seedSeconds = (performance.now() - seedStartedAt) / 1000
    console.log(`seeded ${formatInt(options.runs)} runs on ${DB_LABELS[kind]} in ${seedSeconds.toFixed(0)} s`)

    const server = await startServerProcess({
      dataDir: database.dataDir,
      db: database.db,
      sqliteSynchronous: database.sqliteSynchronous,
      execArgv: options.serverExecArgv,
    })
    try {
      const api = createJsonClient(server.url, { maxSockets: 1 })
      const body = { experimentIds: [experimentId], filter: FILTER, orderBy: ORDER_BY, maxResults: 100 }
      const first = await api.post('/api/v1/runs/search', body)
      checkAnswer(first.runs, expectedMatches)
      for (let i = 1; i < WARM_UP; i++) await api.post('/api/v1/runs/search', body)
      const timesMs = []
      for (let i = 0; i < options.repetitions; i++) {
        const startedAt = performance.now()
        await api.post('/api/v1/runs/search', body)
        timesMs.push(performance.now() - startedAt)
      }
      api.close()
      return {
        kind,
        settings: database.settings,
        seedSeconds,
        p50: percentile(timesMs, 50),
        p95: percentile(timesMs, 95),
      }
    } finally {
      await server.stop()
    }
  } finally {
    await database.close()
  }
}

/** The first page must be the 100 matching runs with the highest m1, in order. */
function checkAnswer(runs, expectedMatches) {
  const expected = expectedMatches.slice(0, 100)
  const got = runs.map((run) => run.name)
  if (JSON.stringify(got) !== JSON.stringify(expected.map((m) => m.name))) {
    throw new Error(
      `search answered ${got.slice(0, 3).join(', ')}…, expected ${expected
        .slice(0, 3)
        .map((m) => m.name)
        .join(', ')}…`,
    )
  }
}

function describe(r) {
  const target = TARGET_P50_MS[r.kind]
  const targetText = target
    ? `target p50 <= ${target} ms: ${verdict(r.p50 <= target)}`
    : 'no target; reported for comparison'
  return [
    `- database: ${r.settings}; ${formatInt(options.runs)} runs × 20 params (p7 one of x/y/z/w) × 10 metrics, seeded with multi-row inserts of the rows the server writes, in ${r.seedSeconds.toFixed(0)} s`,
    `- query: \`${FILTER}\` ordered by \`${ORDER_BY.join(', ')}\`, 100 results (with params, tags and metrics), POST /api/v1/runs/search over a real loopback socket to a server process, ${options.repetitions} repetitions after ${WARM_UP} warm-up`,
    `- latency: **p50 ${formatMs(r.p50)}**, p95 ${formatMs(r.p95)}; ${targetText}`,
  ].join('\n')
}

for (const kind of options.dbs) {
  const result = await measure(kind)
  const body = describe(result)
  console.log(`\nsearch on ${DB_LABELS[kind]}\n${body}\n`)
  if (options.isRecording) recordSection(`search-${kind}`, `search — ${DB_LABELS[kind]}`, `${machineLine()}\n\n${body}`)
}
