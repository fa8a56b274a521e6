import {
  type Dataset,
  type DatasetFile,
  DatasetResponse,
  type DatasetVersion,
  DatasetVersionResponse,
  type DatasetVersionRun,
  DatasetVersionRunsResponse,
  type DatasetVersionSummary,
  type DriftBody,
  type DriftReport,
  DriftResponse,
  InvalidInputError,
  ListDatasetFilesResponse,
  ListDatasetsResponse,
  ListDatasetVersionsResponse,
  parseDatasetVersionRef,
  type RegisterDatasetVersionBody,
  RegisterDatasetVersionResponse,
  RunDatasetLink,
  type RunDatasetsResponse,
  RunDatasetsResponse as RunDatasetsSchema,
} from '@provena/contract'
import type { HttpClient } from './http-client.js'

/** A dataset version as `name@3`, `name@latest`, or `{ name, version }` (no version: the latest). */
export type DatasetVersionSpec = string | { name: string; version?: number | undefined }

/** Datasets: register versions, read them, link them to runs, and compare them for drift. */
export interface DatasetsApi {
  /** Registers content as the dataset's next version; content it already has returns that version (`isNew: false`). */
  register(name: string, body: RegisterDatasetVersionBody): Promise<{ datasetVersion: DatasetVersion; isNew: boolean }>
  /** Stores a file's bytes for a `--store` registration; `body` is made anew for each attempt. */
  uploadBlob(name: string, sha256: string, body: () => NonNullable<RequestInit['body']>): Promise<void>
  get(name: string): Promise<Dataset>
  list(options?: { nameLike?: string; maxResults?: number; pageToken?: string }): Promise<{
    datasets: Dataset[]
    nextPageToken: string | null
  }>
  /** A version with its schema and profile. @example await provena.datasets.getVersion('churn@latest') */
  getVersion(spec: DatasetVersionSpec): Promise<DatasetVersion>
  listVersions(
    name: string,
    page?: { maxResults?: number; pageToken?: string },
  ): Promise<{ versions: DatasetVersionSummary[]; nextPageToken: string | null }>
  /** Every file of a version's manifest, following page tokens. */
  listFiles(spec: DatasetVersionSpec): Promise<DatasetFile[]>
  /** One page of a version's manifest (by path), e.g. for a table that loads more as it scrolls. */
  listFilesPage(
    spec: DatasetVersionSpec,
    page?: { maxResults?: number; pageToken?: string },
  ): Promise<{ files: DatasetFile[]; nextPageToken: string | null }>
  /** Runs that read or produced the version. */
  runsOf(spec: DatasetVersionSpec): Promise<DatasetVersionRun[]>
  /** Records that a run read the version, as `context` (default `training`). */
  logInput(runId: string, spec: DatasetVersionSpec, options?: { context?: string }): Promise<RunDatasetLink>
  /** Records that a run produced the version. */
  logOutput(runId: string, spec: DatasetVersionSpec): Promise<RunDatasetLink>
  /** A run's dataset inputs and outputs. */
  ofRun(runId: string): Promise<RunDatasetsResponse>
  /**
   * Schema changes, row count change and per-column drift between two sides: registered versions
   * (`{ dataset: { name, version } }`), a run's input (`{ run: { runId, context } }`) or a profile.
   */
  drift(body: DriftBody): Promise<DriftReport>
}

const BASE = '/api/v1/datasets'

function datasetPath(name: string): string {
  return `${BASE}/${encodeURIComponent(name)}`
}

/** Splits a spec; `latest` is `undefined`. */
function toVersionRef(spec: DatasetVersionSpec): { name: string; version: number | undefined } {
  if (typeof spec !== 'string') return { name: spec.name, version: spec.version }
  const parsed = parseDatasetVersionRef(spec)
  if (!parsed)
    throw new InvalidInputError(`'${spec}' is not a dataset version: write <name>@<version> or <name>@latest`)
  return parsed
}

/** Binds the dataset calls of the REST API to one HTTP client. */
export function createDatasetsApi(http: HttpClient): DatasetsApi {
  const getVersion = async (spec: DatasetVersionSpec) => {
    const { name, version } = toVersionRef(spec)
    const path = `${datasetPath(name)}/versions/${version ?? 'latest'}`
    return (await http.request({ method: 'GET', path, response: DatasetVersionResponse, isIdempotent: true }))
      .datasetVersion
  }
  /** A spec with its version number known (`latest` looked up). */
  const numbered = async (spec: DatasetVersionSpec) => {
    const ref = toVersionRef(spec)
    if (ref.version !== undefined) return { name: ref.name, version: ref.version }
    const version = await getVersion(spec)
    return { name: version.datasetName, version: version.version }
  }
  const versionPath = (ref: { name: string; version: number }) => `${datasetPath(ref.name)}/versions/${ref.version}`
  const listFilesPage = (ref: { name: string; version: number }, page: { maxResults?: number; pageToken?: string }) =>
    http.request({
      method: 'GET',
      path: `${versionPath(ref)}/files`,
      query: { ...page },
      response: ListDatasetFilesResponse,
      isIdempotent: true,
    })

  return {
    // Idempotent: registering the same content again returns the same version.
    register: (name, body) =>
      http.request({
        method: 'POST',
        path: `${datasetPath(name)}/versions`,
        body,
        response: RegisterDatasetVersionResponse,
        isIdempotent: true,
      }),

    async uploadBlob(name, sha256, body) {
      await http.raw({
        method: 'PUT',
        path: `${datasetPath(name)}/blobs/${sha256}`,
        headers: { 'content-type': 'application/octet-stream' },
        body,
        isIdempotent: true,
      })
    },

    get: async (name) =>
      (await http.request({ method: 'GET', path: datasetPath(name), response: DatasetResponse, isIdempotent: true }))
        .dataset,

    list: (options = {}) =>
      http.request({
        method: 'GET',
        path: BASE,
        query: { ...options },
        response: ListDatasetsResponse,
        isIdempotent: true,
      }),

    getVersion,

    listVersions: (name, page = {}) =>
      http.request({
        method: 'GET',
        path: `${datasetPath(name)}/versions`,
        query: { ...page },
        response: ListDatasetVersionsResponse,
        isIdempotent: true,
      }),

    async listFiles(spec) {
      const ref = await numbered(spec)
      const files: DatasetFile[] = []
      let pageToken: string | undefined
      do {
        const page = await listFilesPage(ref, { maxResults: 1000, pageToken })
        files.push(...page.files)
        pageToken = page.nextPageToken ?? undefined
      } while (pageToken !== undefined)
      return files
    },

    listFilesPage: async (spec, page = {}) => listFilesPage(await numbered(spec), page),

    async runsOf(spec) {
      const path = `${versionPath(await numbered(spec))}/runs`
      return (await http.request({ method: 'GET', path, response: DatasetVersionRunsResponse, isIdempotent: true }))
        .runs
    },

    async logInput(runId, spec, { context } = {}) {
      return http.request({
        method: 'POST',
        path: `/api/v1/runs/${encodeURIComponent(runId)}/inputs`,
        body: { ...(await numbered(spec)), context },
        response: RunDatasetLink,
        isIdempotent: true,
      })
    },

    async logOutput(runId, spec) {
      return http.request({
        method: 'POST',
        path: `/api/v1/runs/${encodeURIComponent(runId)}/outputs`,
        body: await numbered(spec),
        response: RunDatasetLink,
        isIdempotent: true,
      })
    },

    ofRun: (runId) =>
      http.request({
        method: 'GET',
        path: `/api/v1/runs/${encodeURIComponent(runId)}/datasets`,
        response: RunDatasetsSchema,
        isIdempotent: true,
      }),

    drift: async (body) =>
      (
        await http.request({
          method: 'POST',
          path: `${BASE}/drift`,
          body,
          response: DriftResponse,
          isIdempotent: true,
        })
      ).report,
  }
}
