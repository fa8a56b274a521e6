import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { openBenchPostgres } from './postgres.mjs'

export const DB_LABELS = { sqlite: 'SQLite', postgres: 'PostgreSQL' }

/**
 * A fresh database of the given kind and a data directory for one benchmark run. SQLite runs
 * with the server's default, synchronous=FULL (every acknowledged batch is on disk), unless
 * the benchmark was asked for NORMAL.
 */
export async function openBenchDatabase(kind, { sqliteSynchronous = 'FULL' } = {}) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'provena-bench-'))
  if (kind === 'sqlite') {
    return {
      kind,
      dataDir,
      db: path.join(dataDir, 'provena.db'),
      sqliteSynchronous,
      settings:
        sqliteSynchronous === 'FULL'
          ? 'SQLite WAL, synchronous=FULL (the server default: every acknowledged batch is on disk)'
          : 'SQLite WAL, synchronous=NORMAL (not the default: survives a crash of the process, not of the machine)',
      async close() {
        rmSync(dataDir, { recursive: true, force: true })
      },
    }
  }
  const postgres = await openBenchPostgres()
  return {
    kind,
    dataDir,
    db: postgres.url,
    sqliteSynchronous,
    settings: postgres.isEmbedded
      ? 'embedded PostgreSQL 17, default durable settings (fsync=on, synchronous_commit=on)'
      : 'PROVENA_BENCH_POSTGRES_URL',
    async close() {
      await postgres.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
