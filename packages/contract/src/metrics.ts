import { z } from 'zod'
import { Key, PageToken, RunId } from './common.js'
import { MAX_DOWNSAMPLED_POINTS, MAX_HISTORY_PAGE } from './limits.js'

/**
 * JSON has no NaN or infinities, so a metric value travels as a number or as one of the
 * strings "NaN", "Infinity", "-Infinity" (the same encoding MLflow's protobuf JSON uses).
 */
export const MetricValue = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])])
export type MetricValue = z.infer<typeof MetricValue>

/** Turns a wire value into the number it stands for. */
export function decodeMetricValue(value: MetricValue): number {
  if (typeof value === 'number') return value
  if (value === 'NaN') return Number.NaN
  return value === 'Infinity' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY
}

/** Turns a number into its wire form: finite numbers stay numbers. */
export function encodeMetricValue(value: number): MetricValue {
  if (Number.isFinite(value)) return value
  if (Number.isNaN(value)) return 'NaN'
  return value > 0 ? 'Infinity' : '-Infinity'
}

/**
 * Steps are 64-bit integers in MLflow; JSON numbers are exact up to 2^53, which is what we accept.
 * z.int() is exactly the safe integers, in one check instead of three (each point of a batch pays it).
 */
export const Step = z.int()
export const TimestampMs = z.int().min(0)

export const MetricPointInput = z.object({
  key: Key,
  value: MetricValue,
  timestampMs: TimestampMs.optional(),
  step: Step.optional(),
})
export type MetricPointInput = z.infer<typeof MetricPointInput>

/**
 * Points of one metric in columns: point i is (values[i], steps[i], timestampsMs[i]). About half
 * the bytes of the same points as objects, and a fraction of the parsing on both sides; the
 * SDK sends its batches so. `steps` defaults to all 0 and `timestampsMs` to the server's time.
 */
export const MetricSeriesInput = z
  .object({
    key: Key,
    values: z.array(MetricValue),
    steps: z.array(Step).optional(),
    timestampsMs: z.array(TimestampMs).optional(),
  })
  .refine((s) => s.steps === undefined || s.steps.length === s.values.length, {
    message: 'steps must have as many entries as values',
    path: ['steps'],
  })
  .refine((s) => s.timestampsMs === undefined || s.timestampsMs.length === s.values.length, {
    message: 'timestampsMs must have as many entries as values',
    path: ['timestampsMs'],
  })
export type MetricSeriesInput = z.infer<typeof MetricSeriesInput>

/** One stored metric point on the wire. */
export const MetricPoint = z.object({
  key: z.string(),
  value: MetricValue,
  timestampMs: z.number().int(),
  step: z.number().int(),
})
export type MetricPoint = z.infer<typeof MetricPoint>

export const MetricHistoryParams = z.object({ runId: RunId, key: Key })

export const MetricHistoryQuery = z.object({
  maxResults: z.coerce.number().int().min(1).max(MAX_HISTORY_PAGE).default(10_000),
  pageToken: PageToken.optional(),
  /** When set, the server returns at most this many points chosen to keep the chart's shape. */
  maxPoints: z.coerce.number().int().min(2).max(MAX_DOWNSAMPLED_POINTS).optional(),
  /** With maxPoints: only the points with minStep <= step <= maxStep (a chart zoomed in). */
  minStep: z.coerce.number().int().optional(),
  maxStep: z.coerce.number().int().optional(),
})
export type MetricHistoryQuery = z.input<typeof MetricHistoryQuery>

export const MetricHistoryResponse = z.object({
  key: z.string(),
  points: z.array(z.object({ value: MetricValue, timestampMs: z.number().int(), step: z.number().int() })),
  /** Total number of stored points of this key. */
  totalPoints: z.number().int(),
  isDownsampled: z.boolean(),
  nextPageToken: z.string().nullable(),
})
export type MetricHistoryResponse = z.infer<typeof MetricHistoryResponse>
