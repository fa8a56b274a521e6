import { type FileHandle, open, stat } from 'node:fs/promises'

const WAL_CHECK_MS = 1000

/**
 * Makes the commits written so far to a SQLite write-ahead log durable: fdatasync of the
 * `-wal` file, in libuv's thread pool, so the event loop goes on serving other requests while
 * the disk works. Calls that arrive while a sync is running share the next one (which starts
 * after the running one ends, so it covers their commits): concurrent writers pay for one
 * flush between them, as with a database's group commit.
 *
 * SQLite itself runs with synchronous=NORMAL under this: a commit writes its WAL frames without
 * waiting for the disk, and is acknowledged to the client only after `sync()` resolved. The WAL
 * is written in order, so a crash keeps a prefix of the commits: never a later one without an
 * earlier one. (Another request may read a commit before it is flushed.)
 */
export function createWalSyncer(walPath: string): () => Promise<void> {
  let handle: FileHandle | undefined
  let handleIno: number | undefined
  let checkedAtMs = 0
  return coalesceFlushes(async () => {
    // SQLite keeps the -wal file while a connection is open; a file replaced by another process
    // (which can happen only while this one has none open) is reopened. Looked for at most every
    // WAL_CHECK_MS: under load a stat per flush cost more than the flush's own call.
    const nowMs = Date.now()
    if (handle === undefined || nowMs - checkedAtMs >= WAL_CHECK_MS) {
      checkedAtMs = nowMs
      const { ino } = await stat(walPath)
      if (handle === undefined || handleIno !== ino) {
        await handle?.close()
        handle = await open(walPath, 'r')
        handleIno = (await handle.stat()).ino
      }
    }
    await handle.datasync()
  })
}

/**
 * `flush` shared by concurrent callers: every call resolves after a flush that started after the
 * call was made, and at most one flush runs at a time, with at most one more queued behind it.
 */
export function coalesceFlushes(flush: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined
  let queued: Promise<void> | undefined

  function sync(): Promise<void> {
    if (running === undefined) {
      running = flush().finally(() => {
        running = undefined
      })
      return running
    }
    // The running flush may have started before the caller's commit: the caller needs the next one.
    queued ??= running
      .catch(() => {})
      .then(() => {
        queued = undefined
        return sync()
      })
    return queued
  }

  return sync
}
