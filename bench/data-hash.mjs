// Data hash: buildManifest over a 2 GiB directory of 64 files of mixed sizes (cached under /tmp): MB/s with the page cache warm, and cold-ish (pages dropped per file).

import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import { buildManifest, datasetDigest } from '../packages/data/dist/index.js'
import { parseBenchArgs } from './support/options.mjs'
import { machineLine, recordSection, verdict } from './support/results.mjs'
import { percentile } from './support/stats.mjs'

const TARGET_MB_PER_S = 500
const MIB = 1024 * 1024

const options = parseBenchArgs(process.argv.slice(2), {
  'size-mib': 2048,
  files: 64,
  concurrency: Math.min(availableParallelism(), 4),
  repetitions: 3,
  'small-files': 10_000,
})

/** Sizes in MiB proportional to (i mod 8 + 1)², so a few large files and many small ones; they add up to sizeMiB. */
function fileSizesMiB(sizeMiB, count) {
  const weights = Array.from({ length: count }, (_, i) => (i % 8) + 1).map((w) => w * w)
  const total = weights.reduce((sum, w) => sum + w, 0)
  const sizes = weights.map((w) => Math.max(1, Math.floor((w / total) * sizeMiB)))
  sizes[sizes.length - 1] += sizeMiB - sizes.reduce((sum, s) => sum + s, 0)
  return sizes
}

/** Writes pseudo-random MiBs (a random block, each copy salted) and returns the file's manifest entry. */
async function writeFile(root, relativePath, sizeMiB, block) {
  const file = path.join(root, relativePath)
  mkdirSync(path.dirname(file), { recursive: true })
  const hash = createHash('sha256')
  const out = createWriteStream(file)
  for (let i = 0; i < sizeMiB; i++) {
    block.writeUInt32LE(i, 0)
    block.writeUInt32LE(sizeMiB, 4)
    hash.update(block)
    if (!out.write(Buffer.from(block))) await new Promise((resolve) => out.once('drain', resolve))
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())))
  return { path: relativePath, sizeBytes: sizeMiB * MIB, sha256: hash.digest('hex') }
}

/** The bench directory and the manifest it must give, written once and reused while it is intact. */
async function benchDirectory() {
  const root = path.join(tmpdir(), `provena-bench-data-hash-${options['size-mib']}mib-${options.files}`)
  const expectedFile = `${root}.expected.json`
  if (existsSync(expectedFile)) {
    const expected = JSON.parse(readFileSync(expectedFile, 'utf8'))
    const isIntact = expected.every(
      (f) => statSync(path.join(root, f.path), { throwIfNoEntry: false })?.size === f.sizeBytes,
    )
    if (isIntact) return { root, expected, isFresh: false }
  }
  rmSync(root, { recursive: true, force: true })
  console.log(`writing ${options['size-mib']} MiB in ${options.files} files under ${root} …`)
  const block = randomBytes(MIB)
  const expected = []
  const sizes = fileSizesMiB(options['size-mib'], options.files)
  for (const [i, sizeMiB] of sizes.entries()) {
    expected.push(await writeFile(root, `part-${i % 8}/file-${String(i).padStart(3, '0')}.bin`, sizeMiB, block))
  }
  expected.sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
  writeFileSync(expectedFile, JSON.stringify(expected))
  return { root, expected, isFresh: true }
}

/** A directory of `count` files of 100 to 10,000 bytes in 100 folders (cached like the large one); its manifest. */
function smallFilesDirectory(count) {
  const root = path.join(tmpdir(), `provena-bench-data-hash-small-${count}`)
  const expectedFile = `${root}.expected.json`
  if (existsSync(expectedFile)) return { root, expected: JSON.parse(readFileSync(expectedFile, 'utf8')) }
  rmSync(root, { recursive: true, force: true })
  const expected = []
  for (let i = 0; i < count; i++) {
    const relativePath = `folder-${i % 100}/part-${String(i).padStart(6, '0')}.csv`
    const content = randomBytes(100 + ((i * 7919) % 9900))
    mkdirSync(path.dirname(path.join(root, relativePath)), { recursive: true })
    writeFileSync(path.join(root, relativePath), content)
    expected.push({
      path: relativePath,
      sizeBytes: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
    })
  }
  writeFileSync(expectedFile, JSON.stringify(expected))
  return { root, expected }
}

/**
 * Asks the kernel to drop the files' pages from the page cache (GNU dd's `iflag=nocache`,
 * posix_fadvise DONTNEED), after flushing them; no root needed. Returns the MiB still cached.
 */
function dropFromPageCache(root, files) {
  spawnSync(
    'sync',
    files.map((f) => path.join(root, f.path)),
  )
  for (const f of files) {
    spawnSync('dd', [`if=${path.join(root, f.path)}`, 'iflag=nocache', 'count=0', 'status=none'])
  }
  const fincore = spawnSync(
    'fincore',
    ['--bytes', '--noheadings', '--output', 'RES', ...files.map((f) => path.join(root, f.path))],
    {
      encoding: 'utf8',
    },
  )
  if (fincore.status !== 0) return undefined
  return (
    fincore.stdout
      .split('\n')
      .filter(Boolean)
      .reduce((sum, line) => sum + Number(line.trim()), 0) / MIB
  )
}

/** Builds the manifest of `root`, checks it against `expected`, and returns the seconds it took. */
async function timedManifest(root, expected) {
  const started = performance.now()
  const manifest = await buildManifest(root, { concurrency: options.concurrency })
  const seconds = (performance.now() - started) / 1000
  if (datasetDigest(manifest.files) !== datasetDigest(expected) || manifest.files.length !== expected.length) {
    throw new Error('the manifest differs from the one computed while writing the files')
  }
  return seconds
}

async function timedMBps(root, expected) {
  return totalMB / (await timedManifest(root, expected))
}

/** For scale: how fast the disk gives the files back cold, read in order by one `cat` that neither hashes nor keeps them. */
function coldSequentialReadMBps(root, files) {
  dropFromPageCache(root, files)
  const started = performance.now()
  const cat = spawnSync('sh', ['-c', 'cat "$@" > /dev/null', 'cat', ...files.map((f) => path.join(root, f.path))])
  if (cat.status !== 0) return undefined
  return totalMB / ((performance.now() - started) / 1000)
}

/** For scale: SHA-256 of an in-memory buffer on one core. */
function singleCoreHashMBps() {
  const buffer = randomBytes(256 * MIB)
  const started = performance.now()
  createHash('sha256').update(buffer).digest()
  return buffer.length / 1e6 / ((performance.now() - started) / 1000)
}

const { root, expected, isFresh } = await benchDirectory()
const totalMB = expected.reduce((sum, f) => sum + f.sizeBytes, 0) / 1e6

const catMBps = coldSequentialReadMBps(root, expected)
const cachedBeforeCold = dropFromPageCache(root, expected)
const coldMBps = await timedMBps(root, expected)
await timedMBps(root, expected) // warm-up: the page cache now holds the files
const warm = []
for (let i = 0; i < options.repetitions; i++) warm.push(await timedMBps(root, expected))
const warmMedian = percentile(warm, 50)
const peakRssMiB = Number(/^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024
const small = smallFilesDirectory(options['small-files'])
await timedManifest(small.root, small.expected)
const smallFilesPerSecond = small.expected.length / (await timedManifest(small.root, small.expected))
const coreMBps = singleCoreHashMBps()

const lines = [
  `- data: ${options.files} files, ${totalMB.toFixed(0)} MB (${options['size-mib']} MiB), ${isFresh ? 'freshly written' : 'cached from an earlier run'}; ${options.concurrency} worker threads`,
  `- warm page cache: median **${warmMedian.toFixed(0)} MB/s** over ${options.repetitions} runs (${warm.map((x) => x.toFixed(0)).join(', ')}) — target >= ${TARGET_MB_PER_S} MB/s: ${verdict(warmMedian >= TARGET_MB_PER_S)}`,
  `- cold-ish (each file's pages dropped with \`dd iflag=nocache\`; ${cachedBeforeCold === undefined ? 'residency unknown' : `${cachedBeforeCold.toFixed(0)} MiB still cached`}): ${coldMBps.toFixed(0)} MB/s`,
  `- ${small.expected.length.toLocaleString('en-US')} small files (100 B to 10 kB in 100 folders), page cache warm: ${Math.round(smallFilesPerSecond).toLocaleString('en-US')} files/s`,
  `- peak RSS of the bench process (hashing workers included): ${peakRssMiB.toFixed(0)} MiB`,
  `- for scale: SHA-256 of an in-memory buffer on one core: ${coreMBps.toFixed(0)} MB/s; the same files read cold by \`cat\` (no hashing): ${catMBps === undefined ? 'n/a' : `${catMBps.toFixed(0)} MB/s`}`,
  `- ${machineLine()}`,
]
console.log(lines.join('\n'))
if (options.isRecording) recordSection('data-hash', 'data-hash', lines.join('\n'))
