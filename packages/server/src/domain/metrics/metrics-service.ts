import {
  ConflictError,
  decodeMetricValue,
  type MetricPointInput,
  MAX_HISTORY_PAGE,
} from '@provena/contract'
import type { HistoryCursor, HistoryPoint } from '../../storage/db/metrics-repository.js'
import { decodePageToken, encodePageToken } from '../../storage/db/page-token.js'
import type { Store } from '../../storage/store.js'
import type { Clock } from '../clock.js'
import type { Principal } from '../principal.js'
import { checkParamsUnchanged, findRunOrThrow } from '../runs/runs-service.js'
import { downsampleMinMax } from './downsample.js'

export interface LogBatchInput {
  metrics: MetricPointInput[]
  params: { key: string; value: string }[]
  tags: { key: string; value: string }[]
  idempotencyKey?: string | undefined
}

export interface HistoryInput {
  maxResults: number
  pageToken?: string | undefined
  maxPoints?: number | undefined
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
  return Number.isSafeInteger(v.step) && Number.isSafeInteger(v.timestampMs) && Number.isSafeInteger(v.id)
}

export type MetricsService = ReturnType<typeof createMetricsService>

export function createMetricsService({ store, clock }: { store: Store; clock: Clock }) {
  return {
    /**
     * Applies metrics, params and tags of one run atomically. With an idempotency key, a batch
     * that was applied before is not applied again and `applied` is false.
     */
    async logBatch(_actor: Principal, runId: string, batch: LogBatchInput): Promise<{ applied: boolean }> {
      const nowMs = clock.nowMs()
      const points = batch.metrics.map((m) => ({
        key: m.key,
        value: decodeMetricValue(m.value),
        step: m.step ?? 0,
        timestampMs: m.timestampMs ?? nowMs,
      }))
      return store.transaction(async (tx) => {
        const run = await findRunOrThrow(tx, runId)
        if (run.lifecycle === 'deleted') throw new ConflictError(`run ${runId} is deleted; restore it before logging`)
        if (batch.idempotencyKey !== undefined && !(await tx.runs.claimReceipt(runId, batch.idempotencyKey, nowMs))) {
          return { applied: false }
        }
        await checkParamsUnchanged(tx, runId, batch.params)
        await tx.runs.insertParams(runId, batch.params)
        await tx.runs.setTags(runId, batch.tags)
        await tx.metrics.appendHistory(runId, points)
        await tx.metrics.raiseLatest(runId, points)
        return { applied: true }
      })
    },

    /** One page of a metric's raw history, or the whole of it downsampled to `maxPoints`. */
    async history(_actor: Principal, runId: string, key: string, input: HistoryInput): Promise<MetricHistory> {
      await findRunOrThrow(store, runId)
      const totalPoints = await store.metrics.countHistory(runId, key)
      if (input.maxPoints !== undefined) {
        const all = await readAll(store, runId, key)
        const points = downsampleMinMax(all, input.maxPoints)
        return { key, points, totalPoints, isDownsampled: points.length < all.length, nextPageToken: null }
      }
      const after = input.pageToken ? decodePageToken(input.pageToken, isCursor) : undefined
      const rows = await store.metrics.history(runId, key, { after, limit: input.maxResults + 1 })
      const page = rows.slice(0, input.maxResults)
      const last = page[page.length - 1]
      const nextPageToken =
        rows.length > input.maxResults && last
          ? encodePageToken({ step: last.step, timestampMs: last.timestampMs, id: last.id })
          : null
      return {
        key,
        points: page.map(({ value, step, timestampMs }) => ({ value, step, timestampMs })),
        totalPoints,
        isDownsampled: false,
        nextPageToken,
      }
    },
  }
}

async function readAll(store: Store, runId: string, key: string): Promise<HistoryPoint[]> {
  const all: HistoryPoint[] = []
  let after: HistoryCursor | undefined
  for (;;) {
    const rows = await store.metrics.history(runId, key, { after, limit: MAX_HISTORY_PAGE })
    for (const { value, step, timestampMs } of rows) all.push({ value, step, timestampMs })
    const last = rows[rows.length - 1]
    if (!last || rows.length < MAX_HISTORY_PAGE) return all
    after = { step: last.step, timestampMs: last.timestampMs, id: last.id }
  }
}
