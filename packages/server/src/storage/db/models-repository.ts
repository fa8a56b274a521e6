import type {
  ModelCardFields,
  ModelManifest,
  ModelStage,
  ModelVersion,
  ModelVersionFile,
  ModelVersionStatus,
  RegisteredModel,
} from '@provena/contract'
import type { Kysely, Selectable } from 'kysely'
import type { DialectKind } from './dialects/dialect-kind.js'
import { isUniqueViolation } from './dialects/unique-violation.js'
import { grantOf } from './granted-to.js'
import type { DB, ModelVersionsTable } from './schema.js'

// SQLite allows 32,766 bound parameters per statement; a file row binds 4.
const FILES_PER_INSERT = 5000

/** A registered model with the id the other tables refer to it by. */
export type ModelRecord = RegisteredModel & { id: string }
/** A model version with the id its files, tags and pins refer to it by. */
export type ModelVersionRecord = ModelVersion & { id: string }

export interface NewModelVersion {
  id: string
  modelId: string
  version: number
  status: ModelVersionStatus
  description: string | null
  source: string
  runId: string | null
  digest: string
  sizeBytes: number
  manifest: ModelManifest | null
  nowMs: number
  createdBy: string | null
}

export type ModelsRepository = ReturnType<typeof createModelsRepository>

type TagTable = 'registeredModelTags' | 'modelVersionTags'

export function createModelsRepository(db: Kysely<DB>, kind: DialectKind) {
  async function tagsOf(table: TagTable, ids: string[]): Promise<Map<string, Record<string, string>>> {
    const byId = new Map<string, Record<string, string>>(ids.map((id) => [id, {}]))
    if (ids.length === 0) return byId
    const rows =
      table === 'registeredModelTags'
        ? (await db.selectFrom('registeredModelTags').selectAll().where('modelId', 'in', ids).execute()).map((r) => ({
            id: r.modelId,
            key: r.key,
            value: r.value,
          }))
        : (await db.selectFrom('modelVersionTags').selectAll().where('versionId', 'in', ids).execute()).map((r) => ({
            id: r.versionId,
            key: r.key,
            value: r.value,
          }))
    for (const row of rows) {
      const tags = byId.get(row.id)
      if (tags) tags[row.key] = row.value
    }
    return byId
  }

  async function toModels(
    rows: {
      id: string
      name: string
      description: string | null
      createdAtMs: number
      updatedAtMs: number
      createdBy: string | null
    }[],
  ): Promise<ModelRecord[]> {
    const ids = rows.map((r) => r.id)
    const tags = await tagsOf('registeredModelTags', ids)
    const aliases = new Map<string, Record<string, number>>(ids.map((id) => [id, {}]))
    const protectedAliases = new Map<string, string[]>(ids.map((id) => [id, []]))
    const latest = new Map<string, number>()
    if (ids.length > 0) {
      for (const a of await db
        .selectFrom('modelAliases')
        .selectAll()
        .where('modelId', 'in', ids)
        .orderBy('alias')
        .execute()) {
        const map = aliases.get(a.modelId)
        if (map) map[a.alias] = Number(a.version)
      }
      for (const p of await db
        .selectFrom('protectedAliases')
        .selectAll()
        .where('modelId', 'in', ids)
        .orderBy('alias')
        .execute()) {
        protectedAliases.get(p.modelId)?.push(p.alias)
      }
      const maxima = await db
        .selectFrom('modelVersions')
        .select(['modelId', (eb) => eb.fn.max('version').as('latest')])
        .where('modelId', 'in', ids)
        .groupBy('modelId')
        .execute()
      for (const m of maxima) latest.set(m.modelId, Number(m.latest))
    }
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      description: r.description,
      tags: tags.get(r.id) ?? {},
      createdAtMs: Number(r.createdAtMs),
      updatedAtMs: Number(r.updatedAtMs),
      createdBy: r.createdBy,
      latestVersion: latest.get(r.id) ?? null,
      aliases: aliases.get(r.id) ?? {},
      protectedAliases: protectedAliases.get(r.id) ?? [],
    }))
  }

  /** Versions with their tags and aliases, in three queries whatever the number of versions and models. */
  async function toVersions(
    rows: (Selectable<ModelVersionsTable> & { modelName: string })[],
  ): Promise<ModelVersionRecord[]> {
    const tags = await tagsOf(
      'modelVersionTags',
      rows.map((r) => r.id),
    )
    const aliasesByVersion = new Map<string, string[]>()
    const modelIds = [...new Set(rows.map((r) => r.modelId))]
    if (modelIds.length > 0) {
      const versions = [...new Set(rows.map((r) => Number(r.version)))]
      const aliasRows = await db
        .selectFrom('modelAliases')
        .selectAll()
        .where('modelId', 'in', modelIds)
        .where('version', 'in', versions)
        .orderBy('alias')
        .execute()
      for (const a of aliasRows) {
        const key = `${a.modelId}/${Number(a.version)}`
        const list = aliasesByVersion.get(key) ?? []
        list.push(a.alias)
        aliasesByVersion.set(key, list)
      }
    }
    return rows.map((r) => ({
      id: r.id,
      modelName: r.modelName,
      version: Number(r.version),
      status: r.status as ModelVersionStatus,
      stage: r.stage as ModelStage,
      description: r.description,
      tags: tags.get(r.id) ?? {},
      source: r.source,
      runId: r.runId,
      digest: r.digest,
      fileCount: Number(r.fileCount),
      sizeBytes: Number(r.sizeBytes),
      aliases: aliasesByVersion.get(`${r.modelId}/${Number(r.version)}`) ?? [],
      // Written by this repository from a validated manifest.
      manifest: r.manifestJson === null ? null : (JSON.parse(r.manifestJson) as ModelManifest),
      createdAtMs: Number(r.createdAtMs),
      updatedAtMs: Number(r.updatedAtMs),
      createdBy: r.createdBy,
    }))
  }

  /** The versions of these ids, of any models, in this order. */
  async function versionsByIds(ids: string[]): Promise<ModelVersionRecord[]> {
    if (ids.length === 0) return []
    const rows = await db
      .selectFrom('modelVersions')
      .innerJoin('registeredModels', 'registeredModels.id', 'modelVersions.modelId')
      .selectAll('modelVersions')
      .select('registeredModels.name as modelName')
      .where('modelVersions.id', 'in', ids)
      .execute()
    const byId = new Map((await toVersions(rows)).map((v) => [v.id, v]))
    return ids.flatMap((id) => byId.get(id) ?? [])
  }

  async function setTags(table: TagTable, ownerId: string, tags: Record<string, string | null>): Promise<void> {
    for (const [key, value] of Object.entries(tags)) {
      if (table === 'registeredModelTags') {
        if (value === null) {
          await db.deleteFrom('registeredModelTags').where('modelId', '=', ownerId).where('key', '=', key).execute()
        } else {
          await db
            .insertInto('registeredModelTags')
            .values({ modelId: ownerId, key, value })
            .onConflict((oc) => oc.columns(['modelId', 'key']).doUpdateSet({ value }))
            .execute()
        }
      } else if (value === null) {
        await db.deleteFrom('modelVersionTags').where('versionId', '=', ownerId).where('key', '=', key).execute()
      } else {
        await db
          .insertInto('modelVersionTags')
          .values({ versionId: ownerId, key, value })
          .onConflict((oc) => oc.columns(['versionId', 'key']).doUpdateSet({ value }))
          .execute()
      }
    }
  }

  return {
    async findModel(name: string): Promise<ModelRecord | undefined> {
      const row = await db.selectFrom('registeredModels').selectAll().where('name', '=', name).executeTakeFirst()
      return row ? (await toModels([row]))[0] : undefined
    },

    /** Inserts the model; false when the name is taken. */
    async insertModel(row: {
      id: string
      name: string
      description: string | null
      nowMs: number
      createdBy: string | null
    }) {
      try {
        await db
          .insertInto('registeredModels')
          .values({
            id: row.id,
            name: row.name,
            description: row.description,
            createdAtMs: row.nowMs,
            updatedAtMs: row.nowMs,
            createdBy: row.createdBy,
          })
          .execute()
        return true
      } catch (error) {
        if (isUniqueViolation(error)) return false
        throw error
      }
    },

    /**
     * Serialises writers of one model until the transaction ends: PostgreSQL locks the row;
     * SQLite's write transactions (BEGIN IMMEDIATE) are serialised already.
     */
    async lockModel(modelId: string): Promise<void> {
      if (kind !== 'postgres') return
      await db.selectFrom('registeredModels').select('id').where('id', '=', modelId).forUpdate().execute()
    },

    async updateModel(modelId: string, patch: { description?: string | null }, nowMs: number): Promise<void> {
      await db
        .updateTable('registeredModels')
        .set({ ...patch, updatedAtMs: nowMs })
        .where('id', '=', modelId)
        .execute()
    },

    setModelTags: (modelId: string, tags: Record<string, string | null>) =>
      setTags('registeredModelTags', modelId, tags),
    setVersionTags: (versionId: string, tags: Record<string, string | null>) =>
      setTags('modelVersionTags', versionId, tags),

    async listModels(query: {
      nameLike?: string | undefined
      grantedTo?: string | undefined
      limit: number
      offset: number
    }) {
      let select = db.selectFrom('registeredModels').selectAll()
      if (query.nameLike !== undefined) select = select.where('name', 'like', query.nameLike)
      const { grantedTo } = query
      if (grantedTo !== undefined) {
        select = select.where((eb) =>
          eb.exists(grantOf(db, 'registered_model', grantedTo, eb.ref('registeredModels.name'))),
        )
      }
      return toModels(await select.orderBy('name').limit(query.limit).offset(query.offset).execute())
    },

    async latestVersionNumber(modelId: string): Promise<number> {
      const row = await db
        .selectFrom('modelVersions')
        .select((eb) => eb.fn.max('version').as('m'))
        .where('modelId', '=', modelId)
        .executeTakeFirst()
      return row?.m == null ? 0 : Number(row.m)
    },

    async insertVersion(version: NewModelVersion, files: readonly ModelVersionFile[]): Promise<void> {
      await db
        .insertInto('modelVersions')
        .values({
          id: version.id,
          modelId: version.modelId,
          version: version.version,
          status: version.status,
          stage: 'None',
          description: version.description,
          source: version.source,
          runId: version.runId,
          digest: version.digest,
          fileCount: files.length,
          sizeBytes: version.sizeBytes,
          manifestJson: version.manifest === null ? null : JSON.stringify(version.manifest),
          createdAtMs: version.nowMs,
          updatedAtMs: version.nowMs,
          createdBy: version.createdBy,
        })
        .execute()
      for (let i = 0; i < files.length; i += FILES_PER_INSERT) {
        await db
          .insertInto('modelVersionFiles')
          .values(files.slice(i, i + FILES_PER_INSERT).map((f) => ({ versionId: version.id, ...f })))
          .execute()
      }
    },

    async findVersion(model: { id: string; name: string }, version: number): Promise<ModelVersionRecord | undefined> {
      const row = await db
        .selectFrom('modelVersions')
        .selectAll()
        .where('modelId', '=', model.id)
        .where('version', '=', version)
        .executeTakeFirst()
      return row ? (await toVersions([{ ...row, modelName: model.name }]))[0] : undefined
    },

    async listVersions(model: { id: string; name: string }, page: { limit: number; offset: number }) {
      const rows = await db
        .selectFrom('modelVersions')
        .selectAll()
        .where('modelId', '=', model.id)
        .orderBy('version', 'desc')
        .limit(page.limit)
        .offset(page.offset)
        .execute()
      return toVersions(rows.map((row) => ({ ...row, modelName: model.name })))
    },

    async listFiles(versionId: string, page: { limit: number; offset: number }): Promise<ModelVersionFile[]> {
      const rows = await db
        .selectFrom('modelVersionFiles')
        .select(['path', 'sizeBytes', 'sha256'])
        .where('versionId', '=', versionId)
        .orderBy('path')
        .limit(page.limit)
        .offset(page.offset)
        .execute()
      return rows.map((r) => ({ path: r.path, sizeBytes: Number(r.sizeBytes), sha256: r.sha256 }))
    },

    async setStage(versionId: string, stage: ModelStage, nowMs: number): Promise<void> {
      await db.updateTable('modelVersions').set({ stage, updatedAtMs: nowMs }).where('id', '=', versionId).execute()
    },

    /** Version numbers of the model now in `stage`. */
    async versionsInStage(modelId: string, stage: ModelStage): Promise<{ id: string; version: number }[]> {
      const rows = await db
        .selectFrom('modelVersions')
        .select(['id', 'version'])
        .where('modelId', '=', modelId)
        .where('stage', '=', stage)
        .orderBy('version')
        .execute()
      return rows.map((r) => ({ id: r.id, version: Number(r.version) }))
    },

    async updateVersion(versionId: string, patch: { description?: string | null }, nowMs: number): Promise<void> {
      await db
        .updateTable('modelVersions')
        .set({ ...patch, updatedAtMs: nowMs })
        .where('id', '=', versionId)
        .execute()
    },

    /** The written parts of a version's card, or undefined when nobody wrote any. */
    async findCard(
      versionId: string,
    ): Promise<{ fields: ModelCardFields; updatedAtMs: number; updatedBy: string } | undefined> {
      const row = await db.selectFrom('modelCards').selectAll().where('versionId', '=', versionId).executeTakeFirst()
      if (!row) return undefined
      // Written by saveCard from validated fields.
      return {
        fields: JSON.parse(row.fieldsJson) as ModelCardFields,
        updatedAtMs: Number(row.updatedAtMs),
        updatedBy: row.updatedBy,
      }
    },

    async saveCard(versionId: string, fields: ModelCardFields, updatedAtMs: number, updatedBy: string): Promise<void> {
      const fieldsJson = JSON.stringify(fields)
      await db
        .insertInto('modelCards')
        .values({ versionId, fieldsJson, updatedAtMs, updatedBy })
        .onConflict((oc) => oc.column('versionId').doUpdateSet({ fieldsJson, updatedAtMs, updatedBy }))
        .execute()
    },

    /** The models of these ids, in this order (ids no model has are left out). */
    async modelsByIds(ids: string[]): Promise<ModelRecord[]> {
      if (ids.length === 0) return []
      const rows = await db.selectFrom('registeredModels').selectAll().where('id', 'in', ids).execute()
      const byId = new Map((await toModels(rows)).map((m) => [m.id, m]))
      return ids.flatMap((id) => byId.get(id) ?? [])
    },

    versionsByIds,

    /**
     * For each of these models, the highest version in each stage that has one (what MLflow shows
     * as a model's `latest_versions`), in version order.
     */
    async latestPerStageOf(modelIds: string[]): Promise<Map<string, ModelVersionRecord[]>> {
      const byModel = new Map<string, ModelVersionRecord[]>(modelIds.map((id) => [id, []]))
      if (modelIds.length === 0) return byModel
      const latest = db
        .selectFrom('modelVersions')
        .select(['modelId', 'stage', (eb) => eb.fn.max('version').as('latest')])
        .where('modelId', 'in', modelIds)
        .groupBy(['modelId', 'stage'])
        .as('latest')
      const rows = await db
        .selectFrom('modelVersions')
        .innerJoin(latest, (join) =>
          join
            .onRef('latest.modelId', '=', 'modelVersions.modelId')
            .onRef('latest.stage', '=', 'modelVersions.stage')
            .onRef('latest.latest', '=', 'modelVersions.version'),
        )
        .select(['modelVersions.id', 'modelVersions.modelId'])
        .orderBy('modelVersions.version')
        .execute()
      const modelOf = new Map(rows.map((r) => [r.id, r.modelId]))
      for (const version of await versionsByIds(rows.map((r) => r.id))) {
        byModel.get(modelOf.get(version.id) ?? '')?.push(version)
      }
      return byModel
    },

    /** Gives the model a new name; false when the name is taken. */
    async renameModel(modelId: string, newName: string, nowMs: number): Promise<boolean> {
      try {
        await db
          .updateTable('registeredModels')
          .set({ name: newName, updatedAtMs: nowMs })
          .where('id', '=', modelId)
          .execute()
        return true
      } catch (error) {
        if (isUniqueViolation(error)) return false
        throw error
      }
    },

    /**
     * Removes the model with everything that belongs to it: versions (cards, tags, file lists),
     * aliases, their history and protection, promotion requests, webhooks and their deliveries,
     * tags. The caller unpins the versions' blobs and drops the grants; the audit trail keeps all.
     */
    async deleteModel(modelId: string): Promise<void> {
      const versionIds = db.selectFrom('modelVersions').select('id').where('modelId', '=', modelId)
      await db.deleteFrom('modelCards').where('versionId', 'in', versionIds).execute()
      await db.deleteFrom('modelVersionTags').where('versionId', 'in', versionIds).execute()
      await db.deleteFrom('modelVersionFiles').where('versionId', 'in', versionIds).execute()
      await db.deleteFrom('modelVersions').where('modelId', '=', modelId).execute()
      const webhookIds = db.selectFrom('webhooks').select('id').where('modelId', '=', modelId)
      await db.deleteFrom('webhookDeliveries').where('webhookId', 'in', webhookIds).execute()
      await db.deleteFrom('webhooks').where('modelId', '=', modelId).execute()
      await db.deleteFrom('promotionRequests').where('modelId', '=', modelId).execute()
      await db.deleteFrom('aliasEvents').where('modelId', '=', modelId).execute()
      await db.deleteFrom('modelAliases').where('modelId', '=', modelId).execute()
      await db.deleteFrom('protectedAliases').where('modelId', '=', modelId).execute()
      await db.deleteFrom('registeredModelTags').where('modelId', '=', modelId).execute()
      await db.deleteFrom('registeredModels').where('id', '=', modelId).execute()
    },

    /** Ids of the model's versions (to unpin their blobs before the model goes). */
    async versionIdsOf(modelId: string): Promise<string[]> {
      const rows = await db.selectFrom('modelVersions').select('id').where('modelId', '=', modelId).execute()
      return rows.map((r) => r.id)
    },

    /** Removes the version, its card, tags and file list (the caller unpins its blobs). */
    async deleteVersion(versionId: string): Promise<void> {
      await db.deleteFrom('modelCards').where('versionId', '=', versionId).execute()
      await db.deleteFrom('modelVersionTags').where('versionId', '=', versionId).execute()
      await db.deleteFrom('modelVersionFiles').where('versionId', '=', versionId).execute()
      await db.deleteFrom('modelVersions').where('id', '=', versionId).execute()
    },
  }
}
