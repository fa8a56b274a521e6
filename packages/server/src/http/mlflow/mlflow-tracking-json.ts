import type { Experiment, MetricValue, Run } from '@provena/contract'

/**
 * Provena's experiments and runs in the JSON shapes of MLflow's `service.proto`, as MLflow's
 * server writes them: snake_case field names, int64 fields (times, steps, sizes) as JSON numbers
 * (MLflow's `message_to_json` turns protobuf's int64 strings back into numbers), NaN and the
 * infinities as the strings "NaN", "Infinity", "-Infinity", and unset optional fields left out.
 */

/** The tag MLflow keeps an experiment's description in (its UI edits it as a tag). */
export const NOTE_TAG = 'mlflow.note.content'
/** The tags MLflow mirrors a run's name and parent into. */
export const RUN_NAME_TAG = 'mlflow.runName'
export const PARENT_RUN_TAG = 'mlflow.parentRunId'

interface MlflowKeyValue {
  key: string
  value: string
}

const keyValues = (record: Record<string, string>): MlflowKeyValue[] =>
  Object.entries(record).map(([key, value]) => ({ key, value }))

/** `mlflow-artifacts:/<experiment_id>`: served by the artifact proxy, never a storage location. */
const experimentArtifactLocation = (experimentId: string) => `mlflow-artifacts:/${experimentId}`
/** `mlflow-artifacts:/<experiment_id>/<run_id>/artifacts`, the run's files in Provena's artifact store. */
export const runArtifactUri = (experimentId: string, runId: string) =>
  `mlflow-artifacts:/${experimentId}/${runId}/artifacts`

export function experimentJson(experiment: Experiment) {
  const tags = { ...experiment.tags }
  if (experiment.description !== null) tags[NOTE_TAG] = experiment.description
  return {
    experiment_id: experiment.id,
    name: experiment.name,
    artifact_location: experimentArtifactLocation(experiment.id),
    lifecycle_stage: experiment.lifecycle,
    last_update_time: experiment.updatedAtMs,
    creation_time: experiment.createdAtMs,
    tags: keyValues(tags),
  }
}

export function runInfoJson(run: Run) {
  return {
    run_id: run.id,
    // Deprecated in MLflow, still read by older clients.
    run_uuid: run.id,
    run_name: run.name,
    experiment_id: run.experimentId,
    user_id: run.userId,
    status: run.status,
    start_time: run.startTimeMs,
    ...(run.endTimeMs === null ? {} : { end_time: run.endTimeMs }),
    artifact_uri: runArtifactUri(run.experimentId, run.id),
    lifecycle_stage: run.lifecycle,
  }
}

interface MlflowMetric {
  key: string
  value: MetricValue
  timestamp: number
  step: number
}

export interface MlflowDatasetInput {
  tags: MlflowKeyValue[]
  dataset: { name: string; digest: string; source_type: string; source: string; schema?: string; profile?: string }
}

/** A run as MLflow's `Run` message; the name and parent also appear as MLflow's tags for them. */
export function runJson(run: Run, datasetInputs: MlflowDatasetInput[] = []) {
  const tags = { ...run.tags }
  // The name is authoritative (a rename through the native API does not touch the tag).
  tags[RUN_NAME_TAG] = run.name
  if (run.parentRunId !== null) tags[PARENT_RUN_TAG] ??= run.parentRunId
  const metrics: MlflowMetric[] = run.metrics.map((m) => ({
    key: m.key,
    value: m.value,
    timestamp: m.timestampMs,
    step: m.step,
  }))
  return {
    info: runInfoJson(run),
    data: { metrics, params: keyValues(run.params), tags: keyValues(tags) },
    inputs: datasetInputs.length === 0 ? {} : { dataset_inputs: datasetInputs },
  }
}

/** MLflow leaves `next_page_token` out when there is no next page. */
export const pageTokenJson = (nextPageToken: string | null) =>
  nextPageToken === null ? {} : { next_page_token: nextPageToken }
