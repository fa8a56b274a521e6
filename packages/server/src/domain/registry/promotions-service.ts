import {
  ConflictError,
  type CreatePromotionBody,
  NotFoundError,
  PermissionDeniedError,
  type PromotionRequest,
  type PromotionStatus,
} from '@provena/contract'
import type { PromotionRecord } from '../../storage/db/model-aliases-repository.js'
import type { ModelRecord } from '../../storage/db/models-repository.js'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Authorizer } from '../auth/authorizer.js'
import { actorName, type RequestContext } from '../auth/principal.js'
import type { Clock, IdGenerator } from '../clock.js'
import { moveAlias } from './aliases-service.js'
import { findAuthorizedModel } from './model-access.js'
import type { RegistryEvents } from './webhooks-service.js'

interface Deps {
  store: Store
  clock: Clock
  ids: IdGenerator
  audit: AuditLog
  authorizer: Authorizer
  events: RegistryEvents
}

function publicRequest(record: PromotionRecord): PromotionRequest {
  const { requestedByUserId: _id, ...request } = record
  return request
}

/** Whether the caller is the one who asked: the same user (whatever token), or the same actor. */
function isRequester(ctx: RequestContext, request: PromotionRecord): boolean {
  if (ctx.principal.kind === 'user' && request.requestedByUserId !== null) {
    return ctx.principal.userId === request.requestedByUserId
  }
  return actorName(ctx.principal).actor === request.requestedBy
}

export type PromotionsService = ReturnType<typeof createPromotionsService>

/**
 * Four-eyes promotion: someone with EDIT asks for (version, alias, reason); someone else with
 * MANAGE approves (the alias moves, even a protected one) or rejects, with a comment.
 */
export function createPromotionsService({ store, clock, ids, audit, authorizer, events }: Deps) {
  async function pending(tx: Store, ctx: RequestContext, name: string, requestId: string) {
    const model = await findAuthorizedModel(tx, authorizer, ctx, name, 'MANAGE')
    await tx.models.lockModel(model.id)
    const request = await tx.modelAliases.findRequest(model, requestId)
    if (!request) throw new NotFoundError(`promotion request ${requestId} of ${name} not found`)
    if (request.status !== 'PENDING') {
      throw new ConflictError(
        `promotion request ${requestId} was ${request.status.toLowerCase()} already by ${request.decidedBy}`,
      )
    }
    return { model, request }
  }

  async function decide(
    tx: Store,
    ctx: RequestContext,
    model: ModelRecord,
    request: PromotionRecord,
    status: 'APPROVED' | 'REJECTED',
    comment: string | undefined,
  ): Promise<PromotionRequest> {
    const decision = {
      status,
      decidedBy: actorName(ctx.principal).actor,
      decidedAtMs: clock.nowMs(),
      comment: comment ?? null,
    }
    if (!(await tx.modelAliases.decide(request.id, decision))) {
      throw new ConflictError(`promotion request ${request.id} was decided by someone else at the same moment`)
    }
    const decided = { ...publicRequest(request), ...decision }
    await audit.record(tx, ctx, {
      action: status === 'APPROVED' ? 'promotion.approve' : 'promotion.reject',
      objectType: 'registered_model',
      objectId: model.name,
      before: publicRequest(request),
      after: decided,
    })
    await events.publish(tx, model, status === 'APPROVED' ? 'promotion.approved' : 'promotion.rejected', decided)
    return decided
  }

  return {
    async request(ctx: RequestContext, name: string, input: CreatePromotionBody): Promise<PromotionRequest> {
      return store.transaction(async (tx) => {
        const model = await findAuthorizedModel(tx, authorizer, ctx, name, 'EDIT')
        if (!(await tx.models.findVersion(model, input.version))) {
          throw new NotFoundError(`model version ${name}/${input.version} not found`)
        }
        const record: PromotionRecord = {
          id: ids.objectId(),
          modelName: name,
          version: input.version,
          alias: input.alias,
          reason: input.reason,
          status: 'PENDING',
          requestedBy: actorName(ctx.principal).actor,
          requestedByUserId: ctx.principal.kind === 'user' ? ctx.principal.userId : null,
          requestedAtMs: clock.nowMs(),
          decidedBy: null,
          decidedAtMs: null,
          comment: null,
        }
        await tx.modelAliases.insertRequest(model.id, record)
        await audit.record(tx, ctx, {
          action: 'promotion.request',
          objectType: 'registered_model',
          objectId: name,
          after: publicRequest(record),
        })
        await events.publish(tx, model, 'promotion.requested', publicRequest(record))
        return publicRequest(record)
      })
    },

    /** Approves and moves the alias; never by the requester, never twice, never for a deleted version. */
    async approve(ctx: RequestContext, name: string, requestId: string, comment: string | undefined) {
      return store.transaction(async (tx) => {
        const { model, request } = await pending(tx, ctx, name, requestId)
        if (isRequester(ctx, request)) {
          throw new PermissionDeniedError(
            'you asked for this promotion: someone else with MANAGE on the model must approve it',
          )
        }
        if (!(await tx.models.findVersion(model, request.version))) {
          throw new ConflictError(`version ${request.version} of ${name} was deleted: the request can only be rejected`)
        }
        const decided = await decide(tx, ctx, model, request, 'APPROVED', comment)
        const move = {
          alias: request.alias,
          toVersion: request.version,
          kind: 'promotion' as const,
          reason: request.reason,
          promotionRequestId: request.id,
        }
        await moveAlias(tx, { audit, events }, ctx, model, move, decided.decidedAtMs ?? clock.nowMs())
        return decided
      })
    },

    async reject(ctx: RequestContext, name: string, requestId: string, comment: string | undefined) {
      return store.transaction(async (tx) => {
        const { model, request } = await pending(tx, ctx, name, requestId)
        return decide(tx, ctx, model, request, 'REJECTED', comment)
      })
    },

    async list(ctx: RequestContext, name: string, status: PromotionStatus | undefined): Promise<PromotionRequest[]> {
      const model = await findAuthorizedModel(store, authorizer, ctx, name, 'READ')
      return (await store.modelAliases.listRequests(model, status)).map(publicRequest)
    },
  }
}
