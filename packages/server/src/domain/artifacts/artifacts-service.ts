import { pipeline, Readable } from 'node:stream'
import {
  type Artifact,
  ConflictError,
  InternalError,
  type ListArtifactsResponse,
  NotFoundError,
  toArtifactDirectory,
  toArtifactKey,
} from '@provena/contract'
import type { BlobStore, ByteRange } from '../../storage/artifacts/blob-store.js'
import type { RunRecord } from '../../storage/db/runs-repository.js'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import type { Clock } from '../clock.js'
import { findAuthorizedRun, TERMINAL_STATUSES } from '../runs/runs-service.js'
import { TAR_END, tarFileHeader, tarPadding } from './tar-archive.js'
import { type IntegrityFailure, verifiedRead } from './verified-read.js'

interface Deps {
  store: Store
  blobs: BlobStore
  clock: Clock
  audit: AuditLog
  authorizer: Authorizer
}

export interface UploadOptions {
  /** The sha256 the client says the body has; a body with another digest is refused. */
  expectedSha256?: string | undefined
  /** Admins only: change the artifacts of a finished run. */
  force?: boolean
}

export type ArtifactsService = ReturnType<typeof createArtifactsService>

/** Every proper ancestor directory of a key: `a/b/c` -> `a`, `a/b`. */
function ancestorsOf(key: string): string[] {
  const segments = key.split('/')
  return segments.slice(1).map((_, i) => segments.slice(0, i + 1).join('/'))
}

export function createArtifactsService({ store, blobs, clock, audit, authorizer }: Deps) {
  /**
   * The run, if the caller may change its artifacts now. A finished run's artifacts are frozen:
   * only an admin who asks for it (`force`) may change them, and the change is audited as such.
   */
  async function writableRun(tx: Store, ctx: RequestContext, runId: string, force: boolean) {
    const run = await findAuthorizedRun(tx, authorizer, ctx, runId, 'EDIT')
    if (run.lifecycle === 'deleted') throw new ConflictError(`run ${runId} is deleted; restore it first`)
    if (!TERMINAL_STATUSES.includes(run.status)) return { run, isOverride: false }
    if (!force) {
      throw new ConflictError(
        `run ${runId} is ${run.status}: its artifacts can no longer change (an admin may override with force=true)`,
      )
    }
    authorizer.requireAdmin(ctx.principal)
    return { run, isOverride: true }
  }

  /** A file may not sit below another file, nor replace a directory. */
  async function checkPathIsFree(tx: Store, runId: string, key: string): Promise<void> {
    const [file] = await tx.artifacts.filesAmong(runId, ancestorsOf(key))
    if (file !== undefined)
      throw new ConflictError(`artifact '${file}' is a file, so '${key}' cannot be created below it`)
    if (await tx.artifacts.hasFilesUnder(runId, key)) {
      throw new ConflictError(`artifact path '${key}' is a directory; upload its files by their own paths`)
    }
  }

  function overrideDetails(run: RunRecord, isOverride: boolean) {
    return isOverride ? { adminOverride: true, runStatus: run.status } : undefined
  }

  async function recordIntegrityFailure(
    ctx: RequestContext,
    runId: string | null,
    path: string | null,
    failure: IntegrityFailure | { expectedSha256: string; missing: true },
  ) {
    await store.transaction((tx) =>
      audit.record(tx, ctx, {
        action: 'artifact.integrity_failure',
        objectType: 'blob',
        objectId: failure.expectedSha256,
        details: { runId, path, ...failure },
      }),
    )
  }

  /** The stored blob of an artifact, hashed as it streams; a mismatch fails the stream and is audited. */
  async function openVerified(ctx: RequestContext, runId: string, artifact: Artifact, range?: ByteRange) {
    const raw = await blobs.get(artifact.sha256)
    if (raw === undefined) {
      await recordIntegrityFailure(ctx, runId, artifact.path, { expectedSha256: artifact.sha256, missing: true })
      throw new InternalError(`the stored bytes of artifact '${artifact.path}' (sha256 ${artifact.sha256}) are missing`)
    }
    const onFailure = (failure: IntegrityFailure) => {
      // The reader sees the stream fail at once; the record is written alongside.
      recordIntegrityFailure(ctx, runId, artifact.path, failure).catch(() => {})
    }
    // pipeline() destroys the file stream too when the reader goes away or the check fails.
    return pipeline(raw, verifiedRead(artifact, range, onFailure), () => {})
  }

  async function readableArtifact(ctx: RequestContext, runId: string, rawPath: string): Promise<Artifact> {
    const key = toArtifactKey(rawPath)
    await findAuthorizedRun(store, authorizer, ctx, runId, 'READ')
    const artifact = await store.artifacts.find(runId, key)
    if (!artifact) {
      if (await store.artifacts.hasFilesUnder(runId, key)) {
        throw new NotFoundError(`'${key}' is a directory of run ${runId}; list it, or download it as a tar archive`)
      }
      throw new NotFoundError(`artifact '${key}' not found in run ${runId}`)
    }
    return artifact
  }

  return {
    /**
     * Stores the body as the run's file at `rawPath` (replacing an earlier one). The bytes are
     * written before the manifest changes, and the manifest changes with its audit event in one
     * transaction, so a failed upload leaves the run as it was.
     */
    async upload(
      ctx: RequestContext,
      runId: string,
      rawPath: string,
      body: Readable,
      { expectedSha256, force = false }: UploadOptions = {},
    ): Promise<Artifact> {
      const key = toArtifactKey(rawPath)
      // Checked before any byte is read, so a refused upload costs nothing.
      await writableRun(store, ctx, runId, force)
      await checkPathIsFree(store, runId, key)
      const blob = await blobs.put(body, { expectedSha256 })
      return store.transaction(async (tx) => {
        // Again inside the transaction, with the run locked: it may have finished while the bytes streamed.
        await tx.artifacts.lockRun(runId)
        const { run, isOverride } = await writableRun(tx, ctx, runId, force)
        await checkPathIsFree(tx, runId, key)
        const before = await tx.artifacts.find(runId, key)
        const artifact: Artifact = { path: key, ...blob, createdAtMs: clock.nowMs() }
        await tx.artifacts.put(runId, artifact)
        await audit.record(tx, ctx, {
          action: before ? 'artifact.overwrite' : 'artifact.upload',
          objectType: 'run',
          objectId: runId,
          before: before ?? null,
          after: artifact,
          details: overrideDetails(run, isOverride),
        })
        return artifact
      })
    },

    /** One page of a directory of the run ('' or undefined for its root). */
    async list(
      ctx: RequestContext,
      runId: string,
      query: { path?: string | undefined; maxResults: number; pageToken?: string | undefined },
    ): Promise<ListArtifactsResponse> {
      const dir = toArtifactDirectory(query.path)
      await findAuthorizedRun(store, authorizer, ctx, runId, 'READ')
      if (dir !== '' && (await store.artifacts.find(runId, dir))) {
        throw new ConflictError(`artifact '${dir}' is a file, not a directory`)
      }
      return store.artifacts.listDirectory(runId, dir, query)
    },

    /** What the manifest says about a file, without reading it (for HEAD-like checks and Range). */
    describe: readableArtifact,

    /**
     * The bytes of a file `describe` returned (a range of them), verified against its digest as
     * they stream: a mismatch fails the stream before its end and is audited.
     */
    read: (ctx: RequestContext, runId: string, artifact: Artifact, range?: ByteRange): Promise<Readable> =>
      openVerified(ctx, runId, artifact, range),

    /**
     * A directory (the whole run for '') as a tar stream; member names are relative to the
     * directory. Each file is verified as it streams; a mismatch fails the whole stream.
     */
    async archive(ctx: RequestContext, runId: string, rawPath: string | undefined): Promise<Readable> {
      const dir = toArtifactDirectory(rawPath)
      await findAuthorizedRun(store, authorizer, ctx, runId, 'READ')
      if (
        dir !== '' &&
        !(await store.artifacts.find(runId, dir)) &&
        !(await store.artifacts.hasFilesUnder(runId, dir))
      ) {
        throw new NotFoundError(`no artifacts under '${dir}' in run ${runId}`)
      }
      const files = store.artifacts.filesUnder(runId, dir)
      const nameOf = (path: string) =>
        path === dir ? (path.split('/').at(-1) ?? path) : path.slice(dir === '' ? 0 : dir.length + 1)
      return Readable.from(
        (async function* () {
          for await (const artifact of files) {
            yield tarFileHeader(nameOf(artifact.path), artifact.sizeBytes, artifact.createdAtMs)
            for await (const chunk of await openVerified(ctx, runId, artifact)) yield chunk as Buffer
            yield tarPadding(artifact.sizeBytes)
          }
          yield TAR_END
        })(),
        { objectMode: false },
      )
    },

    /** Removes a file, or every file of a directory; refused on finished runs unless an admin forces it. */
    async delete(ctx: RequestContext, runId: string, rawPath: string, { force = false } = {}): Promise<number> {
      const key = toArtifactKey(rawPath)
      return store.transaction(async (tx) => {
        await tx.artifacts.lockRun(runId)
        const { run, isOverride } = await writableRun(tx, ctx, runId, force)
        const removed = await tx.artifacts.delete(runId, key)
        if (removed.length === 0) throw new NotFoundError(`artifact '${key}' not found in run ${runId}`)
        await audit.record(tx, ctx, {
          action: 'artifact.delete',
          objectType: 'run',
          objectId: runId,
          before: removed,
          after: null,
          details: { path: key, files: removed.length, ...overrideDetails(run, isOverride) },
        })
        return removed.length
      })
    },
  }
}
