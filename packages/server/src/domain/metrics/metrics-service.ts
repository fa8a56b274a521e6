import { createHash } from 'node:crypto'
import {
  batchPointCount,
  ConflictError,
  decodeMetricValue,
  InvalidInputError,
  MAX_HISTORY_PAGE,
  type MetricPointInput,
  type MetricSeriesInput,
  type MetricValue,
} from '@provena/contract'
import {
  type HistoryCursor,
  type HistoryPoint,
  newPointBatch,
  type PointBatch,
} from '../../storage/db/metrics-repository.js'
import { decodePageToken, encodePageToken } from '../../storage/db/page-token.js'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import { canonicalJson } from '../audit/canonical-json.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import type { Clock } from '../clock.js'
import { isCodeTag, syncCodeVersionEdge } from '../lineage/code-version-edges.js'
import { checkParamsUnchanged, findAuthorizedRun } from '../runs/runs-service.js'
import { downsampleFromRollup, downsampleMinMax, planDownsampling } from './downsample.js'

export interface LogBatchInput {
  metrics: MetricPointInput[]
  /** More points, in columns (the native API's `series`); they come after `metrics`. */
  series?: MetricSeriesInput[] | undefined
  params: { key: string; value: string }[]
  tags: { key: string; value: string }[]
  idempotencyKey?: string | undefined
}

export interface HistoryInput {
  maxResults: number
  pageToken?: string | undefined
  maxPoints?: number | undefined
  minStep?: number | undefined
  maxStep?: number | undefined
}

export interface MetricHistory {
  key: string
  points: HistoryPoint[]
  totalPoints: number
  isDownsampled: boolean
  nextPageToken: string | null
}

function isCursor(value: unknown): value is HistoryCursor {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return (
    Number.isSafeInteger(v.position) &&
    Number.isSafeInteger(v.step) &&
    Number.isSafeInteger(v.timestampMs) &&
    Number.isSafeInteger(v.tie) &&
    (v.tie as number) >= 1 &&
    (v.position as number) >= (v.tie as number)
  )
}

export type MetricsService = ReturnType<typeof createMetricsService>

const BATCH_DIGEST_HEADER = Buffer.from('provena-metric-batch-v1\n', 'utf8')

/**
 * The bytes a batch's sha256 is taken over (format `provena-metric-batch-v1`, in
 * docs/audit-format.md): a header, the number of points, each point as its key's length and
 * UTF-8 bytes and its value, step and timestamp as big-endian float64, then the canonical JSON of
 * the params and tags. Binary, because writing a thousand numbers as text cost a tenth of the
 * server's time per batch.
 */
function batchDigestBytes(batch: ColumnarBatch): Buffer {
  const { points } = batch
  const keyBytes = points.keys.map((key) => Buffer.from(key, 'utf8'))
  let size = BATCH_DIGEST_HEADER.length + 4
  for (const k of points.keyIndex) size += 4 + (keyBytes[k] as Buffer).length + 24
  const rest = Buffer.from(canonicalJson({ params: batch.params, tags: batch.tags }), 'utf8')
  const out = Buffer.allocUnsafe(size + rest.length)
  // A DataView writes big-endian numbers in place, several times faster than Buffer's methods.
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength)
  let at = BATCH_DIGEST_HEADER.copy(out, 0)
  view.setUint32(at, points.keyIndex.length)
  at += 4
  for (let i = 0; i < points.keyIndex.length; i++) {
    const bytes = keyBytes[points.keyIndex[i] as number] as Buffer
    view.setUint32(at, bytes.length)
    at += 4
    if (bytes.length <= 16) {
      for (let j = 0; j < bytes.length; j++) out[at + j] = bytes[j] as number
    } else bytes.copy(out, at)
    at += bytes.length
    view.setFloat64(at, points.values[i] as number)
    view.setFloat64(at + 8, points.steps[i] as number)
    view.setFloat64(at + 16, points.timestamps[i] as number)
    at += 24
  }
  rest.copy(out, at)
  return out
}

/**
 * What the audit trail keeps of a batch: its size and a sha256 over its content (the points as
 * stored, params and tags), not one event per point.
 */
function batchDigest(batch: ColumnarBatch) {
  return {
    metrics: batch.points.keyIndex.length,
    params: batch.params.length,
    tags: batch.tags.length,
    idempotencyKey: batch.idempotencyKey ?? null,
    digestFormat: 'provena-metric-batch-v1',
    sha256: batch.sha256 ?? batchSha256(batch),
  }
}

/** The sha256 the audit trail keeps of a batch (see batchDigestBytes). */
export function batchSha256(batch: ColumnarBatch): string {
  return createHash('sha256').update(batchDigestBytes(batch)).digest('hex')
}

/** A batch whose metric points are in columns (see PointBatch), as they are stored. */
export interface ColumnarBatch {
  points: PointBatch
  params: { key: string; value: string }[]
  tags: { key: string; value: string }[]
  idempotencyKey?: string | undefined
  /** batchSha256 of this batch, when the caller has taken it already (in another thread). */
  sha256?: string | undefined
}

/**
 * A batch's points as columns, in order (`metrics`, then each series point by point): NaN and the
 * infinities decoded, step 0 and timestamp `nowMs` where not given.
 */
export function metricPointBatch(
  metrics: readonly MetricPointInput[],
  series: readonly MetricSeriesInput[],
  nowMs: number,
): PointBatch {
  const { batch, keyNumber } = newPointBatch(batchPointCount({ metrics, series }))
  let lastKey: string | undefined
  let k = -1
  for (let i = 0; i < metrics.length; i++) {
    const m = metrics[i] as MetricPointInput
    if (m.key !== lastKey) {
      lastKey = m.key
      k = keyNumber(m.key)
    }
    batch.keyIndex[i] = k
    batch.values[i] = decodeMetricValue(m.value)
    batch.steps[i] = m.step ?? 0
    batch.timestamps[i] = m.timestampMs ?? nowMs
  }
  let at = metrics.length
  for (const s of series) {
    const sk = keyNumber(s.key)
    for (let j = 0; j < s.values.length; j++, at++) {
      batch.keyIndex[at] = sk
      batch.values[at] = decodeMetricValue(s.values[j] as MetricValue)
      batch.steps[at] = s.steps?.[j] ?? 0
      batch.timestamps[at] = s.timestampsMs?.[j] ?? nowMs
    }
  }
  return batch
}

interface Deps {
  store: Store
  clock: Clock
  audit: AuditLog
  authorizer: Authorizer
}

export function createMetricsService({ store, clock, audit, authorizer }: Deps) {
  /** Applies a batch whose points are in columns already (logBatch after reading its points). */
  async function applyBatch(ctx: RequestContext, runId: string, batch: ColumnarBatch): Promise<{ applied: boolean }> {
    const { points } = batch
    const nowMs = clock.nowMs()
    return store.transaction(async (tx) => {
      const run = await findAuthorizedRun(tx, authorizer, ctx, runId, 'EDIT')
      if (run.lifecycle === 'deleted') throw new ConflictError(`run ${runId} is deleted; restore it before logging`)
      if (batch.idempotencyKey !== undefined && !(await tx.runs.claimReceipt(runId, batch.idempotencyKey, nowMs))) {
        return { applied: false }
      }
      await checkParamsUnchanged(tx, runId, batch.params)
      await tx.runs.insertParams(runId, batch.params)
      await tx.runs.setTags(runId, batch.tags)
      if (batch.tags.some((t) => isCodeTag(t.key))) await syncCodeVersionEdge(tx, runId, nowMs)
      await tx.metrics.appendHistory(runId, points)
      await tx.metrics.raiseLatest(runId, points)
      await audit.record(tx, ctx, {
        action: 'run.log_batch',
        objectType: 'run',
        objectId: runId,
        details: batchDigest(batch),
      })
      return { applied: true }
    })
  }

  return {
    /**
     * Applies metrics, params and tags of one run atomically. With an idempotency key, a batch
     * that was applied before is not applied again and `applied` is false.
     */
    async logBatch(ctx: RequestContext, runId: string, batch: LogBatchInput): Promise<{ applied: boolean }> {
      const { metrics, series = [], ...rest } = batch
      return applyBatch(ctx, runId, { ...rest, points: metricPointBatch(metrics, series, clock.nowMs()) })
    },

    applyBatch,

    /** One page of a metric's raw history, or the whole of it downsampled to `maxPoints`. */
    async history(ctx: RequestContext, runId: string, key: string, input: HistoryInput): Promise<MetricHistory> {
      await findAuthorizedRun(store, authorizer, ctx, runId, 'READ')
      const totalPoints = await store.metrics.countHistory(runId, key)
      if (input.minStep !== undefined || input.maxStep !== undefined) {
        if (input.maxPoints === undefined) throw new InvalidInputError('minStep and maxStep need maxPoints')
        const points = await stepRangeDownsampled(store, runId, key, input, input.maxPoints)
        return { key, points: points.kept, totalPoints, isDownsampled: points.isDownsampled, nextPageToken: null }
      }
      if (input.maxPoints !== undefined) {
        const points = await downsampled(store, runId, key, totalPoints, input.maxPoints)
        return { key, points, totalPoints, isDownsampled: points.length < totalPoints, nextPageToken: null }
      }
      const after = input.pageToken ? decodePageToken(input.pageToken, isCursor) : undefined
      const page = await store.metrics.history(runId, key, { after, limit: input.maxResults })
      return {
        key,
        points: page.points,
        totalPoints,
        isDownsampled: false,
        nextPageToken: page.next ? encodePageToken({ ...page.next }) : null,
      }
    },
  }
}

/**
 * The points of a step range, downsampled to `maxPoints` when there are more: what a chart
 * needs when zoomed in. The range is read point by point, which costs in proportion to its
 * length; a whole long series is better asked for without a range (it is read from rollups).
 */
async function stepRangeDownsampled(
  store: Store,
  runId: string,
  key: string,
  { minStep, maxStep }: Pick<HistoryInput, 'minStep' | 'maxStep'>,
  maxPoints: number,
): Promise<{ kept: HistoryPoint[]; isDownsampled: boolean }> {
  const { from, to } = await store.metrics.stepRange(
    runId,
    key,
    minStep ?? Number.MIN_SAFE_INTEGER,
    maxStep ?? Number.MAX_SAFE_INTEGER,
  )
  const inRange = await store.metrics.pointsBetween(runId, key, from, to)
  const kept = downsampleMinMax(inRange, maxPoints)
  return { kept, isDownsampled: kept.length < inRange.length }
}

/** A long series is downsampled from its rollup; a shorter one from its points (see planDownsampling). */
async function downsampled(
  store: Store,
  runId: string,
  key: string,
  totalPoints: number,
  maxPoints: number,
): Promise<HistoryPoint[]> {
  if (totalPoints <= maxPoints) return readAll(store, runId, key)
  const plan = planDownsampling(totalPoints, maxPoints)
  if (plan.blockSize === undefined) return downsampleMinMax(await readAll(store, runId, key), maxPoints)
  const [blocks, ends] = [
    await store.metrics.rollup(runId, key, plan.blockSize),
    await store.metrics.finiteEnds(runId, key),
  ]
  return downsampleFromRollup(plan, blocks, ends)
}

async function readAll(store: Store, runId: string, key: string): Promise<HistoryPoint[]> {
  const all: HistoryPoint[] = []
  let after: HistoryCursor | undefined
  do {
    const page = await store.metrics.history(runId, key, { after, limit: MAX_HISTORY_PAGE })
    for (const p of page.points) all.push(p)
    after = page.next
  } while (after)
  return all
}
