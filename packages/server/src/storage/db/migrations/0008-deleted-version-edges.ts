import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Removes the lineage edges of model versions that were deleted before a deletion took its
 * version's edges along (since this release it does, in the same transaction): a walk no longer
 * passes through a version that is gone. The audit trail still has the deletions.
 */
export function deletedVersionEdgesMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const end of ['source', 'target'] as const) {
        await sql`
          delete from lineage_edges
          where ${sql.ref(`${end}_type`)} = 'model_version'
            and not exists (select 1 from model_versions v where v.id = lineage_edges.${sql.ref(`${end}_id`)})
        `.execute(db)
      }
    },
  }
}
