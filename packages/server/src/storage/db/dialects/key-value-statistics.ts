import { type Kysely, sql } from 'kysely'
import type { DialectKind } from './dialect-kind.js'

/**
 * Tells PostgreSQL's planner that `key` and `value` of a key/value table go together. It assumes
 * columns are independent, so it guesses `key = 'p7' and value = 'x'` at a twentieth of the real
 * count (every value belongs to few keys) and picks hash joins that read every such row; with
 * the combined most-common-values list, run search walks its sort index and stops early.
 * SQLite has no such statistics (its plan for run search is fixed by the query's join order).
 */
export async function addKeyValueStatistics(db: Kysely<unknown>, kind: DialectKind, table: string): Promise<void> {
  if (kind !== 'postgres') return
  await sql`create statistics ${sql.id(`${table}_key_value_stats`)} (mcv) on key, value from ${sql.table(table)}`.execute(
    db,
  )
}
