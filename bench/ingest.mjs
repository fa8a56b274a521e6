// N client processes post 1,000-point metric batches to a fresh server over loopback; points/s, batch latency, server peak RSS.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { DB_LABELS, openBenchDatabase } from './support/databases.mjs'
import { createJsonClient } from './support/http-client.mjs'
import { parseBenchArgs } from './support/options.mjs'
import { cpuSeconds, firstMessage, peakRssBytes, startServerProcess } from './support/processes.mjs'
import { machineLine, recordSection, verdict } from './support/results.mjs'
import { formatInt, formatMiB, formatMs, percentile } from './support/stats.mjs'

const CLIENT_ENTRY = fileURLToPath(new URL('./support/ingest-client.mjs', import.meta.url))
const TARGET_POINTS_PER_SECOND = { sqlite: 300_000 }

const options = parseBenchArgs(process.argv.slice(2), { clients: 4, duration: 10, batch: 1000, keys: 1 }, ['ceiling'])

async function measure(kind, { isStub = false } = {}) {
  const database = await openBenchDatabase(kind, options)
  const server = await startServerProcess({
    dataDir: database.dataDir,
    db: database.db,
    sqliteSynchronous: database.sqliteSynchronous,
    execArgv: options.serverExecArgv,
    isStub,
  })
  try {
    const api = createJsonClient(server.url)
    const { experiment } = await api.post('/api/v1/experiments', { name: `ingest-${Date.now()}` })
    const clients = Array.from({ length: options.clients }, () =>
      fork(CLIENT_ENTRY, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    )
    const ready = clients.map((child) => firstMessage(child))
    clients.forEach((child, clientIndex) => {
      child.send({
        url: server.url,
        experimentId: experiment.id,
        clientIndex,
        batchSize: options.batch,
        keyCount: options.keys,
        durationMs: options.duration * 1000,
      })
    })
    await Promise.all(ready)
    const reports = clients.map((child) => firstMessage(child))
    const serverCpuBefore = cpuSeconds(server.pid)
    for (const child of clients) child.send('go')
    const results = await Promise.all(reports)
    const serverCpu = cpuSeconds(server.pid) - serverCpuBefore
    const serverPeakRss = peakRssBytes(server.pid)

    // Every acknowledged point must be readable: the count is part of the result, not a side check.
    let stored = 0
    for (const { runId } of results) {
      const keys = options.keys === 1 ? ['loss'] : Array.from({ length: options.keys }, (_, k) => `metric_${k}`)
      for (const key of keys)
        stored += (await api.get(`/api/v1/runs/${runId}/metrics/${key}/history?maxResults=1`)).totalPoints
    }
    api.close()
    const acknowledged = results.reduce((sum, r) => sum + r.points + r.warmUpPoints, 0)
    if (!isStub && stored !== acknowledged)
      throw new Error(`server stores ${stored} points but acknowledged ${acknowledged}`)

    const points = results.reduce((sum, r) => sum + r.points, 0)
    const seconds = Math.max(...results.map((r) => r.elapsedMs)) / 1000
    const latencies = results.flatMap((r) => r.latenciesMs)
    return {
      kind,
      settings: database.settings,
      pointsPerSecond: points / seconds,
      points,
      seconds,
      batches: latencies.length,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      serverPeakRss,
      serverCoreShare: serverCpu / seconds,
      clientCoreShare: results.reduce((sum, r) => sum + r.cpuSeconds, 0) / seconds,
    }
  } finally {
    await server.stop()
    await database.close()
  }
}

function describe(r) {
  const target = TARGET_POINTS_PER_SECOND[r.kind]
  const targetText = target
    ? `target >= ${formatInt(target)} points/s: ${verdict(r.pointsPerSecond >= target)}`
    : 'no target; reported for comparison'
  return [
    `- database: ${r.settings}`,
    `- load: ${options.clients} client processes, batches of ${formatInt(options.batch)} points over ${options.keys} key(s), ${options.duration} s, loopback HTTP`,
    `- throughput: **${formatInt(r.pointsPerSecond)} points/s** (${formatInt(r.points)} points in ${r.seconds.toFixed(1)} s, ${formatInt(r.batches)} batches); ${targetText}`,
    `- batch latency: p50 ${formatMs(r.p50)}, p99 ${formatMs(r.p99)}`,
    `- server peak RSS (VmHWM): ${formatMiB(r.serverPeakRss)}; CPU used meanwhile: server ${(100 * r.serverCoreShare).toFixed(0)}% of a core, clients ${(100 * r.clientCoreShare).toFixed(0)}%`,
  ].join('\n')
}

/** The same load against the real app whose batch route validates each batch and does nothing else: the HTTP layer's own limit. */
function describeCeiling(r) {
  return `- ceiling on this machine: the same clients against the real app with the work behind the batch route left out (no storage, no audit event; HTTP, JSON parsing and request validation only): ${formatInt(r.pointsPerSecond)} points/s, server ${(100 * r.serverCoreShare).toFixed(0)}% of a core`
}

for (const kind of options.dbs) {
  const result = await measure(kind)
  let body = describe(result)
  if (options.ceiling) body += `\n${describeCeiling(await measure(kind, { isStub: true }))}`
  console.log(`\ningest on ${DB_LABELS[kind]}\n${body}\n`)
  if (options.isRecording) {
    recordSection(
      `ingest-${kind}`,
      `ingest — ${DB_LABELS[kind]}`,
      `${machineLine()}\n\n${body}\n\nFor scale: MLflow 2.7.1 on SQLite does about 12,000 points/s from one client and 18,000 from four on this kind of machine.`,
    )
  }
}
