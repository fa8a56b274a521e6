import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely'
import type { DialectKind } from './dialects/dialect-kind.js'
import { trackingMigration } from './migrations/0001-tracking.js'
import { metricSeriesMigration } from './migrations/0002-metric-series.js'
import { accessAndAuditMigration } from './migrations/0003-access-and-audit.js'
import { artifactsMigration } from './migrations/0004-artifacts.js'
import { datasetsMigration } from './migrations/0005-datasets.js'
import { registryMigration } from './migrations/0006-registry.js'
import { lineageMigration } from './migrations/0007-lineage.js'
import { deletedVersionEdgesMigration } from './migrations/0008-deleted-version-edges.js'
import type { DB } from './schema.js'

function migrationsFor(kind: DialectKind): Record<string, Migration> {
  return {
    '0001-tracking': trackingMigration(kind),
    '0002-metric-series': metricSeriesMigration(kind),
    '0003-access-and-audit': accessAndAuditMigration(kind),
    '0004-artifacts': artifactsMigration(kind),
    '0005-datasets': datasetsMigration(kind),
    '0006-registry': registryMigration(kind),
    '0007-lineage': lineageMigration(),
    '0008-deleted-version-edges': deletedVersionEdgesMigration(),
  }
}

/** A migrator over every migration of the project; a migration's test stops it at one with `migrateTo`. */
export function createMigrator(db: Kysely<DB>, kind: DialectKind): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => migrationsFor(kind) }
  return new Migrator({ db, provider })
}

/** Brings the schema up to date; returns the names of the migrations it applied. */
export async function migrateToLatest(db: Kysely<DB>, kind: DialectKind): Promise<string[]> {
  const { error, results } = await createMigrator(db, kind).migrateToLatest()
  if (error) throw error
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
