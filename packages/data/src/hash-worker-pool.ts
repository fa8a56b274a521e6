import { Worker } from 'node:worker_threads'

/** Bytes each worker reads at a time; two such buffers per worker are all the memory hashing takes. */
const CHUNK_BYTES = 1024 * 1024
/** Files smaller than a chunk travel to a worker in batches of up to this many, to save round trips. */
const SMALL_FILES_PER_BATCH = 128

// The worker runs from source text (`eval`) rather than from a file next to this module: the same
// code then works from the compiled package and from the TypeScript sources the tests run on.
// A worker hashes the files of a batch one after the other. A large file is read asynchronously,
// the next chunk while the current one is hashed, so the disk and the CPU both stay busy; a file
// smaller than a chunk is read with blocking calls, which on a thread of its own costs nothing and
// saves the hops through libuv's thread pool that make many small files slow.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const { closeSync, openSync, readSync } = require('node:fs')
const { open } = require('node:fs/promises')
const CHUNK = ${CHUNK_BYTES}
const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)]
function hashSmallFile(absolutePath) {
  const fd = openSync(absolutePath, 'r')
  try {
    const hash = createHash('sha256')
    let sizeBytes = 0
    for (let bytesRead; (bytesRead = readSync(fd, buffers[0], 0, CHUNK, null)) > 0; ) {
      hash.update(buffers[0].subarray(0, bytesRead))
      sizeBytes += bytesRead
    }
    return { sha256: hash.digest('hex'), sizeBytes, unreportedBytes: sizeBytes }
  } finally {
    closeSync(fd)
  }
}
async function hashLargeFile(absolutePath, id) {
  const handle = await open(absolutePath, 'r')
  try {
    const hash = createHash('sha256')
    let sizeBytes = 0
    let index = 0
    let pending = handle.read(buffers[0], 0, CHUNK, null)
    for (;;) {
      const { bytesRead } = await pending
      if (bytesRead === 0) break
      const chunk = buffers[index]
      index ^= 1
      pending = handle.read(buffers[index], 0, CHUNK, null)
      hash.update(bytesRead === CHUNK ? chunk : chunk.subarray(0, bytesRead))
      sizeBytes += bytesRead
      parentPort.postMessage({ type: 'progress', bytes: bytesRead })
    }
    return { sha256: hash.digest('hex'), sizeBytes, unreportedBytes: 0 }
  } finally {
    await handle.close()
  }
}
parentPort.on('message', async (batch) => {
  for (const { id, absolutePath, sizeBytes } of batch) {
    try {
      const result = sizeBytes < CHUNK ? hashSmallFile(absolutePath) : await hashLargeFile(absolutePath, id)
      parentPort.postMessage({ type: 'done', id, ...result })
    } catch (error) {
      parentPort.postMessage({ type: 'error', id, code: error.code, message: error.message })
      return
    }
  }
})
`

type WorkerMessage =
  | { type: 'progress'; bytes: number }
  | { type: 'done'; id: number; sha256: string; sizeBytes: number; unreportedBytes: number }
  | { type: 'error'; id: number; code: string | undefined; message: string }

export interface FileToHash {
  absolutePath: string
  sizeBytes: number
}

export interface HashedFile {
  sha256: string
  /** The bytes actually read, which differ from `FileToHash.sizeBytes` when the file changed meanwhile. */
  sizeBytes: number
}

/** A file that could not be read; `code` is the Node error code (`ENOENT`, `EACCES` …) when there is one. */
export class FileReadError extends Error {
  readonly index: number
  readonly code: string | undefined

  constructor(index: number, code: string | undefined, message: string) {
    super(message)
    this.index = index
    this.code = code
  }
}

/**
 * SHA-256 of every file, on `concurrency` worker threads; results in the order of `files`.
 * Larger files are handed out first, so the workers finish at about the same time.
 * `onBytes` is called with each chunk's size and `onFile` as each file completes.
 */
export async function hashFilesInWorkers(
  files: readonly FileToHash[],
  options: { concurrency: number; onBytes: (bytes: number) => void; onFile: () => void },
): Promise<HashedFile[]> {
  const results: (HashedFile | undefined)[] = new Array(files.length)
  const sizeOf = (index: number) => files[index]?.sizeBytes ?? 0
  const order = files.map((_, i) => i).sort((a, b) => sizeOf(b) - sizeOf(a))
  let cursor = 0
  // One large file, or up to SMALL_FILES_PER_BATCH small ones (the order puts all small files last).
  const nextBatch = () => {
    const batch: number[] = []
    while (cursor < order.length && batch.length < SMALL_FILES_PER_BATCH) {
      const index = order[cursor++] as number
      batch.push(index)
      if (sizeOf(index) >= CHUNK_BYTES) break
    }
    return batch
  }
  const workerCount = Math.min(options.concurrency, files.length)
  const workers = Array.from({ length: workerCount }, () => new Worker(WORKER_SOURCE, { eval: true }))
  try {
    await new Promise<void>((resolve, reject) => {
      let remaining = files.length
      for (const worker of workers) {
        let inFlight = 0
        const dispatch = () => {
          const batch = nextBatch()
          inFlight = batch.length
          if (batch.length > 0) {
            worker.postMessage(
              batch.map((id) => ({ id, absolutePath: files[id]?.absolutePath, sizeBytes: files[id]?.sizeBytes })),
            )
          }
        }
        worker.on('error', reject)
        worker.on('message', (message: WorkerMessage) => {
          // A throwing progress callback must fail the whole call, not escape as an uncaught exception.
          try {
            if (message.type === 'progress') {
              options.onBytes(message.bytes)
            } else if (message.type === 'error') {
              reject(new FileReadError(message.id, message.code, message.message))
            } else {
              results[message.id] = { sha256: message.sha256, sizeBytes: message.sizeBytes }
              if (message.unreportedBytes > 0) options.onBytes(message.unreportedBytes)
              options.onFile()
              remaining -= 1
              inFlight -= 1
              if (remaining === 0) resolve()
              else if (inFlight === 0) dispatch()
            }
          } catch (error) {
            reject(error)
          }
        })
        dispatch()
      }
      if (remaining === 0) resolve()
    })
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()))
  }
  return results.map((result, i) => {
    if (!result) throw new Error(`file ${i} was not hashed`)
    return result
  })
}
