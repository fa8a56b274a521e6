export {
  AlreadyExistsError,
  AppError,
  ConflictError,
  type ErrorCode,
  type Experiment,
  InternalError,
  InvalidInputError,
  NotFoundError,
  PayloadTooLargeError,
  PermissionDeniedError,
  RateLimitedError,
  type RunStatus,
  UnauthenticatedError,
  type UpdateExperimentBody,
  type ViewType,
} from '@provena/contract'
export type { ActiveRun, EndStatus, MetricPointOptions, ParamValue } from './active-run.js'
export { DEFAULT_TRACKING_URI, type ProvenaOptions } from './config.js'
export { ConnectionError } from './connection-error.js'
export type { CreateExperimentInput, ExperimentsApi, ListExperimentsOptions } from './experiments-api.js'
export type { MetricHistoryOptions, MetricHistoryPoint } from './metric-history.js'
export { Provena, type StartRunOptions } from './provena.js'
export type { LatestMetric, Run, RunsApi, SearchRunsOptions, UpdateRunInput } from './runs-api.js'
