import type { ColumnType, Generated } from 'kysely'
import type { AccessDB } from './access-schema.js'

/** Row types of the metadata store; SQL names are snake_case, CamelCasePlugin maps them. */
export interface ExperimentsTable {
  id: Generated<number>
  name: string
  description: string | null
  lifecycle: string
  createdAtMs: number
  updatedAtMs: number
}

export interface ExperimentTagsTable {
  experimentId: number
  key: string
  value: string
}

export interface RunsTable {
  id: string
  experimentId: number
  name: string
  status: string
  startTimeMs: number
  endTimeMs: number | null
  userId: string
  parentRunId: string | null
  lifecycle: string
  updatedAtMs: number
}

export interface RunTagsTable {
  runId: string
  key: string
  value: string
}

export interface ParamsTable {
  runId: string
  key: string
  value: string
}

/** One metric of one run: how many points it has and the (step, timestamp) of the last in order. */
export interface MetricSeriesTable {
  runId: string
  key: string
  pointCount: number
  lastStep: number | null
  lastTimestampMs: number | null
}

/** Points of a series in history order, packed 64 to a row; see metric-segments.ts for the layout. */
export interface MetricSegmentsTable {
  runId: string
  key: string
  segmentNo: number
  points: Buffer
}

/** The lowest and highest point of each block of `blockSize` consecutive points; null when all are NaN. */
export interface MetricRollupsTable {
  runId: string
  key: string
  blockSize: number
  blockNo: number
  minPosition: number | null
  minValue: number | null
  minStep: number | null
  minTimestampMs: number | null
  maxPosition: number | null
  maxValue: number | null
  maxStep: number | null
  maxTimestampMs: number | null
}

export interface LatestMetricsTable {
  runId: string
  key: string
  /** 0 when isNan is 1: SQLite stores NaN as NULL, so NaN is a flag, as in MLflow's schema. */
  value: number
  isNan: number
  step: number
  timestampMs: number
}

export interface BatchReceiptsTable {
  runId: string
  idempotencyKey: string
  createdAtMs: ColumnType<number, number, never>
}

/** One file of a run's artifact tree: its normalised path and the blob holding its bytes. */
export interface ArtifactsTable {
  runId: string
  path: string
  sha256: string
  sizeBytes: number
  createdAtMs: number
}

/** A blob something besides run manifests relies on (model versions, datasets); never collected. */
export interface BlobPinsTable {
  sha256: string
  ownerType: string
  ownerId: string
  createdAtMs: number
}

export interface DatasetsTable {
  id: string
  name: string
  description: string | null
  createdAtMs: number
  createdBy: string | null
}

export interface DatasetVersionsTable {
  id: string
  datasetId: string
  version: number
  /** `provena-dataset-v1` Merkle root over the version's files. */
  digest: string
  source: string
  format: string
  fileCount: number
  sizeBytes: number
  rowCount: number | null
  schemaJson: string | null
  profileJson: string | null
  isStored: number
  description: string | null
  createdAtMs: number
  createdBy: string | null
}

export interface DatasetFilesTable {
  versionId: string
  path: string
  sizeBytes: number
  sha256: string
}

/** A typed edge of the lineage graph; see migration 0005. */
export interface LineageEdgesTable {
  sourceType: string
  sourceId: string
  targetType: string
  targetId: string
  edgeType: string
  context: string
  createdAtMs: number
  createdBy: string | null
}

/** A git commit some run executed; see migration 0007. */
export interface CodeVersionsTable {
  commitHash: string
  repoUrl: string | null
  createdAtMs: number
}

/** A node for something outside Provena, added through the API. */
export interface ExternalNodesTable {
  id: string
  namespace: string
  name: string
  description: string | null
  propertiesJson: string
  createdAtMs: number
  createdBy: string | null
}

export interface RegisteredModelsTable {
  id: string
  name: string
  description: string | null
  createdAtMs: number
  updatedAtMs: number
  createdBy: string | null
}

export interface RegisteredModelTagsTable {
  modelId: string
  key: string
  value: string
}

export interface ModelVersionsTable {
  id: string
  modelId: string
  version: number
  status: string
  stage: string
  description: string | null
  source: string
  runId: string | null
  digest: string
  fileCount: number
  sizeBytes: number
  manifestJson: string | null
  createdAtMs: number
  updatedAtMs: number
  createdBy: string | null
}

export interface ModelVersionTagsTable {
  versionId: string
  key: string
  value: string
}

export interface ModelVersionFilesTable {
  versionId: string
  path: string
  sizeBytes: number
  sha256: string
}

export interface ModelCardsTable {
  versionId: string
  fieldsJson: string
  updatedAtMs: number
  updatedBy: string
}

export interface ModelAliasesTable {
  modelId: string
  alias: string
  version: number
}

export interface ProtectedAliasesTable {
  modelId: string
  alias: string
}

export interface AliasEventsTable {
  id: Generated<number>
  modelId: string
  alias: string
  kind: string
  fromVersion: number | null
  toVersion: number | null
  actor: string
  atMs: number
  reason: string | null
  promotionRequestId: string | null
}

export interface WebhooksTable {
  id: string
  modelId: string
  url: string
  eventsJson: string
  secret: string
  createdAtMs: number
  createdBy: string
}

export interface WebhookDeliveriesTable {
  id: string
  webhookId: string
  event: string
  payloadJson: string
  status: string
  attempts: number
  nextAttemptAtMs: number | null
  lastStatusCode: number | null
  lastError: string | null
  createdAtMs: number
  deliveredAtMs: number | null
}

export interface PromotionRequestsTable {
  id: string
  modelId: string
  version: number
  alias: string
  reason: string
  status: string
  requestedBy: string
  requestedByUserId: string | null
  requestedAtMs: number
  decidedBy: string | null
  decidedAtMs: number | null
  comment: string | null
}

export interface DB extends AccessDB {
  artifacts: ArtifactsTable
  blobPins: BlobPinsTable
  experiments: ExperimentsTable
  experimentTags: ExperimentTagsTable
  runs: RunsTable
  runTags: RunTagsTable
  params: ParamsTable
  metricSeries: MetricSeriesTable
  metricSegments: MetricSegmentsTable
  metricRollups: MetricRollupsTable
  latestMetrics: LatestMetricsTable
  batchReceipts: BatchReceiptsTable
  datasets: DatasetsTable
  datasetVersions: DatasetVersionsTable
  datasetFiles: DatasetFilesTable
  lineageEdges: LineageEdgesTable
  codeVersions: CodeVersionsTable
  externalNodes: ExternalNodesTable
  registeredModels: RegisteredModelsTable
  registeredModelTags: RegisteredModelTagsTable
  modelVersions: ModelVersionsTable
  modelVersionTags: ModelVersionTagsTable
  modelVersionFiles: ModelVersionFilesTable
  modelCards: ModelCardsTable
  modelAliases: ModelAliasesTable
  protectedAliases: ProtectedAliasesTable
  aliasEvents: AliasEventsTable
  promotionRequests: PromotionRequestsTable
  webhooks: WebhooksTable
  webhookDeliveries: WebhookDeliveriesTable
}
