import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/** How often the background connection copies the write-ahead log into the database file. */
const CHECKPOINT_INTERVAL_MS = 200

// The thread's code, run as CommonJS (`eval`): one connection of its own, a PASSIVE checkpoint
// every interval (it never waits for a lock and never blocks a writer), and a clean close on
// "stop", so the main connection, closing last, can checkpoint and remove the log.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file, { fileMustExist: true })
let checkpointed = 0
const timer = setInterval(() => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)')
    if (result && result.checkpointed > 0) checkpointed += result.checkpointed
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message || error) })
  }
}, workerData.intervalMs)
parentPort.on('message', (message) => {
  if (message === 'stop') {
    clearInterval(timer)
    db.close()
    parentPort.postMessage({ type: 'stopped', checkpointed })
    parentPort.close()
  }
})
`

export interface BackgroundCheckpointer {
  /** Stops the thread after its current checkpoint; resolves with how many log frames it copied in all. */
  stop(): Promise<number>
}

/**
 * Checkpoints a SQLite database in WAL mode from a worker thread with a connection of its own.
 *
 * A checkpoint copies the log's pages into the database file and waits for the disk. Left to
 * SQLite (wal_autocheckpoint), it runs inside the COMMIT of whichever write crosses 1,000 pages:
 * on the event loop, about once per hundred metric batches, for tens of milliseconds (three
 * quarters of the time spent committing). Here the connection that writes turns automatic
 * checkpoints off and this thread does them on the other core. If the thread fails,
 * `onFailure` is called once (the caller turns automatic checkpoints back on).
 */
export function startBackgroundCheckpointer(file: string, onFailure: (reason: string) => void): BackgroundCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3')
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, driver, intervalMs: CHECKPOINT_INTERVAL_MS },
  })
  // The thread never keeps the process alive on its own.
  worker.unref()
  let hasFailed = false
  let stopped: ((frames: number) => void) | undefined
  const fail = (reason: string) => {
    if (hasFailed) return
    hasFailed = true
    onFailure(reason)
  }
  worker.on('message', (message: { type: 'error'; message: string } | { type: 'stopped'; checkpointed: number }) => {
    if (message.type === 'error') fail(message.message)
    else stopped?.(message.checkpointed)
  })
  worker.on('error', (error) => fail(error.message))
  worker.on('exit', () => {
    if (stopped === undefined) fail('the checkpoint thread exited')
    stopped?.(0)
  })
  return {
    stop() {
      return new Promise<number>((resolve) => {
        let isDone = false
        stopped = (frames) => {
          if (isDone) return
          isDone = true
          resolve(frames)
        }
        worker.postMessage('stop')
      })
    },
  }
}
