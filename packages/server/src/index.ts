import { existsSync } from 'node:fs'
import { verificationThreads, workerSegmentRunner } from './audit-chain-workers.js'
import { type StoredChainVerification, verifyStoredChain } from './domain/audit/stored-chain.js'
import { redactDatabaseUrl } from './main.js'
import { dialectOf, openDatabase } from './storage/index.js'
import { createStore, type Store } from './storage/store.js'

export { ConfigError, loadServerConfig, type ServerConfig, type ServerFlags } from './config.js'
export { type ChainVerification, createChainVerifier } from './domain/audit/event-hash.js'
export {
  eventLeafHash,
  hashFromHex,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from './domain/audit/merkle-tree.js'
export { NoteVerificationError } from './domain/audit/note-verification-error.js'
export { type Checkpoint, openNote, parseCheckpoint } from './domain/audit/signed-note.js'
export { migrateDatabase, type RunningServer, startServer } from './main.js'
export type { Store } from './storage/store.js'

/**
 * verifyStoredChain over the opened database; a long chain is split into segments verified in
 * worker threads (one per core by default, or `threads`), each over its own connection.
 */
export type VerifyChain = (
  onProgress?: (checked: number, total: number) => void,
  options?: { threads?: number },
) => Promise<StoredChainVerification>

/**
 * Opens a database to check its audit trail offline, e.g. a copy of a stopped server's data: no
 * migration runs and no row is written, so the evidence is examined as it was found.
 */
export async function openStoreForVerification({
  db,
}: {
  db: string
}): Promise<{ store: Store; verifyChain: VerifyChain; close(): Promise<void> }> {
  // Opening a SQLite path that does not exist would create an empty database there.
  if (dialectOf(db) === 'sqlite' && !existsSync(db)) throw new Error(`no database at ${db}`)
  const database = openDatabase({ url: db, postgresPoolSize: 2 })
  const store = createStore(database)
  try {
    await store.audit.head()
  } catch (error) {
    await database.close()
    const location = redactDatabaseUrl(db)
    throw new Error(`${location} holds no Provena audit trail (not a Provena database, or not migrated yet)`, {
      cause: error,
    })
  }
  return {
    store,
    async verifyChain(onProgress, { threads } = {}) {
      const { seq } = await store.audit.head()
      const segments = verificationThreads(seq, threads)
      if (segments === 1) return verifyStoredChain(store, onProgress)
      return verifyStoredChain(store, onProgress, { segments, runSegments: workerSegmentRunner(db) })
    },
    close: () => database.close(),
  }
}
