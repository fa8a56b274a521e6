import type { Readable } from 'node:stream'
import type { ImportDatasetInput, RunStatus } from '@provena/contract'

/** An MLflow experiment as read from a tracking server or an `mlruns` folder. */
export interface MlflowExperiment {
  id: string
  name: string
  lifecycle: 'active' | 'deleted'
  createdAtMs: number
  updatedAtMs: number
  tags: Record<string, string>
}

export interface MlflowRun {
  id: string
  experimentId: string
  name: string
  status: RunStatus
  startTimeMs: number
  endTimeMs: number | null
  userId: string
  lifecycle: 'active' | 'deleted'
  /** From the `mlflow.parentRunId` tag, as MLflow records nesting. */
  parentRunId: string | null
  params: Record<string, string>
  tags: Record<string, string>
  datasetInputs: ImportDatasetInput[]
}

export interface MlflowPoint {
  key: string
  value: number
  step: number
  timestampMs: number
}

/** One artifact file of a run: its path below the run's artifact root and a way to read it. */
export interface MlflowArtifact {
  path: string
  /** Where the file is on this machine, when it is (an mlruns folder); read from there without a copy. */
  localPath?: string
  open(): Promise<Readable>
}

export interface MlflowModelVersion {
  version: number
  description: string | null
  status: 'READY' | 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION'
  /** None, Staging, Production, Archived — or Deleted_Internal for a version MLflow deleted. */
  stage: string
  source: string
  runId: string | null
  tags: Record<string, string>
  userId: string | null
  createdAtMs: number
  updatedAtMs: number
}

export interface MlflowModel {
  name: string
  description: string | null
  tags: Record<string, string>
  createdAtMs: number
  updatedAtMs: number
  versions: MlflowModelVersion[]
  aliases: Record<string, number>
}

/**
 * Where an import reads from: an MLflow tracking server (REST API 2.0) or an `mlruns` folder
 * (MLflow's FileStore layout). Everything but metric histories and artifact bytes is read up front.
 */
export interface MlflowSource {
  /** For messages: the URL or folder. */
  readonly location: string
  experiments(): Promise<MlflowExperiment[]>
  runs(experiment: MlflowExperiment): Promise<MlflowRun[]>
  /** Every point of every metric of the run, with its timestamp and step. */
  metrics(run: MlflowRun): Promise<MlflowPoint[]>
  /** The run's artifact files; `unreadable` says why there are none when they exist but cannot be read. */
  artifacts(run: MlflowRun): Promise<{ files: MlflowArtifact[]; unreadable?: string | undefined }>
  models(): Promise<MlflowModel[]>
}

/** MLflow's FileStore writes a run's status as the RunStatus enum number; the REST API as its name. */
const STATUS_NUMBERS: Record<number, RunStatus> = {
  1: 'RUNNING',
  2: 'SCHEDULED',
  3: 'FINISHED',
  4: 'FAILED',
  5: 'KILLED',
}
const STATUS_NAMES = new Set<string>(Object.values(STATUS_NUMBERS))

export function runStatusOf(value: unknown): RunStatus | undefined {
  if (value === undefined || value === null) return 'RUNNING'
  if (typeof value === 'number') return STATUS_NUMBERS[value]
  const text = String(value)
  return STATUS_NAMES.has(text) ? (text as RunStatus) : STATUS_NUMBERS[Number(text)]
}

/** A metric value as MLflow writes it: Python's float text (`nan`, `inf`, `-inf`, `1e-05`) or JSON's "NaN" / "Infinity". */
export function metricValueOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value
  const text = String(value).trim().toLowerCase()
  if (text === 'nan') return Number.NaN
  if (text === 'inf' || text === 'infinity' || text === '+inf') return Number.POSITIVE_INFINITY
  if (text === '-inf' || text === '-infinity') return Number.NEGATIVE_INFINITY
  if (text === '') return undefined
  const parsed = Number(text)
  return Number.isNaN(parsed) ? undefined : parsed
}

/** Provena dataset names allow letters, digits and `_ . -` only, starting with a letter or digit. */
function datasetNameOf(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '')
  return (cleaned === '' ? 'mlflow-dataset' : cleaned).slice(0, 128)
}

/** The dataset inputs of a run from MLflow's dataset description and the input's `mlflow.data.context` tag. */
export function datasetInputOf(
  dataset: { name?: unknown; digest?: unknown; source_type?: unknown; source?: unknown },
  inputTags: Record<string, string>,
): ImportDatasetInput {
  return {
    name: datasetNameOf(String(dataset.name ?? 'dataset')),
    digest: String(dataset.digest ?? '').slice(0, 64) || 'unknown',
    sourceType: String(dataset.source_type ?? ''),
    source: String(dataset.source ?? '').slice(0, 4096),
    context: inputTags['mlflow.data.context'] ?? '',
  }
}

export const RUN_NAME_TAG = 'mlflow.runName'
export const PARENT_RUN_TAG = 'mlflow.parentRunId'
