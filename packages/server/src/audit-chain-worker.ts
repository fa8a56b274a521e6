import { parentPort, workerData } from 'node:worker_threads'
import { type ChainSegment, verifyChainSegment } from './domain/audit/stored-chain.js'
import { openDatabase } from './storage/index.js'
import { createStore } from './storage/store.js'

/** One segment of an audit chain verified in a worker thread over a connection of its own; see audit-chain-workers.ts. */
const { db, segment } = workerData as { db: string; segment: ChainSegment }
const port = parentPort
if (port === null) throw new Error('audit-chain-worker.js runs as a worker thread')
const database = openDatabase({ url: db, postgresPoolSize: 1 })
try {
  const result = await verifyChainSegment(createStore(database), segment, (checked) =>
    port.postMessage({ type: 'progress', checked }),
  )
  port.postMessage({ type: 'done', result })
} finally {
  await database.close()
}
