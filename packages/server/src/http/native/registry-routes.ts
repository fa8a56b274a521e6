import {
  AliasHistoryQuery,
  AliasHistoryResponse,
  CompareModelVersionsQuery,
  CreatedWebhookResponse,
  CreateModelBody,
  CreatePromotionBody,
  CreateWebhookBody,
  DecidePromotionBody,
  ListModelsQuery,
  ListModelsResponse,
  ListModelVersionFilesResponse,
  ListModelVersionsResponse,
  ListPageQuery,
  ListPromotionsQuery,
  ListPromotionsResponse,
  ListWebhookDeliveriesResponse,
  ListWebhooksResponse,
  ModelAliasParams,
  ModelBlobParams,
  ModelCardResponse,
  ModelParams,
  ModelResponse,
  ModelVersionComparison,
  ModelVersionParams,
  ModelVersionResponse,
  PromotionParams,
  PromotionResponse,
  ProtectAliasBody,
  RegisterModelVersionBody,
  ResolveModelQuery,
  SetAliasBody,
  TransitionStageBody,
  UpdateModelBody,
  UpdateModelCardBody,
  WebhookParams,
} from '@provena/contract'
import { z } from 'zod'
import { modelCardMarkdown } from '../../domain/registry/model-cards.js'
import type { Services } from '../../services.js'
import type { App } from '../app-type.js'
import { rawBodyOf } from './artifacts-routes.js'

const tags = ['registry']
const signedIn = { access: 'signed-in' } as const
const BASE = '/api/v1/models'

export function registerRegistryRoutes(
  app: App,
  { models, aliases, promotions, compareVersions, modelCards, webhooks }: Services,
): void {
  app.post(
    BASE,
    { config: signedIn, schema: { tags, body: CreateModelBody, response: { 201: ModelResponse } } },
    async (req, reply) => reply.code(201).send({ model: await models.create(req.ctx, req.body) }),
  )
  app.get(
    BASE,
    { config: signedIn, schema: { tags, querystring: ListModelsQuery, response: { 200: ListModelsResponse } } },
    async (req) => models.list(req.ctx, req.query),
  )
  app.get(
    `${BASE}/resolve`,
    { config: signedIn, schema: { tags, querystring: ResolveModelQuery, response: { 200: ModelVersionResponse } } },
    async (req) => ({ modelVersion: await models.resolve(req.ctx, req.query.uri) }),
  )
  app.get(
    `${BASE}/:name`,
    { config: signedIn, schema: { tags, params: ModelParams, response: { 200: ModelResponse } } },
    async (req) => ({ model: await models.get(req.ctx, req.params.name) }),
  )
  app.patch(
    `${BASE}/:name`,
    {
      config: signedIn,
      schema: { tags, params: ModelParams, body: UpdateModelBody, response: { 200: ModelResponse } },
    },
    async (req) => ({ model: await models.update(req.ctx, req.params.name, req.body) }),
  )

  app.post(
    `${BASE}/:name/versions`,
    {
      config: signedIn,
      schema: { tags, params: ModelParams, body: RegisterModelVersionBody, response: { 201: ModelVersionResponse } },
    },
    async (req, reply) =>
      reply.code(201).send({ modelVersion: await models.registerVersion(req.ctx, req.params.name, req.body) }),
  )
  app.put(
    `${BASE}/:name/blobs/:sha256`,
    { config: signedIn, schema: { tags, params: ModelBlobParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await models.putBlob(req.ctx, req.params.name, req.params.sha256, rawBodyOf(req.body))
      return reply.code(204).send(null)
    },
  )
  app.get(
    `${BASE}/:name/versions`,
    {
      config: signedIn,
      schema: { tags, params: ModelParams, querystring: ListPageQuery, response: { 200: ListModelVersionsResponse } },
    },
    async (req) => models.listVersions(req.ctx, req.params.name, req.query),
  )
  app.get(
    `${BASE}/:name/versions/:version`,
    { config: signedIn, schema: { tags, params: ModelVersionParams, response: { 200: ModelVersionResponse } } },
    async (req) => ({ modelVersion: await models.getVersion(req.ctx, req.params.name, req.params.version) }),
  )
  app.patch(
    `${BASE}/:name/versions/:version`,
    {
      config: signedIn,
      schema: {
        tags,
        params: ModelVersionParams,
        body: UpdateModelBody,
        response: { 200: ModelVersionResponse },
      },
    },
    async (req) => ({
      modelVersion: await models.updateVersion(req.ctx, req.params.name, req.params.version, req.body),
    }),
  )
  app.delete(
    `${BASE}/:name/versions/:version`,
    { config: signedIn, schema: { tags, params: ModelVersionParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await models.deleteVersion(req.ctx, req.params.name, req.params.version)
      return reply.code(204).send(null)
    },
  )
  app.get(
    `${BASE}/:name/versions/:version/files`,
    {
      config: signedIn,
      schema: {
        tags,
        params: ModelVersionParams,
        querystring: ListPageQuery,
        response: { 200: ListModelVersionFilesResponse },
      },
    },
    async (req) => models.listFiles(req.ctx, req.params.name, req.params.version, req.query),
  )

  app.get(
    `${BASE}/:name/versions/:version/card`,
    { config: signedIn, schema: { tags, params: ModelVersionParams, response: { 200: ModelCardResponse } } },
    async (req) => ({ card: await modelCards.get(req.ctx, req.params.name, req.params.version) }),
  )
  app.get(
    `${BASE}/:name/versions/:version/card.md`,
    { config: signedIn, schema: { tags, params: ModelVersionParams } },
    async (req, reply) => {
      const card = await modelCards.get(req.ctx, req.params.name, req.params.version)
      return reply.type('text/markdown; charset=utf-8').send(modelCardMarkdown(card))
    },
  )
  app.patch(
    `${BASE}/:name/versions/:version/card`,
    {
      config: signedIn,
      schema: { tags, params: ModelVersionParams, body: UpdateModelCardBody, response: { 200: ModelCardResponse } },
    },
    async (req) => ({ card: await modelCards.update(req.ctx, req.params.name, req.params.version, req.body) }),
  )

  app.post(
    `${BASE}/:name/versions/:version/stage`,
    {
      config: signedIn,
      schema: { tags, params: ModelVersionParams, body: TransitionStageBody, response: { 200: ModelVersionResponse } },
    },
    async (req) => ({
      modelVersion: await aliases.transitionStage(req.ctx, req.params.name, req.params.version, req.body),
    }),
  )

  app.get(
    `${BASE}/:name/compare`,
    {
      config: signedIn,
      schema: {
        tags,
        params: ModelParams,
        querystring: CompareModelVersionsQuery,
        response: { 200: ModelVersionComparison },
      },
    },
    async (req) => compareVersions.compare(req.ctx, req.params.name, req.query.a, req.query.b),
  )

  app.put(
    `${BASE}/:name/aliases/:alias`,
    {
      config: signedIn,
      schema: { tags, params: ModelAliasParams, body: SetAliasBody, response: { 200: ModelResponse } },
    },
    async (req) => ({ model: await aliases.set(req.ctx, req.params.name, req.params.alias, req.body) }),
  )
  app.delete(
    `${BASE}/:name/aliases/:alias`,
    { config: signedIn, schema: { tags, params: ModelAliasParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await aliases.delete(req.ctx, req.params.name, req.params.alias)
      return reply.code(204).send(null)
    },
  )
  app.post(
    `${BASE}/:name/aliases/:alias/rollback`,
    {
      config: signedIn,
      schema: {
        tags,
        params: ModelAliasParams,
        body: z.object({ reason: z.string().max(2000).optional() }),
        response: { 200: ModelResponse },
      },
    },
    async (req) => ({ model: await aliases.rollback(req.ctx, req.params.name, req.params.alias, req.body.reason) }),
  )
  app.put(
    `${BASE}/:name/aliases/:alias/protection`,
    {
      config: signedIn,
      schema: { tags, params: ModelAliasParams, body: ProtectAliasBody, response: { 200: ModelResponse } },
    },
    async (req) => ({
      model: await aliases.protect(req.ctx, req.params.name, req.params.alias, req.body.isProtected),
    }),
  )
  app.get(
    `${BASE}/:name/alias-history`,
    {
      config: signedIn,
      schema: { tags, params: ModelParams, querystring: AliasHistoryQuery, response: { 200: AliasHistoryResponse } },
    },
    async (req) => aliases.history(req.ctx, req.params.name, req.query),
  )

  app.post(
    `${BASE}/:name/promotions`,
    {
      config: signedIn,
      schema: { tags, params: ModelParams, body: CreatePromotionBody, response: { 201: PromotionResponse } },
    },
    async (req, reply) =>
      reply.code(201).send({ request: await promotions.request(req.ctx, req.params.name, req.body) }),
  )
  app.get(
    `${BASE}/:name/promotions`,
    {
      config: signedIn,
      schema: {
        tags,
        params: ModelParams,
        querystring: ListPromotionsQuery,
        response: { 200: ListPromotionsResponse },
      },
    },
    async (req) => ({ requests: await promotions.list(req.ctx, req.params.name, req.query.status) }),
  )
  app.post(
    `${BASE}/:name/webhooks`,
    {
      config: signedIn,
      schema: { tags, params: ModelParams, body: CreateWebhookBody, response: { 201: CreatedWebhookResponse } },
    },
    async (req, reply) => reply.code(201).send(await webhooks.create(req.ctx, req.params.name, req.body)),
  )
  app.get(
    `${BASE}/:name/webhooks`,
    { config: signedIn, schema: { tags, params: ModelParams, response: { 200: ListWebhooksResponse } } },
    async (req) => ({ webhooks: await webhooks.list(req.ctx, req.params.name) }),
  )
  app.delete(
    `${BASE}/:name/webhooks/:webhookId`,
    { config: signedIn, schema: { tags, params: WebhookParams, response: { 204: z.null() } } },
    async (req, reply) => {
      await webhooks.delete(req.ctx, req.params.name, req.params.webhookId)
      return reply.code(204).send(null)
    },
  )
  app.get(
    `${BASE}/:name/webhooks/:webhookId/deliveries`,
    { config: signedIn, schema: { tags, params: WebhookParams, response: { 200: ListWebhookDeliveriesResponse } } },
    async (req) => ({ deliveries: await webhooks.deliveries(req.ctx, req.params.name, req.params.webhookId) }),
  )

  for (const decision of ['approve', 'reject'] as const) {
    app.post(
      `${BASE}/:name/promotions/:requestId/${decision}`,
      {
        config: signedIn,
        schema: { tags, params: PromotionParams, body: DecidePromotionBody, response: { 200: PromotionResponse } },
      },
      async (req) => ({
        request: await promotions[decision](req.ctx, req.params.name, req.params.requestId, req.body.comment),
      }),
    )
  }
}
