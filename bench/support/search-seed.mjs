import { encodeSegment } from '../../packages/server/dist/storage/db/metric-segments.js'
import { createStore, migrateToLatest, openDatabase } from '../../packages/server/dist/storage/index.js'
import { analyzePostgres } from './postgres.mjs'

const PARAM_COUNT = 20
const METRIC_COUNT = 10
const RUNS_PER_TRANSACTION = 2000
// SQLite allows 32,766 bound values per statement; every insert stays below it.
const MAX_VALUES_PER_INSERT = 30_000
const P7_VALUES = ['x', 'y', 'z', 'w']

/** A small deterministic PRNG (mulberry32), so every database gets the same dataset. */
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

function runAt(index, random, nowMs) {
  const id = index.toString(16).padStart(32, '0')
  const params = Array.from({ length: PARAM_COUNT }, (_, k) => ({
    key: `p${k}`,
    value: k === 7 ? P7_VALUES[index % P7_VALUES.length] : `v${Math.floor(random() * 50)}`,
  }))
  const metrics = Array.from({ length: METRIC_COUNT }, (_, k) => ({
    key: `m${k}`,
    value: random(),
    step: 0,
    timestampMs: nowMs,
  }))
  return { id, name: `run-${index}`, startTimeMs: nowMs - index, params, metrics }
}

async function insertRows(db, table, rows) {
  if (rows.length === 0) return
  const perInsert = Math.floor(MAX_VALUES_PER_INSERT / Object.keys(rows[0]).length)
  for (let i = 0; i < rows.length; i += perInsert)
    await db
      .insertInto(table)
      .values(rows.slice(i, i + perInsert))
      .execute()
}

/** The columns of a segment of one point. */
const onePoint = (p) => ({
  steps: Float64Array.of(p.step),
  timestamps: Float64Array.of(p.timestampMs),
  values: Float64Array.of(p.value),
})

/**
 * The rows the server writes for these runs, written with multi-row inserts: 100,000 runs one
 * API call (or one repository call) at a time take a quarter of an hour on PostgreSQL. Each
 * metric has one point, so its history is one series row and one segment, encoded by the
 * server's own segment codec; the benchmark checks the answer it gets, so a mismatch shows.
 */
async function insertRuns(db, runs, experimentId, nowMs) {
  await insertRows(
    db,
    'runs',
    runs.map((run) => ({
      id: run.id,
      experimentId: Number(experimentId),
      name: run.name,
      status: 'FINISHED',
      startTimeMs: run.startTimeMs,
      endTimeMs: nowMs,
      userId: 'bench',
      parentRunId: null,
      lifecycle: 'active',
      updatedAtMs: nowMs,
    })),
  )
  await insertRows(
    db,
    'params',
    runs.flatMap((run) => run.params.map((p) => ({ runId: run.id, key: p.key, value: p.value }))),
  )
  const points = runs.flatMap((run) => run.metrics.map((m) => ({ runId: run.id, ...m })))
  await insertRows(
    db,
    'latestMetrics',
    points.map((p) => ({
      runId: p.runId,
      key: p.key,
      value: p.value,
      isNan: 0,
      step: p.step,
      timestampMs: p.timestampMs,
    })),
  )
  await insertRows(
    db,
    'metricSeries',
    points.map((p) => ({
      runId: p.runId,
      key: p.key,
      pointCount: 1,
      lastStep: p.step,
      lastTimestampMs: p.timestampMs,
    })),
  )
  await insertRows(
    db,
    'metricSegments',
    points.map((p) => ({ runId: p.runId, key: p.key, segmentNo: 0, points: encodeSegment(onePoint(p), 0, 1) })),
  )
}

/**
 * Seeds `runCount` runs into a migrated database (several transactions at once on PostgreSQL).
 * Returns the experiment and, for checking the answer, the runs matching the benchmark's
 * filter in the expected order.
 */
export async function seedSearchRuns({ url, runCount }) {
  const database = openDatabase({ url, sqliteSynchronous: 'NORMAL', postgresPoolSize: 4 })
  try {
    await migrateToLatest(database.db, database.kind)
    const store = createStore(database)
    const nowMs = Date.now()
    const experimentId = await store.experiments.insert({ name: `search-${nowMs}`, description: null, tags: {}, nowMs })
    const random = prng(42)
    const runs = Array.from({ length: runCount }, (_, index) => runAt(index, random, nowMs))
    const chunks = []
    for (let i = 0; i < runs.length; i += RUNS_PER_TRANSACTION) chunks.push(runs.slice(i, i + RUNS_PER_TRANSACTION))
    const parallel = database.kind === 'postgres' ? 2 : 1
    let next = 0
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < chunks.length) {
          const chunk = chunks[next++]
          await database.db.transaction().execute((tx) => insertRuns(tx, chunk, experimentId, nowMs))
        }
      }),
    )
    // Autovacuum analyzes freshly loaded tables within a minute or so; the benchmark does not wait.
    if (database.kind === 'postgres') await analyzePostgres(url)
    const expectedMatches = runs
      .filter((run) => run.metrics[3].value > 0.5 && run.params[7].value === 'x')
      .map((run) => ({ name: run.name, m1: run.metrics[1].value, startTimeMs: run.startTimeMs, id: run.id }))
      .sort((a, b) => b.m1 - a.m1 || b.startTimeMs - a.startTimeMs || (a.id < b.id ? -1 : 1))
    return { experimentId, expectedMatches }
  } finally {
    await database.close()
  }
}
