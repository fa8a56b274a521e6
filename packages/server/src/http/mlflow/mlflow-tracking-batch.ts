import { InvalidInputError, type MetricPointInput } from '@provena/contract'
import type { ZodError } from 'zod'
import { readPlainMetricPoints } from '../plain-metric-points.js'
import { LOG_BATCH_LIMITS, LogBatchEntities } from './mlflow-tracking-requests.js'

/** What a log-batch request holds once read: Provena's metric points, params and tags. */
export interface ParsedBatch {
  metrics: MetricPointInput[]
  params: { key: string; value: string }[]
  tags: { key: string; value: string }[]
}

/** MLflow's LogBatch limit messages, which its clients show as is; checked before any entry is read. */
function checkBatchLimits(counts: { metrics: number; params: number; tags: number }): void {
  for (const kind of ['metrics', 'params', 'tags'] as const) {
    if (counts[kind] > LOG_BATCH_LIMITS[kind]) {
      throw new InvalidInputError(
        `A batch logging request can contain at most ${LOG_BATCH_LIMITS[kind]} ${kind}. Got ${counts[kind]} ${kind}. Please split up ${kind} across multiple requests and try again.`,
      )
    }
  }
  const total = counts.metrics + counts.params + counts.tags
  if (total > LOG_BATCH_LIMITS.total) {
    throw new InvalidInputError(
      `A batch logging request can contain at most ${LOG_BATCH_LIMITS.total} metrics, params, and tags in total. Got ${total} in total. Please split up the data across multiple requests and try again.`,
    )
  }
}

const describeIssues = (error: ZodError) =>
  error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    .join('; ')

/**
 * A log-batch request's entities, checked against MLflow's limits first (by count, before any is
 * read), then for shape; a bad entry is named (`metrics.3.key`) and nothing of the batch is written.
 */
export function parseBatch(request: { metrics?: unknown[]; params?: unknown[]; tags?: unknown[] }): ParsedBatch {
  const { metrics = [], params = [], tags = [] } = request
  checkBatchLimits({ metrics: metrics.length, params: params.length, tags: tags.length })
  const fast = readPlainMetricPoints(metrics, 'timestamp')
  const parsed = LogBatchEntities.safeParse(fast === undefined ? request : { params, tags })
  if (!parsed.success) throw new InvalidInputError(`Invalid batch: ${describeIssues(parsed.error)}`)
  const points =
    fast ??
    parsed.data.metrics.map((m) => ({ key: m.key, value: m.value, timestampMs: m.timestamp, step: m.step ?? 0 }))
  return { metrics: points, params: parsed.data.params, tags: parsed.data.tags }
}
