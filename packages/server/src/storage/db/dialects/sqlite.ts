import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { SqliteDialect } from 'kysely'

export interface SqliteOptions {
  /** FULL by default: a write acknowledged to a client survives a crash of the process or the machine. */
  synchronous: 'FULL' | 'NORMAL'
}

/** Opens (and creates) a SQLite file in WAL mode. */
export function createSqliteDialect(file: string, { synchronous }: SqliteOptions): SqliteDialect {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  const database = new Database(file)
  database.pragma('journal_mode = WAL')
  database.pragma(`synchronous = ${synchronous}`)
  database.pragma('foreign_keys = ON')
  // Several replicas or CLI commands may share the file; wait for a lock rather than fail at once.
  database.pragma('busy_timeout = 10000')
  // MLflow's LIKE is case-sensitive (ILIKE is the insensitive one); SQLite's LIKE is not by default.
  database.pragma('case_sensitive_like = ON')
  return new SqliteDialect({ database })
}
