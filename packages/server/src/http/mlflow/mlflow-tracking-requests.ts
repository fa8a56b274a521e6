import {
  Key,
  MAX_NAME_LENGTH,
  MAX_PARAM_VALUE_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  MetricValue,
  RunStatus,
} from '@provena/contract'
import { z } from 'zod'

/**
 * MLflow's request messages (service.proto) as zod schemas. Unknown fields are ignored, as
 * MLflow's server does. Protobuf's JSON mapping lets int64 fields arrive as numbers or decimal
 * strings, and query strings carry everything as text, so both are accepted where MLflow has int64.
 */

/** An int64 field: a JSON number or a decimal string (exact up to 2^53). */
const Int64 = z.union([
  z.int(),
  z
    .string()
    .regex(/^-?\d{1,16}$/, 'must be an integer')
    .transform(Number),
])
const NonNegativeInt64 = Int64.pipe(z.int().min(0))

/** Ids are looked up, not validated: an id of the wrong form is simply not found, as in MLflow. */
const ExperimentIdField = z.union([z.string().min(1).max(64), z.int().min(0).transform(String)])
const RunIdField = z.string().min(1).max(64)

const KeyValue = z.object({ key: Key, value: z.string().max(MAX_TAG_VALUE_LENGTH) })

/** MLflow's ViewType enum, as a name (its JSON form) or the number protobuf also accepts. */
const ViewTypeField = z
  .union([z.enum(['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL']), z.enum(['1', '2', '3']), z.literal([1, 2, 3])])
  .transform((v) => {
    const name = String(v)
    if (name === 'DELETED_ONLY' || name === '2') return 'deleted' as const
    if (name === 'ALL' || name === '3') return 'all' as const
    return 'active' as const
  })

/** Query strings may repeat a field (`order_by=a&order_by=b`) or give it once. */
const StringList = z
  .union([
    z.array(z.string().max(500)),
    z
      .string()
      .max(500)
      .transform((s) => [s]),
  ])
  .pipe(z.array(z.string()).max(10))

export const CreateExperimentRequest = z.object({
  name: z.string().trim().min(1).max(MAX_NAME_LENGTH),
  artifact_location: z.string().max(4096).optional(),
  tags: z.array(KeyValue).max(1000).optional(),
})

export const ExperimentIdRequest = z.object({ experiment_id: ExperimentIdField })

export const ExperimentByNameRequest = z.object({ experiment_name: z.string().min(1).max(MAX_NAME_LENGTH) })

export const SearchExperimentsRequest = z.object({
  max_results: NonNegativeInt64.optional(),
  page_token: z.string().max(200).optional(),
  filter: z.string().max(10_000).optional(),
  order_by: StringList.optional(),
  view_type: ViewTypeField.optional(),
})

/** MLflow 1.x's ListExperiments: a view and paging, no filter or order. */
export const ListExperimentsRequest = SearchExperimentsRequest.pick({
  view_type: true,
  max_results: true,
  page_token: true,
})

export const UpdateExperimentRequest = z.object({
  experiment_id: ExperimentIdField,
  new_name: z.string().trim().min(1).max(MAX_NAME_LENGTH),
})

export const SetExperimentTagRequest = z.object({
  experiment_id: ExperimentIdField,
  key: Key,
  value: z.string().max(MAX_TAG_VALUE_LENGTH),
})

export const DeleteExperimentTagRequest = z.object({ experiment_id: ExperimentIdField, key: Key })

export const CreateRunRequest = z.object({
  experiment_id: ExperimentIdField.optional(),
  user_id: z.string().max(256).optional(),
  run_name: z.string().trim().min(1).max(MAX_NAME_LENGTH).optional(),
  start_time: NonNegativeInt64.optional(),
  tags: z.array(KeyValue).max(1000).optional(),
})

/** `run_id`, or the deprecated `run_uuid` older clients send. */
const RunRef = { run_id: RunIdField.optional(), run_uuid: RunIdField.optional() }

export const RunIdRequest = z.object(RunRef)

export const UpdateRunRequest = z.object({
  ...RunRef,
  status: RunStatus.optional(),
  end_time: NonNegativeInt64.optional(),
  run_name: z.string().trim().min(1).max(MAX_NAME_LENGTH).optional(),
})

export const SearchRunsRequest = z.object({
  experiment_ids: z.union([z.array(ExperimentIdField), ExperimentIdField.transform((id) => [id])]).optional(),
  filter: z.string().max(10_000).optional(),
  run_view_type: ViewTypeField.optional(),
  max_results: NonNegativeInt64.optional(),
  order_by: StringList.optional(),
  page_token: z.string().max(200).optional(),
})

export const LogMetricRequest = z.object({
  ...RunRef,
  key: Key,
  value: z.union([
    MetricValue,
    z
      .string()
      .regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/)
      .transform(Number),
  ]),
  timestamp: NonNegativeInt64,
  step: Int64.optional(),
})

export const LogParamRequest = z.object({ ...RunRef, key: Key, value: z.string().max(MAX_PARAM_VALUE_LENGTH) })

export const SetTagRequest = z.object({ ...RunRef, key: Key, value: z.string().max(MAX_TAG_VALUE_LENGTH) })

export const DeleteTagRequest = z.object({ ...RunRef, key: Key })

/** MLflow's LogBatch limits (MAX_METRICS_PER_BATCH and friends), checked before anything is written. */
export const LOG_BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const
/** MLflow's documented cap on one log-batch request: 1 MB of JSON. */
export const LOG_BATCH_MAX_BYTES = 1_000_000

const BatchMetric = z.object({
  key: Key,
  value: MetricValue,
  timestamp: NonNegativeInt64.optional(),
  step: Int64.optional(),
})

export const LogBatchRequest = z.object({
  run_id: RunIdField,
  // The limits are checked by count first, with MLflow's message; these only bound the parsing.
  metrics: z.array(z.unknown()).max(100_000).optional(),
  params: z.array(z.unknown()).max(100_000).optional(),
  tags: z.array(z.unknown()).max(100_000).optional(),
})

export const LogBatchEntities = z.object({
  metrics: z.array(BatchMetric).default([]),
  params: z.array(z.object({ key: Key, value: z.string().max(MAX_PARAM_VALUE_LENGTH) })).default([]),
  tags: z.array(KeyValue).default([]),
})

const MlflowDataset = z.object({
  name: z.string().min(1).max(500),
  digest: z.string().min(1).max(500),
  source_type: z.string().max(100).optional(),
  // MLflow's own column limits; a source longer than Provena's is kept whole in the descriptor file.
  source: z.string().max(65_535).optional(),
  schema: z.string().max(1_000_000).optional(),
  profile: z.string().max(1_000_000).optional(),
})

export const LogInputsRequest = z.object({
  run_id: RunIdField,
  datasets: z
    .array(z.object({ tags: z.array(KeyValue).max(100).optional(), dataset: MlflowDataset }))
    .max(100)
    .optional(),
})

export const LogModelRequest = z.object({ run_id: RunIdField, model_json: z.string().min(1).max(1_000_000) })

export const MetricHistoryRequest = z.object({
  ...RunRef,
  metric_key: Key,
  page_token: z.string().max(200).optional(),
  max_results: NonNegativeInt64.optional(),
})

export const ListArtifactsRequest = z.object({
  ...RunRef,
  path: z.string().max(1100).optional(),
  page_token: z.string().max(200).optional(),
})
