import { type Kysely, type Migration, sql } from 'kysely'

/**
 * The rest of the lineage graph (issue 8): code versions, external nodes, and the edges that
 * existing rows already imply (run --output--> model_version for versions registered from a run,
 * code_version --executed--> run for runs tagged with a git commit).
 */
export function lineageMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      // A commit names its tree wherever it is pushed, so the commit alone identifies a code version;
      // the repository URL is what the first run that executed it recorded.
      await db.schema
        .createTable('code_versions')
        .addColumn('commit_hash', 'text', (c) => c.primaryKey())
        .addColumn('repo_url', 'text')
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .execute()

      await db.schema
        .createTable('external_nodes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text')
        .addColumn('properties_json', 'text', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addUniqueConstraint('external_nodes_name_uq', ['namespace', 'name'])
        .execute()

      // Upstream walks join on the target and read the source: with both in the index, a step is
      // one index range scan and never touches the table (the primary key serves downstream walks).
      await db.schema
        .createIndex('lineage_edges_upstream_idx')
        .on('lineage_edges')
        .columns(['target_type', 'target_id', 'source_type', 'source_id', 'edge_type'])
        .execute()
      await db.schema.dropIndex('lineage_edges_target_idx').execute()

      await sql`
        insert into lineage_edges (source_type, source_id, target_type, target_id, edge_type, context, created_at_ms, created_by)
        select 'run', mv.run_id, 'model_version', mv.id, 'output', '', mv.created_at_ms, mv.created_by
        from model_versions mv
        where mv.run_id is not null
      `.execute(db)

      // Only well-formed commits become code versions: the same rule as for tags written later.
      const tagged = await sql<{
        runId: string
        commit: string
        repoUrl: string | null
        startTimeMs: number
        userId: string
      }>`
        select t.run_id as "runId", t.value as "commit", r.value as "repoUrl",
               runs.start_time_ms as "startTimeMs", runs.user_id as "userId"
        from run_tags t
        join runs on runs.id = t.run_id
        left join run_tags r on r.run_id = t.run_id and r.key = ${'mlflow.source.git.repoURL'}
        where t.key = ${'mlflow.source.git.commit'}
      `.execute(db)
      const seen = new Set<string>()
      for (const row of tagged.rows) {
        if (!isCommit(row.commit)) continue
        if (!seen.has(row.commit)) {
          seen.add(row.commit)
          await sql`insert into code_versions (commit_hash, repo_url, created_at_ms)
                    values (${row.commit}, ${row.repoUrl}, ${Number(row.startTimeMs)})`.execute(db)
        }
        await sql`
          insert into lineage_edges (source_type, source_id, target_type, target_id, edge_type, context, created_at_ms, created_by)
          values ('code_version', ${row.commit}, 'run', ${row.runId}, 'executed', '', ${Number(row.startTimeMs)}, ${row.userId})
        `.execute(db)
      }
    },
  }
}

/** The migration's own copy of the rule, frozen with it (a released migration never changes). */
function isCommit(text: string): boolean {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(text)
}
