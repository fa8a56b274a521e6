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

const TARGET_AUTH_RATIO = 0.9
const ADMIN_PASSWORD = 'bench-admin-password'

const options = parseBenchArgs(
  process.argv.slice(2),
  { clients: 8, duration: 10, batch: 1000, keys: 1, 'also-clients': 4, repetitions: 3 },
  ['ceiling', 'auth', 'points'],
)

/** How the clients send points: in columns per key (`series`, as the SDK does) unless --points. */
const FORMAT = options.points ? 'points' : 'series'
const FORMAT_TEXT = options.points
  ? 'points one by one (`metrics`)'
  : 'points in columns (`series`, as the SDK sends them)'

/**
 * With access control on: an admin creates the experiment, a user who is not an admin gets EDIT
 * on it and an API token, and the clients log with that token, so every batch pays for the token
 * lookup and the permission check as a real client's would.
 */
async function setUpAccess(server) {
  const admin = createJsonClient(server.url, {
    authorization: `Basic ${Buffer.from(`admin:${ADMIN_PASSWORD}`).toString('base64')}`,
  })
  const { experiment } = await admin.post('/api/v1/experiments', { name: `ingest-${Date.now()}` })
  await admin.post('/api/v1/users', { username: 'bench-writer', password: 'bench-writer-password' })
  await admin.put(`/api/v1/permissions/experiment/${experiment.id}`, { username: 'bench-writer', level: 'EDIT' })
  const { token } = await admin.post('/api/v1/tokens', { name: 'ingest', username: 'bench-writer' })
  return { api: admin, experiment, clientAuthorization: `Bearer ${token}` }
}

async function measure(kind, { isStub = false, isAuth = false, clientCount = options.clients } = {}) {
  const database = await openBenchDatabase(kind, options)
  const server = await startServerProcess({
    dataDir: database.dataDir,
    db: database.db,
    sqliteSynchronous: database.sqliteSynchronous,
    execArgv: options.serverExecArgv,
    isStub,
    adminPassword: isAuth ? ADMIN_PASSWORD : undefined,
  })
  try {
    let api
    let experiment
    let clientAuthorization
    if (isAuth) ({ api, experiment, clientAuthorization } = await setUpAccess(server))
    else {
      api = createJsonClient(server.url)
      ;({ experiment } = await api.post('/api/v1/experiments', { name: `ingest-${Date.now()}` }))
    }
    const clients = Array.from({ length: clientCount }, () =>
      fork(CLIENT_ENTRY, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    )
    const ready = clients.map((child) => firstMessage(child))
    clients.forEach((child, clientIndex) => {
      child.send({
        url: server.url,
        authorization: clientAuthorization,
        experimentId: experiment.id,
        clientIndex,
        batchSize: options.batch,
        keyCount: options.keys,
        format: FORMAT,
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

/** The run with the median throughput (of an odd number of runs, the middle one). */
function medianRun(runs) {
  const sorted = [...runs].sort((a, b) => a.pointsPerSecond - b.pointsPerSecond)
  return sorted[Math.floor((sorted.length - 1) / 2)]
}

function describe(r, runs = [r]) {
  const target = TARGET_POINTS_PER_SECOND[r.kind]
  const targetText = target
    ? `target >= ${formatInt(target)} points/s: ${verdict(r.pointsPerSecond >= target)}`
    : 'no target; reported for comparison'
  return [
    `- database: ${r.settings}`,
    `- load: ${options.clients} client processes, batches of ${formatInt(options.batch)} points over ${options.keys} key(s) as ${FORMAT_TEXT}, ${options.duration} s, loopback HTTP`,
    runs.length === 1
      ? `- throughput: **${formatInt(r.pointsPerSecond)} points/s** (${formatInt(r.points)} points in ${r.seconds.toFixed(1)} s, ${formatInt(r.batches)} batches); ${targetText}`
      : `- throughput: **${formatInt(r.pointsPerSecond)} points/s**, the median of ${runs.length} runs on fresh servers (${runs.map((x) => formatInt(x.pointsPerSecond)).join(', ')}); the median run: ${formatInt(r.points)} points in ${r.seconds.toFixed(1)} s, ${formatInt(r.batches)} batches; ${targetText}`,
    `- batch latency: p50 ${formatMs(r.p50)}, p99 ${formatMs(r.p99)}`,
    `- server peak RSS (VmHWM): ${formatMiB(r.serverPeakRss)}; CPU used meanwhile: server ${(100 * r.serverCoreShare).toFixed(0)}% of a core, clients ${(100 * r.clientCoreShare).toFixed(0)}%`,
  ].join('\n')
}

/**
 * The same load from another number of clients. Each client sends its next batch only once the
 * last one is acknowledged (durably stored), so the clients' number bounds what is in flight.
 */
function describeOtherClientCount(r, clientCount) {
  return `- the same from ${clientCount} client processes: ${formatInt(r.pointsPerSecond)} points/s, batch latency p50 ${formatMs(r.p50)}, p99 ${formatMs(r.p99)}; CPU: server ${(100 * r.serverCoreShare).toFixed(0)}% of a core, clients ${(100 * r.clientCoreShare).toFixed(0)}%`
}

/** The same load against the real app whose batch route validates each batch and does nothing else: the HTTP layer's own limit. */
function describeCeiling(r) {
  return `- ceiling on this machine: the same clients against the real app with the work behind the batch route left out (no storage, no audit event; HTTP, JSON parsing and request validation only): ${formatInt(r.pointsPerSecond)} points/s, server ${(100 * r.serverCoreShare).toFixed(0)}% of a core`
}

/**
 * Auth off and on, twice each in the order off, on, on, off so that a drift in the machine's
 * load during the runs weighs on both alike; the ratio is of the mean throughputs.
 */
async function measureAuthRatio(kind) {
  const off = [await measure(kind)]
  const on = [await measure(kind, { isAuth: true }), await measure(kind, { isAuth: true })]
  off.push(await measure(kind))
  const mean = (results) => results.reduce((sum, r) => sum + r.pointsPerSecond, 0) / results.length
  const ratio = mean(on) / mean(off)
  const each = (results) => results.map((r) => formatInt(r.pointsPerSecond)).join(' and ')
  // Server CPU time per batch is less swayed than throughput by other work on a shared machine.
  const cpuMsPerBatch = (results) =>
    results.reduce((sum, r) => sum + (1000 * r.serverCoreShare * r.seconds) / r.batches, 0) / results.length
  return [
    `- database: ${off[0].settings}`,
    `- load: ${options.clients} client processes, batches of ${formatInt(options.batch)} points over ${options.keys} key(s) as ${FORMAT_TEXT}, ${options.duration} s per run, loopback HTTP; runs in the order off, on, on, off`,
    '- auth off: the server on loopback without access control (anonymous local admin), audit trail on',
    '- auth on: `--auth`; the clients are a user who is not an admin, with EDIT on the experiment, sending `Authorization: Bearer <API token>` (token hash lookup and permission check on every batch), audit trail on',
    `- throughput auth off: **${formatInt(mean(off))} points/s** (runs: ${each(off)})`,
    `- throughput auth on: **${formatInt(mean(on))} points/s** (runs: ${each(on)})`,
    `- server CPU per batch: auth off ${cpuMsPerBatch(off).toFixed(2)} ms, auth on ${cpuMsPerBatch(on).toFixed(2)} ms (throughput on one core at that cost: ${(100 * (cpuMsPerBatch(off) / cpuMsPerBatch(on))).toFixed(1)}% of auth off)`,
    `- ratio auth on / off: **${(100 * ratio).toFixed(1)}%**; target >= ${100 * TARGET_AUTH_RATIO}%: ${verdict(ratio >= TARGET_AUTH_RATIO)}`,
  ].join('\n')
}

for (const kind of options.dbs) {
  if (options.auth) {
    const body = await measureAuthRatio(kind)
    console.log(`\ningest with auth on and off, on ${DB_LABELS[kind]}\n${body}\n`)
    if (options.isRecording) {
      recordSection(
        `ingest-auth-${kind}`,
        `ingest with access control on and off — ${DB_LABELS[kind]}`,
        `${machineLine()}\n\n${body}`,
      )
    }
    continue
  }
  // Several runs and their median: a single 10-second run on a shared 2-core machine swings by ±10%.
  const runs = []
  for (let i = 0; i < options.repetitions; i++) runs.push(await measure(kind))
  const result = medianRun(runs)
  let body = describe(result, runs)
  const alsoClients = options['also-clients']
  if (alsoClients !== options.clients) {
    body += `\n${describeOtherClientCount(await measure(kind, { clientCount: alsoClients }), alsoClients)}`
  }
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
