export {
  AlreadyExistsError,
  type ApiToken,
  AppError,
  type Artifact,
  type ArtifactEntry,
  type ArtifactProblem,
  type ArtifactVerifyLine,
  type AuditEvent,
  type CheckpointResponse,
  ConflictError,
  type ConsistencyProofResponse,
  type CreatedTokenResponse,
  type CreateUserBody,
  type ErrorCode,
  type Experiment,
  type GcResponse,
  type InclusionProofResponse,
  InternalError,
  InvalidInputError,
  type LineageEdge,
  type LineageGraph,
  type LineageNode,
  type ListAuditEventsResponse,
  NotFoundError,
  PayloadTooLargeError,
  type Permission,
  PermissionDeniedError,
  type PermissionLevel,
  type PermissionObjectType,
  RateLimitedError,
  type RunKeysResponse,
  type RunStatus,
  UnauthenticatedError,
  type UpdateExperimentBody,
  type UpdateUserBody,
  type User,
  type ViewType,
  type WhoAmIResponse,
} from '@provena/contract'
export type { ActiveRun, EndStatus, MetricPointOptions, ParamValue } from './active-run.js'
export type { ArtifactDownload, ArtifactsApi, UploadArtifactOptions } from './artifacts-api.js'
export type { AuditApi, AuditEventFilter, AuditVerification } from './audit-api.js'
export type { AuthApi } from './auth-api.js'
export { DEFAULT_TRACKING_URI, type ProvenaOptions } from './config.js'
export { ConnectionError } from './connection-error.js'
export type { DatasetsApi, DatasetVersionSpec } from './datasets-api.js'
export type { CreateExperimentInput, ExperimentsApi, ListExperimentsOptions } from './experiments-api.js'
export type { LineageApi, LineageQueryOptions } from './lineage-api.js'
export type { LoggedArtifacts, TransferOptions, TransferProgress } from './local-artifacts.js'
export type { MetricHistoryOptions, MetricHistoryPoint } from './metric-history.js'
export type { LoggedModel, LogModelOptions } from './model-packaging.js'
export type { ModelsApi } from './models-api.js'
export type { PermissionsApi } from './permissions-api.js'
export { Provena, type StartRunOptions } from './provena.js'
export type { LatestMetric, Run, RunsApi, SearchRunsOptions, UpdateRunInput } from './runs-api.js'
export type { CreateTokenInput, TokensApi } from './tokens-api.js'
export type { UsersApi } from './users-api.js'
