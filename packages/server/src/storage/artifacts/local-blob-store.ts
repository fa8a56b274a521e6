import { randomUUID } from 'node:crypto'
import { mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { type BlobStore, checkDigest, type ListedBlob, type StoredBlob } from './blob-store.js'
import { checkExpectedDigest, STREAM_BUFFER_BYTES } from './digesting-stream.js'
import { writeSyncedFile } from './synced-file-writer.js'

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT'
}

/** fsyncs a directory, so that a rename in it survives a crash. */
async function syncDirectory(file: string): Promise<void> {
  const handle = await open(file, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Where the local store under `root` keeps a blob: `blobs/ab/cd/<sha256>`. */
export function localBlobFile(root: string, sha256: string): string {
  return path.join(root, 'blobs', sha256.slice(0, 2), sha256.slice(2, 4), checkDigest(sha256))
}

/**
 * Blobs in a local directory: `blobs/ab/cd/<sha256>`, written first to `uploads/<random>` on the
 * same file system, fsynced, and renamed into place (atomic), so a crash never leaves a partial
 * blob under a digest.
 */
export function createLocalBlobStore(root: string): BlobStore {
  const blobsDir = path.join(root, 'blobs')
  const uploadsDir = path.join(root, 'uploads')
  const blobPath = (sha256: string) => localBlobFile(root, sha256)

  async function* listDir(dir: string): AsyncGenerator<string> {
    try {
      yield* (await readdir(dir)).sort()
    } catch (error) {
      if (!isMissing(error)) throw error
    }
  }

  async function head(sha256: string): Promise<ListedBlob | undefined> {
    try {
      const info = await stat(blobPath(sha256))
      return { sha256, sizeBytes: info.size, modifiedAtMs: info.mtimeMs }
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  /**
   * Whether the store already holds these bytes: same digest, same size. Then the new copy is not
   * moved over it, as that would make the kernel drop the old file's cached pages while the upload
   * waits (1.7 s for 2 GiB). Its modification time is renewed, so `provena gc` counts it as just
   * written and keeps it through its grace period, as it would a copy moved into place.
   */
  async function reuseStoredCopy({ sha256, sizeBytes }: StoredBlob): Promise<boolean> {
    const stored = await head(sha256)
    if (stored?.sizeBytes !== sizeBytes) return false
    const now = new Date()
    await utimes(blobPath(sha256), now, now)
    return true
  }

  return {
    location: root,

    async put(body, { expectedSha256 } = {}) {
      // The body may fail (a client going away) before the writer below listens; the writer still
      // sees that error, but without a listener now it would crash the process.
      body.on('error', () => {})
      await mkdir(uploadsDir, { recursive: true })
      const temporary = path.join(uploadsDir, `${randomUUID()}.part`)
      try {
        const file = await open(temporary, 'wx', 0o600)
        const blob = await writeSyncedFile(body, file).finally(() => file.close())
        checkExpectedDigest(blob, expectedSha256)
        if (await reuseStoredCopy(blob)) {
          // Removing a large file costs the kernel a while (dropping its cached pages: ~1.7 s for
          // 2 GiB here), so the answer does not wait for it; removeAbandonedUploads sweeps up
          // after a crash.
          rm(temporary, { force: true }).catch(() => {})
          return blob
        }
        const target = blobPath(blob.sha256)
        await mkdir(path.dirname(target), { recursive: true })
        await rename(temporary, target)
        await syncDirectory(path.dirname(target))
        return blob
      } catch (error) {
        await rm(temporary, { force: true })
        throw error
      }
    },

    async get(sha256, range) {
      try {
        const file = await open(blobPath(sha256), 'r')
        return file.createReadStream({
          highWaterMark: STREAM_BUFFER_BYTES,
          ...(range ? { start: range.start, end: range.end } : {}),
        }) as Readable
      } catch (error) {
        if (isMissing(error)) return undefined
        throw error
      }
    },

    head,

    async delete(sha256) {
      await rm(blobPath(sha256), { force: true })
    },

    async *list(): AsyncGenerator<ListedBlob> {
      for await (const first of listDir(blobsDir)) {
        for await (const second of listDir(path.join(blobsDir, first))) {
          for await (const name of listDir(path.join(blobsDir, first, second))) {
            if (!/^[0-9a-f]{64}$/.test(name)) continue
            const found = await head(name)
            if (found) yield found
          }
        }
      }
    },

    async removeAbandonedUploads(olderThanMs) {
      let removed = 0
      for await (const name of listDir(uploadsDir)) {
        const file = path.join(uploadsDir, name)
        const info = await stat(file).catch(() => undefined)
        if (info && info.mtimeMs < olderThanMs) {
          await rm(file, { force: true })
          removed++
        }
      }
      return removed
    },

    close() {},
  }
}
