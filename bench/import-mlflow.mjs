// `provena import mlflow --from <mlruns>`: an mlruns folder of many runs, imported through the CLI into a server process, then imported again.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { DB_LABELS, openBenchDatabase } from './support/databases.mjs'
import { parseBenchArgs } from './support/options.mjs'
import { startServerProcess } from './support/processes.mjs'
import { machineLine, recordSection } from './support/results.mjs'
import { formatInt } from './support/stats.mjs'

const CLI_MAIN = fileURLToPath(new URL('../packages/cli/dist/main.js', import.meta.url))
const options = parseBenchArgs(process.argv.slice(2), { runs: 100, points: 10_000, files: 3 })

/** MLflow's FileStore layout, as the import tests write it: two metrics per run, `files` small artifacts. */
function writeMlruns() {
  const root = path.join(mkdtempSync(path.join(tmpdir(), 'provena-bench-import-')), 'mlruns')
  const write = (file, text) => {
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, text)
  }
  write(
    path.join(root, '1', 'meta.yaml'),
    `artifact_location: file://${root}/1\ncreation_time: 1700000000000\nexperiment_id: '1'\nlast_update_time: 1700000000000\nlifecycle_stage: active\nname: bench-import-${Date.now()}\n`,
  )
  const half = Math.floor(options.points / 2)
  for (let r = 0; r < options.runs; r++) {
    const id = randomBytes(16).toString('hex')
    const dir = path.join(root, '1', id)
    write(
      path.join(dir, 'meta.yaml'),
      `artifact_uri: file://${dir}/artifacts\nend_time: 1700000100000\nexperiment_id: '1'\nlifecycle_stage: active\nrun_id: ${id}\nrun_name: run-${r}\nrun_uuid: ${id}\nstart_time: 1700000000000\nstatus: 3\ntags: []\nuser_id: bench\n`,
    )
    write(path.join(dir, 'params', 'lr'), String(r / 1000))
    write(path.join(dir, 'tags', 'mlflow.runName'), `run-${r}`)
    for (const key of ['loss', 'acc']) {
      const lines = []
      for (let step = 0; step < half; step++) lines.push(`${1700000000000 + step} ${Math.sin(step + r)} ${step}\n`)
      write(path.join(dir, 'metrics', key), lines.join(''))
    }
    for (let f = 0; f < options.files; f++) write(path.join(dir, 'artifacts', 'out', `file-${f}.txt`), `${id} ${f}`)
  }
  return { root, points: options.runs * half * 2 }
}

async function importOnce(root, url) {
  const startedAt = performance.now()
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [CLI_MAIN, 'import', 'mlflow', '--from', root, '--url', url],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  )
  return { seconds: (performance.now() - startedAt) / 1000, stdout }
}

async function measure(kind) {
  const database = await openBenchDatabase(kind, options)
  const server = await startServerProcess({
    dataDir: database.dataDir,
    db: database.db,
    sqliteSynchronous: database.sqliteSynchronous,
    execArgv: options.serverExecArgv,
  })
  const { root, points } = writeMlruns()
  try {
    const first = await importOnce(root, server.url)
    if (!first.stdout.includes(`runs          ${formatInt(options.runs)} new`)) throw new Error(first.stdout)
    const second = await importOnce(root, server.url)
    if (!second.stdout.includes(`${formatInt(options.runs)} already imported`)) throw new Error(second.stdout)
    return { settings: database.settings, points, first: first.seconds, second: second.seconds }
  } finally {
    rmSync(path.dirname(root), { recursive: true, force: true })
    await server.stop()
    await database.close()
  }
}

function describe(r) {
  return [
    `- database: ${r.settings}; an mlruns folder of ${formatInt(options.runs)} runs, each with 2 metrics (${formatInt(r.points)} points in all), a param, a tag and ${options.files} artifact files; \`provena import mlflow\` as a process against a server process`,
    `- first import: **${r.first.toFixed(1)} s** (${formatInt(Math.round(options.runs / r.first))} runs/s, **${formatInt(Math.round(r.points / r.first))} points/s**)`,
    `- second import of the same folder (every run compared with what is stored, nothing written): ${r.second.toFixed(1)} s`,
    '- no target: recorded to see it move.',
  ].join('\n')
}

for (const kind of options.dbs) {
  const result = await measure(kind)
  const body = describe(result)
  console.log(`\nimport-mlflow on ${DB_LABELS[kind]}\n${body}\n`)
  if (options.isRecording)
    recordSection(`import-mlflow-${kind}`, `import-mlflow — ${DB_LABELS[kind]}`, `${machineLine()}\n\n${body}`)
}
