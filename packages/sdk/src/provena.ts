import { AlreadyExistsError, type Experiment, NotFoundError } from '@provena/contract'
import { type ActiveRun, createActiveRun, type ParamValue, toParamStrings } from './active-run.js'
import { type ArtifactsApi, createArtifactsApi } from './artifacts-api.js'
import { type AuditApi, createAuditApi } from './audit-api.js'
import { type AuthApi, createAuthApi } from './auth-api.js'
import { type ClientConfig, type ProvenaOptions, resolveClientConfig } from './config.js'
import { createDatasetsApi, type DatasetsApi } from './datasets-api.js'
import { createExperimentsApi, type ExperimentsApi } from './experiments-api.js'
import { createHttpClient, type HttpClient } from './http-client.js'
import { createLineageApi, type LineageApi } from './lineage-api.js'
import type { LoggedArtifacts, TransferOptions } from './local-artifacts.js'
import { fetchMetricHistory, type MetricHistoryOptions, type MetricHistoryPoint } from './metric-history.js'
import { createModelsApi, type ModelsApi } from './models-api.js'
import { createPermissionsApi, type PermissionsApi } from './permissions-api.js'
import { createRun, createRunsApi, type Run, type RunsApi, type SearchRunsOptions } from './runs-api.js'
import { createTokensApi, type TokensApi } from './tokens-api.js'
import { createUsersApi, type UsersApi } from './users-api.js'

/** What `startRun` takes; every field is optional. */
export interface StartRunOptions {
  /** An experiment id (all digits) or name; a name that does not exist yet is created. Default: experiment 0. */
  experiment?: string
  name?: string
  params?: Record<string, ParamValue>
  tags?: Record<string, string>
  parentRunId?: string
}

const EXPERIMENT_ID = /^\d+$/

/**
 * The client of one Provena server.
 * @example
 * const provena = new Provena()
 * const run = await provena.startRun({ experiment: 'churn', params: { lr: 0.01 } })
 * run.logMetric('loss', 0.42, { step: 1 })
 * await run.end()
 */
export class Provena {
  readonly url: string
  readonly experiments: ExperimentsApi
  readonly runs: RunsApi
  readonly users: UsersApi
  readonly tokens: TokensApi
  readonly permissions: PermissionsApi
  readonly auth: AuthApi
  readonly audit: AuditApi
  readonly artifacts: ArtifactsApi
  readonly datasets: DatasetsApi
  readonly models: ModelsApi
  readonly lineage: LineageApi
  readonly #config: ClientConfig
  readonly #http: HttpClient
  readonly #activeRuns = new Set<ActiveRun>()

  constructor(options: ProvenaOptions = {}) {
    this.#config = resolveClientConfig(options)
    this.#http = createHttpClient(this.#config)
    this.url = this.#config.url
    this.experiments = createExperimentsApi(this.#http)
    this.runs = createRunsApi(this.#http)
    this.users = createUsersApi(this.#http)
    this.tokens = createTokensApi(this.#http)
    this.permissions = createPermissionsApi(this.#http)
    this.auth = createAuthApi(this.#http)
    this.audit = createAuditApi(this.#http)
    this.artifacts = createArtifactsApi(this.#http)
    this.datasets = createDatasetsApi(this.#http)
    this.models = createModelsApi(this.#http)
    this.lineage = createLineageApi(this.#http)
  }

  /** Creates a run, with its params and tags, and returns it ready for logging. */
  async startRun(options: StartRunOptions = {}): Promise<ActiveRun> {
    const experimentId =
      options.experiment === undefined ? undefined : await this.#resolveExperimentId(options.experiment)
    const run: Run = await createRun(this.#http, {
      experimentId,
      name: options.name,
      parentRunId: options.parentRunId,
      params: options.params && toParamStrings(options.params),
      tags: options.tags,
    })
    const activeRun = createActiveRun(run, {
      http: this.#http,
      artifacts: this.artifacts,
      datasets: this.datasets,
      lineage: this.lineage,
      batchSize: this.#config.batchSize,
      flushIntervalMs: this.#config.flushIntervalMs,
      onEnded: (ended) => this.#activeRuns.delete(ended),
    })
    this.#activeRuns.add(activeRun)
    return activeRun
  }

  /** Runs of some experiments matching a filter, one page at a time; the same as `runs.search`. */
  searchRuns(options: SearchRunsOptions): Promise<{ runs: Run[]; nextPageToken: string | null }> {
    return this.runs.search(options)
  }

  /** Every point of a metric in step order (following page tokens), or one downsampled view with `maxPoints`. */
  getMetricHistory(runId: string, key: string, options?: MetricHistoryOptions): Promise<MetricHistoryPoint[]> {
    return fetchMetricHistory(this.#http, runId, key, options)
  }

  /**
   * Uploads a local file or folder to a run (Node only); the same as `run.logArtifact` for a run
   * that is not active here. A file goes to `<artifactPath>/<name>`, a folder's files below `artifactPath`.
   */
  async logArtifact(
    runId: string,
    localPath: string,
    artifactPath?: string,
    options?: TransferOptions,
  ): Promise<LoggedArtifacts> {
    const { logLocalArtifacts } = await import('./local-artifacts.js')
    return logLocalArtifacts(this.artifacts, runId, localPath, artifactPath, options)
  }

  /** Every entry of one directory of a run's artifacts ('' or absent for the root). */
  listArtifacts(runId: string, path?: string) {
    return this.artifacts.listAll(runId, path)
  }

  /**
   * Downloads a run's file or directory (all of it for '') to `dest` (Node only), each file at
   * its artifact path below `dest` and checked against its sha256; returns the local path of `path`.
   * @example await provena.downloadArtifacts(runId, 'model', './out') // './out/model'
   */
  async downloadArtifacts(runId: string, path: string, dest: string, options?: TransferOptions): Promise<string> {
    const { downloadToFolder } = await import('./local-artifacts.js')
    return downloadToFolder(this.artifacts, runId, path, dest, options)
  }

  /** Flushes every active run of this client (without ending them); rejects with the first failure. */
  async close(): Promise<void> {
    const outcomes = await Promise.allSettled([...this.#activeRuns].map((run) => run.flush()))
    const failed = outcomes.find((outcome) => outcome.status === 'rejected')
    if (failed) throw failed.reason
  }

  async #resolveExperimentId(experiment: string): Promise<string> {
    if (EXPERIMENT_ID.test(experiment)) return experiment
    const found = await this.#findExperiment(experiment)
    if (found) return found.id
    try {
      return (await this.experiments.create({ name: experiment })).id
    } catch (error) {
      // Another process created it between our lookup and our create: use theirs.
      if (error instanceof AlreadyExistsError) return (await this.experiments.getByName(experiment)).id
      throw error
    }
  }

  async #findExperiment(name: string): Promise<Experiment | undefined> {
    try {
      return await this.experiments.getByName(name)
    } catch (error) {
      if (error instanceof NotFoundError) return undefined
      throw error
    }
  }
}
