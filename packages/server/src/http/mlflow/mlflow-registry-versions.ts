import { InvalidInputError, parseRegistryFilter, parseRegistryOrderBy, RunId } from '@provena/contract'
import { z } from 'zod'
import type { RequestContext } from '../../domain/auth/principal.js'
import type { Services } from '../../services.js'
import type { App } from '../app-type.js'
import { mlflowArtifactUri, parseMlflowArtifactsUri } from './mlflow-artifact-paths.js'
import {
  LookupName,
  maxResults,
  mlflowInput,
  RepeatedString,
  TagKey,
  TagList,
  TagValue,
  VersionInput,
} from './mlflow-registry-input.js'
import { mlflowModelVersion, stageOf, tagMapOf, versionNumberOf } from './mlflow-registry-json.js'

// The MLflow API is MLflow's to document; Provena's OpenAPI document describes /api/v1.
const route = { config: { access: 'signed-in' }, schema: { hide: true } } as const
const BASE = '/mlflow/model-versions'

// MLflow's SearchModelVersions: max_results defaults to, and may be at most, 200,000. Provena
// answers at most PAGE_CAP per page and hands out a next_page_token for the rest, which MLflow's
// clients follow (a backend "may choose a lower default value and maximum threshold").
const SEARCH_VERSIONS_CAP = 200_000
const PAGE_CAP = 10_000

const NameAndVersion = z.object({ name: LookupName, version: VersionInput })

export function registerMlflowModelVersionRoutes(app: App, services: Services): void {
  const { models, aliases, modelLifecycle, registrySearch, runLocations } = services

  /**
   * The `runs:/<run-id>/<path>` Provena registers a version from, for MLflow's source forms:
   * `runs:/<run-id>/<path>` and the run's artifact location `mlflow-artifacts:/<exp>/<run>/artifacts/<path>`
   * (whose experiment must be the run's). A `run_id` given as well must name the same run.
   */
  async function runsSourceOf(ctx: RequestContext, source: string, runId: string | undefined): Promise<string> {
    let located: { runId: string; path: string }
    if (source.startsWith('runs:/')) {
      const [id = '', ...rest] = source.slice('runs:/'.length).split('/')
      located = { runId: id, path: rest.join('/') }
    } else if (source.startsWith('mlflow-artifacts:')) {
      const location = parseMlflowArtifactsUri(source)
      if (location.runId === undefined || location.path === undefined) {
        throw new InvalidInputError(
          `source '${source}' does not name a run's artifacts (<experiment id>/<run id>/artifacts/…)`,
        )
      }
      await runLocations.find(ctx, location.experimentId, location.runId)
      located = { runId: location.runId, path: location.path }
    } else {
      throw new InvalidInputError(
        `source '${source}' is not a location Provena holds: register a run's artifacts with runs:/<run id>/<path> or mlflow-artifacts:/<experiment id>/<run id>/artifacts/<path>`,
      )
    }
    if (!RunId.safeParse(located.runId).success) throw new InvalidInputError(`source '${source}' names no valid run id`)
    if (runId !== undefined && runId !== '' && runId !== located.runId) {
      throw new InvalidInputError(`run_id '${runId}' is not the run of source '${source}'`)
    }
    return `runs:/${located.runId}${located.path === '' ? '' : `/${located.path}`}`
  }

  app.post(`${BASE}/create`, route, async (req) => {
    const input = mlflowInput(
      req,
      z.object({
        name: LookupName,
        source: z.string().min(1).max(5000),
        run_id: z.string().max(100).optional(),
        tags: TagList.optional(),
        run_link: z.string().max(5000).optional(),
        description: z.string().max(5000).optional(),
      }),
    )
    const source = await runsSourceOf(req.ctx, input.source, input.run_id)
    const version = await models.registerVersion(req.ctx, input.name, {
      source,
      description: input.description,
      tags: tagMapOf(input.tags),
    })
    return { model_version: mlflowModelVersion(version) }
  })

  app.get(`${BASE}/get`, route, async (req) => {
    const input = mlflowInput(req, NameAndVersion)
    return {
      model_version: mlflowModelVersion(await models.getVersion(req.ctx, input.name, versionNumberOf(input.version))),
    }
  })

  app.patch(`${BASE}/update`, route, async (req) => {
    const input = mlflowInput(req, NameAndVersion.extend({ description: z.string().max(5000).optional() }))
    const version = await models.updateVersion(req.ctx, input.name, versionNumberOf(input.version), {
      description: input.description ?? null,
    })
    return { model_version: mlflowModelVersion(version) }
  })

  app.delete(`${BASE}/delete`, route, async (req) => {
    const input = mlflowInput(req, NameAndVersion)
    await models.deleteVersion(req.ctx, input.name, versionNumberOf(input.version))
    return {}
  })

  app.get(`${BASE}/search`, route, async (req) => {
    const input = mlflowInput(
      req,
      z.object({
        filter: z.string().max(10_000).optional(),
        max_results: maxResults(SEARCH_VERSIONS_CAP, SEARCH_VERSIONS_CAP),
        order_by: RepeatedString.optional(),
        page_token: z.string().max(200).optional(),
      }),
    )
    const { versions, nextPageToken } = await registrySearch.searchVersions(req.ctx, {
      clauses: parseRegistryFilter(input.filter, 'model_versions'),
      orderBy: parseRegistryOrderBy(input.order_by ?? [], 'model_versions'),
      maxResults: Math.min(input.max_results, PAGE_CAP),
      pageToken: input.page_token,
    })
    return {
      ...(versions.length === 0 ? {} : { model_versions: versions.map(mlflowModelVersion) }),
      ...(nextPageToken === null ? {} : { next_page_token: nextPageToken }),
    }
  })

  app.post(`${BASE}/transition-stage`, route, async (req) => {
    const input = mlflowInput(
      req,
      NameAndVersion.extend({
        stage: z.string().max(100),
        archive_existing_versions: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
      }),
    )
    const stage = stageOf(input.stage)
    if (input.archive_existing_versions && stage !== 'Staging' && stage !== 'Production') {
      throw new InvalidInputError(
        `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are Staging, Production`,
      )
    }
    const version = await aliases.transitionStage(req.ctx, input.name, versionNumberOf(input.version), {
      stage,
      archiveExisting: input.archive_existing_versions,
    })
    return { model_version: mlflowModelVersion(version) }
  })

  app.get(`${BASE}/get-download-uri`, route, async (req) => {
    const input = mlflowInput(req, NameAndVersion)
    const location = await registrySearch.downloadLocation(req.ctx, input.name, versionNumberOf(input.version))
    return { artifact_uri: mlflowArtifactUri(location) }
  })

  app.post(`${BASE}/set-tag`, route, async (req) => {
    const input = mlflowInput(req, NameAndVersion.extend({ key: TagKey, value: TagValue }))
    await models.updateVersion(req.ctx, input.name, versionNumberOf(input.version), {
      tags: { [input.key]: input.value },
    })
    return {}
  })

  app.delete(`${BASE}/delete-tag`, route, async (req) => {
    const input = mlflowInput(req, NameAndVersion.extend({ key: TagKey }))
    await modelLifecycle.deleteVersionTag(req.ctx, input.name, versionNumberOf(input.version), input.key)
    return {}
  })
}
