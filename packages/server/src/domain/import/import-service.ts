import type { Readable } from 'node:stream'
import type { ImportExperimentBody, ImportExperimentResponse } from '@provena/contract'
import type { z } from 'zod'
import type { BlobStore } from '../../storage/artifacts/blob-store.js'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import type { Clock, IdGenerator } from '../clock.js'
import { createModelImport } from './import-models.js'
import { createRunImport } from './import-runs.js'

// S3 answers each HEAD in a round trip; a few at a time keep thousands of files quick.
const HEADS_AT_ONCE = 16

interface Deps {
  store: Store
  blobs: BlobStore
  clock: Clock
  ids: IdGenerator
  audit: AuditLog
  authorizer: Authorizer
}

export type ImportService = ReturnType<typeof createImportService>

/**
 * Import from another tracker (MLflow): what it recorded is kept as it was — run ids, times,
 * users, statuses, version numbers — which no other route allows, so every call needs an admin.
 */
export function createImportService(deps: Deps) {
  const { store, blobs, audit, authorizer } = deps
  return {
    /** Stores bytes a run or its metric history will name; refused when they do not hash to `sha256`. */
    async putBlob(ctx: RequestContext, sha256: string, body: Readable): Promise<void> {
      authorizer.requireAdmin(ctx.principal)
      await blobs.put(body, { expectedSha256: sha256 })
    },

    /** Which of the digests have no stored blob (asked a few at a time, as the store answers each in a round trip). */
    async missingBlobs(ctx: RequestContext, digests: string[]): Promise<string[]> {
      authorizer.requireAdmin(ctx.principal)
      const unique = [...new Set(digests)]
      const missing: string[] = []
      for (let i = 0; i < unique.length; i += HEADS_AT_ONCE) {
        const slice = unique.slice(i, i + HEADS_AT_ONCE)
        const heads = await Promise.all(slice.map((digest) => blobs.head(digest)))
        heads.forEach((head, j) => {
          if (head === undefined) missing.push(slice[j] as string)
        })
      }
      return missing
    },

    /**
     * Experiments are matched by name, because Provena numbers its own: an experiment of that name
     * is used as it is (its id answered); otherwise one is made with the given times, tags and state.
     */
    async importExperiment(
      ctx: RequestContext,
      input: z.output<typeof ImportExperimentBody>,
    ): Promise<ImportExperimentResponse> {
      authorizer.requireAdmin(ctx.principal)
      return store.transaction(async (tx) => {
        const existing = await tx.experiments.findByName(input.name)
        if (existing) return { experimentId: existing.id, outcome: 'existing' }
        const id = await tx.experiments.insert({
          name: input.name,
          description: input.description,
          tags: input.tags,
          nowMs: input.createdAtMs,
        })
        await tx.experiments.update(id, {}, input.updatedAtMs)
        if (input.lifecycle === 'deleted') await tx.experiments.setLifecycle(id, 'deleted', input.updatedAtMs)
        await audit.record(tx, ctx, {
          action: 'experiment.import',
          objectType: 'experiment',
          objectId: id,
          after: await tx.experiments.findById(id),
          details: { source: 'mlflow' },
        })
        return { experimentId: id, outcome: 'created' }
      })
    },

    ...createRunImport(deps),
    ...createModelImport(deps),
  }
}
