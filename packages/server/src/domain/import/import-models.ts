import {
  ConflictError,
  type ImportModelBody,
  type ImportModelResponse,
  InvalidInputError,
  NotFoundError,
  toArtifactKey,
} from '@provena/contract'
import { datasetDigest } from '@provena/data'
import type { z } from 'zod'
import type { BlobStore } from '../../storage/artifacts/blob-store.js'
import type { ModelRecord } from '../../storage/db/models-repository.js'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import type { Clock, IdGenerator } from '../clock.js'
import { creatorName } from '../datasets/dataset-access.js'
import { addRegistrationEdge } from '../lineage/registration-edge.js'
import { readModelManifest } from '../registry/model-manifest.js'
import { runArtifactFiles } from '../registry/models-service.js'

export type ImportModelInput = z.output<typeof ImportModelBody>
type ImportVersionInput = ImportModelInput['versions'][number]

interface Deps {
  store: Store
  blobs: BlobStore
  clock: Clock
  ids: IdGenerator
  audit: AuditLog
  authorizer: Authorizer
}

const IMPORT_REASON = 'imported from MLflow'

/**
 * Imports a registered model with its versions (keeping their numbers, stages and times, files
 * frozen from the imported run's artifacts) and aliases, in one transaction. Versions and aliases
 * already there with the same content are left alone; different ones are refused.
 */
export function createModelImport({ store, blobs, clock, ids, audit, authorizer }: Deps) {
  async function findOrCreateModel(tx: Store, ctx: RequestContext, input: ImportModelInput) {
    const existing = await tx.models.findModel(input.name)
    if (existing) return { model: existing, outcome: 'existing' as const }
    const id = ids.objectId()
    await tx.models.insertModel({
      id,
      name: input.name,
      description: input.description,
      nowMs: input.createdAtMs,
      createdBy: creatorName(ctx),
    })
    await tx.models.setModelTags(id, input.tags)
    await tx.models.updateModel(id, {}, input.updatedAtMs)
    const model = await tx.models.findModel(input.name)
    if (!model) throw new NotFoundError('registered model', input.name)
    const { id: _id, ...after } = model
    await audit.record(tx, ctx, { action: 'model.import', objectType: 'registered_model', objectId: input.name, after })
    return { model, outcome: 'created' as const }
  }

  async function importVersion(tx: Store, ctx: RequestContext, model: ModelRecord, input: ImportVersionInput) {
    const path = input.path === '' ? '' : toArtifactKey(input.path)
    const source = `runs:/${input.runId}${path === '' ? '' : `/${path}`}`
    const existing = await tx.models.findVersion(model, input.version)
    if (existing) {
      if (existing.source !== source || existing.stage !== input.stage) {
        throw new ConflictError(
          `version ${input.version} of ${model.name} exists already with other content (source ${existing.source}, stage ${existing.stage}; the import has ${source}, stage ${input.stage})`,
        )
      }
      return 'unchanged' as const
    }
    if (!(await tx.runs.findById(input.runId))) {
      throw new InvalidInputError(
        `version ${input.version} of ${model.name} comes from run ${input.runId}, which has not been imported`,
      )
    }
    const files = await runArtifactFiles(tx, input.runId, path)
    if (files.length === 0) {
      throw new InvalidInputError(
        `version ${input.version} of ${model.name}: run ${input.runId} has no artifacts at '${path}'`,
      )
    }
    const id = ids.objectId()
    await tx.models.insertVersion(
      {
        id,
        modelId: model.id,
        version: input.version,
        status: input.status,
        description: input.description,
        source,
        runId: input.runId,
        digest: datasetDigest(files),
        sizeBytes: files.reduce((sum, f) => sum + f.sizeBytes, 0),
        manifest: await readModelManifest(blobs, files, source),
        nowMs: input.createdAtMs,
        createdBy: input.userId,
      },
      files,
    )
    await tx.models.setVersionTags(id, input.tags)
    await addRegistrationEdge(tx, {
      runId: input.runId,
      versionId: id,
      atMs: input.createdAtMs,
      createdBy: input.userId,
    })
    for (const sha256 of new Set(files.map((f) => f.sha256))) {
      await tx.artifacts.pin(sha256, { type: 'model_version', id }, clock.nowMs())
    }
    if (input.stage !== 'None') {
      await tx.models.setStage(id, input.stage, input.updatedAtMs)
      await tx.modelAliases.appendEvent(model.id, {
        alias: `stage:${input.stage}`,
        kind: 'stage',
        fromVersion: null,
        toVersion: input.version,
        actor: creatorName(ctx),
        atMs: input.updatedAtMs,
        reason: IMPORT_REASON,
        promotionRequestId: null,
      })
    }
    await tx.models.updateVersion(id, {}, input.updatedAtMs)
    const version = await tx.models.findVersion(model, input.version)
    const { id: _id, ...after } = version ?? {}
    await audit.record(tx, ctx, {
      action: 'model_version.import',
      objectType: 'registered_model',
      objectId: model.name,
      after,
    })
    return 'created' as const
  }

  async function importAlias(tx: Store, ctx: RequestContext, model: ModelRecord, alias: string, version: number) {
    const current = await tx.modelAliases.versionOf(model.id, alias)
    if (current === version) return 'unchanged' as const
    if (current !== undefined) {
      throw new ConflictError(
        `alias @${alias} of ${model.name} points to version ${current} here, ${version} in the import`,
      )
    }
    if (!(await tx.models.findVersion(model, version))) {
      throw new InvalidInputError(
        `alias @${alias} of ${model.name} points to version ${version}, which was not imported`,
      )
    }
    await tx.modelAliases.set(model.id, alias, version)
    const atMs = clock.nowMs()
    await tx.modelAliases.appendEvent(model.id, {
      alias,
      kind: 'set',
      fromVersion: null,
      toVersion: version,
      actor: creatorName(ctx),
      atMs,
      reason: IMPORT_REASON,
      promotionRequestId: null,
    })
    await audit.record(tx, ctx, {
      action: 'model_alias.import',
      objectType: 'registered_model',
      objectId: model.name,
      after: { alias, version },
    })
    return 'created' as const
  }

  return {
    async importModel(ctx: RequestContext, input: ImportModelInput): Promise<ImportModelResponse> {
      authorizer.requireAdmin(ctx.principal)
      return store.transaction(async (tx) => {
        const { model, outcome } = await findOrCreateModel(tx, ctx, input)
        await tx.models.lockModel(model.id)
        const versions: ImportModelResponse['versions'] = []
        for (const version of [...input.versions].sort((a, b) => a.version - b.version)) {
          versions.push({ version: version.version, outcome: await importVersion(tx, ctx, model, version) })
        }
        const aliases: ImportModelResponse['aliases'] = []
        for (const [alias, version] of Object.entries(input.aliases).sort(([a], [b]) => (a < b ? -1 : 1))) {
          aliases.push({ alias, outcome: await importAlias(tx, ctx, model, alias, version) })
        }
        return { outcome, versions, aliases }
      })
    },
  }
}
