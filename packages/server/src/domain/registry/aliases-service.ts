import {
  type AliasEvent,
  ConflictError,
  type ModelStage,
  NotFoundError,
  type RegisteredModel,
  type SetAliasBody,
  type TransitionStageBody,
} from '@provena/contract'
import type { AliasEventKind } from '../../storage/db/model-aliases-repository.js'
import type { ModelRecord } from '../../storage/db/models-repository.js'
import { offsetPage } from '../../storage/db/page-token.js'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Authorizer } from '../auth/authorizer.js'
import { actorName, type RequestContext } from '../auth/principal.js'
import type { Clock } from '../clock.js'
import { findAuthorizedModel } from './model-access.js'
import type { RegistryEvents } from './webhooks-service.js'

interface Deps {
  store: Store
  clock: Clock
  audit: AuditLog
  authorizer: Authorizer
  events: RegistryEvents
}

/** How one alias moves: to a version, or away (null), why, and on whose approval. */
export interface AliasMove {
  alias: string
  toVersion: number | null
  kind: AliasEventKind
  reason: string | null
  promotionRequestId: string | null
}

/**
 * Moves an alias inside the caller's transaction (the model row is locked first), appends the
 * move to the alias history and the audit trail. Two concurrent moves run one after the other:
 * each sees the other's result as its "from", so none is lost and both are recorded.
 */
export async function moveAlias(
  tx: Store,
  { audit, events }: { audit: AuditLog; events: RegistryEvents },
  ctx: RequestContext,
  model: ModelRecord,
  move: AliasMove,
  nowMs: number,
): Promise<AliasEvent['fromVersion']> {
  const fromVersion = (await tx.modelAliases.versionOf(model.id, move.alias)) ?? null
  if (move.toVersion === null) await tx.modelAliases.remove(model.id, move.alias)
  else await tx.modelAliases.set(model.id, move.alias, move.toVersion)
  const actor = actorName(ctx.principal).actor
  await tx.modelAliases.appendEvent(model.id, {
    alias: move.alias,
    kind: move.kind,
    fromVersion,
    toVersion: move.toVersion,
    actor,
    atMs: nowMs,
    reason: move.reason,
    promotionRequestId: move.promotionRequestId,
  })
  await audit.record(tx, ctx, {
    action: `model.alias_${move.kind}`,
    objectType: 'registered_model',
    objectId: model.name,
    before: { alias: move.alias, version: fromVersion },
    after: { alias: move.alias, version: move.toVersion },
    ...(move.reason || move.promotionRequestId
      ? { details: { reason: move.reason, promotionRequestId: move.promotionRequestId } }
      : {}),
  })
  await events.publish(tx, model, 'alias.moved', {
    alias: move.alias,
    fromVersion,
    toVersion: move.toVersion,
    kind: move.kind,
    actor,
    reason: move.reason,
    promotionRequestId: move.promotionRequestId,
  })
  return fromVersion
}

export type AliasesService = ReturnType<typeof createAliasesService>

export function createAliasesService({ store, clock, audit, authorizer, events }: Deps) {
  async function writableModel(tx: Store, ctx: RequestContext, name: string) {
    const model = await findAuthorizedModel(tx, authorizer, ctx, name, 'EDIT')
    await tx.models.lockModel(model.id)
    return model
  }

  async function refuseProtected(tx: Store, model: ModelRecord, alias: string) {
    if (await tx.modelAliases.isProtected(model.id, alias)) {
      throw new ConflictError(
        `@${alias} of ${model.name} is protected: it moves only through an approved promotion request (provena models promote)`,
      )
    }
  }

  async function mustHaveVersion(tx: Store, model: ModelRecord, version: number) {
    if (!(await tx.models.findVersion(model, version))) {
      throw new NotFoundError(`model version ${model.name}/${version} not found`)
    }
  }

  const reload = async (tx: Store, name: string): Promise<RegisteredModel> => {
    const model = await tx.models.findModel(name)
    if (!model) throw new NotFoundError('registered model', name)
    return model
  }

  return {
    /** Points the alias at a version (EDIT); protected aliases are refused. */
    async set(ctx: RequestContext, name: string, alias: string, body: SetAliasBody): Promise<RegisteredModel> {
      return store.transaction(async (tx) => {
        const model = await writableModel(tx, ctx, name)
        await refuseProtected(tx, model, alias)
        await mustHaveVersion(tx, model, body.version)
        const current = await tx.modelAliases.versionOf(model.id, alias)
        if (body.expectedVersion !== undefined && (current ?? null) !== body.expectedVersion) {
          throw new ConflictError(
            `@${alias} of ${name} points to ${current === undefined ? 'no version' : `version ${current}`}, not ${body.expectedVersion === null ? 'none' : `version ${body.expectedVersion}`}: it was moved meanwhile`,
          )
        }
        if (current !== body.version) {
          const move = {
            alias,
            toVersion: body.version,
            kind: 'set' as const,
            reason: body.reason ?? null,
            promotionRequestId: null,
          }
          await moveAlias(tx, { audit, events }, ctx, model, move, clock.nowMs())
        }
        return reload(tx, name)
      })
    },

    /**
     * Removes an alias (EDIT); protected aliases are refused. An alias that is not there is "not
     * found", or nothing to do with `isMissingOk` (MLflow's delete-alias answers so).
     */
    async delete(ctx: RequestContext, name: string, alias: string, { isMissingOk = false } = {}): Promise<void> {
      await store.transaction(async (tx) => {
        const model = await writableModel(tx, ctx, name)
        await refuseProtected(tx, model, alias)
        if ((await tx.modelAliases.versionOf(model.id, alias)) === undefined) {
          if (isMissingOk) return
          throw new NotFoundError(`registered model ${name} has no alias @${alias}`)
        }
        const move = { alias, toVersion: null, kind: 'delete' as const, reason: null, promotionRequestId: null }
        await moveAlias(tx, { audit, events }, ctx, model, move, clock.nowMs())
      })
    },

    /**
     * Moves the alias back to the version it pointed to before its last move. A protected alias
     * may be rolled back by a manager of the model without a new approval: it returns to a
     * version the alias already held.
     */
    async rollback(ctx: RequestContext, name: string, alias: string, reason: string | undefined) {
      return store.transaction(async (tx) => {
        const model = await writableModel(tx, ctx, name)
        if (await tx.modelAliases.isProtected(model.id, alias)) {
          await findAuthorizedModel(tx, authorizer, ctx, name, 'MANAGE')
        }
        const [last] = await tx.modelAliases.history(model.id, { alias, limit: 1, offset: 0 })
        if (!last) throw new ConflictError(`@${alias} of ${name} has never moved: there is nothing to roll back to`)
        if (last.fromVersion === null) {
          throw new ConflictError(`@${alias} of ${name} pointed to no version before its last move: delete it instead`)
        }
        await mustHaveVersion(tx, model, last.fromVersion)
        const move = {
          alias,
          toVersion: last.fromVersion,
          kind: 'rollback' as const,
          reason: reason ?? null,
          promotionRequestId: null,
        }
        await moveAlias(tx, { audit, events }, ctx, model, move, clock.nowMs())
        return reload(tx, name)
      })
    },

    /** Marks an alias protected, or not (MANAGE). */
    async protect(ctx: RequestContext, name: string, alias: string, isProtected: boolean): Promise<RegisteredModel> {
      return store.transaction(async (tx) => {
        const model = await findAuthorizedModel(tx, authorizer, ctx, name, 'MANAGE')
        const was = await tx.modelAliases.isProtected(model.id, alias)
        if (was !== isProtected) {
          await tx.modelAliases.setProtected(model.id, alias, isProtected)
          await audit.record(tx, ctx, {
            action: isProtected ? 'model.alias_protect' : 'model.alias_unprotect',
            objectType: 'registered_model',
            objectId: name,
            before: { alias, isProtected: was },
            after: { alias, isProtected },
          })
        }
        return reload(tx, name)
      })
    },

    /**
     * MLflow's stage transition, kept for compatibility: the version's stage changes and each change
     * (of this version, and of versions archived with `archiveExisting`) goes into the same history
     * as alias moves, under `stage:<Stage>`, and the audit trail. Stages are not governed by
     * protection; use aliases for that.
     */
    async transitionStage(
      ctx: RequestContext,
      name: string,
      number: number,
      body: TransitionStageBody & { archiveExisting: boolean },
    ) {
      return store.transaction(async (tx) => {
        const model = await writableModel(tx, ctx, name)
        const version = await tx.models.findVersion(model, number)
        if (!version) throw new NotFoundError(`model version ${name}/${number} not found`)
        const nowMs = clock.nowMs()
        const actor = actorName(ctx.principal).actor
        const change = async (
          target: { id: string; version: number },
          from: ModelStage,
          to: ModelStage,
          reason: string | null,
        ) => {
          await tx.models.setStage(target.id, to, nowMs)
          await tx.modelAliases.appendEvent(model.id, {
            alias: `stage:${to}`,
            kind: 'stage',
            fromVersion: null,
            toVersion: target.version,
            actor,
            atMs: nowMs,
            reason: `${from} -> ${to}${reason ? `: ${reason}` : ''}`,
            promotionRequestId: null,
          })
          await audit.record(tx, ctx, {
            action: 'model_version.stage',
            objectType: 'registered_model',
            objectId: name,
            before: { version: target.version, stage: from },
            after: { version: target.version, stage: to },
          })
        }
        if (body.archiveExisting && (body.stage === 'Staging' || body.stage === 'Production')) {
          for (const other of await tx.models.versionsInStage(model.id, body.stage)) {
            if (other.version !== number)
              await change(other, body.stage, 'Archived', `archived by the move of version ${number}`)
          }
        }
        if (version.stage !== body.stage) await change(version, version.stage, body.stage, body.reason ?? null)
        const after = await tx.models.findVersion(model, number)
        if (!after) throw new NotFoundError(`model version ${name}/${number} not found`)
        return after
      })
    },

    /** Every move of one alias (or of all), newest first. */
    async history(
      ctx: RequestContext,
      name: string,
      query: { alias?: string | undefined; maxResults: number; pageToken?: string | undefined },
    ) {
      const model = await findAuthorizedModel(store, authorizer, ctx, name, 'READ')
      const { items, nextPageToken } = await offsetPage(query.pageToken, query.maxResults, (window) =>
        store.modelAliases.history(model.id, { alias: query.alias, ...window }),
      )
      return { events: items, nextPageToken }
    },
  }
}
