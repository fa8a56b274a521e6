import type { Readable } from 'node:stream'
import {
  AlreadyExistsError,
  ConflictError,
  type CreateModelBody,
  InvalidInputError,
  type ModelManifest,
  type ModelVersion,
  type ModelVersionFile,
  NotFoundError,
  parseModelUri,
  parseRunsUri,
  type RegisteredModel,
  type RegisterModelVersionBody,
  toArtifactKey,
  type UpdateModelBody,
} from '@provena/contract'
import { datasetDigest } from '@provena/data'
import type { BlobStore } from '../../storage/artifacts/blob-store.js'
import type { ModelRecord } from '../../storage/db/models-repository.js'
import { offsetPage } from '../../storage/db/page-token.js'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import type { Clock, IdGenerator } from '../clock.js'
import { creatorName } from '../datasets/dataset-access.js'
import { checkBlobsStored, checkFileTree } from '../file-list.js'
import { addRegistrationEdge } from '../lineage/registration-edge.js'
import { findAuthorizedRun } from '../runs/runs-service.js'
import { findAuthorizedModel, findAuthorizedVersion } from './model-access.js'
import { readModelManifest } from './model-manifest.js'
import type { RegistryEvents } from './webhooks-service.js'

interface Deps {
  store: Store
  blobs: BlobStore
  clock: Clock
  ids: IdGenerator
  audit: AuditLog
  authorizer: Authorizer
  events: RegistryEvents
}

const MAX_VERSION_FILES = 100_000

function strip<T extends { id: string }>(record: T): Omit<T, 'id'> {
  const { id: _id, ...rest } = record
  return rest
}

export type ModelsService = ReturnType<typeof createModelsService>

/** The files below `path` of a run's artifacts, named relative to it (a single file: its base name). */
export async function runArtifactFiles(tx: Store, runId: string, path: string): Promise<ModelVersionFile[]> {
  const files: ModelVersionFile[] = []
  for await (const artifact of tx.artifacts.filesUnder(runId, path)) {
    const relative =
      artifact.path === path
        ? (path.split('/').at(-1) as string)
        : artifact.path.slice(path === '' ? 0 : path.length + 1)
    files.push({ path: relative, sizeBytes: artifact.sizeBytes, sha256: artifact.sha256 })
    if (files.length > MAX_VERSION_FILES)
      throw new InvalidInputError(`a model version has at most ${MAX_VERSION_FILES} files`)
  }
  return files
}

export function createModelsService({ store, blobs, clock, ids, audit, authorizer, events }: Deps) {
  /**
   * The next version of the model, with its file list and digest frozen and its blobs pinned so that
   * they outlive any change to where they came from. Inside the caller's transaction.
   */
  async function insertVersion(
    tx: Store,
    ctx: RequestContext,
    model: ModelRecord,
    origin: { source: string; runId: string | null; files: ModelVersionFile[]; manifest: ModelManifest | null },
    input: { description?: string | undefined; tags?: Record<string, string> | undefined },
  ): Promise<ModelVersion> {
    await tx.models.lockModel(model.id)
    const id = ids.objectId()
    const nowMs = clock.nowMs()
    const number = (await tx.models.latestVersionNumber(model.id)) + 1
    await tx.models.insertVersion(
      {
        id,
        modelId: model.id,
        version: number,
        status: 'READY',
        description: input.description ?? null,
        source: origin.source,
        runId: origin.runId,
        digest: datasetDigest(origin.files),
        sizeBytes: origin.files.reduce((sum, f) => sum + f.sizeBytes, 0),
        manifest: origin.manifest,
        nowMs,
        createdBy: creatorName(ctx),
      },
      origin.files,
    )
    if (input.tags) await tx.models.setVersionTags(id, input.tags)
    if (origin.runId !== null) {
      await addRegistrationEdge(tx, { runId: origin.runId, versionId: id, atMs: nowMs, createdBy: creatorName(ctx) })
    }
    for (const sha256 of new Set(origin.files.map((f) => f.sha256))) {
      await tx.artifacts.pin(sha256, { type: 'model_version', id }, nowMs)
    }
    const version = await tx.models.findVersion(model, number)
    if (!version) throw new NotFoundError(`model version ${model.name}/${number} not found`)
    await audit.record(tx, ctx, {
      action: 'model_version.create',
      objectType: 'registered_model',
      objectId: model.name,
      after: strip(version),
    })
    await events.publish(tx, model, 'model_version.created', strip(version))
    return version
  }

  return {
    async create(ctx: RequestContext, input: CreateModelBody): Promise<RegisteredModel> {
      authorizer.requireSignedIn(ctx.principal)
      return store.transaction(async (tx) => {
        const id = ids.objectId()
        const inserted = await tx.models.insertModel({
          id,
          name: input.name,
          description: input.description ?? null,
          nowMs: clock.nowMs(),
          createdBy: creatorName(ctx),
        })
        if (!inserted) throw new AlreadyExistsError(`registered model '${input.name}' already exists`)
        if (input.tags) await tx.models.setModelTags(id, input.tags)
        if (ctx.principal.kind === 'user') {
          await tx.permissions.grant('registered_model', input.name, ctx.principal.userId, 'MANAGE')
        }
        const model = await tx.models.findModel(input.name)
        if (!model) throw new NotFoundError('registered model', input.name)
        await audit.record(tx, ctx, {
          action: 'model.create',
          objectType: 'registered_model',
          objectId: input.name,
          after: strip(model),
        })
        return model
      })
    },

    async get(ctx: RequestContext, name: string): Promise<RegisteredModel> {
      return findAuthorizedModel(store, authorizer, ctx, name, 'READ')
    },

    async list(
      ctx: RequestContext,
      query: { nameLike?: string | undefined; maxResults: number; pageToken?: string | undefined },
    ) {
      const restriction = authorizer.listRestriction(ctx.principal)
      const { items, nextPageToken } = await offsetPage(query.pageToken, query.maxResults, (window) =>
        store.models.listModels({ nameLike: query.nameLike, grantedTo: restriction?.userId, ...window }),
      )
      return { models: items, nextPageToken }
    },

    async update(ctx: RequestContext, name: string, patch: UpdateModelBody): Promise<RegisteredModel> {
      return store.transaction(async (tx) => {
        const before = await findAuthorizedModel(tx, authorizer, ctx, name, 'EDIT')
        if (patch.description !== undefined)
          await tx.models.updateModel(before.id, { description: patch.description }, clock.nowMs())
        if (patch.tags) await tx.models.setModelTags(before.id, patch.tags)
        const after = await tx.models.findModel(name)
        if (!after) throw new NotFoundError('registered model', name)
        await audit.record(tx, ctx, {
          action: 'model.update',
          objectType: 'registered_model',
          objectId: name,
          before: strip(before),
          after: strip(after),
        })
        return after
      })
    },

    /**
     * A new version from a run's artifacts (`runs:/<run-id>/<path>`): the file list and its
     * digest are frozen, and the blobs pinned so that they outlive any change to the run.
     */
    async registerVersion(ctx: RequestContext, name: string, input: RegisterModelVersionBody): Promise<ModelVersion> {
      if ('files' in input) {
        // Uploaded files: checked before the transaction, since reading blobs needs no database.
        checkFileTree(input.files)
        await checkBlobsStored(blobs, input.files)
        const manifest = await readModelManifest(blobs, input.files, 'the uploaded files')
        return store.transaction(async (tx) => {
          const model = await findAuthorizedModel(tx, authorizer, ctx, name, 'EDIT')
          const files = [...input.files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)))
          return insertVersion(tx, ctx, model, { source: 'upload', runId: null, files, manifest }, input)
        })
      }
      const parsed = parseRunsUri(input.source)
      if (!parsed) throw new InvalidInputError('source must be runs:/<run-id>/<artifact path>')
      const path = parsed.path === '' ? '' : toArtifactKey(parsed.path)
      return store.transaction(async (tx) => {
        const model = await findAuthorizedModel(tx, authorizer, ctx, name, 'EDIT')
        await findAuthorizedRun(tx, authorizer, ctx, parsed.runId, 'READ')
        const files = await runArtifactFiles(tx, parsed.runId, path)
        if (files.length === 0) {
          throw new InvalidInputError(`run ${parsed.runId} has no artifacts at '${path}': nothing to register`)
        }
        const source = `runs:/${parsed.runId}${path === '' ? '' : `/${path}`}`
        const manifest = await readModelManifest(blobs, files, source)
        return insertVersion(tx, ctx, model, { source, runId: parsed.runId, files, manifest }, input)
      })
    },

    /** Stores bytes a version made from uploaded files will list; refused when they do not hash to `sha256`. */
    async putBlob(ctx: RequestContext, name: string, sha256: string, body: Readable): Promise<void> {
      await findAuthorizedModel(store, authorizer, ctx, name, 'EDIT')
      await blobs.put(body, { expectedSha256: sha256 })
    },

    async getVersion(ctx: RequestContext, name: string, version: number): Promise<ModelVersion> {
      return (await findAuthorizedVersion(store, authorizer, ctx, name, version, 'READ')).version
    },

    async listVersions(
      ctx: RequestContext,
      name: string,
      query: { maxResults: number; pageToken?: string | undefined },
    ) {
      const model = await findAuthorizedModel(store, authorizer, ctx, name, 'READ')
      const { items, nextPageToken } = await offsetPage(query.pageToken, query.maxResults, (window) =>
        store.models.listVersions(model, window),
      )
      return { versions: items, nextPageToken }
    },

    async listFiles(
      ctx: RequestContext,
      name: string,
      number: number,
      query: { maxResults: number; pageToken?: string | undefined },
    ) {
      const { version } = await findAuthorizedVersion(store, authorizer, ctx, name, number, 'READ')
      const { items, nextPageToken } = await offsetPage(query.pageToken, query.maxResults, (window) =>
        store.models.listFiles(version.id, window),
      )
      return { files: items, nextPageToken }
    },

    /** Changes a version's description and tags (EDIT); its files and digest never change. */
    async updateVersion(
      ctx: RequestContext,
      name: string,
      number: number,
      patch: UpdateModelBody,
    ): Promise<ModelVersion> {
      return store.transaction(async (tx) => {
        const { model, version: before } = await findAuthorizedVersion(tx, authorizer, ctx, name, number, 'EDIT')
        if (patch.description !== undefined)
          await tx.models.updateVersion(before.id, { description: patch.description }, clock.nowMs())
        if (patch.tags) await tx.models.setVersionTags(before.id, patch.tags)
        const after = await tx.models.findVersion(model, number)
        if (!after) throw new NotFoundError(`model version ${name}/${number} not found`)
        await audit.record(tx, ctx, {
          action: 'model_version.update',
          objectType: 'registered_model',
          objectId: name,
          before: strip(before),
          after: strip(after),
        })
        return after
      })
    },

    /** Deletes a version no alias points to; its blobs lose their pins. */
    async deleteVersion(ctx: RequestContext, name: string, number: number): Promise<void> {
      await store.transaction(async (tx) => {
        const { model, version } = await findAuthorizedVersion(tx, authorizer, ctx, name, number, 'MANAGE')
        await tx.models.lockModel(model.id)
        const aliases = await tx.modelAliases.aliasesOfVersion(model.id, number)
        if (aliases.length > 0) {
          throw new ConflictError(
            `version ${number} of ${name} is what ${aliases.map((a) => `@${a}`).join(', ')} point${aliases.length === 1 ? 's' : ''} to: move or delete the alias first`,
          )
        }
        await tx.models.deleteVersion(version.id)
        await tx.artifacts.unpinOwner({ type: 'model_version', id: version.id })
        // A deleted version leaves the lineage graph (the audit trail keeps that it was there).
        await tx.lineage.deleteEdgesOf({ type: 'model_version', id: version.id })
        await audit.record(tx, ctx, {
          action: 'model_version.delete',
          objectType: 'registered_model',
          objectId: name,
          before: strip(version),
        })
      })
    },

    /** `models:/<name>@<alias>`, `models:/<name>/<version>` or `models:/<name>/latest` -> the version. */
    async resolve(ctx: RequestContext, uri: string): Promise<ModelVersion> {
      const parsed = parseModelUri(uri)
      if (!parsed)
        throw new InvalidInputError(
          `'${uri}' is not models:/<name>@<alias>, models:/<name>/<version> or models:/<name>/latest`,
        )
      const model = await findAuthorizedModel(store, authorizer, ctx, parsed.name, 'READ')
      let number: number | undefined
      if ('alias' in parsed) {
        number = await store.modelAliases.versionOf(model.id, parsed.alias)
        if (number === undefined)
          throw new NotFoundError(`registered model ${parsed.name} has no alias @${parsed.alias}`)
      } else {
        number = parsed.version === 'latest' ? (model.latestVersion ?? undefined) : parsed.version
        if (number === undefined) throw new NotFoundError(`registered model ${parsed.name} has no versions`)
      }
      const version = await store.models.findVersion(model, number)
      if (!version) throw new NotFoundError(`model version ${parsed.name}/${number} not found`)
      return version
    },
  }
}
