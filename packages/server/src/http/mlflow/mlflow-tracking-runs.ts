import { InvalidInputError, RunId } from '@provena/contract'
import { generateRunName } from '../../domain/runs/run-names.js'
import type { Services } from '../../services.js'
import type { App } from '../app-type.js'
import { experimentIdOf, pageSizeOf, runIdOf } from './mlflow-tracking-ids.js'
import { datasetInputsOf } from './mlflow-tracking-inputs.js'
import { PARENT_RUN_TAG, pageTokenJson, RUN_NAME_TAG, runInfoJson, runJson } from './mlflow-tracking-json.js'
import { CreateRunRequest, RunIdRequest, SearchRunsRequest, UpdateRunRequest } from './mlflow-tracking-requests.js'

const route = { config: { access: 'signed-in' as const } }
const hidden = { hide: true }

/** MLflow's default run page (SEARCH_MAX_RESULTS_DEFAULT). */
const DEFAULT_MAX_RESULTS = 1000
/** MLflow orders runs newest first when no order is asked for. */
const DEFAULT_ORDER = ['attributes.start_time DESC']

export function registerMlflowRunRoutes(app: App, services: Services): void {
  const { runs, runSearch } = services

  app.post('/mlflow/runs/create', { ...route, schema: { ...hidden, body: CreateRunRequest } }, async (req) => {
    const body = req.body
    const tags = Object.fromEntries((body.tags ?? []).map((t) => [t.key, t.value]))
    // As MLflow's server does: the name comes from run_name, else the mlflow.runName tag, else is
    // made up, and is kept in that tag too so that filters on it find the run.
    const name = body.run_name ?? tags[RUN_NAME_TAG] ?? generateRunName()
    tags[RUN_NAME_TAG] = name
    const parent = tags[PARENT_RUN_TAG]
    const run = await runs.create(req.ctx, {
      experimentId: experimentIdOf(body.experiment_id ?? '0'),
      name,
      status: 'RUNNING',
      startTimeMs: body.start_time,
      userId: body.user_id || undefined,
      parentRunId: parent !== undefined && RunId.safeParse(parent).success ? parent : undefined,
      tags,
    })
    return { run: runJson(run) }
  })

  app.get('/mlflow/runs/get', { ...route, schema: { ...hidden, querystring: RunIdRequest } }, async (req) => {
    const runId = runIdOf(req.query)
    const run = await runs.get(req.ctx, runId)
    return { run: runJson(run, await datasetInputsOf(services, req.ctx, runId)) }
  })

  app.post('/mlflow/runs/update', { ...route, schema: { ...hidden, body: UpdateRunRequest } }, async (req) => {
    const runId = runIdOf(req.body)
    const { status, end_time: endTimeMs, run_name: name } = req.body
    let run = await runs.update(req.ctx, runId, { status, endTimeMs, name })
    if (name !== undefined && run.tags[RUN_NAME_TAG] !== name) {
      await runs.setTag(req.ctx, runId, RUN_NAME_TAG, name)
      run = await runs.get(req.ctx, runId)
    }
    return { run_info: runInfoJson(run) }
  })

  app.post('/mlflow/runs/delete', { ...route, schema: { ...hidden, body: RunIdRequest } }, async (req) => {
    await runs.delete(req.ctx, runIdOf(req.body))
    return {}
  })

  app.post('/mlflow/runs/restore', { ...route, schema: { ...hidden, body: RunIdRequest } }, async (req) => {
    await runs.restore(req.ctx, runIdOf(req.body))
    return {}
  })

  app.post('/mlflow/runs/search', { ...route, schema: { ...hidden, body: SearchRunsRequest } }, async (req) => {
    const body = req.body
    const experimentIds = (body.experiment_ids ?? []).map(experimentIdOf)
    if (experimentIds.length === 0) {
      throw new InvalidInputError('experiment_ids must name at least one experiment to search')
    }
    const page = await runSearch.search(req.ctx, {
      experimentIds,
      filter: body.filter ?? '',
      orderBy: body.order_by && body.order_by.length > 0 ? body.order_by : DEFAULT_ORDER,
      view: body.run_view_type ?? 'active',
      maxResults: pageSizeOf(body.max_results, DEFAULT_MAX_RESULTS),
      pageToken: body.page_token,
    })
    return { runs: page.runs.map((run) => runJson(run)), ...pageTokenJson(page.nextPageToken) }
  })
}
