import {
  AlreadyExistsError,
  ConflictError,
  type ImportRunBody,
  type ImportRunResponse,
  InvalidInputError,
  MAX_HISTORY_PAGE,
  NotFoundError,
  type Run,
  toArtifactKey,
} from '@provena/contract'
import type { z } from 'zod'
import type { BlobStore } from '../../storage/artifacts/blob-store.js'
import type { HistoryCursor, StoredPoint } from '../../storage/db/metrics-repository.js'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import type { Clock, IdGenerator } from '../clock.js'
import { checkBlobsStored, checkFileTree } from '../file-list.js'
import { isCodeTag, syncCodeVersionEdge } from '../lineage/code-version-edges.js'
import { datasetsOfInputs, linkImportedInputs, type ReferenceDataset } from './imported-datasets.js'
import { groupByKey, isSameHistory, readImportedMetrics } from './imported-metrics.js'

export type ImportRunInput = z.output<typeof ImportRunBody>

// Appending a long series in slices keeps each statement's parameters and memory bounded.
const POINTS_PER_APPEND = 50_000

interface Deps {
  store: Store
  blobs: BlobStore
  clock: Clock
  ids: IdGenerator
  audit: AuditLog
  authorizer: Authorizer
}

const RUN_FIELDS = [
  'experimentId',
  'name',
  'status',
  'startTimeMs',
  'endTimeMs',
  'userId',
  'parentRunId',
  'lifecycle',
] as const

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k])
}

/** The stored history of every metric of the run, by key. */
async function storedHistory(tx: Store, run: Run): Promise<Map<string, StoredPoint[]>> {
  const byKey = new Map<string, StoredPoint[]>()
  for (const { key } of run.metrics) {
    const points: StoredPoint[] = []
    let after: HistoryCursor | undefined
    do {
      const page = await tx.metrics.history(run.id, key, { after, limit: MAX_HISTORY_PAGE })
      for (const p of page.points) points.push({ key, ...p })
      after = page.next
    } while (after)
    byKey.set(key, points)
  }
  return byKey
}

/** What differs between a stored run and the import of the same id, for a person to read. */
async function differences(
  tx: Store,
  stored: Run,
  input: ImportRunInput,
  points: StoredPoint[],
  datasets: ReferenceDataset[],
): Promise<string[]> {
  const found: string[] = []
  for (const field of RUN_FIELDS) {
    if (stored[field] !== input[field])
      found.push(`${field} is ${JSON.stringify(stored[field])} here, ${JSON.stringify(input[field])} in the import`)
  }
  if (!sameRecord(stored.params, input.params)) found.push('the params differ')
  if (!sameRecord(stored.tags, input.tags)) found.push('the tags differ')
  const here = await storedHistory(tx, stored)
  if (!isSameHistory(here, groupByKey(points))) {
    const count = [...here.values()].reduce((sum, series) => sum + series.length, 0)
    found.push(`the metric history differs (${count} points here, ${points.length} in the import)`)
  }
  const files: string[] = []
  for await (const a of tx.artifacts.filesUnder(stored.id, '')) files.push(`${a.path}\u0000${a.sha256}`)
  const imported = input.artifacts.map((a) => `${a.path}\u0000${a.sha256}`).sort()
  files.sort()
  if (files.length !== imported.length || files.some((f, i) => f !== imported[i])) {
    found.push(`the artifacts differ (${files.length} files here, ${imported.length} in the import)`)
  }
  const inputs = (await tx.lineage.edgesTo('run', stored.id)).filter((e) => e.edgeType === 'input')
  const storedInputs: string[] = []
  for (const edge of inputs) {
    const version = await tx.datasets.findVersionById(edge.sourceId)
    if (version) storedInputs.push(`${version.datasetName}\u0000${version.digest}\u0000${edge.context}`)
  }
  const importedInputs = datasets.map((d) => `${d.name}\u0000${d.digest}\u0000${d.context}`)
  storedInputs.sort()
  importedInputs.sort()
  if (storedInputs.join('\n') !== importedInputs.join('\n')) found.push('the dataset inputs differ')
  return found
}

/**
 * Imports one run as another tracker recorded it (id, times, user, status, every metric point),
 * in one transaction; importing the same run again changes nothing, and a run of that id with
 * other content is refused with what differs.
 */
export function createRunImport({ store, blobs, clock, ids, audit, authorizer }: Deps) {
  async function insertRun(tx: Store, ctx: RequestContext, input: ImportRunInput, points: StoredPoint[]) {
    const experiment = await tx.experiments.findById(input.experimentId)
    if (!experiment) throw new NotFoundError('experiment', input.experimentId)
    if (input.parentRunId !== null && !(await tx.runs.findById(input.parentRunId))) {
      throw new InvalidInputError(`parent run ${input.parentRunId} of run ${input.id} has not been imported`)
    }
    const { params, tags, artifacts, metrics: _m, datasetInputs, ...record } = input
    const nowMs = clock.nowMs()
    await tx.runs.insert(record, nowMs)
    await tx.runs.insertParams(
      input.id,
      Object.entries(params).map(([key, value]) => ({ key, value })),
    )
    await tx.runs.setTags(
      input.id,
      Object.entries(tags).map(([key, value]) => ({ key, value })),
    )
    // A recorded git commit becomes the run's code version node, as when the tag is logged live.
    if (Object.keys(tags).some(isCodeTag)) await syncCodeVersionEdge(tx, input.id, nowMs)
    for (const series of groupByKey(points).values()) {
      for (let i = 0; i < series.length; i += POINTS_PER_APPEND) {
        const slice = series.slice(i, i + POINTS_PER_APPEND)
        await tx.metrics.appendHistory(input.id, slice)
        await tx.metrics.raiseLatest(input.id, slice)
      }
    }
    for (const artifact of artifacts) await tx.artifacts.put(input.id, { ...artifact, createdAtMs: nowMs })
    await linkImportedInputs(tx, ctx, { clock, ids }, input.id, datasetInputs, input.startTimeMs)
  }

  return {
    async importRun(ctx: RequestContext, raw: ImportRunInput): Promise<ImportRunResponse> {
      authorizer.requireAdmin(ctx.principal)
      const input = { ...raw, artifacts: raw.artifacts.map((a) => ({ ...a, path: toArtifactKey(a.path) })) }
      checkFileTree(input.artifacts)
      // Checked before the transaction: reading blobs needs no database, and a refusal costs nothing.
      await checkBlobsStored(blobs, input.artifacts)
      const points = input.metrics ? await readImportedMetrics(blobs, input.metrics) : []
      const datasets = datasetsOfInputs(input.datasetInputs)
      // Two imports of one new run at once (PostgreSQL) both find no run; the one that inserts
      // second fails on the id and starts over, now finding the run to compare with.
      try {
        return await importOnce(ctx, input, points, datasets)
      } catch (error) {
        if (!(error instanceof AlreadyExistsError)) throw error
        return importOnce(ctx, input, points, datasets)
      }
    },
  }

  function importOnce(
    ctx: RequestContext,
    input: ImportRunInput,
    points: StoredPoint[],
    datasets: ReturnType<typeof datasetsOfInputs>,
  ): Promise<ImportRunResponse> {
    return store.transaction(async (tx) => {
      await tx.artifacts.lockRun(input.id)
      const [stored] = await tx.runs.loadFull([input.id])
      if (stored) {
        const found = await differences(tx, stored, input, points, datasets)
        if (found.length > 0) {
          throw new ConflictError(`run ${input.id} exists already with other content: ${found.join('; ')}`)
        }
        return { runId: input.id, outcome: 'unchanged' }
      }
      await insertRun(tx, ctx, input, points)
      const [after] = await tx.runs.loadFull([input.id])
      await audit.record(tx, ctx, {
        action: 'run.import',
        objectType: 'run',
        objectId: input.id,
        after,
        details: {
          source: 'mlflow',
          metricPoints: points.length,
          metricsSha256: input.metrics?.sha256 ?? null,
          artifacts: input.artifacts.length,
          datasetInputs: datasets.map((d) => `${d.name}@${d.mlflowDigest}`),
        },
      })
      return { runId: input.id, outcome: 'created' }
    })
  }
}
