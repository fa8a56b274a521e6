import type BetterSqlite3 from 'better-sqlite3'
import { CamelCasePlugin, type Dialect, Kysely } from 'kysely'
import { type DialectKind, dialectOf } from './dialects/dialect-kind.js'
import { createPostgresDialect } from './dialects/postgres.js'
import { createSqliteDialect, type SqliteCheckpoints } from './dialects/sqlite.js'
import type { BackgroundCheckpointer } from './dialects/sqlite-checkpointer.js'
import type { DB } from './schema.js'

export interface DatabaseOptions {
  /** A SQLite file path or a `postgres://` URL. */
  url: string
  /** SQLite only: FULL survives machine crashes, NORMAL trades that for speed. */
  sqliteSynchronous?: 'FULL' | 'NORMAL'
  postgresPoolSize?: number
  /** SQLite only: who checkpoints the log (see SqliteCheckpoints); the server's is a background thread. */
  sqliteCheckpoints?: SqliteCheckpoints
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
  /** SQLite: from now on SQLite checkpoints the log inside commits again. Nothing on PostgreSQL. */
  checkpointInCommits(): void
  close(): Promise<void>
}

export function openDatabase({
  url,
  sqliteSynchronous = 'FULL',
  postgresPoolSize = 10,
  sqliteCheckpoints = 'in-commits',
  onBackgroundCheckpointFailure,
}: DatabaseOptions): Database {
  const kind = dialectOf(url)
  let dialect: Dialect
  let sqlite: BetterSqlite3.Database | null = null
  let syncCommits: (() => Promise<void>) | null = null
  let checkpointer: BackgroundCheckpointer | null = null
  let checkpointInCommits = () => {}
  if (kind === 'postgres') dialect = createPostgresDialect(url, postgresPoolSize)
  else
    ({
      dialect,
      handle: sqlite,
      syncCommits,
      checkpointer,
      checkpointInCommits,
    } = createSqliteDialect(url, {
      synchronous: sqliteSynchronous,
      checkpoints: sqliteCheckpoints,
      onBackgroundCheckpointFailure,
    }))
  const db = new Kysely<DB>({ dialect, plugins: [new CamelCasePlugin()] })
  return {
    db,
    kind,
    sqlite,
    syncCommits,
    checkpointInCommits,
    async close() {
      await checkpointer?.stop()
      await db.destroy()
    },
  }
}
