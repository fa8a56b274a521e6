// The model registry at scale: a model with 10,000 versions and an alias moved 10,000 times.
// List a page of versions, resolve an alias, read the alias history, each over HTTP.
import { createHash, randomBytes } from 'node:crypto'
import { migrateToLatest, openDatabase } from '../packages/server/dist/storage/index.js'
import { DB_LABELS, openBenchDatabase } from './support/databases.mjs'
import { createJsonClient } from './support/http-client.mjs'
import { parseBenchArgs } from './support/options.mjs'
import { startServerProcess } from './support/processes.mjs'
import { machineLine, recordSection, verdict } from './support/results.mjs'
import { formatInt, formatMs, percentile } from './support/stats.mjs'

const TARGET_P50_MS = { sqlite: 20 }
const MODEL = 'churn'
const ROWS_PER_INSERT = 500
const WARM_UP = 5

const options = parseBenchArgs(process.argv.slice(2), { versions: 10_000, repetitions: 100 })

const hex = (n) => randomBytes(n).toString('hex')
const sha256 = (text) => createHash('sha256').update(text).digest('hex')

async function insertChunked(trx, table, rows) {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + ROWS_PER_INSERT))
      .execute()
  }
}

/** The rows the server writes for a model with `count` versions (2 files each) and `count` alias moves. */
async function seed(url, count) {
  const database = openDatabase({ url, sqliteSynchronous: 'NORMAL' })
  try {
    await migrateToLatest(database.db, database.kind)
    const modelId = hex(16)
    const nowMs = Date.now()
    const versions = []
    const files = []
    for (let v = 1; v <= count; v++) {
      const id = hex(16)
      versions.push({
        id,
        modelId,
        version: v,
        status: 'READY',
        stage: 'None',
        description: null,
        source: `runs:/${hex(16)}/model`,
        runId: hex(16),
        digest: sha256(`digest ${v}`),
        fileCount: 2,
        sizeBytes: 2048,
        createdAtMs: nowMs + v,
        updatedAtMs: nowMs + v,
        createdBy: 'alice',
      })
      files.push({ versionId: id, path: 'MLmodel', sizeBytes: 48, sha256: sha256(`m ${v}`) })
      files.push({ versionId: id, path: 'model.bin', sizeBytes: 2000, sha256: sha256(`w ${v}`) })
    }
    const events = []
    for (let i = 1; i <= count; i++) {
      events.push({
        modelId,
        alias: 'champion',
        kind: 'set',
        fromVersion: i === 1 ? null : i - 1,
        toVersion: i,
        actor: 'alice',
        atMs: nowMs + i,
        reason: `move ${i}`,
        promotionRequestId: null,
      })
    }
    await database.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('registeredModels')
        .values({
          id: modelId,
          name: MODEL,
          description: 'bench',
          createdAtMs: nowMs,
          updatedAtMs: nowMs,
          createdBy: 'alice',
        })
        .execute()
      await insertChunked(trx, 'modelVersions', versions)
      await insertChunked(trx, 'modelVersionFiles', files)
      await insertChunked(trx, 'aliasEvents', events)
      await trx.insertInto('modelAliases').values({ modelId, alias: 'champion', version: count }).execute()
    })
  } finally {
    await database.close()
  }
}

async function time(api, path, check) {
  check(await api.get(path))
  for (let i = 1; i < WARM_UP; i++) await api.get(path)
  const timesMs = []
  for (let i = 0; i < options.repetitions; i++) {
    const startedAt = performance.now()
    await api.get(path)
    timesMs.push(performance.now() - startedAt)
  }
  return { p50: percentile(timesMs, 50), p95: percentile(timesMs, 95) }
}

function expect(condition, what) {
  if (!condition) throw new Error(`unexpected answer: ${what}`)
}

async function measure(kind) {
  const database = await openBenchDatabase(kind, options)
  try {
    await seed(database.db, options.versions)
    const server = await startServerProcess({
      dataDir: database.dataDir,
      db: database.db,
      sqliteSynchronous: database.sqliteSynchronous,
      execArgv: options.serverExecArgv,
    })
    try {
      const api = createJsonClient(server.url, { maxSockets: 1 })
      const n = options.versions
      const results = {
        list: await time(
          api,
          `/api/v1/models/${MODEL}/versions?maxResults=100&pageToken=${Buffer.from(JSON.stringify({ offset: Math.floor(n / 2) })).toString('base64url')}`,
          (a) =>
            expect(
              a.versions.length === 100 && a.versions[0].version === n - Math.floor(n / 2),
              'a page of 100 versions from the middle',
            ),
        ),
        resolve: await time(api, `/api/v1/models/resolve?uri=${encodeURIComponent(`models:/${MODEL}@champion`)}`, (a) =>
          expect(a.modelVersion.version === n, 'the newest version'),
        ),
        history: await time(api, `/api/v1/models/${MODEL}/alias-history?alias=champion&maxResults=100`, (a) =>
          expect(a.events.length === 100 && a.events[0].toVersion === n, 'the newest 100 moves'),
        ),
        // What MLflow clients ask: search_model_versions("name='churn'") a page of 1,000, and the model
        // with its latest_versions.
        mlflowSearch: await time(
          api,
          `/api/2.0/mlflow/model-versions/search?${new URLSearchParams({ filter: `name='${MODEL}'`, max_results: '1000', order_by: 'version_number DESC' })}`,
          (a) =>
            expect(
              a.model_versions.length === 1000 && a.model_versions[0].version === String(n),
              'the newest 1,000 versions',
            ),
        ),
        mlflowModel: await time(api, `/api/2.0/mlflow/registered-models/get?name=${MODEL}`, (a) =>
          expect(a.registered_model.latest_versions?.[0]?.version === String(n), 'the latest version of stage None'),
        ),
      }
      api.close()
      return { kind, settings: database.settings, results }
    } finally {
      await server.stop()
    }
  } finally {
    await database.close()
  }
}

function describe({ kind, settings, results }) {
  const target = TARGET_P50_MS[kind]
  const line = (label, r) =>
    `- ${label}: **p50 ${formatMs(r.p50)}**, p95 ${formatMs(r.p95)}${target ? `; target p50 <= ${target} ms: ${verdict(r.p50 <= target)}` : ''}`
  return [
    `- database: ${settings}; one model with ${formatInt(options.versions)} versions (2 files each) and its alias moved ${formatInt(options.versions)} times; GET over a real loopback socket to a server process, ${options.repetitions} repetitions after ${WARM_UP} warm-up${target ? '' : ' (no target; reported for comparison)'}`,
    line(
      `list a page of 100 versions (from the middle, offset ${formatInt(Math.floor(options.versions / 2))})`,
      results.list,
    ),
    line('resolve models:/churn@champion', results.resolve),
    line('alias history, newest 100 moves', results.history),
    `- MLflow API: search_model_versions \`name='churn'\`, a page of 1,000: p50 ${formatMs(results.mlflowSearch.p50)}, p95 ${formatMs(results.mlflowSearch.p95)}; get registered model (with latest_versions): p50 ${formatMs(results.mlflowModel.p50)}, p95 ${formatMs(results.mlflowModel.p95)} (no target)`,
  ].join('\n')
}

for (const kind of options.dbs) {
  const body = describe(await measure(kind))
  console.log(`\nregistry on ${DB_LABELS[kind]}\n${body}\n`)
  if (options.isRecording)
    recordSection(`registry-${kind}`, `registry — ${DB_LABELS[kind]}`, `${machineLine()}\n\n${body}`)
}
