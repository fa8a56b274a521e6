import { Worker } from 'node:worker_threads'

/** Bytes each worker reads at a time; two such buffers per worker are all the memory hashing takes. */
const CHUNK_BYTES = 1024 * 1024

// The worker runs from source text (`eval`) rather than from a file next to this module: the same
// code then works from the compiled package and from the TypeScript sources the tests run on.
// Each worker hashes one file at a time, reading the next chunk while it hashes the current one,
// so the disk and the CPU both stay busy.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const { open } = require('node:fs/promises')
const CHUNK = ${CHUNK_BYTES}
const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)]
async function hashFile(absolutePath, id) {
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
      parentPort.postMessage({ type: 'progress', id, bytes: bytesRead })
    }
    return { sha256: hash.digest('hex'), sizeBytes }
  } finally {
    await handle.close()
  }
}
parentPort.on('message', ({ id, absolutePath }) => {
  hashFile(absolutePath, id).then(
    (result) => parentPort.postMessage({ type: 'done', id, ...result }),
    (error) => parentPort.postMessage({ type: 'error', id, code: error.code, message: error.message }),
  )
})
`

type WorkerMessage =
  | { type: 'progress'; id: number; bytes: number }
  | { type: 'done'; id: number; sha256: string; sizeBytes: number }
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
  const queue = files.map((_, i) => i).sort((a, b) => (files[b]?.sizeBytes ?? 0) - (files[a]?.sizeBytes ?? 0))
  const workerCount = Math.min(options.concurrency, files.length)
  const workers = Array.from({ length: workerCount }, () => new Worker(WORKER_SOURCE, { eval: true }))
  try {
    await new Promise<void>((resolve, reject) => {
      let remaining = files.length
      const dispatch = (worker: Worker) => {
        const index = queue.shift()
        if (index !== undefined) worker.postMessage({ id: index, absolutePath: files[index]?.absolutePath })
      }
      for (const worker of workers) {
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
              options.onFile()
              remaining -= 1
              if (remaining === 0) resolve()
              else dispatch(worker)
            }
          } catch (error) {
            reject(error)
          }
        })
        dispatch(worker)
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
