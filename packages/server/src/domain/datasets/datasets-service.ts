import type { Readable } from 'node:stream'
import {
  ConflictError,
  type Dataset,
  type DatasetVersion,
  InvalidInputError,
  NotFoundError,
  type RegisterDatasetVersionBody,
} from '@provena/contract'
import { datasetDigest } from '@provena/data'
import type { BlobStore } from '../../storage/artifacts/blob-store.js'
import { offsetPage } from '../../storage/db/page-token.js'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import type { Clock, IdGenerator } from '../clock.js'
import { checkBlobsStored, checkFileTree } from '../file-list.js'
import { creatorName, findReadableDataset, findReadableVersion } from './dataset-access.js'

interface Deps {
  store: Store
  blobs: BlobStore
  clock: Clock
  ids: IdGenerator
  audit: AuditLog
  authorizer: Authorizer
}

export type RegisterInput = Omit<RegisterDatasetVersionBody, 'isStored'> & { isStored: boolean }

export type DatasetsService = ReturnType<typeof createDatasetsService>

/** What the audit trail keeps of a version: everything but the (large) profile. */
function auditedVersion(version: DatasetVersion) {
  const { profile: _profile, ...rest } = version
  return rest
}

export function createDatasetsService({ store, blobs, clock, ids, audit, authorizer }: Deps) {
  /** The dataset, created (with the caller as its manager) when it does not exist yet. */
  async function datasetForWriting(tx: Store, ctx: RequestContext, name: string): Promise<Dataset> {
    const existing = await tx.datasets.findDataset(name)
    if (existing) {
      await authorizer.require(tx, ctx.principal, { type: 'dataset', id: name }, 'EDIT')
      return existing
    }
    const row = {
      id: ids.objectId(),
      name,
      description: null,
      createdAtMs: clock.nowMs(),
      createdBy: creatorName(ctx),
    }
    if (!(await tx.datasets.insertDataset(row))) {
      throw new ConflictError(`dataset ${name} was created by another request at the same moment; try again`)
    }
    if (ctx.principal.kind === 'user') await tx.permissions.grant('dataset', name, ctx.principal.userId, 'MANAGE')
    const dataset = await tx.datasets.findDataset(name)
    if (!dataset) throw new NotFoundError('dataset', name)
    await audit.record(tx, ctx, { action: 'dataset.create', objectType: 'dataset', objectId: name, after: dataset })
    return dataset
  }

  return {
    /**
     * Registers content as the next version of a dataset, or returns the version that already has
     * exactly this content. The whole version (files, schema, profile, pins) is one transaction.
     */
    async register(ctx: RequestContext, name: string, input: RegisterInput) {
      authorizer.requireSignedIn(ctx.principal)
      checkFileTree(input.files)
      const digest = datasetDigest(input.files)
      if (digest !== input.digest) {
        throw new InvalidInputError(
          `the digest ${input.digest} does not match the files listed (their provena-dataset-v1 digest is ${digest})`,
        )
      }
      if (input.isStored) await checkBlobsStored(blobs, input.files)
      return store.transaction(async (tx) => {
        const dataset = await datasetForWriting(tx, ctx, name)
        const existing = await tx.datasets.findVersionByDigest(name, digest)
        if (existing) return { datasetVersion: existing, isNew: false }
        const id = ids.objectId()
        const nowMs = clock.nowMs()
        const inserted = await tx.datasets.insertVersion(
          {
            id,
            datasetId: dataset.id,
            version: (await tx.datasets.latestVersionNumber(dataset.id)) + 1,
            digest,
            source: input.source,
            format: input.format,
            sizeBytes: input.files.reduce((sum, f) => sum + f.sizeBytes, 0),
            rowCount: input.profile?.rowCount ?? null,
            schema: input.schema,
            profile: input.profile,
            isStored: input.isStored,
            description: input.description ?? null,
            createdAtMs: nowMs,
            createdBy: creatorName(ctx),
          },
          input.files,
        )
        if (!inserted) throw new ConflictError(`dataset ${name} got a new version at the same moment; try again`)
        if (input.isStored) {
          for (const sha256 of new Set(input.files.map((f) => f.sha256))) {
            await tx.artifacts.pin(sha256, { type: 'dataset_version', id }, nowMs)
          }
        }
        const datasetVersion = await tx.datasets.findVersionById(id)
        if (!datasetVersion) throw new NotFoundError('dataset version', id)
        await audit.record(tx, ctx, {
          action: 'dataset_version.create',
          objectType: 'dataset',
          objectId: name,
          after: auditedVersion(datasetVersion),
        })
        return { datasetVersion, isNew: true }
      })
    },

    /** Stores bytes that a `--store` registration will keep; refused when they do not hash to `sha256`. */
    async putBlob(ctx: RequestContext, name: string, sha256: string, body: Readable): Promise<void> {
      authorizer.requireSignedIn(ctx.principal)
      if (await store.datasets.findDataset(name)) {
        await authorizer.require(store, ctx.principal, { type: 'dataset', id: name }, 'EDIT')
      }
      await blobs.put(body, { expectedSha256: sha256 })
    },

    async get(ctx: RequestContext, name: string): Promise<Dataset> {
      return findReadableDataset(store, authorizer, ctx, name)
    },

    async list(ctx: RequestContext, query: { nameLike?: string | undefined; maxResults: number; pageToken?: string }) {
      const restriction = authorizer.listRestriction(ctx.principal)
      const { items, nextPageToken } = await offsetPage(query.pageToken, query.maxResults, (window) =>
        store.datasets.listDatasets({ nameLike: query.nameLike, grantedTo: restriction?.userId, ...window }),
      )
      return { datasets: items, nextPageToken }
    },

    async getVersion(ctx: RequestContext, name: string, version: number | undefined): Promise<DatasetVersion> {
      return findReadableVersion(store, authorizer, ctx, name, version)
    },

    async listVersions(ctx: RequestContext, name: string, query: { maxResults: number; pageToken?: string }) {
      const dataset = await findReadableDataset(store, authorizer, ctx, name)
      const { items, nextPageToken } = await offsetPage(query.pageToken, query.maxResults, (window) =>
        store.datasets.listVersions(dataset.id, name, window),
      )
      return { versions: items, nextPageToken }
    },

    async listFiles(
      ctx: RequestContext,
      name: string,
      version: number,
      query: { maxResults: number; pageToken?: string },
    ) {
      const datasetVersion = await findReadableVersion(store, authorizer, ctx, name, version)
      // Offsets, not the last path: a path may be longer than a page token may be.
      const { items, nextPageToken } = await offsetPage(query.pageToken, query.maxResults, (window) =>
        store.datasets.listFiles(datasetVersion.id, window),
      )
      return { files: items, nextPageToken }
    },
  }
}
