import type {
  Dataset,
  DatasetFile,
  DatasetFormat,
  DatasetProfile,
  DatasetSchema,
  DatasetVersion,
  DatasetVersionSummary,
} from '@provena/contract'
import type { ExpressionBuilder, Kysely, Selectable } from 'kysely'
import { isUniqueViolation } from './dialects/unique-violation.js'
import { grantOf } from './granted-to.js'
import type { DatasetVersionsTable, DB } from './schema.js'

// SQLite allows 32,766 bound parameters per statement; a file row binds 4.
const FILES_PER_INSERT = 5000

export interface NewDatasetVersion {
  id: string
  datasetId: string
  version: number
  digest: string
  source: string
  format: DatasetFormat
  sizeBytes: number
  rowCount: number | null
  schema: DatasetSchema | null
  profile: DatasetProfile | null
  isStored: boolean
  description: string | null
  createdAtMs: number
  createdBy: string | null
}

export type DatasetsRepository = ReturnType<typeof createDatasetsRepository>

function toSummary(row: Selectable<DatasetVersionsTable>, datasetName: string): DatasetVersionSummary {
  return {
    id: row.id,
    datasetName,
    version: Number(row.version),
    digest: row.digest,
    source: row.source,
    format: row.format as DatasetFormat,
    fileCount: Number(row.fileCount),
    sizeBytes: Number(row.sizeBytes),
    rowCount: row.rowCount === null ? null : Number(row.rowCount),
    isStored: Number(row.isStored) === 1,
    description: row.description,
    createdAtMs: Number(row.createdAtMs),
    createdBy: row.createdBy,
  }
}

function toVersion(row: Selectable<DatasetVersionsTable>, datasetName: string): DatasetVersion {
  return {
    ...toSummary(row, datasetName),
    // Written by this repository from validated objects, so parsing back needs no second check.
    schema: row.schemaJson === null ? null : (JSON.parse(row.schemaJson) as DatasetSchema),
    profile: row.profileJson === null ? null : (JSON.parse(row.profileJson) as DatasetProfile),
  }
}

export function createDatasetsRepository(db: Kysely<DB>) {
  const datasetColumns = (eb: ExpressionBuilder<DB, 'datasets'>) => [
    eb
      .selectFrom('datasetVersions')
      .select((v) => v.fn.max('version').as('m'))
      .whereRef('datasetVersions.datasetId', '=', 'datasets.id')
      .as('latestVersion'),
    eb
      .selectFrom('datasetVersions')
      .select((v) => v.fn.countAll().as('c'))
      .whereRef('datasetVersions.datasetId', '=', 'datasets.id')
      .as('versionCount'),
  ]

  function toDataset(row: {
    id: string
    name: string
    description: string | null
    createdAtMs: number
    createdBy: string | null
    latestVersion: unknown
    versionCount: unknown
  }): Dataset {
    return {
      id: row.id,
      name: row.name,
      description: row.description,
      createdAtMs: Number(row.createdAtMs),
      createdBy: row.createdBy,
      latestVersion: row.latestVersion === null ? null : Number(row.latestVersion),
      versionCount: Number(row.versionCount),
    }
  }

  return {
    async findDataset(name: string): Promise<Dataset | undefined> {
      const row = await db
        .selectFrom('datasets')
        .select(['id', 'name', 'description', 'createdAtMs', 'createdBy'])
        .select(datasetColumns)
        .where('name', '=', name)
        .executeTakeFirst()
      return row ? toDataset(row) : undefined
    },

    /** Inserts the dataset; false when one with this name exists already (another writer won). */
    async insertDataset(row: {
      id: string
      name: string
      description: string | null
      createdAtMs: number
      createdBy: string | null
    }): Promise<boolean> {
      try {
        await db.insertInto('datasets').values(row).execute()
        return true
      } catch (error) {
        if (isUniqueViolation(error)) return false
        throw error
      }
    },

    async listDatasets(query: {
      nameLike?: string | undefined
      grantedTo?: string | undefined
      limit: number
      offset: number
    }): Promise<Dataset[]> {
      let select = db
        .selectFrom('datasets')
        .select(['id', 'name', 'description', 'createdAtMs', 'createdBy'])
        .select(datasetColumns)
      if (query.nameLike !== undefined) select = select.where('name', 'like', query.nameLike)
      const { grantedTo } = query
      if (grantedTo !== undefined)
        select = select.where((eb) => eb.exists(grantOf(db, 'dataset', grantedTo, eb.ref('datasets.name'))))
      const rows = await select.orderBy('name').limit(query.limit).offset(query.offset).execute()
      return rows.map(toDataset)
    },

    async updateDescription(datasetId: string, description: string | null): Promise<void> {
      await db.updateTable('datasets').set({ description }).where('id', '=', datasetId).execute()
    },

    async findVersion(datasetName: string, version: number): Promise<DatasetVersion | undefined> {
      const row = await db
        .selectFrom('datasetVersions')
        .innerJoin('datasets', 'datasets.id', 'datasetVersions.datasetId')
        .selectAll('datasetVersions')
        .where('datasets.name', '=', datasetName)
        .where('datasetVersions.version', '=', version)
        .executeTakeFirst()
      return row ? toVersion(row, datasetName) : undefined
    },

    async findVersionById(id: string): Promise<DatasetVersion | undefined> {
      const row = await db
        .selectFrom('datasetVersions')
        .innerJoin('datasets', 'datasets.id', 'datasetVersions.datasetId')
        .selectAll('datasetVersions')
        .select('datasets.name as datasetName')
        .where('datasetVersions.id', '=', id)
        .executeTakeFirst()
      return row ? toVersion(row, row.datasetName) : undefined
    },

    async findVersionByDigest(datasetName: string, digest: string): Promise<DatasetVersion | undefined> {
      const row = await db
        .selectFrom('datasetVersions')
        .innerJoin('datasets', 'datasets.id', 'datasetVersions.datasetId')
        .selectAll('datasetVersions')
        .where('datasets.name', '=', datasetName)
        .where('datasetVersions.digest', '=', digest)
        .executeTakeFirst()
      return row ? toVersion(row, datasetName) : undefined
    },

    async latestVersionNumber(datasetId: string): Promise<number> {
      const row = await db
        .selectFrom('datasetVersions')
        .select((eb) => eb.fn.max('version').as('m'))
        .where('datasetId', '=', datasetId)
        .executeTakeFirst()
      return row?.m == null ? 0 : Number(row.m)
    },

    /** Inserts the version and its files; false when the number or the digest is taken (a concurrent writer). */
    async insertVersion(version: NewDatasetVersion, files: readonly DatasetFile[]): Promise<boolean> {
      try {
        await db
          .insertInto('datasetVersions')
          .values({
            id: version.id,
            datasetId: version.datasetId,
            version: version.version,
            digest: version.digest,
            source: version.source,
            format: version.format,
            fileCount: files.length,
            sizeBytes: version.sizeBytes,
            rowCount: version.rowCount,
            schemaJson: version.schema === null ? null : JSON.stringify(version.schema),
            profileJson: version.profile === null ? null : JSON.stringify(version.profile),
            isStored: version.isStored ? 1 : 0,
            description: version.description,
            createdAtMs: version.createdAtMs,
            createdBy: version.createdBy,
          })
          .execute()
      } catch (error) {
        if (isUniqueViolation(error)) return false
        throw error
      }
      for (let i = 0; i < files.length; i += FILES_PER_INSERT) {
        const chunk = files.slice(i, i + FILES_PER_INSERT)
        await db
          .insertInto('datasetFiles')
          .values(chunk.map((f) => ({ versionId: version.id, path: f.path, sizeBytes: f.sizeBytes, sha256: f.sha256 })))
          .execute()
      }
      return true
    },

    async listVersions(datasetId: string, datasetName: string, page: { limit: number; offset: number }) {
      const rows = await db
        .selectFrom('datasetVersions')
        .selectAll()
        .where('datasetId', '=', datasetId)
        .orderBy('version', 'desc')
        .limit(page.limit)
        .offset(page.offset)
        .execute()
      return rows.map((row) => toSummary(row, datasetName))
    },

    /** Files in path order. */
    async listFiles(versionId: string, page: { offset: number; limit: number }): Promise<DatasetFile[]> {
      const rows = await db
        .selectFrom('datasetFiles')
        .select(['path', 'sizeBytes', 'sha256'])
        .where('versionId', '=', versionId)
        .orderBy('path')
        .limit(page.limit)
        .offset(page.offset)
        .execute()
      return rows.map((r) => ({ path: r.path, sizeBytes: Number(r.sizeBytes), sha256: r.sha256 }))
    },

    /** Every file of a version, in path order (a version has at most MAX_DATASET_FILES). */
    async allFiles(versionId: string): Promise<DatasetFile[]> {
      const rows = await db
        .selectFrom('datasetFiles')
        .select(['path', 'sizeBytes', 'sha256'])
        .where('versionId', '=', versionId)
        .orderBy('path')
        .execute()
      return rows.map((r) => ({ path: r.path, sizeBytes: Number(r.sizeBytes), sha256: r.sha256 }))
    },
  }
}
