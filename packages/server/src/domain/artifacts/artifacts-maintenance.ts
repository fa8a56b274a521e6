import type { ArtifactProblem, ArtifactVerifyLine, GcResponse } from '@provena/contract'
import type { BlobStore, ListedBlob } from '../../storage/artifacts/blob-store.js'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import type { Clock } from '../clock.js'
import { findAuthorizedRun } from '../runs/runs-service.js'
import { IntegrityError, verifiedRead } from './verified-read.js'

interface Deps {
  store: Store
  blobs: BlobStore
  clock: Clock
  audit: AuditLog
  authorizer: Authorizer
}

const GC_BATCH = 1000

export type ArtifactsMaintenance = ReturnType<typeof createArtifactsMaintenance>

/** Admin work on the blob store as a whole: re-hashing every blob, and removing unreferenced ones. */
export function createArtifactsMaintenance({ store, blobs, clock, audit, authorizer }: Deps) {
  async function recordProblem(ctx: RequestContext, line: ArtifactProblem) {
    const paths = await store.artifacts.pathsOfBlob(line.sha256)
    await store.transaction((tx) =>
      audit.record(tx, ctx, {
        action: 'artifact.integrity_failure',
        objectType: 'blob',
        objectId: line.sha256,
        details: { ...line, source: 'verify', paths },
      }),
    )
  }

  /** Reads the whole blob through the digest check; the problem found, if any. */
  async function check(blob: { sha256: string; sizeBytes: number }): Promise<ArtifactProblem | undefined> {
    const raw = await blobs.get(blob.sha256)
    if (raw === undefined) return { type: 'missing', sha256: blob.sha256 }
    try {
      for await (const _ of raw.pipe(verifiedRead(blob, undefined, () => {}))) {
        // Only the digest matters; the bytes are dropped as they pass.
      }
      return undefined
    } catch (error) {
      if (!(error instanceof IntegrityError)) throw error
      const { actualSha256, actualSizeBytes } = error.failure
      return { type: 'mismatch', sha256: blob.sha256, actualSha256: actualSha256 ?? '', sizeBytes: actualSizeBytes }
    } finally {
      raw.destroy()
    }
  }

  /**
   * Removes the batch's blobs that nothing refers to. Each is looked at again just before it goes:
   * an upload rewrites its blob (a fresh write time) before it commits its manifest row, so a blob
   * that became young again since it was listed is being uploaded right now and is kept.
   */
  async function removeUnreferenced(batch: ListedBlob[], cutoffMs: number, dryRun: boolean) {
    const referenced = await store.artifacts.referencedAmong(batch.map((blob) => blob.sha256))
    const removed: ListedBlob[] = []
    for (const blob of batch) {
      if (referenced.has(blob.sha256)) continue
      const current = await blobs.head(blob.sha256)
      if (current === undefined || current.modifiedAtMs >= cutoffMs) continue
      if (!dryRun) await blobs.delete(blob.sha256)
      removed.push(current)
    }
    return removed
  }

  return {
    /**
     * Re-hashes every blob the manifests name (of one run, or of all runs) and yields each missing
     * or corrupt one, then a summary. Each problem is audited. With `progressEvery`, a progress
     * line follows every that many blobs.
     */
    async *verify(
      ctx: RequestContext,
      runId?: string,
      { progressEvery }: { progressEvery?: number | undefined } = {},
    ): AsyncGenerator<ArtifactVerifyLine> {
      authorizer.requireAdmin(ctx.principal)
      if (runId !== undefined) await findAuthorizedRun(store, authorizer, ctx, runId, 'READ')
      const summary = { type: 'summary' as const, checkedBlobs: 0, checkedBytes: 0, mismatches: 0, missing: 0 }
      const totalBlobs = progressEvery === undefined ? 0 : await store.artifacts.countReferencedBlobs(runId)
      for await (const blob of store.artifacts.referencedBlobs(runId)) {
        const problem = await check(blob)
        summary.checkedBlobs++
        summary.checkedBytes += blob.sizeBytes
        if (progressEvery !== undefined && summary.checkedBlobs % progressEvery === 0) {
          const { checkedBlobs, checkedBytes } = summary
          yield { type: 'progress', checkedBlobs, checkedBytes, totalBlobs }
        }
        if (problem === undefined) continue
        if (problem.type === 'missing') summary.missing++
        else summary.mismatches++
        await recordProblem(ctx, problem)
        yield problem
      }
      yield summary
    },

    /**
     * Removes blobs that no manifest and no pin refers to, except those written within the grace
     * period (an upload writes its blob before it adds the manifest row), and uploads abandoned
     * that long ago. With `dryRun`, only reports what it would remove.
     */
    async gc(
      ctx: RequestContext,
      { dryRun, graceMinutes }: { dryRun: boolean; graceMinutes: number },
    ): Promise<GcResponse> {
      authorizer.requireAdmin(ctx.principal)
      const cutoffMs = clock.nowMs() - graceMinutes * 60_000
      const report: GcResponse = { dryRun, removedBlobs: 0, freedBytes: 0, keptBlobs: 0, keptBytes: 0 }
      let batch: ListedBlob[] = []
      const settle = async () => {
        const removed = await removeUnreferenced(batch, cutoffMs, dryRun)
        report.removedBlobs += removed.length
        report.freedBytes += removed.reduce((sum, blob) => sum + blob.sizeBytes, 0)
        batch = []
      }
      for await (const blob of blobs.list()) {
        report.keptBlobs++
        report.keptBytes += blob.sizeBytes
        if (blob.modifiedAtMs >= cutoffMs) continue
        batch.push(blob)
        if (batch.length === GC_BATCH) await settle()
      }
      await settle()
      report.keptBlobs -= report.removedBlobs
      report.keptBytes -= report.freedBytes
      if (!dryRun) {
        const abandonedUploads = await blobs.removeAbandonedUploads(cutoffMs)
        await store.transaction((tx) =>
          audit.record(tx, ctx, {
            action: 'artifacts.gc',
            objectType: 'blob',
            objectId: null,
            details: { ...report, graceMinutes, abandonedUploads },
          }),
        )
      }
      return report
    },
  }
}
