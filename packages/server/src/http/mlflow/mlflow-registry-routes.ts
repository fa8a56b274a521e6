import { AliasName, ModelName, parseRegistryFilter, parseRegistryOrderBy } from '@provena/contract'
import type { FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { RequestContext } from '../../domain/auth/principal.js'
import type { Services } from '../../services.js'
import type { App } from '../app-type.js'
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
import {
  mlflowModelVersion,
  mlflowRegisteredModel,
  stageOf,
  tagMapOf,
  versionNumberOf,
} from './mlflow-registry-json.js'
import { registerMlflowModelVersionRoutes } from './mlflow-registry-versions.js'

// The MLflow API is MLflow's to document; Provena's OpenAPI document describes /api/v1.
const route = { config: { access: 'signed-in' }, schema: { hide: true } } as const
const BASE = '/mlflow/registered-models'

// MLflow's SEARCH_REGISTERED_MODEL_MAX_RESULTS_DEFAULT and _THRESHOLD.
const SEARCH_MODELS_DEFAULT = 100
const SEARCH_MODELS_CAP = 1000

const Description = z.string().max(5000)

/**
 * MLflow's registered-model endpoints over Provena's registry (docs/mlflow-registry-and-artifacts.md).
 * Paths are relative to the `/api/2.0` (or `/ajax-api/2.0`) prefix.
 */
export function registerMlflowRegistryRoutes(app: App, services: Services): void {
  const { models, aliases, modelLifecycle, registrySearch } = services

  /** A model as MLflow shows it, with the newest version of each stage. */
  async function modelJson(ctx: RequestContext, name: string) {
    const model = await models.get(ctx, name)
    return mlflowRegisteredModel(model, await registrySearch.latestVersions(ctx, name, []))
  }

  app.post(`${BASE}/create`, route, async (req) => {
    const input = mlflowInput(
      req,
      z.object({ name: ModelName, description: Description.optional(), tags: TagList.optional() }),
    )
    const created = await models.create(req.ctx, {
      name: input.name,
      description: input.description,
      tags: tagMapOf(input.tags),
    })
    return { registered_model: mlflowRegisteredModel(created, []) }
  })

  app.get(`${BASE}/get`, route, async (req) => {
    const { name } = mlflowInput(req, z.object({ name: LookupName }))
    return { registered_model: await modelJson(req.ctx, name) }
  })

  app.post(`${BASE}/rename`, route, async (req) => {
    const input = mlflowInput(req, z.object({ name: LookupName, new_name: ModelName }))
    const renamed = await modelLifecycle.rename(req.ctx, input.name, input.new_name)
    return { registered_model: await modelJson(req.ctx, renamed.name) }
  })

  app.patch(`${BASE}/update`, route, async (req) => {
    const input = mlflowInput(req, z.object({ name: LookupName, description: Description.optional() }))
    await models.update(req.ctx, input.name, { description: input.description ?? null })
    return { registered_model: await modelJson(req.ctx, input.name) }
  })

  app.delete(`${BASE}/delete`, route, async (req) => {
    const { name } = mlflowInput(req, z.object({ name: LookupName }))
    await modelLifecycle.delete(req.ctx, name)
    return {}
  })

  app.get(`${BASE}/search`, route, async (req) => {
    const input = mlflowInput(
      req,
      z.object({
        filter: z.string().max(10_000).optional(),
        max_results: maxResults(SEARCH_MODELS_DEFAULT, SEARCH_MODELS_CAP),
        order_by: RepeatedString.optional(),
        page_token: z.string().max(200).optional(),
      }),
    )
    const { models: found, nextPageToken } = await registrySearch.searchModels(req.ctx, {
      clauses: parseRegistryFilter(input.filter, 'registered_models'),
      orderBy: parseRegistryOrderBy(input.order_by ?? [], 'registered_models'),
      maxResults: input.max_results,
      pageToken: input.page_token,
    })
    const registered = found.map((model) => mlflowRegisteredModel(model, model.latestVersions))
    return {
      ...(registered.length === 0 ? {} : { registered_models: registered }),
      ...(nextPageToken === null ? {} : { next_page_token: nextPageToken }),
    }
  })

  const latestVersions = async (req: FastifyRequest) => {
    const input = mlflowInput(req, z.object({ name: LookupName, stages: RepeatedString.optional() }))
    const versions = await registrySearch.latestVersions(req.ctx, input.name, (input.stages ?? []).map(stageOf))
    return versions.length === 0 ? {} : { model_versions: versions.map(mlflowModelVersion) }
  }
  app.post(`${BASE}/get-latest-versions`, route, latestVersions)
  app.get(`${BASE}/get-latest-versions`, route, latestVersions)

  app.post(`${BASE}/set-tag`, route, async (req) => {
    const input = mlflowInput(req, z.object({ name: LookupName, key: TagKey, value: TagValue }))
    await models.update(req.ctx, input.name, { tags: { [input.key]: input.value } })
    return {}
  })

  app.delete(`${BASE}/delete-tag`, route, async (req) => {
    const input = mlflowInput(req, z.object({ name: LookupName, key: TagKey }))
    await modelLifecycle.deleteModelTag(req.ctx, input.name, input.key)
    return {}
  })

  // Aliases: protected ones are refused here exactly as in Provena's own API (a promotion moves them).
  app.post(`${BASE}/alias`, route, async (req) => {
    const input = mlflowInput(req, z.object({ name: LookupName, alias: AliasName, version: VersionInput }))
    await aliases.set(req.ctx, input.name, input.alias, { version: versionNumberOf(input.version) })
    return {}
  })

  app.delete(`${BASE}/alias`, route, async (req) => {
    const input = mlflowInput(req, z.object({ name: LookupName, alias: AliasName }))
    await aliases.delete(req.ctx, input.name, input.alias, { isMissingOk: true })
    return {}
  })

  app.get(`${BASE}/alias`, route, async (req) => {
    const input = mlflowInput(req, z.object({ name: ModelName, alias: AliasName }))
    return { model_version: mlflowModelVersion(await models.resolve(req.ctx, `models:/${input.name}@${input.alias}`)) }
  })

  registerMlflowModelVersionRoutes(app, services)
}
