import {
  type AliasEvent,
  AliasHistoryResponse,
  CreatedWebhookResponse,
  type CreateModelBody,
  type CreatePromotionBody,
  type CreateWebhookBody,
  ListModelsResponse,
  ListModelVersionFilesResponse,
  ListModelVersionsResponse,
  ListPromotionsResponse,
  ListWebhookDeliveriesResponse,
  ListWebhooksResponse,
  type ModelCard,
  ModelCardResponse,
  ModelResponse,
  type ModelVersion,
  ModelVersionComparison,
  type ModelVersionFile,
  ModelVersionResponse,
  type PromotionRequest,
  PromotionResponse,
  type PromotionStatus,
  type RegisteredModel,
  type SetAliasBody,
  type TransitionStageBody,
  type UpdateModelBody,
  type UpdateModelCardBody,
  type Webhook,
  type WebhookDelivery,
} from '@provena/contract'
import { type HttpClient, NO_CONTENT } from './http-client.js'

/** The model registry: models, versions, aliases with their history, and promotion requests. */
export interface ModelsApi {
  create(input: CreateModelBody): Promise<RegisteredModel>
  get(name: string): Promise<RegisteredModel>
  list(options?: { nameLike?: string; maxResults?: number; pageToken?: string }): Promise<{
    models: RegisteredModel[]
    nextPageToken: string | null
  }>
  update(name: string, patch: UpdateModelBody): Promise<RegisteredModel>
  /** A new version from a run's artifacts. @example await provena.models.register('churn', `runs:/${run.id}/model`) */
  register(
    name: string,
    source: string,
    options?: { description?: string; tags?: Record<string, string> },
  ): Promise<ModelVersion>
  /** Stores a file's bytes for `registerFiles`; `body` is made anew for each attempt. */
  uploadBlob(name: string, sha256: string, body: () => NonNullable<RequestInit['body']>): Promise<void>
  /** A new version from files uploaded with `uploadBlob` (path, size, sha256 each). */
  registerFiles(
    name: string,
    files: { path: string; sizeBytes: number; sha256: string }[],
    options?: { description?: string; tags?: Record<string, string> },
  ): Promise<ModelVersion>
  /**
   * A new version from a local folder (Node only): its files are uploaded by content, then
   * registered. @example await provena.models.registerFolder('churn', './out')
   */
  registerFolder(
    name: string,
    folder: string,
    options?: { description?: string; tags?: Record<string, string> },
  ): Promise<ModelVersion>
  getVersion(name: string, version: number): Promise<ModelVersion>
  listVersions(
    name: string,
    page?: { maxResults?: number; pageToken?: string },
  ): Promise<{
    versions: ModelVersion[]
    nextPageToken: string | null
  }>
  /** Every file of a version, following page tokens. */
  listFiles(name: string, version: number): Promise<ModelVersionFile[]>
  /** Changes a version's description and tags; its files never change. */
  updateVersion(name: string, version: number, patch: UpdateModelBody): Promise<ModelVersion>
  deleteVersion(name: string, version: number): Promise<void>
  /** MLflow-style stage transition (None, Staging, Production, Archived), recorded in the alias history. */
  transitionStage(name: string, version: number, body: TransitionStageBody): Promise<ModelVersion>
  /** `models:/<name>@<alias>`, `models:/<name>/<version>` or `models:/<name>/latest`. */
  resolve(uri: string): Promise<ModelVersion>
  setAlias(name: string, alias: string, body: SetAliasBody): Promise<RegisteredModel>
  deleteAlias(name: string, alias: string): Promise<void>
  /** Moves the alias back to the version it pointed to before its last move. */
  rollback(name: string, alias: string, reason?: string): Promise<RegisteredModel>
  protectAlias(name: string, alias: string, isProtected: boolean): Promise<RegisteredModel>
  /** Moves of one alias (or all), newest first. */
  aliasHistory(
    name: string,
    options?: { alias?: string; maxResults?: number; pageToken?: string },
  ): Promise<{
    events: AliasEvent[]
    nextPageToken: string | null
  }>
  /** A version's model card: what people wrote, and training data and evaluation from the source run. */
  card(name: string, version: number): Promise<ModelCard>
  /** Changes the written parts of a card (intended use, limitations, owners, …). */
  updateCard(name: string, version: number, patch: UpdateModelCardBody): Promise<ModelCard>
  /** The card as a markdown document. */
  cardMarkdown(name: string, version: number): Promise<string>
  /** Where versions `a` and `b` differ: params, metrics, dataset inputs, code commit, files. */
  compare(name: string, a: number, b: number): Promise<ModelVersionComparison>
  /** Subscribes a URL to the model's registry events; the answer's `secret` signs deliveries and is shown once. */
  createWebhook(name: string, body: CreateWebhookBody): Promise<CreatedWebhookResponse>
  listWebhooks(name: string): Promise<Webhook[]>
  deleteWebhook(name: string, webhookId: string): Promise<void>
  /** The newest deliveries to a webhook and how each went. */
  webhookDeliveries(name: string, webhookId: string): Promise<WebhookDelivery[]>
  requestPromotion(name: string, body: CreatePromotionBody): Promise<PromotionRequest>
  listPromotions(name: string, status?: PromotionStatus): Promise<PromotionRequest[]>
  approve(name: string, requestId: string, comment?: string): Promise<PromotionRequest>
  reject(name: string, requestId: string, comment?: string): Promise<PromotionRequest>
}

const BASE = '/api/v1/models'

/** Binds the registry calls of the REST API to one HTTP client. */
export function createModelsApi(http: HttpClient): ModelsApi {
  const path = (name: string) => `${BASE}/${encodeURIComponent(name)}`
  const model = async (request: Promise<ModelResponse>) => (await request).model
  const version = async (request: Promise<ModelVersionResponse>) => (await request).modelVersion
  const promotion = async (request: Promise<PromotionResponse>) => (await request).request
  const get = <T>(
    url: string,
    response: {
      safeParse(input: unknown): { success: true; data: T } | { success: false; error: { message: string } }
    },
    query?: Record<string, string | number | undefined>,
  ) => http.request({ method: 'GET', path: url, query, response, isIdempotent: true })

  const api: ModelsApi = {
    // Not idempotent: after a lost answer a second attempt would fail with ALREADY_EXISTS.
    create: (input) =>
      model(http.request({ method: 'POST', path: BASE, body: input, response: ModelResponse, isIdempotent: false })),
    get: (name) => model(get(path(name), ModelResponse)),
    list: (options = {}) => get(BASE, ListModelsResponse, { ...options }),
    update: (name, patch) =>
      model(
        http.request({ method: 'PATCH', path: path(name), body: patch, response: ModelResponse, isIdempotent: true }),
      ),
    // Each attempt makes a new version, so a lost answer is not retried.
    register: (name, source, options = {}) =>
      version(
        http.request({
          method: 'POST',
          path: `${path(name)}/versions`,
          body: { source, ...options },
          response: ModelVersionResponse,
          isIdempotent: false,
        }),
      ),
    async uploadBlob(name, sha256, body) {
      await http.raw({
        method: 'PUT',
        path: `${path(name)}/blobs/${sha256}`,
        headers: { 'content-type': 'application/octet-stream' },
        body,
        isIdempotent: true,
      })
    },
    registerFiles: (name, files, options = {}) =>
      version(
        http.request({
          method: 'POST',
          path: `${path(name)}/versions`,
          body: { files, ...options },
          response: ModelVersionResponse,
          isIdempotent: false,
        }),
      ),
    async registerFolder(name, folder, options = {}) {
      const { registerLocalFolder } = await import('./model-packaging.js')
      return registerLocalFolder(api, name, folder, options)
    },
    getVersion: (name, number) => version(get(`${path(name)}/versions/${number}`, ModelVersionResponse)),
    listVersions: (name, page = {}) => get(`${path(name)}/versions`, ListModelVersionsResponse, { ...page }),
    async listFiles(name, number) {
      const files: ModelVersionFile[] = []
      let pageToken: string | undefined
      do {
        const page = await get(`${path(name)}/versions/${number}/files`, ListModelVersionFilesResponse, {
          maxResults: 1000,
          pageToken,
        })
        files.push(...page.files)
        pageToken = page.nextPageToken ?? undefined
      } while (pageToken !== undefined)
      return files
    },
    updateVersion: (name, number, patch) =>
      version(
        http.request({
          method: 'PATCH',
          path: `${path(name)}/versions/${number}`,
          body: patch,
          response: ModelVersionResponse,
          isIdempotent: true,
        }),
      ),
    deleteVersion: (name, number) =>
      http.request({
        method: 'DELETE',
        path: `${path(name)}/versions/${number}`,
        response: NO_CONTENT,
        isIdempotent: false,
      }),
    transitionStage: (name, number, body) =>
      version(
        http.request({
          method: 'POST',
          path: `${path(name)}/versions/${number}/stage`,
          body,
          response: ModelVersionResponse,
          isIdempotent: true,
        }),
      ),
    resolve: (uri) => version(get(`${BASE}/resolve`, ModelVersionResponse, { uri })),
    setAlias: (name, alias, body) =>
      model(
        http.request({
          method: 'PUT',
          path: `${path(name)}/aliases/${encodeURIComponent(alias)}`,
          body,
          response: ModelResponse,
          isIdempotent: true,
        }),
      ),
    deleteAlias: (name, alias) =>
      http.request({
        method: 'DELETE',
        path: `${path(name)}/aliases/${encodeURIComponent(alias)}`,
        response: NO_CONTENT,
        isIdempotent: false,
      }),
    // A second rollback would move the alias again, so it is never retried.
    rollback: (name, alias, reason) =>
      model(
        http.request({
          method: 'POST',
          path: `${path(name)}/aliases/${encodeURIComponent(alias)}/rollback`,
          body: { reason },
          response: ModelResponse,
          isIdempotent: false,
        }),
      ),
    protectAlias: (name, alias, isProtected) =>
      model(
        http.request({
          method: 'PUT',
          path: `${path(name)}/aliases/${encodeURIComponent(alias)}/protection`,
          body: { isProtected },
          response: ModelResponse,
          isIdempotent: true,
        }),
      ),
    card: async (name, number) => (await get(`${path(name)}/versions/${number}/card`, ModelCardResponse)).card,
    updateCard: async (name, number, patch) =>
      (
        await http.request({
          method: 'PATCH',
          path: `${path(name)}/versions/${number}/card`,
          body: patch,
          response: ModelCardResponse,
          isIdempotent: true,
        })
      ).card,
    cardMarkdown: async (name, number) =>
      (await http.raw({ method: 'GET', path: `${path(name)}/versions/${number}/card.md`, isIdempotent: true })).text(),
    compare: (name, a, b) => get(`${path(name)}/compare`, ModelVersionComparison, { a, b }),
    aliasHistory: (name, options = {}) => get(`${path(name)}/alias-history`, AliasHistoryResponse, { ...options }),
    createWebhook: (name, body) =>
      http.request({
        method: 'POST',
        path: `${path(name)}/webhooks`,
        body,
        response: CreatedWebhookResponse,
        isIdempotent: false,
      }),
    listWebhooks: async (name) => (await get(`${path(name)}/webhooks`, ListWebhooksResponse)).webhooks,
    deleteWebhook: (name, webhookId) =>
      http.request({
        method: 'DELETE',
        path: `${path(name)}/webhooks/${webhookId}`,
        response: NO_CONTENT,
        isIdempotent: false,
      }),
    webhookDeliveries: async (name, webhookId) =>
      (await get(`${path(name)}/webhooks/${webhookId}/deliveries`, ListWebhookDeliveriesResponse)).deliveries,
    requestPromotion: (name, body) =>
      promotion(
        http.request({
          method: 'POST',
          path: `${path(name)}/promotions`,
          body,
          response: PromotionResponse,
          isIdempotent: false,
        }),
      ),
    listPromotions: async (name, status) =>
      (await get(`${path(name)}/promotions`, ListPromotionsResponse, { status })).requests,
    approve: (name, requestId, comment) =>
      promotion(
        http.request({
          method: 'POST',
          path: `${path(name)}/promotions/${requestId}/approve`,
          body: { comment },
          response: PromotionResponse,
          isIdempotent: false,
        }),
      ),
    reject: (name, requestId, comment) =>
      promotion(
        http.request({
          method: 'POST',
          path: `${path(name)}/promotions/${requestId}/reject`,
          body: { comment },
          response: PromotionResponse,
          isIdempotent: false,
        }),
      ),
  }
  return api
}
