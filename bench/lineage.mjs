// The lineage graph at scale: 1,000,000 edges of fine-tuning pipelines; upstream of a model version to depth 10 over HTTP.
import { createHash } from 'node:crypto'
import { migrateToLatest, openDatabase } from '../packages/server/dist/storage/index.js'
import { DB_LABELS, openBenchDatabase } from './support/databases.mjs'
import { createJsonClient } from './support/http-client.mjs'
import { parseBenchArgs } from './support/options.mjs'
import { analyzePostgres } from './support/postgres.mjs'
import { cpuSeconds, startServerProcess } from './support/processes.mjs'
import { machineLine, recordSection, verdict } from './support/results.mjs'
import { formatInt, formatMs, percentile } from './support/stats.mjs'

const TARGET_P50_MS = { sqlite: 50 }
const ROWS_PER_INSERT = 500
const WARM_UP = 5
const DEPTH = 10
/** Per generation: a training run reads the previous model version, FEATURES feature versions and a commit. */
const FEATURES = 4
/** Each feature version is written by a prep run that reads RAW_PER_PREP versions of the shared raw data. */
const RAW_PER_PREP = 2
const RAW_DATASETS = 100
const RAW_VERSIONS = 10
const COMMITS = 500
// Edges of one generation: run->model, model->run, features->run, code->run, and per feature
// version: prep->feature, raw->prep (RAW_PER_PREP), code->prep.
const EDGES_PER_GENERATION = 3 + FEATURES + FEATURES * (2 + RAW_PER_PREP)

const options = parseBenchArgs(process.argv.slice(2), { edges: 1_000_000, generations: 20, repetitions: 60 })
// The first generation of a pipeline has no model version to fine-tune.
const pipelines = Math.ceil(options.edges / (options.generations * EDGES_PER_GENERATION - 1))

const hex32 = (text) => createHash('sha256').update(text).digest('hex').slice(0, 32)
const commitOf = (i) =>
  createHash('sha1')
    .update(`commit ${i % COMMITS}`)
    .digest('hex')
const pad = (n) => String(n).padStart(5, '0')

/** Writes rows in multi-row inserts, `ROWS_PER_INSERT` at a time. */
function createWriter(trx) {
  const pending = new Map()
  async function flush(table) {
    const rows = pending.get(table) ?? []
    pending.set(table, [])
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
      await trx
        .insertInto(table)
        .values(rows.slice(i, i + ROWS_PER_INSERT))
        .execute()
    }
  }
  return {
    async add(table, row) {
      const rows = pending.get(table) ?? []
      rows.push(row)
      pending.set(table, rows)
      // Every table is flushed, in the order tables first appeared (parents first), so foreign keys hold.
      if (rows.length >= ROWS_PER_INSERT * 20) for (const name of pending.keys()) await flush(name)
    },
    async flushAll() {
      for (const table of pending.keys()) await flush(table)
    },
  }
}

/**
 * The rows the server writes for `pipelines` models of `generations` versions each. Returns the
 * edges of pipeline 0 (their upstream ends in shared nodes that have no upstream of their own),
 * to check the answer against.
 */
async function seed(url) {
  const database = openDatabase({ url, sqliteSynchronous: 'NORMAL' })
  const checked = []
  let edgeCount = 0
  try {
    await migrateToLatest(database.db, database.kind)
    const nowMs = Date.now()
    await database.db.transaction().execute(async (trx) => {
      const w = createWriter(trx)
      const edge = async (sourceType, sourceId, targetType, targetId, edgeType, context, pipeline) => {
        edgeCount++
        if (pipeline === 0) checked.push({ source: `${sourceType}:${sourceId}`, target: `${targetType}:${targetId}` })
        await w.add('lineageEdges', {
          sourceType,
          sourceId,
          targetType,
          targetId,
          edgeType,
          context,
          createdAtMs: nowMs,
          createdBy: 'bench',
        })
      }
      const run = (id, name) =>
        w.add('runs', {
          id,
          experimentId: 0,
          name,
          status: 'FINISHED',
          startTimeMs: nowMs,
          endTimeMs: nowMs,
          userId: 'bench',
          parentRunId: null,
          lifecycle: 'active',
          updatedAtMs: nowMs,
        })
      const datasetVersion = (id, datasetId, version) =>
        w.add('datasetVersions', {
          id,
          datasetId,
          version,
          digest: hex32(`digest ${id}`),
          source: '/data',
          format: 'csv',
          fileCount: 1,
          sizeBytes: 1000,
          rowCount: 100,
          schemaJson: null,
          profileJson: null,
          isStored: 0,
          description: null,
          createdAtMs: nowMs,
          createdBy: 'bench',
        })

      for (let c = 0; c < COMMITS; c++)
        await w.add('codeVersions', {
          commitHash: commitOf(c),
          repoUrl: 'https://example.com/acme/ml.git',
          createdAtMs: nowMs,
        })
      for (let d = 0; d < RAW_DATASETS; d++) {
        const datasetId = hex32(`raw ${d}`)
        await w.add('datasets', {
          id: datasetId,
          name: `raw-${pad(d)}`,
          description: null,
          createdAtMs: nowMs,
          createdBy: 'bench',
        })
        for (let v = 1; v <= RAW_VERSIONS; v++) await datasetVersion(hex32(`raw ${d} ${v}`), datasetId, v)
      }
      let prepCount = 0
      for (let p = 0; p < pipelines; p++) {
        const modelId = hex32(`model ${p}`)
        const featuresId = hex32(`features ${p}`)
        await w.add('registeredModels', {
          id: modelId,
          name: `pipe-${pad(p)}`,
          description: null,
          createdAtMs: nowMs,
          updatedAtMs: nowMs,
          createdBy: 'bench',
        })
        await w.add('datasets', {
          id: featuresId,
          name: `features-${pad(p)}`,
          description: null,
          createdAtMs: nowMs,
          createdBy: 'bench',
        })
        for (let g = 1; g <= options.generations; g++) {
          const train = hex32(`train ${p} ${g}`)
          const version = hex32(`mv ${p} ${g}`)
          await run(train, `train-${p}-${g}`)
          await w.add('modelVersions', {
            id: version,
            modelId,
            version: g,
            status: 'READY',
            stage: 'None',
            description: null,
            source: `runs:/${train}/model`,
            runId: train,
            digest: hex32(`mvd ${p} ${g}`),
            fileCount: 1,
            sizeBytes: 1000,
            manifestJson: null,
            createdAtMs: nowMs,
            updatedAtMs: nowMs,
            createdBy: 'bench',
          })
          await edge('run', train, 'model_version', version, 'output', '', p)
          if (g > 1) await edge('model_version', hex32(`mv ${p} ${g - 1}`), 'run', train, 'input', 'fine-tuning', p)
          await edge('code_version', commitOf(p * options.generations + g), 'run', train, 'executed', '', p)
          for (let f = 0; f < FEATURES; f++) {
            const feature = hex32(`feature ${p} ${g} ${f}`)
            const prep = hex32(`prep ${p} ${g} ${f}`)
            await datasetVersion(feature, featuresId, (g - 1) * FEATURES + f + 1)
            await run(prep, `prep-${p}-${g}-${f}`)
            await edge('dataset_version', feature, 'run', train, 'input', 'training', p)
            await edge('run', prep, 'dataset_version', feature, 'output', '', p)
            await edge('code_version', commitOf(prepCount * 7 + 3), 'run', prep, 'executed', '', p)
            for (let r = 0; r < RAW_PER_PREP; r++) {
              const pick = (prepCount * 31 + r * 17) % (RAW_DATASETS * RAW_VERSIONS)
              const raw = hex32(`raw ${Math.floor(pick / RAW_VERSIONS)} ${(pick % RAW_VERSIONS) + 1}`)
              await edge('dataset_version', raw, 'run', prep, 'input', 'raw', p)
            }
            prepCount++
          }
        }
      }
      await w.flushAll()
    })
  } finally {
    await database.close()
  }
  // Autovacuum analyzes freshly loaded tables within a minute or so; the benchmark does not wait.
  if (url.startsWith('postgres')) await analyzePostgres(url)
  return { checked, edgeCount }
}

/** How many nodes lie within `depth` edges upstream of `root`, by breadth-first search. */
function expectedUpstream(edges, root, depth) {
  const sources = new Map()
  for (const e of edges) sources.set(e.target, [...(sources.get(e.target) ?? []), e.source])
  const seen = new Set([root])
  let frontier = [root]
  for (let d = 0; d < depth; d++) {
    const next = []
    for (const key of frontier)
      for (const s of sources.get(key) ?? [])
        if (!seen.has(s)) {
          seen.add(s)
          next.push(s)
        }
    frontier = next
  }
  return seen.size
}

async function measure(kind) {
  const database = await openBenchDatabase(kind, options)
  try {
    const seedStartedAt = performance.now()
    const { checked, edgeCount } = await seed(database.db)
    const seedSeconds = (performance.now() - seedStartedAt) / 1000
    const server = await startServerProcess({
      dataDir: database.dataDir,
      db: database.db,
      sqliteSynchronous: database.sqliteSynchronous,
      execArgv: options.serverExecArgv,
    })
    try {
      const api = createJsonClient(server.url, { maxSockets: 1 })
      const path = (p) =>
        `/api/v1/lineage?${new URLSearchParams({ ref: `models:/pipe-${pad(p)}/${options.generations}`, direction: 'upstream', depth: String(DEPTH) })}`
      const first = await api.get(path(0))
      const expected = expectedUpstream(checked, `model_version:${hex32(`mv 0 ${options.generations}`)}`, DEPTH)
      if (first.nodes.length !== expected || !first.truncated)
        throw new Error(
          `unexpected answer: ${first.nodes.length} nodes (truncated ${first.truncated}), expected ${expected} and truncated`,
        )
      for (let i = 1; i < WARM_UP; i++) await api.get(path(i))
      const timesMs = []
      const cpuBefore = cpuSeconds(server.pid)
      for (let i = 0; i < options.repetitions; i++) {
        const startedAt = performance.now()
        await api.get(path((i * 7919) % pipelines))
        timesMs.push(performance.now() - startedAt)
      }
      const cpuMsPerRequest = ((cpuSeconds(server.pid) - cpuBefore) * 1000) / options.repetitions
      api.close()
      return {
        kind,
        cpuMsPerRequest,
        settings: database.settings,
        edgeCount,
        seedSeconds,
        nodes: expected,
        edges: first.edges.length,
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

function describe(r) {
  const target = TARGET_P50_MS[r.kind]
  return [
    `- database: ${r.settings}; ${formatInt(r.edgeCount)} edges: ${formatInt(pipelines)} pipelines of ${options.generations} fine-tuned model versions (each run reads the previous version, ${FEATURES} feature versions written by prep runs over shared raw data, and a commit); seeded in ${r.seedSeconds.toFixed(0)} s with multi-row inserts`,
    `- upstream of a pipeline's last model version to depth ${DEPTH} (${r.nodes} nodes, ${r.edges} edges, truncated), GET /api/v1/lineage over a real loopback socket to a server process, ${options.repetitions} repetitions over different pipelines after ${WARM_UP} warm-up: **p50 ${formatMs(r.p50)}**, p95 ${formatMs(r.p95)}, server CPU ${formatMs(r.cpuMsPerRequest)} per request (on a busy machine the CPU time stays near what a quiet one needs)${target ? `; target p50 <= ${target} ms: ${verdict(r.p50 <= target)}` : ' (no target; reported for comparison)'}`,
  ].join('\n')
}

for (const kind of options.dbs) {
  const body = describe(await measure(kind))
  console.log(`\nlineage on ${DB_LABELS[kind]}\n${body}\n`)
  if (options.isRecording)
    recordSection(`lineage-${kind}`, `lineage — ${DB_LABELS[kind]}`, `${machineLine()}\n\n${body}`)
}
