import { z } from 'zod'
import { Sha256 } from './artifacts.js'
import { Key, PageToken, TagMap } from './common.js'
import { DatasetFile } from './datasets.js'
import { MAX_PAGE_SIZE, MAX_TAG_VALUE_LENGTH } from './limits.js'
import { MetricValue } from './metrics.js'

/**
 * Registered model names: printable, no `/`, `@` or `:` (they separate the parts of
 * `models:/<name>@<alias>` and `models:/<name>/<version>`), no leading or trailing space.
 */
export const ModelName = z
  .string()
  .min(1)
  .max(256)
  .regex(
    /^[^\s/@:\p{Cc}](?:[^/@:\p{Cc}]*[^\s/@:\p{Cc}])?$/u,
    'may not contain / @ : or control characters, nor start or end with a space',
  )

export const ModelVersionNumber = z.coerce.number().int().min(1).max(2_147_483_647)

/**
 * Alias names: a letter or `_` first, then letters, digits, `_` and `-`. Names that read as a
 * version (`3`, `v3`) or as `latest` are refused, as MLflow refuses them, so `@x` is never ambiguous.
 */
export const AliasName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*$/, 'must start with a letter or _ and contain only letters, digits, _ and -')
  .refine((a) => !/^v\d+$/i.test(a) && a.toLowerCase() !== 'latest', 'may not look like a version (v3) or be "latest"')

/** MLflow's stages, kept for compatibility; their changes are recorded like alias moves. */
export const ModelStage = z.enum(['None', 'Staging', 'Production', 'Archived'])
export type ModelStage = z.infer<typeof ModelStage>

export const ModelVersionStatus = z.enum(['PENDING_REGISTRATION', 'READY', 'FAILED_REGISTRATION'])
export type ModelVersionStatus = z.infer<typeof ModelVersionStatus>

export const RegisteredModel = z.object({
  name: z.string(),
  description: z.string().nullable(),
  tags: TagMap,
  createdAtMs: z.number().int(),
  updatedAtMs: z.number().int(),
  createdBy: z.string().nullable(),
  latestVersion: z.number().int().nullable(),
  /** alias -> version number */
  aliases: z.record(z.string(), z.number().int()),
  /** Aliases that move only through an approved promotion request. */
  protectedAliases: z.array(z.string()),
})
export type RegisteredModel = z.infer<typeof RegisteredModel>

/** The file `run.logModel` writes next to a model's files, so that a version says how to load and call it. */
export const MODEL_MANIFEST_FILE = 'provena-model.json'

const TensorSpec = z.object({
  name: z.string().max(500).optional(),
  type: z.string().min(1).max(100),
  shape: z.array(z.number().int()).max(32).optional(),
})

/** `provena-model.json` (format `provena-model-v1`); documented in docs/registry.md. */
export const ModelManifest = z.object({
  format: z.literal('provena-model-v1'),
  /** How to load it: `pytorch`, `onnx`, `sklearn`, `xgboost`, `tensorflow`, `transformers`, … */
  framework: z.string().min(1).max(100),
  /** Inputs and outputs: names, element types and shapes (-1 for a dimension of any size). */
  signature: z.object({ inputs: z.array(TensorSpec).max(1000), outputs: z.array(TensorSpec).max(1000) }).nullable(),
  /** Packages needed to load it, as pip or npm would name them (`torch==2.4.1`). */
  requirements: z.array(z.string().min(1).max(500)).max(1000),
  /** The file holding an example input (JSON), if one was given. */
  inputExample: z.string().max(1024).nullable(),
})
export type ModelManifest = z.infer<typeof ModelManifest>

export const ModelVersion = z.object({
  modelName: z.string(),
  version: z.number().int(),
  status: ModelVersionStatus,
  stage: ModelStage,
  description: z.string().nullable(),
  tags: TagMap,
  /** `runs:/<run-id>/<path>` for a version made from a run's artifacts. */
  source: z.string(),
  runId: z.string().nullable(),
  /** Merkle root over the version's files (`provena-dataset-v1`, the same algorithm as datasets). */
  digest: Sha256,
  fileCount: z.number().int(),
  sizeBytes: z.number().int(),
  aliases: z.array(z.string()),
  /** The version's `provena-model.json`, when it has one (written by `run.logModel`). */
  manifest: ModelManifest.nullable(),
  createdAtMs: z.number().int(),
  updatedAtMs: z.number().int(),
  createdBy: z.string().nullable(),
})
export type ModelVersion = z.infer<typeof ModelVersion>

export const ModelParams = z.object({ name: ModelName })
export const ModelVersionParams = z.object({ name: ModelName, version: ModelVersionNumber })
export const ModelAliasParams = z.object({ name: ModelName, alias: AliasName })
export const ModelBlobParams = z.object({ name: ModelName, sha256: Sha256 })

export const CreateModelBody = z.object({
  name: ModelName,
  description: z.string().max(5000).optional(),
  tags: TagMap.optional(),
})
export type CreateModelBody = z.input<typeof CreateModelBody>

/** Changes to a model's (or a version's) description and tags; a null tag value deletes the tag. */
export const UpdateModelBody = z.object({
  description: z.string().max(5000).nullable().optional(),
  /** Tags to set; a null value deletes the tag. */
  tags: z.record(Key, z.string().max(MAX_TAG_VALUE_LENGTH).nullable()).optional(),
})
export type UpdateModelBody = z.input<typeof UpdateModelBody>

export const ModelResponse = z.object({ model: RegisteredModel })
export type ModelResponse = z.infer<typeof ModelResponse>

export const ListModelsQuery = z.object({
  nameLike: z.string().max(300).optional(),
  maxResults: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(100),
  pageToken: PageToken.optional(),
})
export type ListModelsQuery = z.input<typeof ListModelsQuery>
export const ListModelsResponse = z.object({ models: z.array(RegisteredModel), nextPageToken: z.string().nullable() })
export type ListModelsResponse = z.infer<typeof ListModelsResponse>

/** `runs:/<run-id>/<path>`: a file or directory of a run's artifacts ('' or absent for all of them). */
export function parseRunsUri(text: string): { runId: string; path: string } | undefined {
  const match = /^runs:\/([0-9a-f]{32})(?:\/(.*))?$/.exec(text)
  if (!match?.[1]) return undefined
  return { runId: match[1], path: (match[2] ?? '').replace(/\/+$/, '') }
}

/** The most files a model version may have. */
export const MAX_MODEL_VERSION_FILES = 100_000

/**
 * A version from a run's artifacts (`source: runs:/<run-id>/<artifact path>`), or from uploaded
 * files (`files`: paths with the sha256 of bytes uploaded first to `PUT …/blobs/<sha256>`).
 */
export const RegisterModelVersionBody = z.union([
  z.object({
    source: z
      .string()
      .max(2000)
      .refine((s) => parseRunsUri(s) !== undefined, 'must be runs:/<32-hex run id>/<artifact path>'),
    description: z.string().max(5000).optional(),
    tags: TagMap.optional(),
  }),
  z.object({
    files: z.array(DatasetFile).min(1).max(MAX_MODEL_VERSION_FILES),
    description: z.string().max(5000).optional(),
    tags: TagMap.optional(),
  }),
])
export type RegisterModelVersionBody = z.input<typeof RegisterModelVersionBody>

export const ModelVersionResponse = z.object({ modelVersion: ModelVersion })
export type ModelVersionResponse = z.infer<typeof ModelVersionResponse>

export const ListModelVersionsResponse = z.object({
  versions: z.array(ModelVersion),
  nextPageToken: z.string().nullable(),
})
export type ListModelVersionsResponse = z.infer<typeof ListModelVersionsResponse>

export const ModelVersionFile = z.object({ path: z.string(), sizeBytes: z.number().int(), sha256: Sha256 })
export type ModelVersionFile = z.infer<typeof ModelVersionFile>
export const ListModelVersionFilesResponse = z.object({
  files: z.array(ModelVersionFile),
  nextPageToken: z.string().nullable(),
})
export type ListModelVersionFilesResponse = z.infer<typeof ListModelVersionFilesResponse>

export const SetAliasBody = z.object({
  version: z.number().int().min(1),
  /** Refuse the move (CONFLICT) unless the alias points at this version now (null: at none). */
  expectedVersion: z.number().int().min(1).nullable().optional(),
  reason: z.string().max(2000).optional(),
})
export type SetAliasBody = z.input<typeof SetAliasBody>

export const ProtectAliasBody = z.object({ isProtected: z.boolean() })

/** One move of an alias or a stage change, as the history keeps it. */
export const AliasEvent = z.object({
  seq: z.number().int(),
  alias: z.string(),
  kind: z.enum(['set', 'delete', 'rollback', 'promotion', 'stage']),
  fromVersion: z.number().int().nullable(),
  toVersion: z.number().int().nullable(),
  actor: z.string(),
  atMs: z.number().int(),
  reason: z.string().nullable(),
  promotionRequestId: z.string().nullable(),
})
export type AliasEvent = z.infer<typeof AliasEvent>
export const AliasHistoryResponse = z.object({ events: z.array(AliasEvent), nextPageToken: z.string().nullable() })
export type AliasHistoryResponse = z.infer<typeof AliasHistoryResponse>
export const AliasHistoryQuery = z.object({
  alias: AliasName.optional(),
  maxResults: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(100),
  pageToken: PageToken.optional(),
})

export const PromotionStatus = z.enum(['PENDING', 'APPROVED', 'REJECTED'])
export type PromotionStatus = z.infer<typeof PromotionStatus>

export const PromotionRequest = z.object({
  id: z.string(),
  modelName: z.string(),
  version: z.number().int(),
  alias: z.string(),
  reason: z.string(),
  status: PromotionStatus,
  requestedBy: z.string(),
  requestedAtMs: z.number().int(),
  decidedBy: z.string().nullable(),
  decidedAtMs: z.number().int().nullable(),
  comment: z.string().nullable(),
})
export type PromotionRequest = z.infer<typeof PromotionRequest>

export const CreatePromotionBody = z.object({
  version: z.number().int().min(1),
  alias: AliasName,
  reason: z.string().min(1).max(5000),
})
export type CreatePromotionBody = z.input<typeof CreatePromotionBody>
export const DecidePromotionBody = z.object({ comment: z.string().max(5000).optional() })
export const PromotionParams = z.object({ name: ModelName, requestId: z.string().regex(/^[0-9a-f]{32}$/) })
export const PromotionResponse = z.object({ request: PromotionRequest })
export type PromotionResponse = z.infer<typeof PromotionResponse>
export const ListPromotionsQuery = z.object({ status: PromotionStatus.optional() })
export const ListPromotionsResponse = z.object({ requests: z.array(PromotionRequest) })
export type ListPromotionsResponse = z.infer<typeof ListPromotionsResponse>

/** `models:/<name>@<alias>`, `models:/<name>/<version>` or `models:/<name>/latest`. */
export function parseModelUri(
  text: string,
): { name: string; alias: string } | { name: string; version: number | 'latest' } | undefined {
  const byAlias = /^models:\/([^/@]+)@([^/@]+)$/.exec(text)
  if (byAlias?.[1] && byAlias[2]) {
    const name = ModelName.safeParse(byAlias[1])
    const alias = AliasName.safeParse(byAlias[2])
    return name.success && alias.success ? { name: name.data, alias: alias.data } : undefined
  }
  const byVersion = /^models:\/([^/@]+)\/([^/@]+)$/.exec(text)
  if (!byVersion?.[1] || !byVersion[2]) return undefined
  const name = ModelName.safeParse(byVersion[1])
  if (!name.success) return undefined
  if (byVersion[2] === 'latest') return { name: name.data, version: 'latest' }
  return /^[1-9]\d{0,9}$/.test(byVersion[2]) ? { name: name.data, version: Number(byVersion[2]) } : undefined
}

export const ResolveModelQuery = z.object({ uri: z.string().max(600) })

/** Where two versions differ: their runs' params, metrics, dataset inputs and code, and their files. */
export const ModelVersionComparison = z.object({
  a: ModelVersion,
  b: ModelVersion,
  /** Params whose values differ (null: the run does not have it). */
  params: z.array(z.object({ key: z.string(), a: z.string().nullable(), b: z.string().nullable() })),
  /** The latest value of every metric of either run. */
  metrics: z.array(z.object({ key: z.string(), a: MetricValue.nullable(), b: MetricValue.nullable() })),
  /** Dataset inputs per context, as `name@version`. */
  datasets: z.array(z.object({ context: z.string(), a: z.array(z.string()), b: z.array(z.string()) })),
  /** The git commit each run recorded (tag `mlflow.source.git.commit`), if any. */
  code: z.object({ a: z.string().nullable(), b: z.string().nullable() }),
  files: z.object({ added: z.array(z.string()), removed: z.array(z.string()), changed: z.array(z.string()) }),
})
export type ModelVersionComparison = z.infer<typeof ModelVersionComparison>
export const CompareModelVersionsQuery = z.object({ a: ModelVersionNumber, b: ModelVersionNumber })

/** The parts of a model card that people write; each is markdown text. */
export const ModelCardFields = z.object({
  intendedUse: z.string().max(20_000).nullable(),
  outOfScopeUse: z.string().max(20_000).nullable(),
  limitations: z.string().max(20_000).nullable(),
  ethicalConsiderations: z.string().max(20_000).nullable(),
  owners: z.array(z.string().min(1).max(200)).max(100),
  /** Anything else, free markdown. */
  markdown: z.string().max(200_000).nullable(),
})
export type ModelCardFields = z.infer<typeof ModelCardFields>

/** A model version's card: what people wrote, and what Provena fills in from the source run. */
export const ModelCard = ModelCardFields.extend({
  modelName: z.string(),
  version: z.number().int(),
  digest: Sha256,
  source: z.string(),
  /** The source run's dataset inputs (filled automatically). */
  trainingData: z.array(
    z.object({
      dataset: z.string(),
      context: z.string(),
      digest: Sha256,
      rowCount: z.number().int().nullable(),
      source: z.string(),
    }),
  ),
  /** The source run's latest metric values (filled automatically). */
  evaluation: z.array(z.object({ key: z.string(), value: MetricValue, step: z.number().int() })),
  updatedAtMs: z.number().int().nullable(),
  updatedBy: z.string().nullable(),
})
export type ModelCard = z.infer<typeof ModelCard>

/** Changes to the written parts; absent fields stay as they are. */
export const UpdateModelCardBody = ModelCardFields.partial()
export type UpdateModelCardBody = z.input<typeof UpdateModelCardBody>
export const ModelCardResponse = z.object({ card: ModelCard })
export type ModelCardResponse = z.infer<typeof ModelCardResponse>

/** MLflow's transition-stage: move a version to a stage, optionally archiving the others in it. */
export const TransitionStageBody = z.object({
  stage: ModelStage,
  /** Move the versions now in `stage` (Staging or Production) to Archived, as MLflow's archive_existing_versions. */
  archiveExisting: z.boolean().default(false),
  reason: z.string().max(2000).optional(),
})
export type TransitionStageBody = z.input<typeof TransitionStageBody>

/** Registry events a webhook can subscribe to. */
export const WebhookEvent = z.enum([
  'model_version.created',
  'alias.moved',
  'promotion.requested',
  'promotion.approved',
  'promotion.rejected',
])
export type WebhookEvent = z.infer<typeof WebhookEvent>

export const CreateWebhookBody = z.object({
  url: z.url({ protocol: /^https?$/, hostname: z.regexes.hostname }).max(2000),
  /** Default: every event. */
  events: z.array(WebhookEvent).min(1).max(20).optional(),
})
export type CreateWebhookBody = z.input<typeof CreateWebhookBody>

export const Webhook = z.object({
  id: z.string(),
  modelName: z.string(),
  url: z.string(),
  events: z.array(WebhookEvent),
  createdAtMs: z.number().int(),
  createdBy: z.string(),
})
export type Webhook = z.infer<typeof Webhook>

/** The only answer that contains the signing secret. */
export const CreatedWebhookResponse = z.object({ webhook: Webhook, secret: z.string() })
export type CreatedWebhookResponse = z.infer<typeof CreatedWebhookResponse>
export const ListWebhooksResponse = z.object({ webhooks: z.array(Webhook) })
export type ListWebhooksResponse = z.infer<typeof ListWebhooksResponse>
export const WebhookParams = z.object({ name: ModelName, webhookId: z.string().regex(/^[0-9a-f]{32}$/) })

export const WebhookDelivery = z.object({
  id: z.string(),
  event: WebhookEvent,
  status: z.enum(['PENDING', 'SUCCEEDED', 'FAILED']),
  attempts: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAtMs: z.number().int().nullable(),
  createdAtMs: z.number().int(),
  deliveredAtMs: z.number().int().nullable(),
})
export type WebhookDelivery = z.infer<typeof WebhookDelivery>
export const ListWebhookDeliveriesResponse = z.object({ deliveries: z.array(WebhookDelivery) })
export type ListWebhookDeliveriesResponse = z.infer<typeof ListWebhookDeliveriesResponse>
