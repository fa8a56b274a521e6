import {
  ConflictError,
  type CreateRunBody,
  InvalidInputError,
  NotFoundError,
  type PermissionLevel,
  type Run,
  type RunStatus,
  type UpdateRunBody,
} from '@provena/contract'
import type { RunPatch, RunRecord } from '../../storage/db/runs-repository.js'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import type { Clock, IdGenerator } from '../clock.js'
import { isCodeTag, syncCodeVersionEdge } from '../lineage/code-version-edges.js'
import { generateRunName } from './run-names.js'

/** Statuses of a run that has ended; its artifacts no longer change. */
export const TERMINAL_STATUSES: RunStatus[] = ['FINISHED', 'FAILED', 'KILLED']

export type CreateRunInput = Omit<CreateRunBody, 'experimentId' | 'status'> & {
  experimentId: string
  status: RunStatus
}

export type RunsService = ReturnType<typeof createRunsService>

/**
 * Finds a run the caller holds `level` on (through its experiment). A run the caller may not
 * read is "not found", exactly like a run that does not exist.
 */
export async function findAuthorizedRun(
  store: Store,
  authorizer: Authorizer,
  ctx: RequestContext,
  runId: string,
  level: PermissionLevel,
): Promise<RunRecord> {
  const run = await store.runs.findById(runId)
  if (!run) throw new NotFoundError('run', runId)
  try {
    await authorizer.require(store, ctx.principal, { type: 'experiment', id: run.experimentId }, level)
  } catch (error) {
    if (error instanceof NotFoundError) throw new NotFoundError('run', runId, { cause: error })
    throw error
  }
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

interface Deps {
  store: Store
  clock: Clock
  ids: IdGenerator
  audit: AuditLog
  authorizer: Authorizer
}

export function createRunsService({ store, clock, ids, audit, authorizer }: Deps) {
  async function loadRun(tx: Store, runId: string): Promise<Run> {
    const [run] = await tx.runs.loadFull([runId])
    if (!run) throw new NotFoundError('run', runId)
    return run
  }

  async function activeRun(tx: Store, ctx: RequestContext, runId: string): Promise<RunRecord> {
    const run = await findAuthorizedRun(tx, authorizer, ctx, runId, 'EDIT')
    if (run.lifecycle === 'deleted') throw new ConflictError(`run ${runId} is deleted; restore it first`)
    return run
  }

  async function newRunRecord(tx: Store, ctx: RequestContext, input: CreateRunInput): Promise<RunRecord> {
    const experiment = await tx.experiments.findById(input.experimentId)
    if (!experiment) throw new NotFoundError('experiment', input.experimentId)
    await authorizer.require(tx, ctx.principal, { type: 'experiment', id: input.experimentId }, 'EDIT')
    if (experiment.lifecycle === 'deleted') {
      throw new ConflictError(`experiment ${input.experimentId} is deleted; restore it before adding runs`)
    }
    if (input.parentRunId !== undefined) await findAuthorizedRun(tx, authorizer, ctx, input.parentRunId, 'READ')
    const nowMs = clock.nowMs()
    const principal = ctx.principal
    return {
      id: ids.runId(),
      experimentId: input.experimentId,
      name: input.name ?? generateRunName(),
      status: input.status,
      startTimeMs: input.startTimeMs ?? nowMs,
      endTimeMs: null,
      userId: input.userId ?? (principal.kind === 'user' ? principal.name : principal.kind),
      parentRunId: input.parentRunId ?? null,
      lifecycle: 'active',
    }
  }

  return {
    async create(ctx: RequestContext, input: CreateRunInput): Promise<Run> {
      return store.transaction(async (tx) => {
        const run = await newRunRecord(tx, ctx, input)
        await tx.runs.insert(run, clock.nowMs())
        await tx.runs.insertParams(
          run.id,
          Object.entries(input.params ?? {}).map(([key, value]) => ({ key, value })),
        )
        await tx.runs.setTags(
          run.id,
          Object.entries(input.tags ?? {}).map(([key, value]) => ({ key, value })),
        )
        if (Object.keys(input.tags ?? {}).some(isCodeTag)) await syncCodeVersionEdge(tx, run.id, clock.nowMs())
        const after = await loadRun(tx, run.id)
        await audit.record(tx, ctx, { action: 'run.create', objectType: 'run', objectId: run.id, after })
        return after
      })
    },

    async get(ctx: RequestContext, runId: string): Promise<Run> {
      await findAuthorizedRun(store, authorizer, ctx, runId, 'READ')
      return loadRun(store, runId)
    },

    async update(ctx: RequestContext, runId: string, patch: UpdateRunBody): Promise<Run> {
      return store.transaction(async (tx) => {
        const run = await activeRun(tx, ctx, runId)
        const before = await loadRun(tx, runId)
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
        const after = await loadRun(tx, runId)
        await audit.record(tx, ctx, { action: 'run.update', objectType: 'run', objectId: runId, before, after })
        return after
      })
    },

    async delete(ctx: RequestContext, runId: string): Promise<void> {
      await store.transaction(async (tx) => {
        await activeRun(tx, ctx, runId)
        await tx.runs.setLifecycle(runId, 'deleted', clock.nowMs())
        await audit.record(tx, ctx, {
          action: 'run.delete',
          objectType: 'run',
          objectId: runId,
          before: { lifecycle: 'active' },
          after: { lifecycle: 'deleted' },
        })
      })
    },

    async restore(ctx: RequestContext, runId: string): Promise<Run> {
      return store.transaction(async (tx) => {
        const run = await findAuthorizedRun(tx, authorizer, ctx, runId, 'EDIT')
        if (run.lifecycle === 'active') throw new ConflictError(`run ${runId} is not deleted`)
        await tx.runs.setLifecycle(runId, 'active', clock.nowMs())
        await audit.record(tx, ctx, {
          action: 'run.restore',
          objectType: 'run',
          objectId: runId,
          before: { lifecycle: 'deleted' },
          after: { lifecycle: 'active' },
        })
        return loadRun(tx, runId)
      })
    },

    async setTag(ctx: RequestContext, runId: string, key: string, value: string): Promise<void> {
      await store.transaction(async (tx) => {
        await activeRun(tx, ctx, runId)
        const before = (await loadRun(tx, runId)).tags[key] ?? null
        await tx.runs.setTags(runId, [{ key, value }])
        if (isCodeTag(key)) await syncCodeVersionEdge(tx, runId, clock.nowMs())
        await audit.record(tx, ctx, {
          action: 'run.set_tag',
          objectType: 'run',
          objectId: runId,
          before: { [key]: before },
          after: { [key]: value },
        })
      })
    },

    async deleteTag(ctx: RequestContext, runId: string, key: string): Promise<void> {
      await store.transaction(async (tx) => {
        await activeRun(tx, ctx, runId)
        const before = (await loadRun(tx, runId)).tags[key]
        if (before === undefined || !(await tx.runs.deleteTag(runId, key)))
          throw new NotFoundError(`tag '${key}' not found on run ${runId}`)
        if (isCodeTag(key)) await syncCodeVersionEdge(tx, runId, clock.nowMs())
        await audit.record(tx, ctx, {
          action: 'run.delete_tag',
          objectType: 'run',
          objectId: runId,
          before: { [key]: before },
          after: { [key]: null },
        })
      })
    },
  }
}
