import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { SegmentRunner, SegmentVerification } from './domain/audit/stored-chain.js'

/** Below this many events per thread, starting threads costs more than it saves. */
const MIN_EVENTS_PER_THREAD = 20_000

type WorkerMessage = { type: 'progress'; checked: number } | { type: 'done'; result: SegmentVerification }

/**
 * How many threads to verify a chain of `size` events with: as `requested` (at most one per
 * event), else one per core (at most 8) but none with fewer than MIN_EVENTS_PER_THREAD events.
 */
export function verificationThreads(size: number, requested?: number): number {
  if (requested !== undefined) return Math.max(1, Math.min(Math.floor(requested), size))
  return Math.max(1, Math.min(availableParallelism(), 8, Math.floor(size / MIN_EVENTS_PER_THREAD)))
}

/**
 * Verifies each segment in a worker thread of its own, each over its own connection to `db`,
 * so hashing and reading use every core; the segments are joined by verifyStoredChain.
 */
export function workerSegmentRunner(db: string): SegmentRunner {
  return (segments, onProgress) => {
    const checked = segments.map(() => 0)
    return Promise.all(
      segments.map(
        (segment, i) =>
          new Promise<SegmentVerification>((resolve, reject) => {
            const worker = new Worker(new URL('./audit-chain-worker.js', import.meta.url), {
              workerData: { db, segment },
            })
            let result: SegmentVerification | undefined
            worker.on('message', (message: WorkerMessage) => {
              if (message.type === 'done') {
                result = message.result
                return
              }
              checked[i] = message.checked
              onProgress(checked.reduce((sum, n) => sum + n, 0))
            })
            worker.on('error', reject)
            worker.on('exit', (code) => {
              if (result) resolve(result)
              else
                reject(
                  new Error(
                    `the verification thread for events ${segment.fromSeq}..${segment.toSeq} exited with code ${code}`,
                  ),
                )
            })
          }),
      ),
    )
  }
}
