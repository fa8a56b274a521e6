import type BetterSqlite3 from 'better-sqlite3'
import { CamelCasePlugin, type Dialect, Kysely } from 'kysely'
import { type DialectKind, dialectOf } from './dialects/dialect-kind.js'
import { createPostgresDialect } from './dialects/postgres.js'
import { createSqliteDialect } from './dialects/sqlite.js'
import type { BackgroundCheckpointer } from './dialects/sqlite-checkpointer.js'
import type { DB } from './schema.js'

export interface DatabaseOptions {
  /** A SQLite file path or a `postgres://` URL. */
  url: string
  /** SQLite only: FULL survives machine crashes, NORMAL trades that for speed. */
  sqliteSynchronous?: 'FULL' | 'NORMAL'
  postgresPoolSize?: number
  /** SQLite only: checkpoint the log from a background thread, off the event loop (the server does). */
  sqliteBackgroundCheckpoints?: boolean
  /** Told when the background checkpoints stop working (SQLite then checkpoints in commits again). */
  onBackgroundCheckpointFailure?: (reason: string) => void
}

export interface Database {
  db: Kysely<DB>
  kind: DialectKind
  /**
   * SQLite only: the connection under `db`, for the few bulk reads where Kysely's per-row work
   * costs more than the query (e.g. walking a million audit events). Null on PostgreSQL.
   */
  sqlite: BetterSqlite3.Database | null
  /** SQLite with synchronous FULL: makes the commits so far durable; the store awaits it after each transaction. */
  syncCommits: (() => Promise<void>) | null
  close(): Promise<void>
}

export function openDatabase({
  url,
  sqliteSynchronous = 'FULL',
  postgresPoolSize = 10,
  sqliteBackgroundCheckpoints = false,
  onBackgroundCheckpointFailure,
}: DatabaseOptions): Database {
  const kind = dialectOf(url)
  let dialect: Dialect
  let sqlite: BetterSqlite3.Database | null = null
  let syncCommits: (() => Promise<void>) | null = null
  let checkpointer: BackgroundCheckpointer | null = null
  if (kind === 'postgres') dialect = createPostgresDialect(url, postgresPoolSize)
  else
    ({
      dialect,
      handle: sqlite,
      syncCommits,
      checkpointer,
    } = createSqliteDialect(url, {
      synchronous: sqliteSynchronous,
      backgroundCheckpoints: sqliteBackgroundCheckpoints,
      onBackgroundCheckpointFailure,
    }))
  const db = new Kysely<DB>({ dialect, plugins: [new CamelCasePlugin()] })
  return {
    db,
    kind,
    sqlite,
    syncCommits,
    async close() {
      await checkpointer?.stop()
      await db.destroy()
    },
  }
}
