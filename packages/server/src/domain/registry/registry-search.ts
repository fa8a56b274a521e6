import {
  InvalidInputError,
  type ModelStage,
  type ModelVersion,
  NotFoundError,
  parseRunsUri,
  type RegisteredModel,
  type RegistryFilterClause,
  type RegistryOrderBy,
} from '@provena/contract'
import { offsetPage } from '../../storage/db/page-token.js'
import type { Store } from '../../storage/store.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import { findAuthorizedModel, findAuthorizedVersion } from './model-access.js'

interface Deps {
  store: Store
  authorizer: Authorizer
}

export interface RegistrySearch {
  clauses: RegistryFilterClause[]
  orderBy: RegistryOrderBy[]
  maxResults: number
  pageToken?: string | undefined
}

export type RegistrySearchService = ReturnType<typeof createRegistrySearchService>

/** Filtered, ordered and paged searches of the registry, limited to the models the caller may read. */
export function createRegistrySearchService({ store, authorizer }: Deps) {
  function restriction(ctx: RequestContext) {
    authorizer.requireSignedIn(ctx.principal)
    return authorizer.listRestriction(ctx.principal)?.userId
  }

  return {
    /** One page of the models matching the search, each with the newest version of each stage. */
    async searchModels(
      ctx: RequestContext,
      search: RegistrySearch,
    ): Promise<{ models: (RegisteredModel & { latestVersions: ModelVersion[] })[]; nextPageToken: string | null }> {
      const grantedTo = restriction(ctx)
      const { items, nextPageToken } = await offsetPage(search.pageToken, search.maxResults, async (window) =>
        store.models.modelsByIds(
          await store.modelSearch.searchModelIds({
            clauses: search.clauses,
            orderBy: search.orderBy,
            grantedTo,
            ...window,
          }),
        ),
      )
      const latest = await store.models.latestPerStageOf(items.map((m) => m.id))
      const models = items.map(({ id, ...model }) => ({ ...model, latestVersions: latest.get(id) ?? [] }))
      return { models, nextPageToken }
    },

    async searchVersions(
      ctx: RequestContext,
      search: RegistrySearch,
    ): Promise<{ versions: ModelVersion[]; nextPageToken: string | null }> {
      const grantedTo = restriction(ctx)
      const { items, nextPageToken } = await offsetPage(search.pageToken, search.maxResults, async (window) =>
        store.models.versionsByIds(
          await store.modelSearch.searchVersionIds({
            clauses: search.clauses,
            orderBy: search.orderBy,
            grantedTo,
            ...window,
          }),
        ),
      )
      return { versions: items, nextPageToken }
    },

    /**
     * The highest version in each of `stages` (every stage when none is named), as MLflow's
     * get-latest-versions answers: one version per stage that has any.
     */
    async latestVersions(ctx: RequestContext, name: string, stages: readonly ModelStage[]): Promise<ModelVersion[]> {
      const model = await findAuthorizedModel(store, authorizer, ctx, name, 'READ')
      const latest = (await store.models.latestPerStageOf([model.id])).get(model.id) ?? []
      return latest.filter((version) => stages.length === 0 || stages.includes(version.stage))
    },

    /**
     * Where a version's files came from: the run, its experiment and the path in its artifacts
     * (what MLflow's get-download-uri names). A reader of the model learns the run's location, as
     * the version shows its run id anyway; reading the files needs READ on the run's experiment.
     */
    async downloadLocation(
      ctx: RequestContext,
      name: string,
      number: number,
    ): Promise<{ experimentId: string; runId: string; path: string }> {
      const { version } = await findAuthorizedVersion(store, authorizer, ctx, name, number, 'READ')
      const parsed = version.runId === null ? undefined : parseRunsUri(version.source)
      if (!parsed) {
        throw new InvalidInputError(
          `version ${number} of ${name} was registered from uploaded files, not from a run: list and read its files through Provena's API (GET /api/v1/models/{name}/versions/{version}/files)`,
        )
      }
      const run = await store.runs.findById(parsed.runId)
      if (!run) throw new NotFoundError('run', parsed.runId)
      return { experimentId: run.experimentId, runId: run.id, path: parsed.path }
    },
  }
}
