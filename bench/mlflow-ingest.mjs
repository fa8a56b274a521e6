// N client processes log 1,000-metric batches through MLflow's runs/log-batch to a fresh server
// over loopback; points/s next to the native batch route's figure measured in the same minutes.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { DB_LABELS, openBenchDatabase } from './support/databases.mjs'
import { createJsonClient } from './support/http-client.mjs'
import { parseBenchArgs } from './support/options.mjs'
import { cpuSeconds, firstMessage, startServerProcess } from './support/processes.mjs'
import { machineLine, recordSection, verdict } from './support/results.mjs'
import { formatInt, formatMs, percentile } from './support/stats.mjs'

const CLIENTS = {
  native: fileURLToPath(new URL('./support/ingest-client.mjs', import.meta.url)),
  mlflow: fileURLToPath(new URL('./support/mlflow-ingest-client.mjs', import.meta.url)),
}
/** The MLflow API is to ingest at least this share of the native API's points/s. */
const TARGET_RATIO = 0.8

// MLflow's log-batch takes at most 1,000 metrics, so that is the batch for both APIs.
const options = parseBenchArgs(process.argv.slice(2), { clients: 4, duration: 10 })
const BATCH = 1000

async function measure(kind, api) {
  const database = await openBenchDatabase(kind, options)
  const server = await startServerProcess({
    dataDir: database.dataDir,
    db: database.db,
    sqliteSynchronous: database.sqliteSynchronous,
    execArgv: options.serverExecArgv,
  })
  try {
    const admin = createJsonClient(server.url)
    const { experiment } = await admin.post('/api/v1/experiments', { name: `mlflow-ingest-${Date.now()}` })
    const clients = Array.from({ length: options.clients }, () =>
      fork(CLIENTS[api], [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    )
    const ready = clients.map((child) => firstMessage(child))
    clients.forEach((child, clientIndex) => {
      child.send({
        url: server.url,
        experimentId: experiment.id,
        clientIndex,
        batchSize: BATCH,
        keyCount: 1,
        durationMs: options.duration * 1000,
        // The native route gets the same JSON shape as MLflow's (points one by one), so that the
        // ratio is of the two APIs' handling of one body, not of two wire formats.
        format: 'points',
      })
    })
    await Promise.all(ready)
    const reports = clients.map((child) => firstMessage(child))
    const serverCpuBefore = cpuSeconds(server.pid)
    for (const child of clients) child.send('go')
    const results = await Promise.all(reports)
    const serverCpu = cpuSeconds(server.pid) - serverCpuBefore

    // Every acknowledged point must be stored: counted through the native history endpoint.
    let stored = 0
    for (const { runId } of results) {
      stored += (await admin.get(`/api/v1/runs/${runId}/metrics/loss/history?maxResults=1`)).totalPoints
    }
    admin.close()
    const acknowledged = results.reduce((sum, r) => sum + r.points + r.warmUpPoints, 0)
    if (stored !== acknowledged) throw new Error(`server stores ${stored} points but acknowledged ${acknowledged}`)

    const points = results.reduce((sum, r) => sum + r.points, 0)
    const seconds = Math.max(...results.map((r) => r.elapsedMs)) / 1000
    const latencies = results.flatMap((r) => r.latenciesMs)
    return {
      settings: database.settings,
      pointsPerSecond: points / seconds,
      batches: latencies.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      serverCpuMsPerBatch: (1000 * serverCpu) / latencies.length,
    }
  } finally {
    await server.stop()
    await database.close()
  }
}

/**
 * Native and MLflow twice each, in the order native, MLflow, MLflow, native, so that a drift in
 * the machine's load weighs on both alike; the ratio is of the mean throughputs.
 */
async function compare(kind) {
  const native = [await measure(kind, 'native')]
  const mlflow = [await measure(kind, 'mlflow'), await measure(kind, 'mlflow')]
  native.push(await measure(kind, 'native'))
  const mean = (rs, field) => rs.reduce((sum, r) => sum + r[field], 0) / rs.length
  const ratio = mean(mlflow, 'pointsPerSecond') / mean(native, 'pointsPerSecond')
  const line = (label, rs) =>
    `- ${label}: **${formatInt(mean(rs, 'pointsPerSecond'))} points/s** (runs: ${rs.map((r) => formatInt(r.pointsPerSecond)).join(' and ')}); batch latency p50 ${formatMs(mean(rs, 'p50'))}, p99 ${formatMs(mean(rs, 'p99'))}; server CPU ${mean(rs, 'serverCpuMsPerBatch').toFixed(2)} ms per batch`
  return [
    `- database: ${native[0].settings}`,
    `- load: ${options.clients} client processes, each with its own run, batches of ${formatInt(BATCH)} points of one key, ${options.duration} s per run, loopback HTTP, audit trail on; runs in the order native, MLflow, MLflow, native`,
    line('native `POST /api/v1/runs/<id>/batch`', native),
    line('MLflow `POST /api/2.0/mlflow/runs/log-batch`', mlflow),
    `- ratio MLflow / native: **${(100 * ratio).toFixed(1)}%**; target >= ${100 * TARGET_RATIO}%: ${verdict(ratio >= TARGET_RATIO)}`,
  ].join('\n')
}

for (const kind of options.dbs) {
  const body = await compare(kind)
  console.log(`\nmlflow-ingest on ${DB_LABELS[kind]}\n${body}\n`)
  if (options.isRecording) {
    recordSection(`mlflow-ingest-${kind}`, `mlflow-ingest — ${DB_LABELS[kind]}`, `${machineLine()}\n\n${body}`)
  }
}
