// Artifacts: a 2 GiB file up and down over loopback to the local store (MB/s, server peak RSS growth), then 10,000 small files through the SDK (files/s).

import { fork } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { open } from 'node:fs/promises'
import http from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { Provena } from '../packages/sdk/dist/index.js'
import { DB_LABELS, openBenchDatabase } from './support/databases.mjs'
import { createJsonClient } from './support/http-client.mjs'
import { parseBenchArgs } from './support/options.mjs'
import { firstMessage, peakRssBytes, startServerProcess } from './support/processes.mjs'
import { machineLine, recordSection, verdict } from './support/results.mjs'
import { formatInt, formatMiB } from './support/stats.mjs'

const TARGET_MB_PER_S = 300
const TARGET_RSS_GROWTH_MIB = 64
const MIB = 1024 * 1024

const options = parseBenchArgs(process.argv.slice(2), { 'size-mib': 2048, files: 10_000, concurrency: 16 })

/** fsyncs a file: its bytes are on disk when this returns. */
async function syncFile(file) {
  const handle = await open(file, 'r')
  await handle.sync()
  await handle.close()
}

/**
 * Writes `sizeMiB` of pseudo-random bytes (a random MiB, each copy salted) and returns its sha256.
 * The file is synced before the transfers start, as a file a user uploads is already on disk:
 * otherwise the kernel writes its gigabytes back (30 s after they were written) in the middle of
 * the timed transfers, and they share the disk and the CPUs with that.
 */
async function writeSourceFile(file, sizeMiB) {
  const block = randomBytes(MIB)
  const hash = createHash('sha256')
  const out = createWriteStream(file)
  for (let i = 0; i < sizeMiB; i++) {
    block.writeUInt32LE(i, 0)
    hash.update(block)
    if (!out.write(block)) await new Promise((resolve) => out.once('drain', resolve))
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())))
  await syncFile(file)
  return hash.digest('hex')
}

/** Resets the kernel's peak-RSS mark of a process, so the next peak is of what follows (Linux). */
function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}

/** A process's resident set size now (VmRSS), in bytes. */
function currentRssBytes(pid) {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) * 1024 : 0
}

function upload(baseUrl, runId, file, sizeBytes, name = 'big.bin') {
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}/api/v1/runs/${runId}/artifacts/${name}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream', 'content-length': sizeBytes },
    })
    req.on('response', (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        if (res.statusCode !== 201) reject(new Error(`upload answered ${res.statusCode}: ${text}`))
        else resolve(JSON.parse(text).artifact)
      })
    })
    req.on('error', reject)
    pipeline(createReadStream(file, { highWaterMark: MIB }), req).catch(reject)
  })
}

function download(baseUrl, runId) {
  return new Promise((resolve, reject) => {
    http
      .get(`${baseUrl}/api/v1/runs/${runId}/artifacts/big.bin`, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`download answered ${res.statusCode}`))
        let bytes = 0
        res.on('data', (chunk) => (bytes += chunk.length))
        res.on('end', () => resolve({ bytes, etag: res.headers.etag }))
        res.on('error', reject)
      })
      .on('error', reject)
  })
}

function smallFilesFolder(root, count) {
  for (let i = 0; i < count; i++) {
    const dir = path.join(root, `part-${String(i % 100).padStart(3, '0')}`)
    if (i < 100) mkdirSync(dir, { recursive: true })
    writeFileSync(path.join(dir, `sample-${i}.json`), `{"i":${i},"noise":"${randomBytes(400).toString('hex')}"}`)
  }
}

const mbPerSecond = (bytes, ms) => bytes / 1e6 / (ms / 1000)

/** What this disk does for one large write that must reach it (write, then fsync), in MB/s. */
async function diskCeiling(dir, sizeMiB) {
  const file = path.join(dir, 'disk-probe.bin')
  const block = randomBytes(MIB)
  const startedMs = performance.now()
  const out = createWriteStream(file)
  for (let i = 0; i < sizeMiB; i++) {
    if (!out.write(block)) await new Promise((resolve) => out.once('drain', resolve))
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())))
  await syncFile(file)
  const ms = performance.now() - startedMs
  rmSync(file)
  return mbPerSecond(sizeMiB * MIB, ms)
}

/** Loopback HTTP alone, between two Node processes (no hashing, no storage), both ways, in MB/s. */
async function loopbackCeiling(file, sizeBytes) {
  const child = fork(fileURLToPath(new URL('./support/byte-server-process.mjs', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  try {
    const { url } = await firstMessage(child)
    let startedMs = performance.now()
    await new Promise((resolve, reject) => {
      const req = http.request(`${url}/`, { method: 'PUT', headers: { 'content-length': sizeBytes } })
      req.on('response', (res) => res.resume().on('end', resolve))
      req.on('error', reject)
      pipeline(createReadStream(file, { highWaterMark: MIB }), req).catch(reject)
    })
    const up = mbPerSecond(sizeBytes, performance.now() - startedMs)
    startedMs = performance.now()
    await new Promise((resolve, reject) => {
      http.get(`${url}/?size=${sizeBytes}`, (res) => res.resume().on('end', resolve)).on('error', reject)
    })
    return { up, down: mbPerSecond(sizeBytes, performance.now() - startedMs) }
  } finally {
    child.disconnect()
  }
}

async function measure(kind) {
  const database = await openBenchDatabase(kind, { sqliteSynchronous: options.sqliteSynchronous })
  const work = mkdtempSync(path.join(tmpdir(), 'provena-bench-artifacts-'))
  const server = await startServerProcess({ ...database, execArgv: options.serverExecArgv })
  try {
    const api = createJsonClient(server.url)
    const { experiment } = await api.post('/api/v1/experiments', { name: `artifacts-${Date.now()}` })
    const { run } = await api.post('/api/v1/runs', { experimentId: experiment.id, name: 'artifacts' })

    const source = path.join(work, 'big.bin')
    const sha256 = await writeSourceFile(source, options['size-mib'])
    const sizeBytes = statSync(source).size
    // Warm-up with a small file: the first upload loads code paths whose memory is not the transfer's.
    const warmUp = path.join(work, 'warm-up.bin')
    writeFileSync(warmUp, randomBytes(4 * MIB))
    await upload(server.url, run.id, warmUp, 4 * MIB)
    const { run: measured } = await api.post('/api/v1/runs', { experimentId: experiment.id, name: 'measured' })
    // Made now: the JSON client's idle keep-alive socket would be closed by the server during the long transfers.
    const { run: many } = await api.post('/api/v1/runs', { experimentId: experiment.id, name: 'many' })
    const { run: viaSdk } = await api.post('/api/v1/runs', { experimentId: experiment.id, name: 'sdk' })

    const canReset = resetPeakRss(server.pid)
    const rssBefore = currentRssBytes(server.pid)
    let startedMs = performance.now()
    const stored = await upload(server.url, measured.id, source, sizeBytes)
    const uploadMs = performance.now() - startedMs
    const uploadPeak = peakRssBytes(server.pid)
    if (stored.sha256 !== sha256) throw new Error(`stored digest ${stored.sha256} is not the file's ${sha256}`)

    resetPeakRss(server.pid)
    const rssBeforeDownload = currentRssBytes(server.pid)
    startedMs = performance.now()
    const fetched = await download(server.url, measured.id)
    const downloadMs = performance.now() - startedMs
    const downloadPeak = peakRssBytes(server.pid)
    if (fetched.bytes !== sizeBytes || fetched.etag !== `"${sha256}"`) throw new Error('download does not match')

    // What a user of the SDK (and the CLI, built on it) gets for the same file: logArtifact hashes
    // the file, then uploads it; downloadArtifacts writes it to disk and checks its digest.
    const provena = new Provena({ url: server.url })
    startedMs = performance.now()
    const [sdkStored] = (await provena.logArtifact(viaSdk.id, source)).artifacts
    const sdkUploadMs = performance.now() - startedMs
    if (sdkStored?.sha256 !== sha256) throw new Error('the SDK upload does not match')
    startedMs = performance.now()
    const local = await provena.downloadArtifacts(viaSdk.id, 'big.bin', path.join(work, 'sdk-download'))
    const sdkDownloadMs = performance.now() - startedMs
    if (statSync(local).size !== sizeBytes) throw new Error('the SDK download does not match')
    rmSync(local)

    const ceiling = await loopbackCeiling(source, sizeBytes)
    rmSync(source)
    const diskMbs = await diskCeiling(work, Math.min(1024, options['size-mib']))

    const folder = path.join(work, 'small')
    smallFilesFolder(folder, options.files)
    startedMs = performance.now()
    const logged = await provena.logArtifact(many.id, folder, 'samples', { concurrency: options.concurrency })
    const filesMs = performance.now() - startedMs
    if (logged.artifacts.length !== options.files) throw new Error(`${logged.artifacts.length} files logged`)

    return {
      kind,
      settings: database.settings,
      sizeBytes,
      upload: { ms: uploadMs, mbs: mbPerSecond(sizeBytes, uploadMs), rssGrowth: uploadPeak - rssBefore },
      download: {
        ms: downloadMs,
        mbs: mbPerSecond(sizeBytes, downloadMs),
        rssGrowth: downloadPeak - rssBeforeDownload,
      },
      sdk: { uploadMbs: mbPerSecond(sizeBytes, sdkUploadMs), downloadMbs: mbPerSecond(sizeBytes, sdkDownloadMs) },
      rssBefore,
      canReset,
      ceiling,
      diskMbs,
      files: { count: options.files, ms: filesMs, perSecond: options.files / (filesMs / 1000) },
    }
  } finally {
    await server.stop()
    await database.close()
    rmSync(work, { recursive: true, force: true })
  }
}

function report(r) {
  const rssGrowthMiB = Math.max(r.upload.rssGrowth, r.download.rssGrowth) / MIB
  const isFast = r.upload.mbs >= TARGET_MB_PER_S && r.download.mbs >= TARGET_MB_PER_S
  return `${machineLine()}

- store: local directory; metadata: ${r.settings}
- one file of ${formatMiB(r.sizeBytes)} over loopback HTTP (raw PUT / GET, the server hashes every byte both ways and fsyncs the blob)
- upload: **${r.upload.mbs.toFixed(0)} MB/s** (${(r.upload.ms / 1000).toFixed(1)} s); download: **${r.download.mbs.toFixed(0)} MB/s** (${(r.download.ms / 1000).toFixed(1)} s); target >= ${TARGET_MB_PER_S} MB/s each way: ${verdict(isFast)}
- the same file through the SDK (and so the CLI): \`logArtifact\` ${r.sdk.uploadMbs.toFixed(0)} MB/s (it hashes the file first, then uploads it), \`downloadArtifacts\` ${r.sdk.downloadMbs.toFixed(0)} MB/s (to disk, digest checked before the file takes its name)
- ceilings on this machine at the time: loopback HTTP alone between two Node processes (no hashing, no storage) ${r.ceiling.up.toFixed(0)} MB/s up, ${r.ceiling.down.toFixed(0)} MB/s down; this disk writes and fsyncs ${r.diskMbs.toFixed(0)} MB/s, which bounds a durable upload
- server peak RSS growth: upload ${formatMiB(r.upload.rssGrowth)}, download ${formatMiB(r.download.rssGrowth)} over ${formatMiB(r.rssBefore)} at rest${r.canReset ? ' (peak reset before each transfer)' : ' (peak could not be reset: growth includes start-up)'}; target < ${TARGET_RSS_GROWTH_MIB} MiB: ${verdict(rssGrowthMiB < TARGET_RSS_GROWTH_MIB)}
- ${formatInt(r.files.count)} small files (~0.8 KiB each, 100 folders) through \`logArtifact\` (sha256 per file, ${options.concurrency} in parallel): **${formatInt(Math.round(r.files.perSecond))} files/s** (${(r.files.ms / 1000).toFixed(1)} s)

The machine is shared (2 cores, other work running); the load average above says how busy it was, and figures may be low for it.`
}

for (const kind of options.dbs) {
  const result = await measure(kind)
  const text = report(result)
  console.log(`\n## artifacts — ${DB_LABELS[kind]}\n\n${text}\n`)
  if (options.isRecording) recordSection(`artifacts-${kind}`, `artifacts — ${DB_LABELS[kind]}`, text)
}
