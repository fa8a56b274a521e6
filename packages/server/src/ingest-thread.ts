import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { AppError, type DefaultPermission, ERROR_CODES, type ErrorCode } from '@provena/contract'
import type { RequestContext } from './domain/auth/principal.js'
import { systemClock } from './domain/clock.js'
import { batchSha256, type LogBatchInput, metricPointBatch } from './domain/metrics/metrics-service.js'
import type { IngestReply, IngestRequest } from './ingest-worker.js'

const WORKER_SCRIPT = new URL('./ingest-worker.js', import.meta.url)

export interface IngestThread {
  /**
   * Applies a batch in the thread, as the metrics service's logBatch does, and resolves once it
   * is durable. Once the thread has stopped (it never should before close), batches go to
   * `inProcess`, the metrics service's own logBatch in this thread.
   */
  logBatch(
    ctx: RequestContext,
    runId: string,
    batch: LogBatchInput,
    inProcess: (ctx: RequestContext, runId: string, batch: LogBatchInput) => Promise<{ applied: boolean }>,
  ): Promise<{ applied: boolean }>
  /** From now on the thread's commits checkpoint the log themselves (the background checkpointer failed). */
  checkpointInCommits(): void
  /** Stops the thread after the batches sent to it; call once no more are coming. */
  close(): Promise<void>
}

interface Options {
  /** The SQLite file. */
  db: string
  defaultPermission: DefaultPermission
  /** Makes the commits so far durable (the WAL syncer of the server's connection), or null. */
  syncCommits: (() => Promise<void>) | null
  /** Told once if the thread stops before close(); its batches then fail and later ones run in process. */
  onFailure: (reason: string) => void
}

function toError({ code, message, stack }: { code: string | undefined; message: string; stack: string | undefined }) {
  const error = ERROR_CODES.includes(code as ErrorCode) ? new AppError(code as ErrorCode, message) : new Error(message)
  if (stack !== undefined) error.stack = stack
  return error
}

/**
 * Metric batches on SQLite are applied in a thread of their own, over a second connection to
 * the same file: the event loop goes on reading, parsing and checking the next requests while
 * the thread writes, so a batch's work is spread over two cores. SQLite lets one connection
 * write at a time (each transaction takes the write lock up front and waits its turn), so the
 * thread's batches and the main connection's writes stay serialised as before, and the audit
 * chain stays one chain. The thread runs the same domain code (authorization, idempotency,
 * params, lineage, audit) as logBatch does in the main thread.
 *
 * Undefined when the built worker script is not there (the sources run under the tests): the
 * caller then applies batches in the main thread.
 */
export function startIngestThread({
  db,
  defaultPermission,
  syncCommits,
  onFailure,
}: Options): IngestThread | undefined {
  if (!existsSync(fileURLToPath(WORKER_SCRIPT))) return undefined
  const worker = new Worker(WORKER_SCRIPT, { workerData: { db, defaultPermission } })
  const pending = new Map<number, { resolve: (result: { applied: boolean }) => void; reject: (error: Error) => void }>()
  let nextId = 1
  let failure: Error | undefined
  let isClosing = false
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()))

  function failAll(error: Error) {
    if (failure === undefined && !isClosing) onFailure(error.message)
    failure ??= error
    for (const { reject } of pending.values()) reject(error)
    pending.clear()
  }
  worker.on('message', (reply: IngestReply) => {
    const call = pending.get(reply.id)
    if (call === undefined) return
    pending.delete(reply.id)
    if ('error' in reply) call.reject(toError(reply.error))
    else call.resolve(reply.result)
  })
  worker.on('error', (error) => failAll(error))
  worker.on('exit', (code) => failAll(new Error(`the metric ingestion thread exited (code ${code})`)))

  return {
    async logBatch(ctx, runId, batch, inProcess) {
      if (failure) return inProcess(ctx, runId, batch)
      const id = nextId++
      const { metrics, series = [], ...rest } = batch
      // The points go as columns whose buffers are handed over, not copied: no object per point.
      const points = metricPointBatch(metrics, series, systemClock.nowMs())
      // The audit digest is taken here, where there is time to spare: the thread is the busier one.
      const columnar = { ...rest, points }
      const sha256 = batchSha256(columnar)
      const result = await new Promise<{ applied: boolean }>((resolve, reject) => {
        pending.set(id, { resolve, reject })
        const buffers = [points.keyIndex, points.values, points.steps, points.timestamps].map(
          (column) => column.buffer as ArrayBuffer,
        )
        worker.postMessage({ id, ctx, runId, batch: { ...columnar, sha256 } } satisfies IngestRequest, buffers)
      })
      // The thread's connection commits without waiting for the disk; the shared log is flushed here.
      await syncCommits?.()
      return result
    },
    checkpointInCommits() {
      worker.postMessage({ type: 'auto-checkpoint' })
    },
    async close() {
      isClosing = true
      if (failure === undefined) worker.postMessage({ type: 'stop' })
      await exited
    },
  }
}
