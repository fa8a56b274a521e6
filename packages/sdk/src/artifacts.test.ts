import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConflictError, InvalidInputError, NotFoundError, Provena, type TransferProgress } from './index.js'
import { listeningTestServer } from './test-support/listening-test-server.js'

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex')
const tempDir = () => mkdtempSync(path.join(tmpdir(), 'provena-sdk-artifacts-'))

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort()
}

/** A folder with nested files, a link to a file inside it, and links that lead outside. */
function modelFolder() {
  const outside = tempDir()
  writeFileSync(path.join(outside, 'secret.txt'), 'not for upload')
  const dir = tempDir()
  mkdirSync(path.join(dir, 'weights/layers'), { recursive: true })
  writeFileSync(path.join(dir, 'config.json'), '{"layers":2}')
  writeFileSync(path.join(dir, 'weights/layers/0.bin'), randomBytes(200_000))
  writeFileSync(path.join(dir, 'weights/layers/1.bin'), randomBytes(300_000))
  symlinkSync(path.join(dir, 'config.json'), path.join(dir, 'config-link.json'))
  symlinkSync(path.join(outside, 'secret.txt'), path.join(dir, 'leak.txt'))
  symlinkSync(outside, path.join(dir, 'leak-dir'))
  symlinkSync('../../..', path.join(dir, 'weights/up'))
  return dir
}

describe('artifacts through the SDK', () => {
  let server: Awaited<ReturnType<typeof listeningTestServer>>
  let provena: Provena
  beforeAll(async () => {
    server = await listeningTestServer()
    provena = new Provena({ url: server.url, capture: false })
  })
  afterAll(async () => server.close())

  it('logs a folder in parallel, reports progress, and does not follow links that lead outside it', async () => {
    const run = await provena.startRun({ experiment: 'sdk-artifacts' })
    const progress: TransferProgress[] = []

    const logged = await run.logArtifact(modelFolder(), 'model', {
      concurrency: 3,
      onProgress: (p) => progress.push(p),
    })

    expect(logged.artifacts.map((a) => a.path)).toEqual([
      'model/config-link.json',
      'model/config.json',
      'model/weights/layers/0.bin',
      'model/weights/layers/1.bin',
    ])
    expect(logged.skipped.map((s) => path.basename(s.localPath)).sort()).toEqual(['leak-dir', 'leak.txt', 'up'])
    expect(progress.at(-1)).toMatchObject({ filesDone: 4, filesTotal: 4, bytesDone: 500_024, bytesTotal: 500_024 })
    await run.end()
  })

  it('logs one file under an artifact path, and lists directories', async () => {
    const run = await provena.startRun({ experiment: 'sdk-artifacts' })
    const file = path.join(tempDir(), 'loss.csv')
    writeFileSync(file, 'step,loss\n1,0.5\n')

    await run.logArtifact(file, 'metrics')

    expect(await provena.listArtifacts(run.id)).toEqual([
      { name: 'metrics', path: 'metrics', isDir: true, sizeBytes: null, sha256: null },
    ])
    expect(await provena.listArtifacts(run.id, 'metrics')).toEqual([
      { name: 'loss.csv', path: 'metrics/loss.csv', isDir: false, sizeBytes: 16, sha256: sha256('step,loss\n1,0.5\n') },
    ])
  })

  it('downloads a directory to disk, each file at its artifact path and checked', async () => {
    const run = await provena.startRun({ experiment: 'sdk-artifacts' })
    const source = modelFolder()
    await run.logArtifact(source, 'model')
    const dest = tempDir()

    const local = await provena.downloadArtifacts(run.id, 'model', dest)

    expect(local).toBe(path.join(dest, 'model'))
    expect(filesBelow(dest)).toEqual([
      'model/config-link.json',
      'model/config.json',
      'model/weights/layers/0.bin',
      'model/weights/layers/1.bin',
    ])
    expect(readFileSync(path.join(dest, 'model/weights/layers/1.bin'))).toEqual(
      readFileSync(path.join(source, 'weights/layers/1.bin')),
    )
  })

  it('downloads a single file', async () => {
    const run = await provena.startRun({ experiment: 'sdk-artifacts' })
    const file = path.join(tempDir(), 'notes.txt')
    writeFileSync(file, 'hello')
    await run.logArtifact(file)
    const dest = tempDir()

    const local = await provena.downloadArtifacts(run.id, 'notes.txt', dest)

    expect(readFileSync(local, 'utf8')).toBe('hello')
  })

  it('moves a file of many read pieces and write batches both ways intact, with progress to the last byte', async () => {
    const run = await provena.startRun({ experiment: 'sdk-artifacts' })
    const bytes = randomBytes(9 * 1024 * 1024 + 3)
    const file = path.join(tempDir(), 'weights.bin')
    writeFileSync(file, bytes)
    const up: TransferProgress[] = []
    const down: TransferProgress[] = []

    const logged = await run.logArtifact(file, 'model', { onProgress: (p) => up.push(p) })
    const local = await provena.downloadArtifacts(run.id, 'model/weights.bin', tempDir(), {
      onProgress: (p) => down.push(p),
    })

    expect(logged.artifacts).toMatchObject([
      { path: 'model/weights.bin', sha256: sha256(bytes), sizeBytes: bytes.length },
    ])
    expect(readFileSync(local).equals(bytes)).toBe(true)
    const done = { filesDone: 1, filesTotal: 1, bytesDone: bytes.length, bytesTotal: bytes.length }
    expect(up.at(-1)).toMatchObject(done)
    expect(down.at(-1)).toMatchObject(done)
  })

  it('refuses to keep a downloaded file whose bytes were altered in storage', async () => {
    const run = await provena.startRun({ experiment: 'sdk-artifacts' })
    const file = path.join(tempDir(), 'model.bin')
    const bytes = randomBytes(3 * 1024 * 1024)
    writeFileSync(file, bytes)
    await run.logArtifact(file)
    const digest = sha256(bytes)
    const corrupt = Buffer.from(bytes)
    corrupt[10] = (corrupt[10] ?? 0) ^ 1
    writeFileSync(path.join(server.blobs.location, 'blobs', digest.slice(0, 2), digest.slice(2, 4), digest), corrupt)
    const dest = tempDir()

    await expect(
      new Provena({ url: server.url, maxRetries: 0 }).downloadArtifacts(run.id, 'model.bin', dest),
    ).rejects.toThrow()

    expect(filesBelow(dest)).toEqual([])
  })

  it('throws NotFoundError for a path with no artifacts', async () => {
    const run = await provena.startRun({ experiment: 'sdk-artifacts' })
    await expect(provena.downloadArtifacts(run.id, 'nothing', tempDir())).rejects.toThrow(NotFoundError)
  })

  it('sends the digest with each upload, so bytes that differ are refused', async () => {
    const run = await provena.startRun({ experiment: 'sdk-artifacts' })

    const upload = provena.artifacts.upload(run.id, 'a.txt', () => 'actual', { sha256: sha256('announced') })

    await expect(upload).rejects.toThrow(InvalidInputError)
  })

  it('rejects a bad artifact path before sending anything', async () => {
    const run = await provena.startRun({ experiment: 'sdk-artifacts' })
    const file = path.join(tempDir(), 'a.txt')
    writeFileSync(file, 'x')

    await expect(run.logArtifact(file, '../escape')).rejects.toThrow(InvalidInputError)
  })

  it('refuses uploads to a finished run with ConflictError', async () => {
    const run = await provena.startRun({ experiment: 'sdk-artifacts' })
    await run.end()
    const file = path.join(tempDir(), 'late.txt')
    writeFileSync(file, 'too late')

    await expect(run.logArtifact(file)).rejects.toThrow(ConflictError)
  })

  it('reports verify and gc results to admins', async () => {
    const run = await provena.startRun({ experiment: 'sdk-artifacts' })
    await provena.artifacts.upload(run.id, 'v.txt', () => 'verified')

    const lines = []
    for await (const line of provena.artifacts.verify(run.id)) lines.push(line)
    const gc = await provena.artifacts.gc({ dryRun: true })

    expect(lines).toEqual([{ type: 'summary', checkedBlobs: 1, checkedBytes: 8, mismatches: 0, missing: 0 }])
    expect(gc).toMatchObject({ dryRun: true, removedBlobs: 0, freedBytes: 0 })
  })
})
