import { CamelCasePlugin, Kysely } from 'kysely'
import { type DialectKind, dialectOf } from './dialects/dialect-kind.js'
import { createPostgresDialect } from './dialects/postgres.js'
import { createSqliteDialect } from './dialects/sqlite.js'
import type { DB } from './schema.js'

export interface DatabaseOptions {
  /** A SQLite file path or a `postgres://` URL. */
  url: string
  /** SQLite only: FULL survives machine crashes, NORMAL trades that for speed. */
  sqliteSynchronous?: 'FULL' | 'NORMAL'
  postgresPoolSize?: number
}

export interface Database {
  db: Kysely<DB>
  kind: DialectKind
  close(): Promise<void>
}

export function openDatabase({ url, sqliteSynchronous = 'FULL', postgresPoolSize = 10 }: DatabaseOptions): Database {
  const kind = dialectOf(url)
  const dialect =
    kind === 'postgres'
      ? createPostgresDialect(url, postgresPoolSize)
      : createSqliteDialect(url, { synchronous: sqliteSynchronous })
  const db = new Kysely<DB>({ dialect, plugins: [new CamelCasePlugin()] })
  return { db, kind, close: () => db.destroy() }
}
