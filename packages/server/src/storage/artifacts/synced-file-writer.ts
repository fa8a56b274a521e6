import { createHash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'
import { finished, type Readable } from 'node:stream'
import type { StoredBlob } from './blob-store.js'

// The kernel starts writing dirty pages back only past a share of memory (often gigabytes), so one
// fsync at the end of a large upload would wait for all of it. Syncing as the data arrives overlaps
// the disk's work with the network's, and the last fsync has little left to do.
const SYNC_EVERY_BYTES = 32 * 1024 * 1024

// What may wait for the disk while a write is under way before the body is paused. The socket's
// pieces (64 KiB) pile up while a write runs and go out together in the next one (writev). Kept
// small on purpose: bytes just hashed are still in the CPU cache when the kernel copies them into
// the file. Measured on the 2-core bench machine (server CPU per GB uploaded): 1 MiB took about a
// quarter less than 8 MiB, a sixth less than 2 MiB, and 12% less than the former chain of streams.
const MAX_WAITING_BYTES = 1024 * 1024

/**
 * Writes `body` to the end of an open file, hashing each piece as it arrives, and resolves with
 * the digest and size once every byte is on disk (fsync). Data is synced in the background every
 * 32 MiB while more arrives. On any failure (the body's, a write's) the body is destroyed, and the
 * promise rejects only after the write under way has settled; the caller closes and removes the file.
 *
 * One loop instead of a pipeline of streams: with 64 KiB pieces, each stage of a pipeline costs
 * per piece, and a large upload has tens of thousands of them.
 */
export function writeSyncedFile(body: Readable, file: FileHandle): Promise<StoredBlob> {
  const hash = createHash('sha256')
  let sizeBytes = 0
  let waiting: Buffer[] = []
  let waitingBytes = 0
  let unsyncedBytes = 0
  let isWriting = false
  let isEnded = false
  let isSettled = false
  let failure: { error: unknown } | undefined
  // Chained, so at most one sync runs; a failure is kept and reported at the end.
  let syncing: Promise<void> = Promise.resolve()

  return new Promise<StoredBlob>((resolve, reject) => {
    const settle = () => {
      if (isSettled || isWriting || (failure === undefined && !(isEnded && waiting.length === 0))) return
      isSettled = true
      syncing
        .then(() => {
          if (failure !== undefined) throw failure.error
          return file.sync()
        })
        .then(() => resolve({ sha256: hash.digest('hex'), sizeBytes }), reject)
    }

    const fail = (error: unknown) => {
      failure ??= { error }
      body.destroy()
      settle()
    }

    const writeWaiting = async () => {
      isWriting = true
      try {
        while (failure === undefined && waiting.length > 0) {
          const buffers = waiting
          const bytes = waitingBytes
          waiting = []
          waitingBytes = 0
          if (body.isPaused()) body.resume()
          await file.writev(buffers)
          unsyncedBytes += bytes
          if (unsyncedBytes >= SYNC_EVERY_BYTES) {
            unsyncedBytes = 0
            syncing = syncing.then(() => file.datasync())
            syncing.catch((error: unknown) => {
              failure ??= { error }
            })
          }
        }
      } catch (error) {
        failure ??= { error }
        body.destroy()
      }
      isWriting = false
      settle()
    }

    body.on('data', (data: Buffer | string) => {
      // A request body yields Buffers; a stream made from strings (Readable.from) may yield text.
      const chunk = typeof data === 'string' ? Buffer.from(data) : data
      hash.update(chunk)
      sizeBytes += chunk.length
      waiting.push(chunk)
      waitingBytes += chunk.length
      if (waitingBytes >= MAX_WAITING_BYTES) body.pause()
      if (!isWriting) void writeWaiting()
    })
    // Fails on an error and on a body that closes before its end (a client that went away), also
    // when that happened before this function was called.
    finished(body, (error) => {
      if (error) return fail(error)
      isEnded = true
      settle()
    })
  })
}
