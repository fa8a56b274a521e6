import { z } from 'zod'
import { Sha256 } from './artifacts.js'
import { Key, PageToken, RunId } from './common.js'
import {
  MAX_DATASET_CATEGORIES,
  MAX_DATASET_COLUMNS,
  MAX_DATASET_FILES,
  MAX_DATASET_SOURCE_LENGTH,
  MAX_PAGE_SIZE,
} from './limits.js'

/** Dataset names: letters, digits and `_ . -`, starting with a letter or digit (they appear in `name@version`). */
export const DatasetName = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'may contain letters, digits and _ . - (starting with a letter or digit)')

/** Dataset version numbers count 1, 2, 3 … per dataset. */
export const DatasetVersionNumber = z.coerce.number().int().min(1).max(2_147_483_647)

/**
 * The format of a dataset version: the tabular format all its understood files share, `mixed`
 * when they differ, `other` when no file is in a format Provena reads (such files are hashed only).
 */
export const DatasetFormat = z.enum(['csv', 'tsv', 'jsonl', 'parquet', 'mixed', 'other'])
export type DatasetFormat = z.infer<typeof DatasetFormat>

/**
 * A path inside a dataset: relative, `/`-separated, no empty, `.` or `..` segments. The client
 * names files by where they sit under the registered directory (a single file: its base name).
 */
export const DatasetFilePath = z
  .string()
  .min(1)
  .max(4096)
  .refine(
    (p) => !p.startsWith('/') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..') && !p.includes('\0'),
    'must be a relative path without empty, "." or ".." segments',
  )

/** One file of a dataset version's manifest. */
export const DatasetFile = z.object({
  path: DatasetFilePath,
  sizeBytes: z.number().int().min(0),
  sha256: Sha256,
})
export type DatasetFile = z.infer<typeof DatasetFile>

/** Column types: the narrowest type that holds every non-null value of the column. */
export const ColumnType = z.enum(['integer', 'float', 'boolean', 'timestamp', 'string'])
export type ColumnType = z.infer<typeof ColumnType>

export const DatasetColumn = z.object({ name: z.string().min(1).max(1024), type: ColumnType })
export type DatasetColumn = z.infer<typeof DatasetColumn>

/** The columns of a tabular dataset, in the order of the first file that has them. */
export const DatasetSchema = z.object({ columns: z.array(DatasetColumn).max(MAX_DATASET_COLUMNS) })
export type DatasetSchema = z.infer<typeof DatasetSchema>

/** Number of quantiles a numeric column's profile keeps: q = 0, 0.01, …, 1. */
export const PROFILE_QUANTILE_COUNT = 101

/** Statistics of a numeric column (integer, float, or timestamp as epoch milliseconds). */
export const NumericProfile = z.object({
  min: z.number(),
  max: z.number(),
  mean: z.number(),
  stddev: z.number().min(0),
  /** Estimated values at q = 0, 0.01, …, 1 (from a KLL sketch; exact for small columns). */
  quantiles: z.array(z.number()).length(PROFILE_QUANTILE_COUNT),
  /** Equal-width bins over [min, max]: `edges` has one more entry than `counts`. */
  histogram: z.object({ edges: z.array(z.number()).max(1001), counts: z.array(z.number().int().min(0)).max(1000) }),
})
export type NumericProfile = z.infer<typeof NumericProfile>

/** The most frequent values of a categorical (string or boolean) column. */
export const CategoryProfile = z.object({
  /** Most frequent first; values longer than 256 characters are cut to 256. */
  values: z.array(z.object({ value: z.string(), count: z.number().int().min(0) })).max(MAX_DATASET_CATEGORIES),
  /** Non-null values not in `values`. */
  otherCount: z.number().int().min(0),
  /** True when `values` holds every distinct value with its exact count. */
  isExact: z.boolean(),
})
export type CategoryProfile = z.infer<typeof CategoryProfile>

export const ColumnProfile = z.object({
  name: z.string().min(1).max(1024),
  type: ColumnType,
  /** Non-null values. */
  count: z.number().int().min(0),
  nullCount: z.number().int().min(0),
  /** Estimated number of distinct non-null values (exact when `isDistinctExact`). */
  distinctCount: z.number().int().min(0),
  isDistinctExact: z.boolean(),
  /** How many non-null values looked like each type; more than one key means mixed values. */
  typeCounts: z.partialRecord(ColumnType, z.number().int().min(0)),
  /** For integer, float and timestamp columns. */
  numeric: NumericProfile.nullable(),
  /** For string and boolean columns. */
  categories: CategoryProfile.nullable(),
})
export type ColumnProfile = z.infer<typeof ColumnProfile>

/** A dataset's profile: enough to compute drift against another profile without the data. */
export const DatasetProfile = z.object({
  rowCount: z.number().int().min(0),
  columns: z.array(ColumnProfile).max(MAX_DATASET_COLUMNS),
  /** Tabular files read for the profile. */
  filesProfiled: z.number().int().min(0),
  /** Things the profiler handled in a documented way (an empty file, mixed values in a column …). */
  warnings: z.array(z.string().max(1000)).max(100),
})
export type DatasetProfile = z.infer<typeof DatasetProfile>

/** Where the data lived when it was registered: a local path, `s3://…` or `https://…`. */
export const DatasetSource = z.string().min(1).max(MAX_DATASET_SOURCE_LENGTH)

export const Dataset = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  createdAtMs: z.number().int(),
  createdBy: z.string().nullable(),
  latestVersion: z.number().int().nullable(),
  versionCount: z.number().int(),
})
export type Dataset = z.infer<typeof Dataset>

/** A dataset version without its profile and file list (those are fetched separately). */
export const DatasetVersionSummary = z.object({
  id: z.string(),
  datasetName: z.string(),
  version: z.number().int(),
  /** Merkle root over the manifest (`provena-dataset-v1`, see docs/datasets.md). */
  digest: Sha256,
  source: z.string(),
  format: DatasetFormat,
  fileCount: z.number().int(),
  sizeBytes: z.number().int(),
  rowCount: z.number().int().nullable(),
  /** True when the files were copied into the artifact store (`--store`). */
  isStored: z.boolean(),
  description: z.string().nullable(),
  createdAtMs: z.number().int(),
  createdBy: z.string().nullable(),
})
export type DatasetVersionSummary = z.infer<typeof DatasetVersionSummary>

export const DatasetVersion = DatasetVersionSummary.extend({
  schema: DatasetSchema.nullable(),
  profile: DatasetProfile.nullable(),
})
export type DatasetVersion = z.infer<typeof DatasetVersion>

export const DatasetParams = z.object({ name: DatasetName })
export const DatasetVersionParams = z.object({ name: DatasetName, version: DatasetVersionNumber })
/** A version by number, or `latest`. */
export const DatasetVersionOrLatestParams = z.object({
  name: DatasetName,
  version: z.union([z.literal('latest'), DatasetVersionNumber]),
})
export const DatasetBlobParams = z.object({ name: DatasetName, sha256: Sha256 })

/** Registers the content; content the dataset already has resolves to its existing version. */
export const RegisterDatasetVersionBody = z.object({
  source: DatasetSource,
  format: DatasetFormat,
  files: z.array(DatasetFile).min(1).max(MAX_DATASET_FILES),
  /** The Merkle root the client computed; the server recomputes it and refuses a mismatch. */
  digest: Sha256,
  schema: DatasetSchema.nullable(),
  profile: DatasetProfile.nullable(),
  /** The files' blobs were uploaded first (`PUT …/blobs/<sha256>`) and are to be kept. */
  isStored: z.boolean().default(false),
  description: z.string().max(5000).optional(),
})
export type RegisterDatasetVersionBody = z.input<typeof RegisterDatasetVersionBody>

export const RegisterDatasetVersionResponse = z.object({
  datasetVersion: DatasetVersion,
  /** False when the content was registered already and the existing version is returned. */
  isNew: z.boolean(),
})
export type RegisterDatasetVersionResponse = z.infer<typeof RegisterDatasetVersionResponse>

export const DatasetResponse = z.object({ dataset: Dataset })
export const DatasetVersionResponse = z.object({ datasetVersion: DatasetVersion })
export type DatasetVersionResponse = z.infer<typeof DatasetVersionResponse>

export const ListDatasetsQuery = z.object({
  nameLike: z.string().max(200).optional(),
  maxResults: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(100),
  pageToken: PageToken.optional(),
})
export type ListDatasetsQuery = z.input<typeof ListDatasetsQuery>
export const ListDatasetsResponse = z.object({ datasets: z.array(Dataset), nextPageToken: z.string().nullable() })
export type ListDatasetsResponse = z.infer<typeof ListDatasetsResponse>

export const ListPageQuery = z.object({
  maxResults: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(100),
  pageToken: PageToken.optional(),
})
export type ListPageQuery = z.input<typeof ListPageQuery>
export const ListDatasetVersionsResponse = z.object({
  versions: z.array(DatasetVersionSummary),
  nextPageToken: z.string().nullable(),
})
export type ListDatasetVersionsResponse = z.infer<typeof ListDatasetVersionsResponse>
export const ListDatasetFilesResponse = z.object({ files: z.array(DatasetFile), nextPageToken: z.string().nullable() })
export type ListDatasetFilesResponse = z.infer<typeof ListDatasetFilesResponse>

/** `name@version` (or `name@latest`): how the CLI and SDK name a dataset version. */
export const DatasetVersionRef = z.object({ name: DatasetName, version: DatasetVersionNumber })
export type DatasetVersionRef = z.input<typeof DatasetVersionRef>

/** Parses `name@3` or `name@latest` ("latest" gives version `undefined`). */
export function parseDatasetVersionRef(text: string): { name: string; version: number | undefined } | undefined {
  const at = text.lastIndexOf('@')
  if (at <= 0) return undefined
  const name = DatasetName.safeParse(text.slice(0, at))
  const versionText = text.slice(at + 1)
  if (!name.success) return undefined
  if (versionText === 'latest') return { name: name.data, version: undefined }
  if (!/^[1-9]\d{0,9}$/.test(versionText)) return undefined
  return { name: name.data, version: Number(versionText) }
}

/** What a dataset version was to a run: `training`, `validation`, `test`, or any other key. */
export const DatasetContext = Key

export const LogDatasetInputBody = DatasetVersionRef.extend({ context: DatasetContext.default('training') })
export type LogDatasetInputBody = z.input<typeof LogDatasetInputBody>
export const LogDatasetOutputBody = DatasetVersionRef.extend({})
export type LogDatasetOutputBody = z.input<typeof LogDatasetOutputBody>

export const RunDatasetLink = z.object({
  datasetVersion: DatasetVersionSummary,
  /** For inputs: the context; for outputs: null. */
  context: z.string().nullable(),
  createdAtMs: z.number().int(),
})
export type RunDatasetLink = z.infer<typeof RunDatasetLink>
export const RunDatasetsResponse = z.object({ inputs: z.array(RunDatasetLink), outputs: z.array(RunDatasetLink) })
export type RunDatasetsResponse = z.infer<typeof RunDatasetsResponse>

/** Runs that used (`input`) or produced (`output`) a dataset version. */
export const DatasetVersionRun = z.object({
  runId: RunId,
  experimentId: z.string(),
  runName: z.string(),
  direction: z.enum(['input', 'output']),
  context: z.string().nullable(),
  createdAtMs: z.number().int(),
})
export type DatasetVersionRun = z.infer<typeof DatasetVersionRun>
export const DatasetVersionRunsResponse = z.object({ runs: z.array(DatasetVersionRun) })
export type DatasetVersionRunsResponse = z.infer<typeof DatasetVersionRunsResponse>

/** `warn` and `drift` levels for one drift measure; a value at or above a level reaches it. */
const Levels = z
  .object({ warn: z.number().min(0), drift: z.number().min(0) })
  .refine((l) => l.warn <= l.drift, 'warn must not be above drift')

/** Thresholds for the drift verdicts; each defaults to the level documented in docs/datasets.md. */
export const DriftThresholds = z.object({
  psi: Levels.default({ warn: 0.1, drift: 0.25 }),
  ks: Levels.default({ warn: 0.1, drift: 0.2 }),
  jsDistance: Levels.default({ warn: 0.1, drift: 0.2 }),
})
export type DriftThresholds = z.infer<typeof DriftThresholds>

export const DriftVerdict = z.enum(['ok', 'warn', 'drift'])
export type DriftVerdict = z.infer<typeof DriftVerdict>

export const ColumnDrift = z.object({
  name: z.string(),
  kind: z.enum(['numeric', 'categorical']),
  referenceType: ColumnType,
  currentType: ColumnType,
  /** Population stability index (numeric: on the reference's decile bins; categorical: per category). */
  psi: z.number(),
  /** Kolmogorov-Smirnov statistic (numeric columns). */
  ks: z.number().nullable(),
  /** Jensen-Shannon distance, base 2, in [0, 1] (categorical columns). */
  jsDistance: z.number().nullable(),
  nullRate: z.object({ reference: z.number(), current: z.number() }),
  mean: z.object({ reference: z.number(), current: z.number() }).nullable(),
  newCategories: z.array(z.string()),
  vanishedCategories: z.array(z.string()),
  verdict: DriftVerdict,
  /** Why the verdict is not `ok`, in words. */
  reasons: z.array(z.string()),
})
export type ColumnDrift = z.infer<typeof ColumnDrift>

export const DriftReport = z.object({
  reference: z.object({ label: z.string(), rowCount: z.number().int() }),
  current: z.object({ label: z.string(), rowCount: z.number().int() }),
  rowCount: z.object({
    reference: z.number().int(),
    current: z.number().int(),
    change: z.number().int(),
    /** change / reference; null when the reference has no rows. */
    relativeChange: z.number().nullable(),
  }),
  schema: z.object({
    added: z.array(DatasetColumn),
    removed: z.array(DatasetColumn),
    retyped: z.array(z.object({ name: z.string(), from: ColumnType, to: ColumnType })),
  }),
  columns: z.array(ColumnDrift),
  /** Between two registered versions: which files were added, removed or changed. */
  files: z
    .object({ added: z.array(z.string()), removed: z.array(z.string()), changed: z.array(z.string()) })
    .nullable(),
  thresholds: DriftThresholds,
  verdict: DriftVerdict,
})
export type DriftReport = z.infer<typeof DriftReport>

/** One side of a drift comparison: a registered version, a run's input, or a profile made by the client. */
export const DriftSide = z.union([
  z.object({ dataset: DatasetVersionRef }),
  /** The run's dataset input with this context (default `training`). */
  z.object({ run: z.object({ runId: RunId, context: DatasetContext.default('training') }) }),
  z.object({ profile: DatasetProfile, label: z.string().min(1).max(500) }),
])
export type DriftSide = z.input<typeof DriftSide>

export const DriftBody = z.object({
  reference: DriftSide,
  current: DriftSide,
  thresholds: DriftThresholds.optional(),
})
export type DriftBody = z.input<typeof DriftBody>
export const DriftResponse = z.object({ report: DriftReport })
export type DriftResponse = z.infer<typeof DriftResponse>
