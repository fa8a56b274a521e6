import { parentPort, workerData } from 'node:worker_threads'
import type { DefaultPermission } from '@provena/contract'
import { createAuditLog } from './domain/audit/audit-log.js'
import { createAuthorizer } from './domain/auth/authorizer.js'
import type { RequestContext } from './domain/auth/principal.js'
import { systemClock } from './domain/clock.js'
import { type ColumnarBatch, createMetricsService } from './domain/metrics/metrics-service.js'
import { openDatabase } from './storage/index.js'
import { createStore } from './storage/store.js'

/**
 * The thread that applies metric batches on SQLite, over a connection of its own; see
 * ingest-thread.ts. Its commits are not flushed here: the main thread flushes the log (which
 * both connections write) before it acknowledges a batch.
 */
export interface IngestRequest {
  id: number
  ctx: RequestContext
  runId: string
  batch: ColumnarBatch
}

export type IngestReply =
  | { id: number; result: { applied: boolean } }
  | { id: number; error: { code: string | undefined; message: string; stack: string | undefined } }

const port = parentPort
if (port === null) throw new Error('ingest-worker.js runs as a worker thread')
const { db, defaultPermission } = workerData as { db: string; defaultPermission: DefaultPermission }
// The server's background thread checkpoints the log (sqlite-checkpointer.ts), not this connection's commits.
const database = openDatabase({ url: db, sqliteSynchronous: 'NORMAL', sqliteCheckpoints: 'elsewhere' })
const clock = systemClock
const metrics = createMetricsService({
  store: createStore(database),
  clock,
  audit: createAuditLog({ clock }),
  authorizer: createAuthorizer({ defaultPermission }),
})

port.on('message', (message: IngestRequest | { type: 'auto-checkpoint' } | { type: 'stop' }) => {
  if ('type' in message) {
    if (message.type === 'auto-checkpoint') database.checkpointInCommits()
    else database.close().finally(() => port.close())
    return
  }
  const { id, ctx, runId, batch } = message
  metrics.applyBatch(ctx, runId, batch).then(
    (result) => port.postMessage({ id, result } satisfies IngestReply),
    (error: unknown) => {
      const { message: text, stack } = error instanceof Error ? error : { message: String(error), stack: undefined }
      const code = (error as { code?: unknown } | null)?.code
      port.postMessage({
        id,
        error: { code: typeof code === 'string' ? code : undefined, message: text, stack },
      } satisfies IngestReply)
    },
  )
})
