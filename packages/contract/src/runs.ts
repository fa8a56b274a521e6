import { z } from 'zod'
import { ExperimentId, Key, Lifecycle, PageToken, RunId, ViewType } from './common.js'
import {
  MAX_BATCH_METRICS,
  MAX_BATCH_PARAMS,
  MAX_BATCH_TAGS,
  MAX_NAME_LENGTH,
  MAX_PAGE_SIZE,
  MAX_PARAM_VALUE_LENGTH,
  MAX_TAG_VALUE_LENGTH,
} from './limits.js'
import { MetricPoint, MetricPointInput, MetricSeriesInput, TimestampMs } from './metrics.js'

export const RunStatus = z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'])
export type RunStatus = z.infer<typeof RunStatus>

export const ParamValue = z.string().max(MAX_PARAM_VALUE_LENGTH)
export const TagValue = z.string().max(MAX_TAG_VALUE_LENGTH)
export const RunName = z.string().trim().min(1).max(MAX_NAME_LENGTH)

export const Run = z.object({
  id: RunId,
  experimentId: ExperimentId,
  name: z.string(),
  status: RunStatus,
  startTimeMs: z.number().int(),
  endTimeMs: z.number().int().nullable(),
  userId: z.string(),
  parentRunId: RunId.nullable(),
  lifecycle: Lifecycle,
  params: z.record(z.string(), z.string()),
  tags: z.record(z.string(), z.string()),
  /** The latest value of each metric: highest step, then latest timestamp. */
  metrics: z.array(MetricPoint),
})
export type Run = z.infer<typeof Run>

export const CreateRunBody = z.object({
  experimentId: ExperimentId.default('0'),
  name: RunName.optional(),
  status: RunStatus.default('RUNNING'),
  startTimeMs: TimestampMs.optional(),
  userId: z.string().max(256).optional(),
  parentRunId: RunId.optional(),
  params: z.record(Key, ParamValue).optional(),
  tags: z.record(Key, TagValue).optional(),
})
export type CreateRunBody = z.input<typeof CreateRunBody>

export const UpdateRunBody = z.object({
  name: RunName.optional(),
  status: RunStatus.optional(),
  endTimeMs: TimestampMs.nullable().optional(),
})
export type UpdateRunBody = z.infer<typeof UpdateRunBody>

export const RunParams = z.object({ runId: RunId })

export const LogBatchBody = z
  .object({
    /** Points one by one. */
    metrics: z.array(MetricPointInput).max(MAX_BATCH_METRICS).default([]),
    /** Points in columns, a series per key (the same points may come either way; both count toward the limit). */
    series: z.array(MetricSeriesInput).max(MAX_BATCH_METRICS).default([]),
    params: z
      .array(z.object({ key: Key, value: ParamValue }))
      .max(MAX_BATCH_PARAMS)
      .default([]),
    tags: z
      .array(z.object({ key: Key, value: TagValue }))
      .max(MAX_BATCH_TAGS)
      .default([]),
    /** A retried batch with the same key is applied once. */
    idempotencyKey: z.string().min(1).max(128).optional(),
  })
  .refine((b) => batchPointCount(b) <= MAX_BATCH_METRICS, {
    message: `a batch holds at most ${MAX_BATCH_METRICS} metric points (metrics and series together)`,
    path: ['metrics'],
  })
export type LogBatchBody = z.input<typeof LogBatchBody>

/** The metric points of a batch: its `metrics` and the values of its `series`. */
export function batchPointCount(batch: {
  metrics: readonly unknown[]
  series: readonly { values: readonly unknown[] }[]
}): number {
  return batch.series.reduce((sum, s) => sum + s.values.length, batch.metrics.length)
}

export const LogBatchResponse = z.object({
  /** False when a batch with the same idempotency key had been applied before. */
  applied: z.boolean(),
})
export type LogBatchResponse = z.infer<typeof LogBatchResponse>

export const SearchRunsBody = z.object({
  experimentIds: z.array(ExperimentId).min(1).max(100),
  filter: z.string().max(10_000).default(''),
  orderBy: z.array(z.string().max(500)).max(10).default([]),
  view: ViewType.default('active'),
  maxResults: z.number().int().min(1).max(MAX_PAGE_SIZE).default(100),
  pageToken: PageToken.optional(),
})
export type SearchRunsBody = z.input<typeof SearchRunsBody>

export const RunResponse = z.object({ run: Run })
export type RunResponse = z.infer<typeof RunResponse>

export const SearchRunsResponse = z.object({
  runs: z.array(Run),
  nextPageToken: z.string().nullable(),
})
export type SearchRunsResponse = z.infer<typeof SearchRunsResponse>

/** Experiments whose run keys to list: comma-separated ids, e.g. `1,2`. */
export const RunKeysQuery = z.object({
  experimentIds: z.string().regex(/^\d{1,18}(,\d{1,18}){0,99}$/, 'must be up to 100 comma-separated experiment ids'),
})
export type RunKeysQuery = z.infer<typeof RunKeysQuery>

/** The distinct keys of the params, latest metrics and tags of recent runs, each sorted. */
export const RunKeysResponse = z.object({
  params: z.array(z.string()),
  metrics: z.array(z.string()),
  tags: z.array(z.string()),
})
export type RunKeysResponse = z.infer<typeof RunKeysResponse>
