import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { type SqliteDatabase, SqliteDialect } from 'kysely'
import { type BackgroundCheckpointer, startBackgroundCheckpointer } from './sqlite-checkpointer.js'
import { createWalSyncer } from './wal-syncer.js'

export interface SqliteOptions {
  /** FULL by default: a write acknowledged to a client survives a crash of the process or the machine. */
  synchronous: 'FULL' | 'NORMAL'
  /**
   * Who copies the log into the database file: SQLite, inside the commit that crosses 1,000 pages
   * (`in-commits`, the default); a thread of this connection's own (`background`, the server;
   * see sqlite-checkpointer.ts); or another connection that has such a thread (`elsewhere`).
   */
  checkpoints?: SqliteCheckpoints
  onBackgroundCheckpointFailure?: ((reason: string) => void) | undefined
}

export type SqliteCheckpoints = 'in-commits' | 'background' | 'elsewhere'

export interface SqliteConnection {
  dialect: SqliteDialect
  /** The connection under the dialect. */
  handle: Database.Database
  /**
   * With synchronous FULL: resolves once every commit so far is on disk (see createWalSyncer).
   * The store calls it after each transaction, before the write is acknowledged.
   */
  syncCommits: (() => Promise<void>) | null
  /** The thread that checkpoints the log, when there is one; stopped before the connection closes. */
  checkpointer: BackgroundCheckpointer | null
  /** From now on SQLite checkpoints inside commits again (when the background thread has failed). */
  checkpointInCommits: () => void
}

/** Opens (and creates) a SQLite file in WAL mode. */
export function createSqliteDialect(
  file: string,
  { synchronous, checkpoints = 'in-commits', onBackgroundCheckpointFailure }: SqliteOptions,
): SqliteConnection {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
  const database = new Database(file)
  database.pragma('journal_mode = WAL')
  // FULL would flush the log inside every COMMIT, blocking the event loop for the whole disk
  // write (about 3 ms here, per batch); the flush is done after the commit instead, off the event
  // loop and shared by concurrent writers, before the write is acknowledged.
  const isFlushedAfterCommit = synchronous === 'FULL' && file !== ':memory:'
  database.pragma(`synchronous = ${isFlushedAfterCommit ? 'NORMAL' : synchronous}`)
  database.pragma('foreign_keys = ON')
  // Several replicas or CLI commands may share the file; wait for a lock rather than fail at once.
  database.pragma('busy_timeout = 10000')
  // MLflow's LIKE is case-sensitive (ILIKE is the insensitive one); SQLite's LIKE is not by default.
  database.pragma('case_sensitive_like = ON')
  const checkpointInCommits = () => {
    if (database.open) database.pragma('wal_autocheckpoint = 1000')
  }
  let checkpointer: BackgroundCheckpointer | null = null
  if (checkpoints !== 'in-commits' && file !== ':memory:') {
    database.pragma('wal_autocheckpoint = 0')
    if (checkpoints === 'background') {
      checkpointer = startBackgroundCheckpointer(path.resolve(file), (reason) => {
        // Without the thread the log would grow without end: SQLite checkpoints in commits again.
        checkpointInCommits()
        onBackgroundCheckpointFailure?.(reason)
      })
    }
  }
  return {
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
    handle: database,
    syncCommits: isFlushedAfterCommit ? createWalSyncer(`${path.resolve(file)}-wal`) : null,
    checkpointer,
    checkpointInCommits,
  }
}

const CACHED_STATEMENTS = 500

/**
 * Kysely prepares every statement it runs, and preparing costs more than running most of ours
 * (0.2–0.4 ms against tens of µs on a 2-core machine, on every request). A better-sqlite3
 * statement can be run again and again, so prepared statements are kept by SQL text, least
 * recently used first out. SQLite re-prepares a kept statement itself after a schema change.
 */
function withStatementCache(database: Database.Database): SqliteDatabase {
  const statements = new Map<string, Database.Statement>()
  return {
    close: () => database.close(),
    prepare(text: string) {
      // Kysely opens transactions with a plain (deferred) BEGIN, which takes the write lock only at
      // the first write. A transaction that read first then cannot wait for another process's
      // write to end: SQLite answers "database is locked" at once (waiting could deadlock). Ours
      // are write transactions, so they take the lock up front and wait their turn (busy_timeout).
      const sql = text === 'begin' ? 'begin immediate' : text
      const cached = statements.get(sql)
      if (cached) statements.delete(sql)
      const statement = cached ?? database.prepare(sql)
      statements.set(sql, statement)
      if (statements.size > CACHED_STATEMENTS) statements.delete(statements.keys().next().value as string)
      return statement
    },
  }
}
