import type { FileHandle } from 'node:fs/promises'
import { Writable } from 'node:stream'
import { STREAM_BUFFER_BYTES } from './digesting-stream.js'

// The kernel starts writing dirty pages back only past a share of memory (often gigabytes), so one
// fsync at the end of a large upload would wait for all of it. Syncing as the data arrives overlaps
// the disk's work with the network's, and the last fsync has little left to do.
const SYNC_EVERY_BYTES = 32 * 1024 * 1024

/**
 * A stream into an open file that is durable when it finishes: data is synced in the background
 * every 32 MiB while more arrives, and fully (fsync) before 'finish'. The caller closes the file.
 */
export function syncedFileWriter(file: FileHandle): Writable {
  let unsyncedBytes = 0
  let syncing: Promise<void> = Promise.resolve()
  let syncFailure: unknown
  const syncInBackground = () => {
    // Chained, so at most one sync runs; a failure is kept and reported by the final sync.
    syncing = syncing
      .then(() => file.datasync())
      .catch((error: unknown) => {
        syncFailure ??= error
      })
  }
  return new Writable({
    highWaterMark: STREAM_BUFFER_BYTES,
    writev(chunks, callback) {
      const buffers = chunks.map(({ chunk }) => chunk as Buffer)
      file.writev(buffers).then(({ bytesWritten }) => {
        unsyncedBytes += bytesWritten
        if (unsyncedBytes >= SYNC_EVERY_BYTES) {
          unsyncedBytes = 0
          syncInBackground()
        }
        callback()
      }, callback)
    },
    final(callback) {
      syncing
        .then(() => {
          if (syncFailure !== undefined) throw syncFailure
          return file.sync()
        })
        .then(() => callback(), callback)
    },
  })
}
