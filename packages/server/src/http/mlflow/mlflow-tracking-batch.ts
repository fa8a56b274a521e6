import { InvalidInputError, Key, type MetricPointInput } from '@provena/contract'
import type { ZodError } from 'zod'
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

const NON_FINITE = new Set(['NaN', 'Infinity', '-Infinity'])

/**
 * The metrics as Provena's points when every one is plainly well-formed (number fields as
 * numbers, a value number or NaN/±Infinity string), else undefined. Each distinct key is checked
 * once by the contract's Key schema: a batch is typically 1,000 points of a few keys, and checking
 * every point through the general schema cost a fifth of the server's time per batch.
 */
function plainMetrics(raw: unknown[]): MetricPointInput[] | undefined {
  const keys = new Set<string>()
  const points: MetricPointInput[] = new Array(raw.length)
  for (let i = 0; i < raw.length; i++) {
    const m = raw[i] as { key?: unknown; value?: unknown; timestamp?: unknown; step?: unknown } | null
    if (typeof m !== 'object' || m === null) return undefined
    const { key, value, timestamp, step = 0 } = m
    if (typeof key !== 'string') return undefined
    if (!keys.has(key)) {
      if (!Key.safeParse(key).success) return undefined
      keys.add(key)
    }
    if (typeof value !== 'number' && !(typeof value === 'string' && NON_FINITE.has(value))) return undefined
    if (timestamp !== undefined && !(Number.isSafeInteger(timestamp) && (timestamp as number) >= 0)) return undefined
    if (!Number.isSafeInteger(step)) return undefined
    points[i] = {
      key,
      value: value as MetricPointInput['value'],
      timestampMs: timestamp as number | undefined,
      step: step as number,
    }
  }
  return points
}

/**
 * A log-batch request's entities, checked against MLflow's limits first (by count, before any is
 * read), then for shape; a bad entry is named (`metrics.3.key`) and nothing of the batch is written.
 */
export function parseBatch(request: { metrics?: unknown[]; params?: unknown[]; tags?: unknown[] }): ParsedBatch {
  const { metrics = [], params = [], tags = [] } = request
  checkBatchLimits({ metrics: metrics.length, params: params.length, tags: tags.length })
  const fast = plainMetrics(metrics)
  const parsed = LogBatchEntities.safeParse(fast === undefined ? request : { params, tags })
  if (!parsed.success) throw new InvalidInputError(`Invalid batch: ${describeIssues(parsed.error)}`)
  const points =
    fast ??
    parsed.data.metrics.map((m) => ({ key: m.key, value: m.value, timestampMs: m.timestamp, step: m.step ?? 0 }))
  return { metrics: points, params: parsed.data.params, tags: parsed.data.tags }
}
