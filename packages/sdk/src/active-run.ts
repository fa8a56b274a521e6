import { ConflictError, encodeMetricValue, InvalidInputError, MAX_BATCH_PARAMS, RunResponse } from '@provena/contract'
import type { ArtifactsApi } from './artifacts-api.js'
import type { DatasetsApi, DatasetVersionSpec } from './datasets-api.js'
import { flushAtExit } from './exit-flush.js'
import { type HttpClient, NO_CONTENT } from './http-client.js'
import type { LineageApi } from './lineage-api.js'
import type { LoggedArtifacts, TransferOptions } from './local-artifacts.js'
import { createMetricBuffer } from './metric-buffer.js'
import type { LoggedModel, LogModelOptions } from './model-packaging.js'
import { sendRunBatch } from './run-batch.js'
import { type Run, runPath } from './runs-api.js'

/** A param value; numbers and booleans are stored as their string form. */
export type ParamValue = string | number | boolean

/** Params as the server stores them: every value as its string form. */
export function toParamStrings(params: Record<string, ParamValue>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).map(([key, value]) => [key, String(value)]))
}

/** When a metric point was taken: `step` defaults to 0, `timestamp` (ms) to the time of the call. */
export interface MetricPointOptions {
  step?: number
  timestamp?: number
}

/** How a run ends. */
export type EndStatus = 'FINISHED' | 'FAILED' | 'KILLED'

/** A run being logged to: params and tags are sent at once, metrics buffered and sent in batches. */
export interface ActiveRun {
  readonly id: string
  readonly experimentId: string
  readonly name: string
  logParam(key: string, value: ParamValue): Promise<void>
  logParams(params: Record<string, ParamValue>): Promise<void>
  /** Buffers one point; network errors never surface here but from flush() and end(). */
  logMetric(key: string, value: number, options?: MetricPointOptions): void
  logMetrics(metrics: Record<string, number>, options?: MetricPointOptions): void
  setTag(key: string, value: string): Promise<void>
  /**
   * Uploads a local file (to `<artifactPath>/<its name>`) or folder (its files below
   * `artifactPath`), in parallel, each checked by sha256 (Node only). Symbolic links that lead
   * outside the folder are not followed; they are listed in `skipped`.
   * @example await run.logArtifact('./model', 'model', { onProgress: (p) => console.log(p.bytesDone) })
   */
  logArtifact(localPath: string, artifactPath?: string, options?: TransferOptions): Promise<LoggedArtifacts>
  /**
   * Uploads a model folder (Node only) below `model/` with a `provena-model.json` that says how to
   * load and call it (framework, signature, requirements) and an optional input example; the
   * answer's `uri` registers it.
   * @example const { uri } = await run.logModel('./out', { framework: 'onnx', requirements: ['onnxruntime==1.19.2'] })
   */
  logModel(folder: string, options: LogModelOptions): Promise<LoggedModel>
  /**
   * Records that this run read a dataset version, as `context` (default `training`), or used a
   * model version given as `models:/<name>/<version>` or `models:/<name>@<alias>` (fine-tuning,
   * distillation, evaluation: `context` says which; no default).
   * @example await run.logInput('churn@3', { context: 'validation' })
   * @example await run.logInput('models:/churn@champion', { context: 'fine-tuning' })
   */
  logInput(input: DatasetVersionSpec, options?: { context?: string }): Promise<void>
  /** Records that this run produced a dataset version. */
  logOutput(datasetVersion: DatasetVersionSpec): Promise<void>
  /** Resolves when every point logged so far is stored; rejects with the error of a refused or undeliverable batch. */
  flush(): Promise<void>
  /** Flushes, then sets the status (default FINISHED) and the end time, even when the flush failed. */
  end(status?: EndStatus): Promise<void>
}

/** What an active run needs from its client. */
interface ActiveRunContext {
  http: HttpClient
  artifacts: ArtifactsApi
  datasets: DatasetsApi
  lineage: LineageApi
  batchSize: number
  flushIntervalMs: number
  /** Called once the run has ended, so the client stops tracking it. */
  onEnded(run: ActiveRun): void
}

/** Wraps a freshly created run so that it can be logged to. */
export function createActiveRun(
  run: Run,
  { http, artifacts, datasets, lineage, batchSize, flushIntervalMs, onEnded }: ActiveRunContext,
): ActiveRun {
  const buffer = createMetricBuffer({
    batchSize,
    flushIntervalMs,
    send: (metrics) => sendRunBatch(http, run.id, { metrics }),
  })
  const stopFlushAtExit = flushAtExit({ id: run.id, flush: () => buffer.flush() })
  let ending: Promise<void> | undefined

  function logMetric(key: string, value: number, { step, timestamp }: MetricPointOptions = {}): void {
    if (ending !== undefined) throw new ConflictError(`run ${run.id} has ended; start a new run to log more metrics`)
    // Plain JavaScript callers could pass a string, which encodeMetricValue would turn into -Infinity.
    if (typeof value !== 'number') throw new InvalidInputError(`metric '${key}' must be a number, got ${typeof value}`)
    // The time is taken now, not when the batch is sent, so buffering does not shift it.
    buffer.add({
      key,
      value: encodeMetricValue(value),
      timestampMs: timestamp ?? Date.now(),
      ...(step === undefined ? {} : { step }),
    })
  }

  async function finish(status: EndStatus): Promise<void> {
    const flushed = await buffer.flush().then(
      () => ({ ok: true as const }),
      (error: unknown) => ({ ok: false as const, error }),
    )
    stopFlushAtExit()
    onEnded(activeRun)
    const body = { status, endTimeMs: Date.now() }
    await http.request({ method: 'PATCH', path: runPath(run.id), body, response: RunResponse, isIdempotent: true })
    if (!flushed.ok) throw flushed.error
  }

  const activeRun: ActiveRun = {
    id: run.id,
    experimentId: run.experimentId,
    name: run.name,
    logParam: (key, value) => activeRun.logParams({ [key]: value }),
    async logParams(params) {
      const entries = Object.entries(toParamStrings(params)).map(([key, value]) => ({ key, value }))
      // A batch holds at most MAX_BATCH_PARAMS params, so a larger set is sent in several.
      for (let start = 0; start < entries.length; start += MAX_BATCH_PARAMS) {
        await sendRunBatch(http, run.id, { params: entries.slice(start, start + MAX_BATCH_PARAMS) })
      }
    },
    logMetric,
    logMetrics(metrics, options = {}) {
      const timestamp = options.timestamp ?? Date.now()
      for (const [key, value] of Object.entries(metrics)) logMetric(key, value, { ...options, timestamp })
    },
    async setTag(key, value) {
      const path = runPath(run.id, `/tags/${encodeURIComponent(key)}`)
      await http.request({ method: 'PUT', path, body: { value }, response: NO_CONTENT, isIdempotent: true })
    },
    async logArtifact(localPath, artifactPath, options) {
      const { logLocalArtifacts } = await import('./local-artifacts.js')
      return logLocalArtifacts(artifacts, run.id, localPath, artifactPath, options)
    },
    async logModel(folder, options) {
      const { logModelFolder } = await import('./model-packaging.js')
      return logModelFolder(artifacts, run.id, folder, options)
    },
    async logInput(input, options) {
      if (typeof input === 'string' && input.startsWith('models:/')) await lineage.logModelInput(run.id, input, options)
      else await datasets.logInput(run.id, input, options)
    },
    async logOutput(datasetVersion) {
      await datasets.logOutput(run.id, datasetVersion)
    },
    flush: () => buffer.flush(),
    end(status = 'FINISHED') {
      ending ??= finish(status)
      return ending
    },
  }
  return activeRun
}
