import { type Kysely, type Migration, sql } from 'kysely'
import type { DialectKind } from '../dialects/dialect-kind.js'

/** Datasets, their versions and manifests, and the lineage edges between runs and dataset versions. */
export function datasetsMigration(kind: DialectKind): Migration {
  // File lists page by byte order of paths; PostgreSQL's default collation may follow a locale.
  const pathType = kind === 'postgres' ? sql`text collate "C"` : sql`text`
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('datasets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text')
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .execute()

      await db.schema
        .createTable('dataset_versions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id'))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('digest', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('file_count', 'integer', (c) => c.notNull())
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('row_count', 'bigint')
        .addColumn('schema_json', 'text')
        .addColumn('profile_json', 'text')
        .addColumn('is_stored', 'integer', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addUniqueConstraint('dataset_versions_number_uq', ['dataset_id', 'version'])
        // The same content registered twice under one dataset resolves to one version.
        .addUniqueConstraint('dataset_versions_digest_uq', ['dataset_id', 'digest'])
        .execute()

      await db.schema
        .createTable('dataset_files')
        .addColumn('version_id', 'text', (c) => c.notNull().references('dataset_versions.id'))
        .addColumn('path', pathType, (c) => c.notNull())
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('dataset_files_pk', ['version_id', 'path'])
        .execute()

      // One typed edge table for every "where did this come from" question (ARCHITECTURE.md):
      // dataset_version -input-> run, run -output-> dataset_version; later model versions, code.
      // `context` is '' rather than NULL so that the primary key also forbids duplicates.
      await db.schema
        .createTable('lineage_edges')
        .addColumn('source_type', 'text', (c) => c.notNull())
        .addColumn('source_id', 'text', (c) => c.notNull())
        .addColumn('target_type', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('edge_type', 'text', (c) => c.notNull())
        .addColumn('context', 'text', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addPrimaryKeyConstraint('lineage_edges_pk', [
          'source_type',
          'source_id',
          'target_type',
          'target_id',
          'edge_type',
          'context',
        ])
        .execute()
      await db.schema
        .createIndex('lineage_edges_target_idx')
        .on('lineage_edges')
        .columns(['target_type', 'target_id'])
        .execute()
    },
  }
}
