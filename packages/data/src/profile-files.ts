import { existsSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { availableParallelism, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { DatasetProfile, DatasetSchema } from '@provena/contract'
import { InvalidInputError } from '@provena/contract'
import { type PartOfColumns, type ProfileInput, profileTablePart } from './profile-table-part.js'
import type { WorkerMessage } from './profile-worker.js'
import { mergeTableParts, type TablePart } from './table-accumulator.js'

export type { ProfileInput } from './profile-table-part.js'

export interface ProfileProgress {
  bytesRead: number
  totalBytes: number
  rows: number
}

export interface ProfileOptions {
  onProgress?: (progress: ProfileProgress) => void
  /**
   * How many parts the columns are split into, each profiled by a worker thread reading the
   * files itself. Default: one per idle CPU (at most 4) for inputs of 16 MiB or more, else 1.
   * The profile is the same whatever the number.
   */
  workers?: number
}

/** Progress is reported at most this often (and once at the end), so a callback that draws stays cheap. */
const PROGRESS_INTERVAL_MS = 100
const MIN_BYTES_FOR_WORKERS = 16 * 1024 * 1024
const MAX_WORKERS = 4
const WORKER_SCRIPT = new URL('./profile-worker.js', import.meta.url)

/**
 * One streaming pass over the files (in the given order) as ONE table; bounded memory.
 * Columns are matched by name across files; a column missing from a file is null in its rows.
 */
export async function profileFiles(
  files: ProfileInput[],
  options: ProfileOptions = {},
): Promise<{ schema: DatasetSchema; profile: DatasetProfile }> {
  const sizes = await Promise.all(files.map((file) => sizeOf(file)))
  const totalBytes = sizes.reduce((sum, size) => sum + size, 0)
  const progress = { bytesRead: 0, totalBytes, rows: 0 }
  let reportedAtMs = 0
  const report = (isFinal: boolean) => {
    const nowMs = Date.now()
    if (options.onProgress === undefined || (!isFinal && nowMs - reportedAtMs < PROGRESS_INTERVAL_MS)) return
    reportedAtMs = nowMs
    options.onProgress({ ...progress })
  }
  const onRead = (bytes: number, rows: number) => {
    progress.bytesRead += bytes
    progress.rows = rows
    report(false)
  }
  const requested = options.workers ?? (totalBytes >= MIN_BYTES_FOR_WORKERS ? idleCpus() : 1)
  const count = Number.isFinite(requested) ? Math.max(1, Math.floor(requested)) : 1
  const parts = Array.from({ length: count }, (_, index) => ({ index, count }))
  const tableParts = await profileParts(files, parts, onRead)
  report(true)
  return mergeTableParts(tableParts, files.length)
}

/**
 * Every worker reads (and, for text, parses) all the files, so on a busy machine more workers
 * than idle CPUs make the profile slower, not faster; the 1-minute load average tells.
 */
function idleCpus(): number {
  return Math.max(1, Math.min(MAX_WORKERS, availableParallelism() - Math.round(loadavg()[0])))
}

async function profileParts(
  files: ProfileInput[],
  parts: PartOfColumns[],
  onRead: (bytes: number, rows: number) => void,
): Promise<TablePart[]> {
  if (parts.length === 1) return [await profileTablePart(files, parts[0], onRead)]
  // Built code runs the parts in threads; the sources (tests) have no worker script to start,
  // so they run the same parts one after another in this thread.
  if (!existsSync(fileURLToPath(WORKER_SCRIPT))) {
    const results: TablePart[] = []
    for (const part of parts) results.push(await profileTablePart(files, part, part.index === 0 ? onRead : () => {}))
    return results
  }
  const workers = parts.map((part) => new Worker(WORKER_SCRIPT, { workerData: { files, part } }))
  try {
    return await Promise.all(workers.map((worker) => resultOf(worker, onRead)))
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()))
  }
}

function resultOf(worker: Worker, onRead: (bytes: number, rows: number) => void): Promise<TablePart> {
  return new Promise((resolve, reject) => {
    worker.on('message', (message: WorkerMessage) => {
      try {
        if (message.kind === 'progress') onRead(message.bytes, message.rows)
        else if (message.kind === 'done') resolve(message.part)
        else reject(message.isInvalidInput ? new InvalidInputError(message.message) : new Error(message.message))
      } catch (error) {
        // A throwing onProgress fails the profile, as it does without worker threads.
        reject(error)
      }
    })
    worker.on('error', reject)
    worker.on('exit', (code) => reject(new Error(`a profiling worker thread stopped (exit code ${code})`)))
  })
}

async function sizeOf(file: ProfileInput): Promise<number> {
  try {
    const stats = await stat(file.absolutePath)
    if (!stats.isFile()) throw new InvalidInputError(`${file.relativePath}: not a regular file`)
    return stats.size
  } catch (error) {
    if (error instanceof InvalidInputError) throw error
    throw new InvalidInputError(`${file.relativePath}: cannot be read (${(error as Error).message})`, { cause: error })
  }
}
