import { z } from 'zod'
import { Sha256 } from './artifacts.js'
import { ExperimentId, Key, Lifecycle, RunId } from './common.js'
import { DatasetName } from './datasets.js'
import { ExperimentName } from './experiments.js'
import { MAX_DATASET_SOURCE_LENGTH, MAX_TAG_VALUE_LENGTH } from './limits.js'
import { AliasName, ModelName, ModelStage, ModelVersionNumber, ModelVersionStatus } from './registry.js'
import { ParamValue, RunName, RunStatus, TagValue } from './runs.js'

/*
 * Import keeps what another tracker recorded (ids, times, users) instead of making it anew, so
 * these routes are admin-only: see docs/import-mlflow.md.
 */

const Millis = z.int().min(0)
const Tags = z.record(Key, TagValue)

export const ImportExperimentBody = z.object({
  name: ExperimentName,
  description: z.string().max(20_000).nullable().default(null),
  tags: Tags.default({}),
  lifecycle: Lifecycle.default('active'),
  createdAtMs: Millis,
  updatedAtMs: Millis,
})
export type ImportExperimentBody = z.input<typeof ImportExperimentBody>

/** `created`: made by this call; `existing`: an experiment of that name was there and is left as it was. */
export const ImportOutcome = z.enum(['created', 'existing'])
export type ImportOutcome = z.infer<typeof ImportOutcome>

export const ImportExperimentResponse = z.object({ experimentId: ExperimentId, outcome: ImportOutcome })
export type ImportExperimentResponse = z.infer<typeof ImportExperimentResponse>

/** A dataset a run read, as MLflow describes it (MLflow keeps a description, not the bytes). */
export const ImportDatasetInput = z.object({
  name: DatasetName,
  /** MLflow's own digest of the dataset (not a sha256). */
  digest: z.string().min(1).max(64),
  sourceType: z.string().max(256),
  source: z.string().max(MAX_DATASET_SOURCE_LENGTH),
  context: z.string().max(256),
})
export type ImportDatasetInput = z.infer<typeof ImportDatasetInput>

export const ImportArtifact = z.object({ path: z.string().min(1), sizeBytes: z.int().min(0), sha256: Sha256 })
export type ImportArtifact = z.infer<typeof ImportArtifact>

export const ImportRunBody = z.object({
  id: RunId,
  experimentId: ExperimentId,
  name: RunName,
  status: RunStatus,
  startTimeMs: Millis,
  endTimeMs: Millis.nullable(),
  userId: z.string().max(256),
  parentRunId: RunId.nullable(),
  lifecycle: Lifecycle,
  params: z.record(Key, ParamValue).default({}),
  tags: Tags.default({}),
  /**
   * Every metric point, uploaded first as a blob (PUT /api/v1/import/blobs/{sha256}): JSON Lines
   * of `[key, value, step, timestampMs]`, value a number or "NaN" / "Infinity" / "-Infinity".
   * Null when the run has no metrics.
   */
  metrics: z
    .object({ sha256: Sha256, pointCount: z.int().min(1) })
    .nullable()
    .default(null),
  /** Files whose bytes were uploaded as blobs first. */
  artifacts: z.array(ImportArtifact).max(100_000).default([]),
  datasetInputs: z.array(ImportDatasetInput).max(1000).default([]),
})
export type ImportRunBody = z.input<typeof ImportRunBody>

/** `created`: imported by this call; `unchanged`: the run was there already with exactly this content. */
export const ImportRunResponse = z.object({ runId: RunId, outcome: z.enum(['created', 'unchanged']) })
export type ImportRunResponse = z.infer<typeof ImportRunResponse>

export const ImportModelVersion = z.object({
  version: ModelVersionNumber,
  description: z.string().max(20_000).nullable().default(null),
  status: ModelVersionStatus.default('READY'),
  stage: ModelStage.default('None'),
  /** The run whose artifacts below `path` are the version's files (`''`: all of them). */
  runId: RunId,
  path: z.string().max(1024),
  tags: Tags.default({}),
  userId: z.string().max(256).nullable().default(null),
  createdAtMs: Millis,
  updatedAtMs: Millis,
})
export type ImportModelVersion = z.input<typeof ImportModelVersion>

export const ImportModelBody = z.object({
  name: ModelName,
  description: z.string().max(20_000).nullable().default(null),
  tags: z.record(Key, z.string().max(MAX_TAG_VALUE_LENGTH)).default({}),
  createdAtMs: Millis,
  updatedAtMs: Millis,
  versions: z.array(ImportModelVersion).max(10_000).default([]),
  aliases: z.record(AliasName, ModelVersionNumber).default({}),
})
export type ImportModelBody = z.input<typeof ImportModelBody>

export const ImportModelResponse = z.object({
  outcome: ImportOutcome,
  versions: z.array(z.object({ version: z.int(), outcome: z.enum(['created', 'unchanged']) })),
  aliases: z.array(z.object({ alias: z.string(), outcome: z.enum(['created', 'unchanged']) })),
})
export type ImportModelResponse = z.infer<typeof ImportModelResponse>

export const ImportBlobParams = z.object({ sha256: Sha256 })

/** Which of these blobs the server does not hold yet, so an importer uploads only those. */
export const MissingBlobsBody = z.object({ sha256: z.array(Sha256).max(10_000) })
export type MissingBlobsBody = z.infer<typeof MissingBlobsBody>
export const MissingBlobsResponse = z.object({ missing: z.array(Sha256) })
export type MissingBlobsResponse = z.infer<typeof MissingBlobsResponse>
