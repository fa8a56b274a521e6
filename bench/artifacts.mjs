// Artifacts: a 2 GiB file up and down over loopback to the local store (MB/s, the median of
// --repetitions transfers each way, from a client process of its own; server peak RSS growth), the
// same file through the SDK, then 10,000 small files through the SDK (files/s).

import { fork } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Provena } from '../packages/sdk/dist/index.js'
import { DB_LABELS, openBenchDatabase } from './support/databases.mjs'
import { createJsonClient } from './support/http-client.mjs'
import { parseBenchArgs } from './support/options.mjs'
import { firstMessage, peakRssBytes, startServerProcess } from './support/processes.mjs'
import { machineLine, recordSection, verdict } from './support/results.mjs'
import { formatInt, formatMiB, percentile } from './support/stats.mjs'

const TARGET_MB_PER_S = 300
const TARGET_RSS_GROWTH_MIB = 64
const MIB = 1024 * 1024

const options = parseBenchArgs(process.argv.slice(2), {
  'size-mib': 2048,
  files: 10_000,
  concurrency: 16,
  repetitions: 3,
})

/** fsyncs a file: its bytes are on disk when this returns. */
async function syncFile(file) {
  const handle = await open(file, 'r')
  await handle.sync()
  await handle.close()
}

/**
 * Writes `sizeMiB` of pseudo-random bytes (a random MiB, each copy salted) and returns the hash of
 * them, not yet digested: a copy of it with a suffix added gives the digest of the file and suffix.
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
  return hash
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

/** A plain HTTP client in a process of its own (support/transfer-client.mjs); see there why. */
async function startTransferClient() {
  const child = fork(fileURLToPath(new URL('./support/transfer-client.mjs', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  await firstMessage(child)
  // One request at a time: the next message is the answer to the one just sent.
  const ask = async (request) => {
    const answered = firstMessage(child)
    child.send(request)
    const answer = await answered
    if (answer.error) throw new Error(answer.error)
    return answer
  }
  return {
    put: (url, file, sizeBytes, suffix) => ask({ op: 'put', url, file, sizeBytes, suffix }),
    get: (url) => ask({ op: 'get', url }),
    close: () => child.disconnect(),
  }
}

/** PUTs a file (then `suffix`, hex, if given) as an artifact of a run; resolves with the stored artifact and the time taken. */
async function upload(client, baseUrl, runId, file, sizeBytes, suffix) {
  const url = `${baseUrl}/api/v1/runs/${runId}/artifacts/big.bin`
  const { status, body, ms } = await client.put(url, file, sizeBytes, suffix)
  if (status !== 201) throw new Error(`upload answered ${status}: ${body}`)
  return { artifact: JSON.parse(body).artifact, ms }
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

/** Loopback HTTP alone, between the same client process and a bare server (no hashing, no storage), both ways, in MB/s. */
async function loopbackCeiling(client, file, sizeBytes) {
  const child = fork(fileURLToPath(new URL('./support/byte-server-process.mjs', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  try {
    const { url } = await firstMessage(child)
    const up = await client.put(`${url}/`, file, sizeBytes)
    const down = await client.get(`${url}/?size=${sizeBytes}`)
    return { up: mbPerSecond(sizeBytes, up.ms), down: mbPerSecond(sizeBytes, down.ms) }
  } finally {
    child.disconnect()
  }
}

/**
 * Uploads new content to a new run, then downloads it, once; MB/s and server peak RSS growth each
 * way. The content is the file, then 16 random bytes: each repetition stores a blob of its own, as
 * a new model would be (the same bytes again are not copied over the stored blob).
 *
 * Then the blob is deleted again (artifact, then `gc`), so that repetitions do not grow the page
 * cache by 2 GiB each. On this VM, memory the page cache has not used before costs the kernel far
 * more to fill: `dd` of 2 GiB to new files one after another takes ~4.5 s of kernel time each from
 * the second file on (~280 MB/s), against ~1.3 s (~430 MB/s) when each file is removed before the
 * next; a server in its steady state, its memory full of cache, reuses pages as in the second case.
 */
async function transferOnce(client, api, server, experimentId, source, { sourceHash, sizeBytes }, index) {
  const suffix = randomBytes(16)
  const sha256 = sourceHash.copy().update(suffix).digest('hex')
  const totalBytes = sizeBytes + suffix.length
  const { run } = await api.post('/api/v1/runs', { experimentId, name: `measured-${index}` })
  resetPeakRss(server.pid)
  const rssBeforeUpload = currentRssBytes(server.pid)
  const stored = await upload(client, server.url, run.id, source, sizeBytes, suffix.toString('hex'))
  const uploadGrowth = peakRssBytes(server.pid) - rssBeforeUpload
  if (stored.artifact.sha256 !== sha256) throw new Error(`stored digest ${stored.artifact.sha256} is not ${sha256}`)

  resetPeakRss(server.pid)
  const rssBeforeDownload = currentRssBytes(server.pid)
  const fetched = await client.get(`${server.url}/api/v1/runs/${run.id}/artifacts/big.bin`)
  const downloadGrowth = peakRssBytes(server.pid) - rssBeforeDownload
  if (fetched.status !== 200) throw new Error(`download answered ${fetched.status}`)
  if (fetched.bytes !== totalBytes || fetched.etag !== `"${sha256}"`) throw new Error('download does not match')
  await api.delete(`/api/v1/runs/${run.id}/artifacts/big.bin`)
  const { removedBlobs } = await api.post('/api/v1/artifacts/gc', { graceMinutes: 0 })
  if (removedBlobs !== 1) throw new Error(`gc removed ${removedBlobs} blobs, not the 1 just deleted`)
  return {
    upload: { mbs: mbPerSecond(totalBytes, stored.ms), rssGrowth: uploadGrowth },
    download: { mbs: mbPerSecond(totalBytes, fetched.ms), rssGrowth: downloadGrowth },
  }
}

async function measure(kind) {
  const database = await openBenchDatabase(kind, { sqliteSynchronous: options.sqliteSynchronous })
  const work = mkdtempSync(path.join(tmpdir(), 'provena-bench-artifacts-'))
  const server = await startServerProcess({ ...database, execArgv: options.serverExecArgv })
  const client = await startTransferClient()
  try {
    const api = createJsonClient(server.url)
    const { experiment } = await api.post('/api/v1/experiments', { name: `artifacts-${Date.now()}` })
    const { run } = await api.post('/api/v1/runs', { experimentId: experiment.id, name: 'artifacts' })

    const source = path.join(work, 'big.bin')
    const sourceHash = await writeSourceFile(source, options['size-mib'])
    const sha256 = sourceHash.copy().digest('hex')
    const sizeBytes = statSync(source).size
    // Warm-up with a small file: the first upload loads code paths whose memory is not the transfer's.
    const warmUp = path.join(work, 'warm-up.bin')
    writeFileSync(warmUp, randomBytes(4 * MIB))
    await upload(client, server.url, run.id, warmUp, 4 * MIB)
    const rssBefore = currentRssBytes(server.pid)
    const canReset = resetPeakRss(server.pid)

    const transfers = []
    for (let i = 0; i < options.repetitions; i++) {
      transfers.push(await transferOnce(client, api, server, experiment.id, source, { sourceHash, sizeBytes }, i))
    }
    // Made now: the JSON client's idle keep-alive socket would be closed by the server during the long transfers.
    const { run: many } = await api.post('/api/v1/runs', { experimentId: experiment.id, name: 'many' })
    const { run: viaSdk } = await api.post('/api/v1/runs', { experimentId: experiment.id, name: 'sdk' })

    // What a user of the SDK (and the CLI, built on it) gets for the same file: logArtifact hashes
    // the file, then uploads it; downloadArtifacts writes it to disk and checks its digest.
    const provena = new Provena({ url: server.url })
    let startedMs = performance.now()
    const [sdkStored] = (await provena.logArtifact(viaSdk.id, source)).artifacts
    const sdkUploadMs = performance.now() - startedMs
    if (sdkStored?.sha256 !== sha256) throw new Error('the SDK upload does not match')
    startedMs = performance.now()
    const local = await provena.downloadArtifacts(viaSdk.id, 'big.bin', path.join(work, 'sdk-download'))
    const sdkDownloadMs = performance.now() - startedMs
    if (statSync(local).size !== sizeBytes) throw new Error('the SDK download does not match')
    rmSync(local)

    const ceiling = await loopbackCeiling(client, source, sizeBytes)
    rmSync(source)
    const diskMbs = await diskCeiling(work, Math.min(1024, options['size-mib']))

    const folder = path.join(work, 'small')
    smallFilesFolder(folder, options.files)
    startedMs = performance.now()
    const logged = await provena.logArtifact(many.id, folder, 'samples', { concurrency: options.concurrency })
    const filesMs = performance.now() - startedMs
    if (logged.artifacts.length !== options.files) throw new Error(`${logged.artifacts.length} files logged`)

    const direction = (name) => {
      const mbs = transfers.map((t) => t[name].mbs)
      return {
        mbs: percentile(mbs, 50),
        runs: mbs,
        rssGrowth: Math.max(...transfers.map((t) => t[name].rssGrowth)),
      }
    }
    return {
      kind,
      settings: database.settings,
      sizeBytes,
      upload: direction('upload'),
      download: direction('download'),
      sdk: { uploadMbs: mbPerSecond(sizeBytes, sdkUploadMs), downloadMbs: mbPerSecond(sizeBytes, sdkDownloadMs) },
      rssBefore,
      canReset,
      ceiling,
      diskMbs,
      files: { count: options.files, ms: filesMs, perSecond: options.files / (filesMs / 1000) },
    }
  } finally {
    client.close()
    await server.stop()
    await database.close()
    rmSync(work, { recursive: true, force: true })
  }
}

const listMbs = (values) => values.map((v) => v.toFixed(0)).join('/')

function report(r) {
  const rssGrowthMiB = Math.max(r.upload.rssGrowth, r.download.rssGrowth) / MIB
  const isFast = r.upload.mbs >= TARGET_MB_PER_S && r.download.mbs >= TARGET_MB_PER_S
  return `${machineLine()}

- store: local directory; metadata: ${r.settings}
- one file of ${formatMiB(r.sizeBytes)} over loopback HTTP (raw PUT / GET from a plain Node client in a process of its own; the server hashes every byte both ways and fsyncs the blob), ${options.repetitions} times each way, each time new content (the file, then 16 random bytes) to a new run, deleted and gc'd before the next (so the page cache does not grow: see docs/artifacts.md)
- upload: **${r.upload.mbs.toFixed(0)} MB/s**; download: **${r.download.mbs.toFixed(0)} MB/s** (medians; runs: up ${listMbs(r.upload.runs)}, down ${listMbs(r.download.runs)}); target >= ${TARGET_MB_PER_S} MB/s each way: ${verdict(isFast)}
- the same file through the SDK (and so the CLI): \`logArtifact\` ${r.sdk.uploadMbs.toFixed(0)} MB/s (it hashes the file first, then uploads it), \`downloadArtifacts\` ${r.sdk.downloadMbs.toFixed(0)} MB/s (to disk, digest checked before the file takes its name)
- ceilings on this machine at the time: loopback HTTP alone between the same client process and a bare Node server (no hashing, no storage) ${r.ceiling.up.toFixed(0)} MB/s up, ${r.ceiling.down.toFixed(0)} MB/s down; this disk wrote and fsynced 1 GiB at ${r.diskMbs.toFixed(0)} MB/s (one writer, measured after the transfers; a durable upload writes the same way while it also receives and hashes)
- server peak RSS growth (the largest of the runs): upload ${formatMiB(r.upload.rssGrowth)}, download ${formatMiB(r.download.rssGrowth)} over ${formatMiB(r.rssBefore)} at rest${r.canReset ? ' (peak reset before each transfer)' : ' (peak could not be reset: growth includes start-up)'}; target < ${TARGET_RSS_GROWTH_MIB} MiB: ${verdict(rssGrowthMiB < TARGET_RSS_GROWTH_MIB)}
- ${formatInt(r.files.count)} small files (~0.8 KiB each, 100 folders) through \`logArtifact\` (sha256 per file, ${options.concurrency} in parallel): **${formatInt(Math.round(r.files.perSecond))} files/s** (${(r.files.ms / 1000).toFixed(1)} s)

The machine is shared (2 cores, other work running); the load average above says how busy it was, and figures may be low for it.`
}

for (const kind of options.dbs) {
  const result = await measure(kind)
  const text = report(result)
  console.log(`\n## artifacts — ${DB_LABELS[kind]}\n\n${text}\n`)
  if (options.isRecording) recordSection(`artifacts-${kind}`, `artifacts — ${DB_LABELS[kind]}`, text)
}
