import type { ColumnType, Generated } from 'kysely'

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

export interface MetricsTable {
  id: Generated<number>
  runId: string
  key: string
  /** 0 when isNan is 1: SQLite stores NaN as NULL, so NaN is a flag, as in MLflow's schema. */
  value: number
  isNan: number
  step: number
  timestampMs: number
}

export interface LatestMetricsTable {
  runId: string
  key: string
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

export interface DB {
  experiments: ExperimentsTable
  experimentTags: ExperimentTagsTable
  runs: RunsTable
  runTags: RunTagsTable
  params: ParamsTable
  metrics: MetricsTable
  latestMetrics: LatestMetricsTable
  batchReceipts: BatchReceiptsTable
}
