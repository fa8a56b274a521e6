import {
  ConflictError,
  type CreateExperimentBody,
  type Experiment,
  NotFoundError,
  type UpdateExperimentBody,
  type ViewType,
} from '@provena/contract'
import type { ExperimentOrderBy } from '../../storage/db/experiments-repository.js'
import { offsetPage } from '../../storage/db/page-token.js'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import type { Clock } from '../clock.js'

const DEFAULT_EXPERIMENT_ID = '0'

export interface ListExperimentsInput {
  view: ViewType
  nameLike?: string | undefined
  /** Like nameLike, without regard to case. */
  nameILike?: string | undefined
  orderBy?: ExperimentOrderBy[] | undefined
  maxResults: number
  pageToken?: string | undefined
}

export type ExperimentsService = ReturnType<typeof createExperimentsService>

interface Deps {
  store: Store
  clock: Clock
  audit: AuditLog
  authorizer: Authorizer
}

export function createExperimentsService({ store, clock, audit, authorizer }: Deps) {
  async function mustFind(tx: Store, id: string): Promise<Experiment> {
    const experiment = await tx.experiments.findById(id)
    if (!experiment) throw new NotFoundError('experiment', id)
    return experiment
  }

  /** The experiment, once the caller is known to hold `level` on it. */
  async function authorized(tx: Store, ctx: RequestContext, id: string, level: 'READ' | 'EDIT' | 'MANAGE') {
    const experiment = await mustFind(tx, id)
    await authorizer.require(tx, ctx.principal, { type: 'experiment', id }, level)
    return experiment
  }

  return {
    async create(ctx: RequestContext, input: CreateExperimentBody): Promise<Experiment> {
      authorizer.requireSignedIn(ctx.principal)
      return store.transaction(async (tx) => {
        const id = await tx.experiments.insert({
          name: input.name,
          description: input.description ?? null,
          tags: input.tags ?? {},
          nowMs: clock.nowMs(),
        })
        if (ctx.principal.kind === 'user') await tx.permissions.grant('experiment', id, ctx.principal.userId, 'MANAGE')
        const experiment = await mustFind(tx, id)
        await audit.record(tx, ctx, {
          action: 'experiment.create',
          objectType: 'experiment',
          objectId: id,
          after: experiment,
        })
        return experiment
      })
    },

    async get(ctx: RequestContext, id: string): Promise<Experiment> {
      return authorized(store, ctx, id, 'READ')
    },

    async getByName(ctx: RequestContext, name: string): Promise<Experiment> {
      const experiment = await store.experiments.findByName(name)
      if (!experiment) throw new NotFoundError('experiment', name)
      await authorizer.require(store, ctx.principal, { type: 'experiment', id: experiment.id }, 'READ')
      return experiment
    },

    async list(ctx: RequestContext, input: ListExperimentsInput) {
      const restriction = authorizer.listRestriction(ctx.principal)
      const { items, nextPageToken } = await offsetPage(input.pageToken, input.maxResults, (window) =>
        store.experiments.list({
          view: input.view,
          nameLike: input.nameLike,
          nameILike: input.nameILike,
          orderBy: input.orderBy,
          grantedTo: restriction?.userId,
          ...window,
        }),
      )
      return { experiments: items, nextPageToken }
    },

    async update(ctx: RequestContext, id: string, patch: UpdateExperimentBody): Promise<Experiment> {
      return store.transaction(async (tx) => {
        const before = await authorized(tx, ctx, id, 'EDIT')
        if (before.lifecycle === 'deleted') throw new ConflictError(`experiment ${id} is deleted; restore it first`)
        const { tags, ...fields } = patch
        await tx.experiments.update(id, fields, clock.nowMs())
        if (tags) await tx.experiments.setTags(id, tags)
        const after = await mustFind(tx, id)
        await audit.record(tx, ctx, {
          action: 'experiment.update',
          objectType: 'experiment',
          objectId: id,
          before,
          after,
        })
        return after
      })
    },

    async delete(ctx: RequestContext, id: string): Promise<void> {
      await store.transaction(async (tx) => {
        const before = await authorized(tx, ctx, id, 'MANAGE')
        if (id === DEFAULT_EXPERIMENT_ID) throw new ConflictError('the Default experiment cannot be deleted')
        if (before.lifecycle === 'deleted') throw new ConflictError(`experiment ${id} is already deleted`)
        await tx.experiments.setLifecycle(id, 'deleted', clock.nowMs())
        const after = await mustFind(tx, id)
        await audit.record(tx, ctx, {
          action: 'experiment.delete',
          objectType: 'experiment',
          objectId: id,
          before,
          after,
        })
      })
    },

    async restore(ctx: RequestContext, id: string): Promise<Experiment> {
      return store.transaction(async (tx) => {
        const before = await authorized(tx, ctx, id, 'MANAGE')
        if (before.lifecycle === 'active') throw new ConflictError(`experiment ${id} is not deleted`)
        await tx.experiments.setLifecycle(id, 'active', clock.nowMs())
        const after = await mustFind(tx, id)
        await audit.record(tx, ctx, {
          action: 'experiment.restore',
          objectType: 'experiment',
          objectId: id,
          before,
          after,
        })
        return after
      })
    },
  }
}
