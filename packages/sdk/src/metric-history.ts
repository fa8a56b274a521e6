import { decodeMetricValue, MetricHistoryResponse } from '@provena/contract'
import type { HttpClient } from './http-client.js'
import { runPath } from './runs-api.js'

/** One stored point of a metric, with its value decoded to a number (NaN and ±Infinity included). */
export interface MetricHistoryPoint {
  value: number
  step: number
  timestampMs: number
}

/** What `getMetricHistory` takes. */
export interface MetricHistoryOptions {
  /** Ask the server to downsample the whole history to at most this many points (one request). */
  maxPoints?: number
  /** Points per request while reading the raw history page by page (server default 10,000). */
  pageSize?: number
  /** With `maxPoints`: only the points from this step on (a chart zoomed in). */
  minStep?: number
  /** With `maxPoints`: only the points up to this step. */
  maxStep?: number
}

/** Reads a metric's history in order of step, then time: all raw points, or a downsampled view. */
export async function fetchMetricHistory(
  http: HttpClient,
  runId: string,
  key: string,
  { maxPoints, pageSize, minStep, maxStep }: MetricHistoryOptions = {},
): Promise<MetricHistoryPoint[]> {
  const path = runPath(runId, `/metrics/${encodeURIComponent(key)}/history`)
  const points: MetricHistoryPoint[] = []
  let pageToken: string | undefined
  do {
    const page = await http.request({
      method: 'GET',
      path,
      query: maxPoints === undefined ? { maxResults: pageSize, pageToken } : { maxPoints, minStep, maxStep },
      response: MetricHistoryResponse,
      isIdempotent: true,
    })
    for (const p of page.points)
      points.push({ value: decodeMetricValue(p.value), step: p.step, timestampMs: p.timestampMs })
    pageToken = page.nextPageToken ?? undefined
  } while (pageToken !== undefined)
  return points
}
