import type { Kysely } from 'kysely'
import { sql } from 'kysely'
import { createArtifactsRepository } from './db/artifacts-repository.js'
import { createAuditRepository } from './db/audit-repository.js'
import type { DialectKind } from './db/dialects/dialect-kind.js'
import { createExperimentsRepository } from './db/experiments-repository.js'
import { createMetricsRepository } from './db/metrics-repository.js'
import { createPermissionsRepository } from './db/permissions-repository.js'
import { createRunSearchRepository } from './db/run-search-repository.js'
import { createRunsRepository } from './db/runs-repository.js'
import type { DB } from './db/schema.js'
import { createTokensRepository } from './db/tokens-repository.js'
import { createUsersRepository } from './db/users-repository.js'

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
  /** Runs `work` in one transaction; inside a transaction it joins the open one. */
  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T>
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>
}

export function createStore(db: Kysely<DB>, kind: DialectKind, isInTransaction = false): Store {
  const store: Store = {
    kind,
    experiments: createExperimentsRepository(db),
    runs: createRunsRepository(db, kind),
    metrics: createMetricsRepository(db),
    runSearch: createRunSearchRepository(db),
    users: createUsersRepository(db),
    tokens: createTokensRepository(db),
    permissions: createPermissionsRepository(db),
    audit: createAuditRepository(db),
    artifacts: createArtifactsRepository(db, kind),
    transaction(work) {
      if (isInTransaction) return work(store)
      return db.transaction().execute((trx) => work(createStore(trx, kind, true)))
    },
    async ping() {
      await sql`select 1`.execute(db)
    },
  }
  return store
}
