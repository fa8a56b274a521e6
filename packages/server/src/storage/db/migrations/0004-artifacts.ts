import { type Kysely, type Migration, sql } from 'kysely'
import type { DialectKind } from '../dialects/dialect-kind.js'

/** Run artifact manifests (path -> sha256) and the pins that keep blobs from garbage collection. */
export function artifactsMigration(kind: DialectKind): Migration {
  // Directory listings seek by byte order of paths (`a/` < `a0`); PostgreSQL's default collation
  // may follow a locale instead, so paths collate as "C" there. SQLite compares bytes already.
  const pathType = kind === 'postgres' ? sql`text collate "C"` : sql`text`
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('artifacts')
        .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
        .addColumn('path', pathType, (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('artifacts_pk', ['run_id', 'path'])
        .execute()
      await db.schema.createIndex('artifacts_sha256_idx').on('artifacts').column('sha256').execute()

      // Blobs something other than a run's manifest relies on (a registered model version, a
      // dataset version): garbage collection never removes a pinned blob.
      await db.schema
        .createTable('blob_pins')
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('owner_type', 'text', (c) => c.notNull())
        .addColumn('owner_id', 'text', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('blob_pins_pk', ['sha256', 'owner_type', 'owner_id'])
        .execute()
    },
  }
}
