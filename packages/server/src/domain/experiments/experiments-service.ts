import {
  ConflictError,
  type CreateExperimentBody,
  type Experiment,
  NotFoundError,
  type UpdateExperimentBody,
  type ViewType,
} from '@provena/contract'
import { decodePageToken, encodePageToken, isOffsetPosition } from '../../storage/db/page-token.js'
import type { Store } from '../../storage/store.js'
import type { Clock } from '../clock.js'
import type { Principal } from '../principal.js'

const DEFAULT_EXPERIMENT_ID = '0'

export interface ListExperimentsInput {
  view: ViewType
  nameLike?: string | undefined
  maxResults: number
  pageToken?: string | undefined
}

export type ExperimentsService = ReturnType<typeof createExperimentsService>

export function createExperimentsService({ store, clock }: { store: Store; clock: Clock }) {
  async function mustFind(tx: Store, id: string): Promise<Experiment> {
    const experiment = await tx.experiments.findById(id)
    if (!experiment) throw new NotFoundError('experiment', id)
    return experiment
  }

  return {
    async create(_actor: Principal, input: CreateExperimentBody): Promise<Experiment> {
      return store.transaction(async (tx) => {
        const id = await tx.experiments.insert({
          name: input.name,
          description: input.description ?? null,
          tags: input.tags ?? {},
          nowMs: clock.nowMs(),
        })
        return mustFind(tx, id)
      })
    },

    async get(_actor: Principal, id: string): Promise<Experiment> {
      return mustFind(store, id)
    },

    async getByName(_actor: Principal, name: string): Promise<Experiment> {
      const experiment = await store.experiments.findByName(name)
      if (!experiment) throw new NotFoundError('experiment', name)
      return experiment
    },

    async list(_actor: Principal, input: ListExperimentsInput) {
      const { offset } = input.pageToken ? decodePageToken(input.pageToken, isOffsetPosition) : { offset: 0 }
      const page = await store.experiments.list({
        view: input.view,
        nameLike: input.nameLike,
        limit: input.maxResults + 1,
        offset,
      })
      const hasMore = page.length > input.maxResults
      return {
        experiments: page.slice(0, input.maxResults),
        nextPageToken: hasMore ? encodePageToken({ offset: offset + input.maxResults }) : null,
      }
    },

    async update(_actor: Principal, id: string, patch: UpdateExperimentBody): Promise<Experiment> {
      return store.transaction(async (tx) => {
        const experiment = await mustFind(tx, id)
        if (experiment.lifecycle === 'deleted') throw new ConflictError(`experiment ${id} is deleted; restore it first`)
        const { tags, ...fields } = patch
        await tx.experiments.update(id, fields, clock.nowMs())
        if (tags) await tx.experiments.setTags(id, tags)
        return mustFind(tx, id)
      })
    },

    async delete(_actor: Principal, id: string): Promise<void> {
      if (id === DEFAULT_EXPERIMENT_ID) throw new ConflictError('the Default experiment cannot be deleted')
      await store.transaction(async (tx) => {
        const experiment = await mustFind(tx, id)
        if (experiment.lifecycle === 'deleted') throw new ConflictError(`experiment ${id} is already deleted`)
        await tx.experiments.setLifecycle(id, 'deleted', clock.nowMs())
      })
    },

    async restore(_actor: Principal, id: string): Promise<Experiment> {
      return store.transaction(async (tx) => {
        const experiment = await mustFind(tx, id)
        if (experiment.lifecycle === 'active') throw new ConflictError(`experiment ${id} is not deleted`)
        await tx.experiments.setLifecycle(id, 'active', clock.nowMs())
        return mustFind(tx, id)
      })
    },
  }
}
