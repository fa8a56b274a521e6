import {
  ConflictError,
  type CreateRunBody,
  InvalidInputError,
  NotFoundError,
  type Run,
  type RunStatus,
  type UpdateRunBody,
} from '@provena/contract'
import type { RunPatch, RunRecord } from '../../storage/db/runs-repository.js'
import type { Store } from '../../storage/store.js'
import type { Clock, IdGenerator } from '../clock.js'
import type { Principal } from '../principal.js'
import { generateRunName } from './run-names.js'

const TERMINAL_STATUSES: RunStatus[] = ['FINISHED', 'FAILED', 'KILLED']

export type CreateRunInput = Omit<CreateRunBody, 'experimentId' | 'status'> & {
  experimentId: string
  status: RunStatus
}

export type RunsService = ReturnType<typeof createRunsService>

/** Finds a run or throws NotFoundError; shared by the services that act on runs. */
export async function findRunOrThrow(store: Store, runId: string): Promise<RunRecord> {
  const run = await store.runs.findById(runId)
  if (!run) throw new NotFoundError('run', runId)
  return run
}

/** Params are immutable: logging a different value for a key that has one is an error naming the key. */
export async function checkParamsUnchanged(tx: Store, runId: string, params: { key: string; value: string }[]) {
  const seen = new Map<string, string>()
  for (const { key, value } of params) {
    const earlier = seen.get(key)
    if (earlier !== undefined && earlier !== value) {
      throw new InvalidInputError(`param '${key}' is given twice with different values`)
    }
    seen.set(key, value)
  }
  const existing = await tx.runs.paramsOf(runId, [...seen.keys()])
  for (const [key, value] of existing) {
    if (seen.get(key) !== value) {
      throw new InvalidInputError(`param '${key}' was already logged with a different value; params are immutable`)
    }
  }
}

export function createRunsService({ store, clock, ids }: { store: Store; clock: Clock; ids: IdGenerator }) {
  async function loadRun(tx: Store, runId: string): Promise<Run> {
    const [run] = await tx.runs.loadFull([runId])
    if (!run) throw new NotFoundError('run', runId)
    return run
  }

  return {
    async create(actor: Principal, input: CreateRunInput): Promise<Run> {
      return store.transaction(async (tx) => {
        const experiment = await tx.experiments.findById(input.experimentId)
        if (!experiment) throw new NotFoundError('experiment', input.experimentId)
        if (experiment.lifecycle === 'deleted') {
          throw new ConflictError(`experiment ${input.experimentId} is deleted; restore it before adding runs`)
        }
        if (input.parentRunId !== undefined) await findRunOrThrow(tx, input.parentRunId)
        const nowMs = clock.nowMs()
        const run: RunRecord = {
          id: ids.runId(),
          experimentId: input.experimentId,
          name: input.name ?? generateRunName(),
          status: input.status,
          startTimeMs: input.startTimeMs ?? nowMs,
          endTimeMs: null,
          userId: input.userId ?? actor.name,
          parentRunId: input.parentRunId ?? null,
          lifecycle: 'active',
        }
        await tx.runs.insert(run, nowMs)
        await tx.runs.insertParams(
          run.id,
          Object.entries(input.params ?? {}).map(([key, value]) => ({ key, value })),
        )
        await tx.runs.setTags(
          run.id,
          Object.entries(input.tags ?? {}).map(([key, value]) => ({ key, value })),
        )
        return loadRun(tx, run.id)
      })
    },

    async get(_actor: Principal, runId: string): Promise<Run> {
      return loadRun(store, runId)
    },

    async update(_actor: Principal, runId: string, patch: UpdateRunBody): Promise<Run> {
      return store.transaction(async (tx) => {
        const run = await findRunOrThrow(tx, runId)
        if (run.lifecycle === 'deleted') throw new ConflictError(`run ${runId} is deleted; restore it first`)
        const nowMs = clock.nowMs()
        const changes: RunPatch = { ...patch }
        // A run that ends without saying when ends now, so its duration is never open-ended.
        if (
          patch.status &&
          TERMINAL_STATUSES.includes(patch.status) &&
          patch.endTimeMs === undefined &&
          run.endTimeMs === null
        ) {
          changes.endTimeMs = nowMs
        }
        await tx.runs.update(runId, changes, nowMs)
        return loadRun(tx, runId)
      })
    },

    async delete(_actor: Principal, runId: string): Promise<void> {
      await store.transaction(async (tx) => {
        const run = await findRunOrThrow(tx, runId)
        if (run.lifecycle === 'deleted') throw new ConflictError(`run ${runId} is already deleted`)
        await tx.runs.setLifecycle(runId, 'deleted', clock.nowMs())
      })
    },

    async restore(_actor: Principal, runId: string): Promise<Run> {
      return store.transaction(async (tx) => {
        const run = await findRunOrThrow(tx, runId)
        if (run.lifecycle === 'active') throw new ConflictError(`run ${runId} is not deleted`)
        await tx.runs.setLifecycle(runId, 'active', clock.nowMs())
        return loadRun(tx, runId)
      })
    },

    async setTag(_actor: Principal, runId: string, key: string, value: string): Promise<void> {
      await store.transaction(async (tx) => {
        const run = await findRunOrThrow(tx, runId)
        if (run.lifecycle === 'deleted') throw new ConflictError(`run ${runId} is deleted`)
        await tx.runs.setTags(runId, [{ key, value }])
      })
    },

    async deleteTag(_actor: Principal, runId: string, key: string): Promise<void> {
      await store.transaction(async (tx) => {
        const run = await findRunOrThrow(tx, runId)
        if (run.lifecycle === 'deleted') throw new ConflictError(`run ${runId} is deleted`)
        if (!(await tx.runs.deleteTag(runId, key))) throw new NotFoundError(`tag '${key}' not found on run ${runId}`)
      })
    },
  }
}
