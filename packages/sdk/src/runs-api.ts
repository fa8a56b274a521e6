import {
  type CreateRunBody,
  decodeMetricValue,
  RunKeysResponse,
  RunResponse,
  type RunStatus,
  SearchRunsResponse,
  type ViewType,
  type Run as WireRun,
} from '@provena/contract'
import { type HttpClient, NO_CONTENT } from './http-client.js'

/** The latest value of one metric of a run, decoded to a number (NaN and ±Infinity included). */
export interface LatestMetric {
  key: string
  value: number
  step: number
  timestampMs: number
}

/** A run as the SDK returns it: the contract's Run with metric values as plain numbers. */
export type Run = Omit<WireRun, 'metrics'> & { metrics: LatestMetric[] }

/** What `runs.search` and `searchRuns` take. */
export interface SearchRunsOptions {
  experimentIds: string[]
  /** An MLflow-style filter, e.g. `metrics.acc > 0.9 AND params.model = 'cnn'`. */
  filter?: string
  /** Sort keys, e.g. `['metrics.acc DESC']`. */
  orderBy?: string[]
  view?: ViewType
  maxResults?: number
  pageToken?: string
}

/** What `runs.update` may change. */
export interface UpdateRunInput {
  name?: string
  status?: RunStatus
  endTimeMs?: number | null
}

/** Runs: read, change, delete, restore and search. Runs are created with `startRun`. */
export interface RunsApi {
  get(runId: string): Promise<Run>
  update(runId: string, patch: UpdateRunInput): Promise<Run>
  delete(runId: string): Promise<void>
  restore(runId: string): Promise<Run>
  search(options: SearchRunsOptions): Promise<{ runs: Run[]; nextPageToken: string | null }>
  /** The param, metric and tag keys in use among the newest runs of some experiments, e.g. for completion. */
  keys(experimentIds: string[]): Promise<RunKeysResponse>
}

/** The REST path of a run, or of something below it. */
export function runPath(runId: string, below = ''): string {
  return `/api/v1/runs/${encodeURIComponent(runId)}${below}`
}

function decodeRun(run: WireRun): Run {
  return { ...run, metrics: run.metrics.map((m) => ({ ...m, value: decodeMetricValue(m.value) })) }
}

/** Creates a run; not retried after a network error, which would risk a second run. */
export async function createRun(http: HttpClient, body: CreateRunBody): Promise<Run> {
  const answer = await http.request({
    method: 'POST',
    path: '/api/v1/runs',
    body,
    response: RunResponse,
    isIdempotent: false,
  })
  return decodeRun(answer.run)
}

/** Binds the run calls of the REST API to one HTTP client. */
export function createRunsApi(http: HttpClient): RunsApi {
  const one = async (request: Promise<RunResponse>) => decodeRun((await request).run)
  return {
    get: (runId) =>
      one(http.request({ method: 'GET', path: runPath(runId), response: RunResponse, isIdempotent: true })),
    update: (runId, patch) =>
      one(
        http.request({ method: 'PATCH', path: runPath(runId), body: patch, response: RunResponse, isIdempotent: true }),
      ),
    // Delete and restore answer CONFLICT when repeated, so a retry could report a failure that did not happen.
    delete: (runId) =>
      http.request({ method: 'DELETE', path: runPath(runId), response: NO_CONTENT, isIdempotent: false }),
    restore: (runId) =>
      one(
        http.request({ method: 'POST', path: runPath(runId, '/restore'), response: RunResponse, isIdempotent: false }),
      ),
    keys: (experimentIds) =>
      http.request({
        method: 'GET',
        path: '/api/v1/runs/keys',
        query: { experimentIds: experimentIds.join(',') },
        response: RunKeysResponse,
        isIdempotent: true,
      }),
    async search(options) {
      const path = '/api/v1/runs/search'
      const page = await http.request({
        method: 'POST',
        path,
        body: options,
        response: SearchRunsResponse,
        isIdempotent: true,
      })
      return { runs: page.runs.map(decodeRun), nextPageToken: page.nextPageToken }
    },
  }
}
