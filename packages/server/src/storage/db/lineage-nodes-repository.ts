import type { Kysely } from 'kysely'
import { chunks } from './metric-series-repository.js'
import type { DB } from './schema.js'

// Node ids are looked up in groups well below SQLite's bound-parameter limit.
const IDS_PER_QUERY = 500

export interface LineageRunRow {
  id: string
  name: string
  status: string
  experimentId: string
  lifecycle: string
  startTimeMs: number
  endTimeMs: number | null
  userId: string
}

export interface LineageDatasetVersionRow {
  id: string
  datasetName: string
  version: number
  digest: string
  format: string
  rowCount: number | null
  createdAtMs: number
}

export interface LineageModelVersionRow {
  id: string
  modelName: string
  version: number
  status: string
  stage: string
  digest: string
  runId: string | null
  createdAtMs: number
  /** Aliases pointing to the version, sorted, with whether each is protected. */
  aliases: { alias: string; isProtected: boolean }[]
}

export interface CodeVersionRecord {
  commitHash: string
  repoUrl: string | null
  createdAtMs: number
}

export interface ExternalNodeRecord {
  id: string
  namespace: string
  name: string
  description: string | null
  properties: Record<string, string>
  createdAtMs: number
  createdBy: string | null
}

export type LineageNodesRepository = ReturnType<typeof createLineageNodesRepository>

function toExternal(row: DB['externalNodes']): ExternalNodeRecord {
  return {
    id: row.id,
    namespace: row.namespace,
    name: row.name,
    description: row.description,
    properties: JSON.parse(row.propertiesJson) as Record<string, string>,
    createdAtMs: Number(row.createdAtMs),
    createdBy: row.createdBy,
  }
}

/** What the lineage graph shows of each kind of node, read in groups; plus code versions and external nodes. */
export function createLineageNodesRepository(db: Kysely<DB>) {
  return {
    async runs(ids: string[]): Promise<LineageRunRow[]> {
      const found: LineageRunRow[] = []
      for (const group of chunks(ids, IDS_PER_QUERY)) {
        const rows = await db
          .selectFrom('runs')
          .select(['id', 'name', 'status', 'experimentId', 'lifecycle', 'startTimeMs', 'endTimeMs', 'userId'])
          .where('id', 'in', group)
          .execute()
        for (const r of rows) {
          found.push({
            ...r,
            experimentId: String(r.experimentId),
            startTimeMs: Number(r.startTimeMs),
            endTimeMs: r.endTimeMs === null ? null : Number(r.endTimeMs),
          })
        }
      }
      return found
    },

    async datasetVersions(ids: string[]): Promise<LineageDatasetVersionRow[]> {
      const found: LineageDatasetVersionRow[] = []
      for (const group of chunks(ids, IDS_PER_QUERY)) {
        const rows = await db
          .selectFrom('datasetVersions as v')
          .innerJoin('datasets as d', 'd.id', 'v.datasetId')
          .select(['v.id', 'd.name', 'v.version', 'v.digest', 'v.format', 'v.rowCount', 'v.createdAtMs'])
          .where('v.id', 'in', group)
          .execute()
        for (const r of rows) {
          found.push({
            id: r.id,
            datasetName: r.name,
            version: Number(r.version),
            digest: r.digest,
            format: r.format,
            rowCount: r.rowCount === null ? null : Number(r.rowCount),
            createdAtMs: Number(r.createdAtMs),
          })
        }
      }
      return found
    },

    async modelVersions(ids: string[]): Promise<LineageModelVersionRow[]> {
      const found: LineageModelVersionRow[] = []
      for (const group of chunks(ids, IDS_PER_QUERY)) {
        const rows = await db
          .selectFrom('modelVersions as v')
          .innerJoin('registeredModels as m', 'm.id', 'v.modelId')
          .select([
            'v.id',
            'v.modelId',
            'm.name',
            'v.version',
            'v.status',
            'v.stage',
            'v.digest',
            'v.runId',
            'v.createdAtMs',
          ])
          .where('v.id', 'in', group)
          .execute()
        const modelIds = [...new Set(rows.map((r) => r.modelId))]
        const aliases =
          modelIds.length === 0
            ? []
            : await db
                .selectFrom('modelAliases as a')
                .leftJoin('protectedAliases as p', (join) =>
                  join.onRef('p.modelId', '=', 'a.modelId').onRef('p.alias', '=', 'a.alias'),
                )
                .select(['a.modelId', 'a.alias', 'a.version', 'p.alias as protectedAlias'])
                .where('a.modelId', 'in', modelIds)
                .orderBy('a.alias')
                .execute()
        for (const r of rows) {
          found.push({
            id: r.id,
            modelName: r.name,
            version: Number(r.version),
            status: r.status,
            stage: r.stage,
            digest: r.digest,
            runId: r.runId,
            createdAtMs: Number(r.createdAtMs),
            aliases: aliases
              .filter((a) => a.modelId === r.modelId && Number(a.version) === Number(r.version))
              .map((a) => ({ alias: a.alias, isProtected: a.protectedAlias !== null })),
          })
        }
      }
      return found
    },

    /** The run's values of the given tag keys. */
    async runTags(runId: string, keys: string[]): Promise<Map<string, string>> {
      const rows = await db
        .selectFrom('runTags')
        .select(['key', 'value'])
        .where('runId', '=', runId)
        .where('key', 'in', keys)
        .execute()
      return new Map(rows.map((r) => [r.key, r.value]))
    },

    /** Ids of every version of the dataset, oldest first. */
    async datasetVersionIds(datasetName: string): Promise<string[]> {
      const rows = await db
        .selectFrom('datasetVersions as v')
        .innerJoin('datasets as d', 'd.id', 'v.datasetId')
        .select('v.id')
        .where('d.name', '=', datasetName)
        .orderBy('v.version')
        .execute()
      return rows.map((r) => r.id)
    },

    /** The experiments of the runs that executed a commit, each once: a sweep of many runs is a few experiments. */
    async experimentsExecuting(commit: string): Promise<string[]> {
      const rows = await db
        .selectFrom('lineageEdges')
        .innerJoin('runs', 'runs.id', 'lineageEdges.targetId')
        .select('runs.experimentId')
        .distinct()
        .where('lineageEdges.sourceType', '=', 'code_version')
        .where('lineageEdges.sourceId', '=', commit)
        .where('lineageEdges.targetType', '=', 'run')
        .execute()
      return rows.map((r) => String(r.experimentId))
    },

    async codeVersions(commits: string[]): Promise<CodeVersionRecord[]> {
      const found: CodeVersionRecord[] = []
      for (const group of chunks(commits, IDS_PER_QUERY)) {
        const rows = await db.selectFrom('codeVersions').selectAll().where('commitHash', 'in', group).execute()
        for (const r of rows) found.push({ ...r, createdAtMs: Number(r.createdAtMs) })
      }
      return found
    },

    /** Records the code version the first time a run names it; a later repository URL fills a missing one. */
    async upsertCodeVersion(record: CodeVersionRecord): Promise<void> {
      await db
        .insertInto('codeVersions')
        .values(record)
        .onConflict((oc) => oc.column('commitHash').doNothing())
        .execute()
      if (record.repoUrl !== null) {
        await db
          .updateTable('codeVersions')
          .set({ repoUrl: record.repoUrl })
          .where('commitHash', '=', record.commitHash)
          .where('repoUrl', 'is', null)
          .execute()
      }
    },

    async externalNodes(ids: string[]): Promise<ExternalNodeRecord[]> {
      const found: ExternalNodeRecord[] = []
      for (const group of chunks(ids, IDS_PER_QUERY)) {
        const rows = await db.selectFrom('externalNodes').selectAll().where('id', 'in', group).execute()
        for (const r of rows) found.push(toExternal(r))
      }
      return found
    },

    async findExternalNode(namespace: string, name: string): Promise<ExternalNodeRecord | undefined> {
      const row = await db
        .selectFrom('externalNodes')
        .selectAll()
        .where('namespace', '=', namespace)
        .where('name', '=', name)
        .executeTakeFirst()
      return row ? toExternal(row) : undefined
    },

    /** Inserts the node; false when one with the same namespace and name exists. */
    async insertExternalNode(node: ExternalNodeRecord): Promise<boolean> {
      const { properties, ...rest } = node
      // ON CONFLICT rather than catching the violation: on PostgreSQL an error aborts the transaction.
      const result = await db
        .insertInto('externalNodes')
        .values({ ...rest, propertiesJson: JSON.stringify(properties) })
        .onConflict((oc) => oc.columns(['namespace', 'name']).doNothing())
        .executeTakeFirst()
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
    },

    async deleteExternalNode(id: string): Promise<void> {
      await db.deleteFrom('externalNodes').where('id', '=', id).execute()
    },
  }
}
