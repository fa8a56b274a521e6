import type { AliasEvent, PromotionRequest, PromotionStatus } from '@provena/contract'
import type { Kysely } from 'kysely'
import type { DB } from './schema.js'

export type AliasEventKind = AliasEvent['kind']
export type NewAliasEvent = Omit<AliasEvent, 'seq'>
export type PromotionRecord = PromotionRequest & { requestedByUserId: string | null }

export type ModelAliasesRepository = ReturnType<typeof createModelAliasesRepository>

/** Aliases of registered models, their full history, protection, and promotion requests. */
export function createModelAliasesRepository(db: Kysely<DB>) {
  function toRequest(
    row: {
      id: string
      version: number
      alias: string
      reason: string
      status: string
      requestedBy: string
      requestedByUserId: string | null
      requestedAtMs: number
      decidedBy: string | null
      decidedAtMs: number | null
      comment: string | null
    },
    modelName: string,
  ): PromotionRecord {
    return {
      id: row.id,
      modelName,
      version: Number(row.version),
      alias: row.alias,
      reason: row.reason,
      status: row.status as PromotionStatus,
      requestedBy: row.requestedBy,
      requestedByUserId: row.requestedByUserId,
      requestedAtMs: Number(row.requestedAtMs),
      decidedBy: row.decidedBy,
      decidedAtMs: row.decidedAtMs === null ? null : Number(row.decidedAtMs),
      comment: row.comment,
    }
  }

  return {
    async versionOf(modelId: string, alias: string): Promise<number | undefined> {
      const row = await db
        .selectFrom('modelAliases')
        .select('version')
        .where('modelId', '=', modelId)
        .where('alias', '=', alias)
        .executeTakeFirst()
      return row ? Number(row.version) : undefined
    },

    async aliasesOfVersion(modelId: string, version: number): Promise<string[]> {
      const rows = await db
        .selectFrom('modelAliases')
        .select('alias')
        .where('modelId', '=', modelId)
        .where('version', '=', version)
        .orderBy('alias')
        .execute()
      return rows.map((r) => r.alias)
    },

    async set(modelId: string, alias: string, version: number): Promise<void> {
      await db
        .insertInto('modelAliases')
        .values({ modelId, alias, version })
        .onConflict((oc) => oc.columns(['modelId', 'alias']).doUpdateSet({ version }))
        .execute()
    },

    async remove(modelId: string, alias: string): Promise<void> {
      await db.deleteFrom('modelAliases').where('modelId', '=', modelId).where('alias', '=', alias).execute()
    },

    async isProtected(modelId: string, alias: string): Promise<boolean> {
      const row = await db
        .selectFrom('protectedAliases')
        .select('alias')
        .where('modelId', '=', modelId)
        .where('alias', '=', alias)
        .executeTakeFirst()
      return row !== undefined
    },

    async setProtected(modelId: string, alias: string, isProtected: boolean): Promise<void> {
      if (isProtected) {
        await db
          .insertInto('protectedAliases')
          .values({ modelId, alias })
          .onConflict((oc) => oc.doNothing())
          .execute()
      } else {
        await db.deleteFrom('protectedAliases').where('modelId', '=', modelId).where('alias', '=', alias).execute()
      }
    },

    async appendEvent(modelId: string, event: NewAliasEvent): Promise<void> {
      await db
        .insertInto('aliasEvents')
        .values({ modelId, ...event })
        .execute()
    },

    /** The history, newest first; one alias or all of them. */
    async history(modelId: string, query: { alias?: string | undefined; limit: number; offset: number }) {
      let select = db.selectFrom('aliasEvents').selectAll().where('modelId', '=', modelId)
      if (query.alias !== undefined) select = select.where('alias', '=', query.alias)
      const rows = await select.orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute()
      return rows.map(
        (r): AliasEvent => ({
          seq: Number(r.id),
          alias: r.alias,
          kind: r.kind as AliasEventKind,
          fromVersion: r.fromVersion === null ? null : Number(r.fromVersion),
          toVersion: r.toVersion === null ? null : Number(r.toVersion),
          actor: r.actor,
          atMs: Number(r.atMs),
          reason: r.reason,
          promotionRequestId: r.promotionRequestId,
        }),
      )
    },

    async insertRequest(modelId: string, request: PromotionRecord): Promise<void> {
      const { modelName: _name, ...row } = request
      await db
        .insertInto('promotionRequests')
        .values({ ...row, modelId })
        .execute()
    },

    async findRequest(model: { id: string; name: string }, id: string): Promise<PromotionRecord | undefined> {
      const row = await db
        .selectFrom('promotionRequests')
        .selectAll()
        .where('modelId', '=', model.id)
        .where('id', '=', id)
        .executeTakeFirst()
      return row ? toRequest(row, model.name) : undefined
    },

    async listRequests(model: { id: string; name: string }, status: PromotionStatus | undefined) {
      let select = db.selectFrom('promotionRequests').selectAll().where('modelId', '=', model.id)
      if (status !== undefined) select = select.where('status', '=', status)
      const rows = await select.orderBy('requestedAtMs', 'desc').limit(1000).execute()
      return rows.map((row) => toRequest(row, model.name))
    },

    /** Decides a pending request; false when it was decided already (by a concurrent call). */
    async decide(
      id: string,
      decision: { status: 'APPROVED' | 'REJECTED'; decidedBy: string; decidedAtMs: number; comment: string | null },
    ): Promise<boolean> {
      const result = await db
        .updateTable('promotionRequests')
        .set(decision)
        .where('id', '=', id)
        .where('status', '=', 'PENDING')
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    },

    /** Pending requests for versions, so that deleting a version can refuse or reject them. */
    async pendingForVersion(modelId: string, version: number): Promise<string[]> {
      const rows = await db
        .selectFrom('promotionRequests')
        .select('id')
        .where('modelId', '=', modelId)
        .where('version', '=', version)
        .where('status', '=', 'PENDING')
        .execute()
      return rows.map((r) => r.id)
    },
  }
}
