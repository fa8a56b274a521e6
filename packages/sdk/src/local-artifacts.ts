// Node only: reads and writes local files. Loaded on first use (a dynamic import), so the rest of
// the SDK stays free of Node modules for browsers.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { type FileHandle, lstat, mkdir, open, readdir, realpath, rename, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import {
  type Artifact,
  ConflictError,
  InternalError,
  InvalidInputError,
  NotFoundError,
  toArtifactKey,
} from '@provena/contract'
import type { ArtifactsApi } from './artifacts-api.js'

/** How far a transfer has got; `path` is the artifact path of the file just finished, if any. */
export interface TransferProgress {
  filesDone: number
  filesTotal: number
  bytesDone: number
  bytesTotal: number
  path?: string
}

/** Options of `logArtifact` and `downloadArtifacts`. */
export interface TransferOptions {
  /** Files sent or fetched at the same time (default 8). */
  concurrency?: number
  /** Called as bytes move and after each file. */
  onProgress?: (progress: TransferProgress) => void
  /** Admins only, uploads: change an artifact of a finished run (audited). */
  force?: boolean
}

/** What `logArtifact` stored, and what it left out: symbolic links that lead outside the folder, or to folders. */
export interface LoggedArtifacts {
  artifacts: Artifact[]
  skipped: { localPath: string; reason: string }[]
}

interface LocalFile {
  localPath: string
  artifactPath: string
  sizeBytes: number
}

const DEFAULT_CONCURRENCY = 8

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

function joinArtifactPath(prefix: string | undefined, relative: string): string {
  return toArtifactKey(prefix === undefined || prefix === '' ? relative : `${prefix.replace(/\/+$/, '')}/${relative}`)
}

/** Files below `root` (a folder walked in name order); symbolic links are followed only to files inside it. */
async function walkFolder(root: string, prefix: string | undefined, skipped: LoggedArtifacts['skipped']) {
  const realRoot = await realpath(root)
  const files: LocalFile[] = []
  async function visit(dir: string): Promise<void> {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const localPath = path.join(dir, entry.name)
      const relative = path.relative(root, localPath).split(path.sep).join('/')
      if (entry.isDirectory()) {
        await visit(localPath)
        continue
      }
      if (entry.isSymbolicLink()) {
        const target = await realpath(localPath).catch(() => undefined)
        if (target === undefined || !isInside(realRoot, target)) {
          skipped.push({ localPath, reason: 'a symbolic link that leads outside the folder (not followed)' })
          continue
        }
        if ((await stat(target)).isDirectory()) {
          skipped.push({
            localPath,
            reason: 'a symbolic link to a folder (its files are uploaded from where they are)',
          })
          continue
        }
      } else if (!entry.isFile()) {
        skipped.push({ localPath, reason: 'not a regular file' })
        continue
      }
      files.push({
        localPath,
        artifactPath: joinArtifactPath(prefix, relative),
        sizeBytes: (await stat(localPath)).size,
      })
    }
  }
  await visit(root)
  return files
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Runs `work` on every item, at most `limit` at a time; the first failure stops new work and is thrown. */
async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let failure: { error: unknown } | undefined
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++] as T
      try {
        await work(item)
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  if (failure) throw failure.error
}

function progressTracker(filesTotal: number, bytesTotal: number, onProgress: TransferOptions['onProgress']) {
  const progress: TransferProgress = { filesDone: 0, filesTotal, bytesDone: 0, bytesTotal }
  return {
    addBytes(bytes: number) {
      progress.bytesDone += bytes
      onProgress?.({ ...progress })
    },
    fileDone(artifactPath: string) {
      progress.filesDone++
      onProgress?.({ ...progress, path: artifactPath })
    },
  }
}

// Files are read in pieces of 1 MiB, as each piece costs a trip through the web streams of fetch.
// A download is written in batches of 1 MiB: large enough for few writes, small enough that the
// bytes just hashed are still in the CPU cache when the kernel copies them into the file.
const READ_PIECE_BYTES = 1024 * 1024
const WRITE_BATCH_BYTES = 1024 * 1024

/**
 * A local file as a request body, made anew for each attempt, read in 1 MiB pieces straight from
 * the file into the body; `onBytes` hears of each piece as it is handed to fetch.
 */
export function fileBodyOf(localPath: string, onBytes?: (bytes: number) => void): () => ReadableStream<Uint8Array> {
  return () => {
    let file: FileHandle | undefined
    let unreadBytes = 0
    const closeFile = async () => {
      const closing = file
      file = undefined
      await closing?.close()
    }
    return new ReadableStream<Uint8Array>({
      async start() {
        file = await open(localPath, 'r')
        unreadBytes = (await file.stat()).size
      },
      async pull(controller) {
        try {
          // A new buffer for each piece, as fetch may still hold the previous one; no larger than
          // what is left (a small file costs a small buffer), and at least 1 byte to see the end.
          const piece = Buffer.allocUnsafe(Math.min(READ_PIECE_BYTES, Math.max(1, unreadBytes)))
          const { bytesRead } = await (file as FileHandle).read(piece, 0, piece.length, null)
          if (bytesRead === 0) {
            await closeFile()
            controller.close()
            return
          }
          unreadBytes -= bytesRead
          onBytes?.(bytesRead)
          controller.enqueue(piece.subarray(0, bytesRead))
        } catch (error) {
          await closeFile()
          throw error
        }
      },
      cancel: closeFile,
    })
  }
}

/**
 * Writes a download body to a new file in batches, hashing it on the way; returns its sha256. One
 * batch is at the disk while the next one fills, so the network does not wait for the disk.
 */
async function writeHashedFile(
  body: ReadableStream<Uint8Array>,
  localPath: string,
  onBytes: (bytes: number) => void,
): Promise<string> {
  const hash = createHash('sha256')
  const file = await open(localPath, 'w')
  let writing: Promise<unknown> = Promise.resolve()
  try {
    let batch: Uint8Array[] = []
    let batchBytes = 0
    for await (const piece of body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(piece)
      onBytes(piece.length)
      batch.push(piece)
      batchBytes += piece.length
      if (batchBytes >= WRITE_BATCH_BYTES) {
        await writing
        writing = file.writev(batch)
        // Observed here so that a failure while the loop waits for the network is not "unhandled";
        // the next await of `writing` still throws it.
        writing.catch(() => {})
        batch = []
        batchBytes = 0
      }
    }
    await writing
    if (batch.length > 0) await file.writev(batch)
  } finally {
    // Closed only once no write is under way.
    await writing.catch(() => {})
    await file.close()
  }
  return hash.digest('hex')
}

/**
 * Uploads a file (as `<artifactPath>/<its name>`, or its name) or a folder's files (under
 * `artifactPath`, or the run's root), each with its sha256 so the server keeps only intact bytes.
 */
export async function logLocalArtifacts(
  api: ArtifactsApi,
  runId: string,
  localPath: string,
  artifactPath: string | undefined,
  options: TransferOptions = {},
): Promise<LoggedArtifacts> {
  const info = await lstat(localPath)
  const skipped: LoggedArtifacts['skipped'] = []
  const files = info.isDirectory()
    ? await walkFolder(localPath, artifactPath, skipped)
    : [
        {
          localPath,
          artifactPath: joinArtifactPath(artifactPath, path.basename(localPath)),
          sizeBytes: (await stat(localPath)).size,
        },
      ]
  const tracker = progressTracker(
    files.length,
    files.reduce((sum, file) => sum + file.sizeBytes, 0),
    options.onProgress,
  )
  const artifacts: Artifact[] = []
  await forEachLimited(files, options.concurrency ?? DEFAULT_CONCURRENCY, async (file) => {
    const sha256 = await sha256OfFile(file.localPath)
    const body = fileBodyOf(file.localPath, tracker.addBytes)
    artifacts.push(await api.upload(runId, file.artifactPath, body, { sha256, force: options.force }))
    tracker.fileDone(file.artifactPath)
  })
  artifacts.sort((a, b) => (a.path < b.path ? -1 : 1))
  return { artifacts, skipped }
}

/** Streams one file to a temporary name next to its target, checks its digest, then renames it into place. */
async function downloadFile(
  api: ArtifactsApi,
  runId: string,
  file: { path: string; sha256: string },
  target: string,
  onBytes: (bytes: number) => void,
): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true })
  const partial = `${target}.provena-partial`
  try {
    const { body } = await api.download(runId, file.path)
    const actual = await writeHashedFile(body, partial, onBytes)
    if (actual !== file.sha256) {
      throw new InternalError(`'${file.path}' arrived with sha256 ${actual}, not ${file.sha256}; it was not kept`)
    }
    await rename(partial, target)
  } catch (error) {
    await rm(partial, { force: true })
    throw error
  }
}

/**
 * Downloads a file or a whole directory of a run to `dest`, each file at its artifact path below
 * `dest`; every file is checked against its sha256 before it takes its name. Returns the local
 * path of what `path` names.
 */
export async function downloadToFolder(
  api: ArtifactsApi,
  runId: string,
  artifactPath: string,
  dest: string,
  options: TransferOptions = {},
): Promise<string> {
  const root = path.resolve(dest)
  const files = await filesToDownload(api, runId, artifactPath)
  if (files.length === 0 && artifactPath !== '') {
    throw new NotFoundError(`no artifacts at '${artifactPath}' in run ${runId}`)
  }
  const tracker = progressTracker(
    files.length,
    files.reduce((sum, file) => sum + (file.sizeBytes ?? 0), 0),
    options.onProgress,
  )
  await forEachLimited(files, options.concurrency ?? DEFAULT_CONCURRENCY, async (file) => {
    // The server's paths are checked as if they came from anywhere: they must stay inside dest.
    const target = path.join(root, ...toArtifactKey(file.path).split('/'))
    if (!isInside(root, target)) throw new InvalidInputError(`refusing to write '${file.path}' outside ${root}`)
    await downloadFile(api, runId, { path: file.path, sha256: file.sha256 ?? '' }, target, tracker.addBytes)
    tracker.fileDone(file.path)
  })
  return artifactPath === '' ? root : path.join(root, ...toArtifactKey(artifactPath).split('/'))
}

async function filesToDownload(api: ArtifactsApi, runId: string, artifactPath: string) {
  try {
    const files = []
    for await (const entry of api.walk(runId, artifactPath)) files.push(entry)
    return files
  } catch (error) {
    // Listing a file as a directory answers CONFLICT: then the path is that one file.
    if (!(error instanceof ConflictError)) throw error
    const parent = artifactPath.split('/').slice(0, -1).join('/')
    const entry = (await api.listAll(runId, parent)).find((e) => e.path === toArtifactKey(artifactPath))
    if (!entry) throw error
    return [entry]
  }
}

/** A local file of a folder, named by its path below the folder, with its size and sha256. */
export interface HashedLocalFile {
  localPath: string
  path: string
  sizeBytes: number
  sha256: string
}

/**
 * Every file of a folder (the same walk as `logArtifact`: links that lead outside are skipped)
 * with its sha256, for uploads addressed by content (a model version from a local folder).
 */
export async function hashLocalFolder(
  folder: string,
): Promise<{ files: HashedLocalFile[]; skipped: LoggedArtifacts['skipped'] }> {
  if (!(await lstat(folder)).isDirectory()) throw new InvalidInputError(`${folder} is not a folder`)
  const skipped: LoggedArtifacts['skipped'] = []
  const files: HashedLocalFile[] = []
  for (const file of await walkFolder(folder, undefined, skipped)) {
    files.push({
      localPath: file.localPath,
      path: file.artifactPath,
      sizeBytes: file.sizeBytes,
      sha256: await sha256OfFile(file.localPath),
    })
  }
  return { files, skipped }
}
