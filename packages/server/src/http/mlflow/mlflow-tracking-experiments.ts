import { type Experiment, InvalidInputError, NotFoundError, type ViewType } from '@provena/contract'
import type { RequestContext } from '../../domain/auth/principal.js'
import type { Services } from '../../services.js'
import type { App } from '../app-type.js'
import { parseExperimentFilter, parseExperimentOrderBy } from './mlflow-tracking-experiment-search.js'
import { experimentIdOf, pageSizeOf } from './mlflow-tracking-ids.js'
import { experimentJson, NOTE_TAG, pageTokenJson } from './mlflow-tracking-json.js'
import {
  CreateExperimentRequest,
  DeleteExperimentTagRequest,
  ExperimentByNameRequest,
  ExperimentIdRequest,
  ListExperimentsRequest,
  SearchExperimentsRequest,
  SetExperimentTagRequest,
  UpdateExperimentRequest,
} from './mlflow-tracking-requests.js'

// MLflow's routes are documented in docs/mlflow.md, not in Provena's OpenAPI document.
const route = { config: { access: 'signed-in' as const } }
const hidden = { hide: true }

/** MLflow's default experiment page (SEARCH_MAX_RESULTS_DEFAULT) and order (most recently updated first). */
const DEFAULT_MAX_RESULTS = 1000

interface SearchInput {
  view_type?: ViewType | undefined
  max_results?: number | undefined
  page_token?: string | undefined
  filter?: string | undefined
  order_by?: string[] | undefined
}

export function registerMlflowExperimentRoutes(app: App, { experiments }: Services): void {
  async function search(ctx: RequestContext, input: SearchInput) {
    const view = input.view_type ?? 'active'
    const maxResults = pageSizeOf(input.max_results, DEFAULT_MAX_RESULTS)
    const { nameLike, nameILike, exactName } = parseExperimentFilter(input.filter)
    const orderBy = parseExperimentOrderBy(input.order_by)
    if (exactName !== undefined) return { experiments: (await byExactName(ctx, exactName, view)).map(experimentJson) }
    const page = await experiments.list(ctx, {
      view,
      nameLike,
      nameILike,
      orderBy: orderBy.length > 0 ? orderBy : [{ column: 'updatedAtMs', direction: 'desc' }],
      maxResults,
      pageToken: input.page_token,
    })
    return { experiments: page.experiments.map(experimentJson), ...pageTokenJson(page.nextPageToken) }
  }

  async function byExactName(ctx: RequestContext, name: string, view: ViewType): Promise<Experiment[]> {
    try {
      const experiment = await experiments.getByName(ctx, name)
      return view === 'all' || experiment.lifecycle === view ? [experiment] : []
    } catch (error) {
      if (error instanceof NotFoundError) return []
      throw error
    }
  }

  app.post(
    '/mlflow/experiments/create',
    { ...route, schema: { ...hidden, body: CreateExperimentRequest } },
    async (req) => {
      // Provena chooses where bytes live (MLflow's path-traversal CVEs came from client-given locations).
      if (req.body.artifact_location) {
        throw new InvalidInputError(
          'artifact_location is not accepted: Provena stores artifacts itself, under mlflow-artifacts:/<experiment_id>',
        )
      }
      const tags = Object.fromEntries((req.body.tags ?? []).map((t) => [t.key, t.value]))
      const description = tags[NOTE_TAG]
      delete tags[NOTE_TAG]
      const experiment = await experiments.create(req.ctx, {
        name: req.body.name,
        tags,
        ...(description === undefined ? {} : { description }),
      })
      return { experiment_id: experiment.id }
    },
  )

  app.get(
    '/mlflow/experiments/get',
    { ...route, schema: { ...hidden, querystring: ExperimentIdRequest } },
    async (req) => ({
      experiment: experimentJson(await experiments.get(req.ctx, experimentIdOf(req.query.experiment_id))),
    }),
  )

  app.get(
    '/mlflow/experiments/get-by-name',
    { ...route, schema: { ...hidden, querystring: ExperimentByNameRequest } },
    async (req) => {
      try {
        return { experiment: experimentJson(await experiments.getByName(req.ctx, req.query.experiment_name)) }
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error
        // MLflow's message, which its clients show as is.
        throw new NotFoundError(`Could not find experiment with name '${req.query.experiment_name}'`, undefined, {
          cause: error,
        })
      }
    },
  )

  app.get(
    '/mlflow/experiments/search',
    { ...route, schema: { ...hidden, querystring: SearchExperimentsRequest } },
    async (req) => search(req.ctx, req.query),
  )

  // MLflow 1.x's list, removed in 2.0 but still called by older clients (the npm `mlflow` package).
  app.get(
    '/mlflow/experiments/list',
    { ...route, schema: { ...hidden, querystring: ListExperimentsRequest } },
    async (req) => search(req.ctx, req.query),
  )

  app.post(
    '/mlflow/experiments/search',
    { ...route, schema: { ...hidden, body: SearchExperimentsRequest } },
    async (req) => search(req.ctx, req.body),
  )

  app.post(
    '/mlflow/experiments/update',
    { ...route, schema: { ...hidden, body: UpdateExperimentRequest } },
    async (req) => {
      await experiments.update(req.ctx, experimentIdOf(req.body.experiment_id), { name: req.body.new_name })
      return {}
    },
  )

  app.post(
    '/mlflow/experiments/delete',
    { ...route, schema: { ...hidden, body: ExperimentIdRequest } },
    async (req) => {
      await experiments.delete(req.ctx, experimentIdOf(req.body.experiment_id))
      return {}
    },
  )

  app.post(
    '/mlflow/experiments/restore',
    { ...route, schema: { ...hidden, body: ExperimentIdRequest } },
    async (req) => {
      await experiments.restore(req.ctx, experimentIdOf(req.body.experiment_id))
      return {}
    },
  )

  // MLflow keeps the description in the `mlflow.note.content` tag; Provena in the description field.
  app.post(
    '/mlflow/experiments/set-experiment-tag',
    { ...route, schema: { ...hidden, body: SetExperimentTagRequest } },
    async (req) => {
      const { key, value } = req.body
      const patch = key === NOTE_TAG ? { description: value } : { tags: { [key]: value } }
      await experiments.update(req.ctx, experimentIdOf(req.body.experiment_id), patch)
      return {}
    },
  )

  app.post(
    '/mlflow/experiments/delete-experiment-tag',
    { ...route, schema: { ...hidden, body: DeleteExperimentTagRequest } },
    async (req) => {
      const id = experimentIdOf(req.body.experiment_id)
      const { key } = req.body
      const experiment = await experiments.get(req.ctx, id)
      const hasTag = key === NOTE_TAG ? experiment.description !== null : key in experiment.tags
      if (!hasTag) throw new NotFoundError(`No tag with name: ${key} in experiment ${id}`)
      await experiments.update(req.ctx, id, key === NOTE_TAG ? { description: null } : { tags: { [key]: null } })
      return {}
    },
  )
}
