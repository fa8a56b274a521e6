import type BetterSqlite3 from 'better-sqlite3'
import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import { createArtifactsRepository } from './db/artifacts-repository.js'
import { createAuditRepository } from './db/audit-repository.js'
import { createDatasetsRepository } from './db/datasets-repository.js'
import type { DialectKind } from './db/dialects/dialect-kind.js'
import { createExperimentsRepository } from './db/experiments-repository.js'
import { createLineageNodesRepository } from './db/lineage-nodes-repository.js'
import { createLineageRepository } from './db/lineage-repository.js'
import { createMetricsRepository } from './db/metrics-repository.js'
import { createModelAliasesRepository } from './db/model-aliases-repository.js'
import { createModelsRepository } from './db/models-repository.js'
import { createPermissionsRepository } from './db/permissions-repository.js'
import { createRunSearchRepository } from './db/run-search-repository.js'
import { createRunsRepository } from './db/runs-repository.js'
import type { DB } from './db/schema.js'
import { createTokensRepository } from './db/tokens-repository.js'
import { createUsersRepository } from './db/users-repository.js'
import { createWebhooksRepository } from './db/webhooks-repository.js'

/** Every repository over one connection or transaction, plus a way to open a transaction. */
export interface Store {
  kind: DialectKind
  experiments: ReturnType<typeof createExperimentsRepository>
  runs: ReturnType<typeof createRunsRepository>
  metrics: ReturnType<typeof createMetricsRepository>
  runSearch: ReturnType<typeof createRunSearchRepository>
  users: ReturnType<typeof createUsersRepository>
  tokens: ReturnType<typeof createTokensRepository>
  permissions: ReturnType<typeof createPermissionsRepository>
  audit: ReturnType<typeof createAuditRepository>
  artifacts: ReturnType<typeof createArtifactsRepository>
  datasets: ReturnType<typeof createDatasetsRepository>
  lineage: ReturnType<typeof createLineageRepository>
  lineageNodes: ReturnType<typeof createLineageNodesRepository>
  models: ReturnType<typeof createModelsRepository>
  modelAliases: ReturnType<typeof createModelAliasesRepository>
  webhooks: ReturnType<typeof createWebhooksRepository>
  /** Runs `work` in one transaction; inside a transaction it joins the open one. */
  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T>
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>
}

/** What a store is made over: the Kysely instance, its dialect and, on SQLite, the raw connection. */
export interface StoreDatabase {
  db: Kysely<DB>
  kind: DialectKind
  sqlite?: BetterSqlite3.Database | null
  /** `db` is a transaction already open, which `transaction()` joins instead of nesting. */
  isInTransaction?: boolean
  /** Awaited after each transaction's commit, before `transaction()` resolves: makes it durable (SQLite FULL). */
  syncCommits?: (() => Promise<void>) | null
}

export function createStore(database: StoreDatabase): Store {
  return createStoreOver(database.db, database.kind, {
    sqlite: database.sqlite ?? null,
    isInTransaction: database.isInTransaction ?? false,
    syncCommits: database.syncCommits ?? null,
  })
}

interface StoreOptions {
  sqlite: BetterSqlite3.Database | null
  isInTransaction: boolean
  syncCommits: (() => Promise<void>) | null
}

function createStoreOver(db: Kysely<DB>, kind: DialectKind, options: StoreOptions): Store {
  const { sqlite, isInTransaction, syncCommits } = options
  const store: Store = {
    kind,
    experiments: createExperimentsRepository(db),
    runs: createRunsRepository(db, kind),
    metrics: createMetricsRepository(db),
    runSearch: createRunSearchRepository(db),
    users: createUsersRepository(db),
    tokens: createTokensRepository(db),
    permissions: createPermissionsRepository(db),
    audit: createAuditRepository(db, sqlite),
    artifacts: createArtifactsRepository(db, kind),
    datasets: createDatasetsRepository(db),
    lineage: createLineageRepository(db),
    lineageNodes: createLineageNodesRepository(db),
    models: createModelsRepository(db, kind),
    modelAliases: createModelAliasesRepository(db),
    webhooks: createWebhooksRepository(db, kind),
    async transaction(work) {
      if (isInTransaction) return work(store)
      const inner = { sqlite, isInTransaction: true, syncCommits: null }
      const result = await db.transaction().execute((trx) => work(createStoreOver(trx, kind, inner)))
      // Every write goes through a transaction, so every write is durable before it is acknowledged.
      await syncCommits?.()
      return result
    },
    async ping() {
      await sql`select 1`.execute(db)
    },
  }
  return store
}
