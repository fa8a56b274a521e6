import { ConflictError, encodeMetricValue, InvalidInputError, MAX_HISTORY_PAGE } from '@provena/contract'
import type { Services } from '../../services.js'
import type { App } from '../app-type.js'
import { parseBatch } from './mlflow-tracking-batch.js'
import { runIdOf } from './mlflow-tracking-ids.js'
import { logMlflowInputs } from './mlflow-tracking-inputs.js'
import { pageTokenJson, runArtifactUri } from './mlflow-tracking-json.js'
import {
  DeleteTagRequest,
  ListArtifactsRequest,
  LOG_BATCH_MAX_BYTES,
  LogBatchRequest,
  LogInputsRequest,
  LogMetricRequest,
  LogModelRequest,
  LogParamRequest,
  MetricHistoryRequest,
  SetTagRequest,
} from './mlflow-tracking-requests.js'

const route = { config: { access: 'signed-in' as const } }
const hidden = { hide: true }

/** The run tag MLflow appends each logged model's MLmodel (as JSON) to, as a JSON list. */
const LOGGED_MODELS_TAG = 'mlflow.log-model.history'
/** The page the python client asks for (GET_METRIC_HISTORY_MAX_RESULTS) when it asks for none. */
const DEFAULT_HISTORY_PAGE = 25_000

export function registerMlflowLoggingRoutes(app: App, services: Services): void {
  const { runs, metrics, artifacts } = services

  app.post('/mlflow/runs/log-metric', { ...route, schema: { ...hidden, body: LogMetricRequest } }, async (req) => {
    const { key, value, timestamp, step } = req.body
    await metrics.logBatch(req.ctx, runIdOf(req.body), {
      metrics: [{ key, value, timestampMs: timestamp, step: step ?? 0 }],
      params: [],
      tags: [],
    })
    return {}
  })

  app.post('/mlflow/runs/log-parameter', { ...route, schema: { ...hidden, body: LogParamRequest } }, async (req) => {
    const { key, value } = req.body
    await metrics.logBatch(req.ctx, runIdOf(req.body), { metrics: [], params: [{ key, value }], tags: [] })
    return {}
  })

  app.post('/mlflow/runs/set-tag', { ...route, schema: { ...hidden, body: SetTagRequest } }, async (req) => {
    await runs.setTag(req.ctx, runIdOf(req.body), req.body.key, req.body.value)
    return {}
  })

  app.post('/mlflow/runs/delete-tag', { ...route, schema: { ...hidden, body: DeleteTagRequest } }, async (req) => {
    await runs.deleteTag(req.ctx, runIdOf(req.body), req.body.key)
    return {}
  })

  app.post(
    '/mlflow/runs/log-batch',
    { ...route, bodyLimit: LOG_BATCH_MAX_BYTES, schema: { ...hidden, body: LogBatchRequest } },
    async (req) => {
      const runId = runIdOf(req.body)
      const batch = parseBatch(req.body)
      await metrics.logBatch(req.ctx, runId, batch)
      return {}
    },
  )

  app.post('/mlflow/runs/log-inputs', { ...route, schema: { ...hidden, body: LogInputsRequest } }, async (req) => {
    await logMlflowInputs(services, req.ctx, runIdOf(req.body), req.body.datasets ?? [])
    return {}
  })

  app.post('/mlflow/runs/log-model', { ...route, schema: { ...hidden, body: LogModelRequest } }, async (req) => {
    const runId = runIdOf(req.body)
    let model: unknown
    try {
      model = JSON.parse(req.body.model_json)
    } catch (cause) {
      throw new InvalidInputError('Malformed model info: model_json is not JSON', { cause })
    }
    if (typeof model !== 'object' || model === null || Array.isArray(model)) {
      throw new InvalidInputError('Malformed model info: model_json must be a JSON object')
    }
    // As MLflow's stores do: read the list, append, write it back as the tag.
    const run = await runs.get(req.ctx, runId)
    const earlier = run.tags[LOGGED_MODELS_TAG]
    const history: unknown[] = earlier === undefined ? [] : parseHistory(earlier)
    await runs.setTag(req.ctx, runId, LOGGED_MODELS_TAG, JSON.stringify([...history, model]))
    return {}
  })

  app.get(
    '/mlflow/metrics/get-history',
    { ...route, schema: { ...hidden, querystring: MetricHistoryRequest } },
    async (req) => {
      const key = req.query.metric_key
      const maxResults = Math.min(req.query.max_results || DEFAULT_HISTORY_PAGE, MAX_HISTORY_PAGE)
      const history = await metrics.history(req.ctx, runIdOf(req.query), key, {
        maxResults,
        pageToken: req.query.page_token,
      })
      return {
        metrics: history.points.map((p) => ({
          key,
          value: encodeMetricValue(p.value),
          timestamp: p.timestampMs,
          step: p.step,
        })),
        ...pageTokenJson(history.nextPageToken),
      }
    },
  )

  app.get(
    '/mlflow/artifacts/list',
    { ...route, schema: { ...hidden, querystring: ListArtifactsRequest } },
    async (req) => {
      const runId = runIdOf(req.query)
      const run = await runs.get(req.ctx, runId)
      const root_uri = runArtifactUri(run.experimentId, runId)
      try {
        const page = await artifacts.list(req.ctx, runId, {
          path: req.query.path,
          maxResults: 1000,
          pageToken: req.query.page_token,
        })
        const files = page.entries.map((e) => ({
          path: e.path,
          is_dir: e.isDir,
          ...(e.isDir || e.sizeBytes === null ? {} : { file_size: e.sizeBytes }),
        }))
        return { root_uri, files, ...pageTokenJson(page.nextPageToken) }
      } catch (error) {
        // MLflow lists a file's path as an empty directory.
        if (error instanceof ConflictError) return { root_uri, files: [] }
        throw error
      }
    },
  )
}

/** The logged-models list a run's tag holds; a tag that is not a JSON list (set by hand) is not overwritten. */
function parseHistory(value: string): unknown[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    parsed = undefined
  }
  if (!Array.isArray(parsed)) {
    throw new InvalidInputError(`the run's ${LOGGED_MODELS_TAG} tag is not a JSON list; delete or fix it first`)
  }
  return parsed
}
