import { Readable } from 'node:stream'
import { CliError } from '../cli-error.js'
import {
  datasetInputOf,
  type MlflowArtifact,
  type MlflowExperiment,
  type MlflowModel,
  type MlflowModelVersion,
  type MlflowPoint,
  type MlflowRun,
  type MlflowSource,
  metricValueOf,
  PARENT_RUN_TAG,
  RUN_NAME_TAG,
  runStatusOf,
} from './mlflow-source.js'

/*
 * MLflow's REST API 2.0, as its public reference documents it. int64 fields may arrive as JSON
 * strings; lists page with `page_token` / `next_page_token`.
 */
type Json = Record<string, unknown>
type KeyValue = { key?: unknown; value?: unknown }

const RUN_ID = /^[0-9a-f]{32}$/
const PAGE = 1000
const HISTORY_PAGE = 25_000

function tagMap(list: unknown): Record<string, string> {
  const map: Record<string, string> = {}
  for (const entry of (Array.isArray(list) ? list : []) as KeyValue[])
    map[String(entry.key)] = String(entry.value ?? '')
  return map
}

const millis = (value: unknown) =>
  value === undefined || value === null ? 0 : Math.max(0, Math.trunc(Number(value)) || 0)

export interface MlflowCredentials {
  token?: string | undefined
  username?: string | undefined
  password?: string | undefined
}

/** Reads an MLflow tracking server through its REST API with plain fetch. */
export function openMlflowRestSource(uri: string, credentials: MlflowCredentials): MlflowSource {
  const base = uri.replace(/\/+$/, '')
  const headers: Record<string, string> = {}
  if (credentials.token) headers.authorization = `Bearer ${credentials.token}`
  else if (credentials.username) {
    headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password ?? ''}`).toString('base64')}`
  }

  async function call(method: 'GET' | 'POST', path: string, params: Json): Promise<Json> {
    const url = new URL(`${base}/api/2.0/mlflow/${path}`)
    const init: RequestInit = { method, headers: { ...headers } }
    if (method === 'GET') {
      for (const [name, value] of Object.entries(params))
        if (value !== undefined) url.searchParams.set(name, String(value))
    } else {
      init.body = JSON.stringify(params)
      ;(init.headers as Record<string, string>)['content-type'] = 'application/json'
    }
    let response: Response
    try {
      response = await fetch(url, init)
    } catch (error) {
      throw new CliError(`cannot reach the MLflow server at ${base}: ${(error as Error).message}`, { cause: error })
    }
    const text = await response.text()
    if (!response.ok) {
      throw new CliError(`MLflow answered ${response.status} to ${method} ${url.pathname}: ${text.slice(0, 300)}`)
    }
    try {
      return text === '' ? {} : (JSON.parse(text) as Json)
    } catch (error) {
      throw new CliError(`MLflow's answer to ${url.pathname} is not JSON: ${text.slice(0, 100)}`, { cause: error })
    }
  }

  /** Every item of a paged list. */
  async function all(method: 'GET' | 'POST', path: string, params: Json, field: string): Promise<Json[]> {
    const items: Json[] = []
    let pageToken: string | undefined
    do {
      const page = await call(method, path, { ...params, page_token: pageToken })
      items.push(...((page[field] as Json[] | undefined) ?? []))
      pageToken = (page.next_page_token as string | undefined) || undefined
    } while (pageToken)
    return items
  }

  const runUris = new Map<string, string>()

  function toRun(raw: Json): MlflowRun {
    const info = (raw.info ?? {}) as Json
    const data = (raw.data ?? {}) as Json
    const tags = tagMap(data.tags)
    const id = String(info.run_id ?? info.run_uuid)
    if (!RUN_ID.test(id)) throw new CliError(`MLflow returned a run id '${id}' that is not 32 hex characters`)
    runUris.set(id, String(info.artifact_uri ?? ''))
    const inputs = ((raw.inputs as Json | undefined)?.dataset_inputs ?? []) as Json[]
    const parent = tags[PARENT_RUN_TAG]
    return {
      id,
      experimentId: String(info.experiment_id),
      name: String(info.run_name || tags[RUN_NAME_TAG] || id),
      status: runStatusOf(info.status) ?? 'RUNNING',
      startTimeMs: millis(info.start_time),
      endTimeMs: info.end_time === undefined || info.end_time === null ? null : millis(info.end_time),
      userId: String(info.user_id ?? ''),
      lifecycle: info.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
      parentRunId: parent !== undefined && RUN_ID.test(parent) ? parent : null,
      params: tagMap(data.params),
      tags,
      datasetInputs: inputs.map((input) => datasetInputOf((input.dataset ?? {}) as Json, tagMap(input.tags))),
    }
  }

  /** Where a run's artifact file is downloaded: the artifact proxy for mlflow-artifacts:/ URIs, else get-artifact. */
  function downloadUrl(runId: string, path: string): string {
    const uri = runUris.get(runId) ?? ''
    const proxied = uri.match(/^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/)
    const encoded = path.split('/').map(encodeURIComponent).join('/')
    if (proxied) return `${base}/api/2.0/mlflow-artifacts/artifacts/${proxied[1]?.replace(/\/+$/, '')}/${encoded}`
    return `${base}/get-artifact?path=${encodeURIComponent(path)}&run_uuid=${runId}`
  }

  async function listArtifacts(runId: string, path: string): Promise<string[]> {
    const files: string[] = []
    const entries = await all('GET', 'artifacts/list', { run_id: runId, path: path || undefined }, 'files')
    for (const entry of entries) {
      const entryPath = String(entry.path)
      if (entry.is_dir) files.push(...(await listArtifacts(runId, entryPath)))
      else files.push(entryPath)
    }
    return files
  }

  function toVersion(raw: Json): MlflowModelVersion {
    const status = String(raw.status ?? 'READY')
    return {
      version: Number(raw.version),
      description: raw.description ? String(raw.description) : null,
      status: status === 'PENDING_REGISTRATION' || status === 'FAILED_REGISTRATION' ? status : 'READY',
      stage: String(raw.current_stage ?? 'None'),
      source: String(raw.source ?? ''),
      runId: raw.run_id ? String(raw.run_id) : null,
      tags: tagMap(raw.tags),
      userId: raw.user_id ? String(raw.user_id) : null,
      createdAtMs: millis(raw.creation_timestamp),
      updatedAtMs: millis(raw.last_updated_timestamp ?? raw.creation_timestamp),
    }
  }

  return {
    location: base,

    async experiments(): Promise<MlflowExperiment[]> {
      const raw = await all('POST', 'experiments/search', { max_results: PAGE, view_type: 'ALL' }, 'experiments')
      return raw.map((e) => ({
        id: String(e.experiment_id),
        name: String(e.name),
        lifecycle: e.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
        createdAtMs: millis(e.creation_time),
        updatedAtMs: millis(e.last_update_time ?? e.creation_time),
        tags: tagMap(e.tags),
      }))
    },

    async runs(experiment) {
      const raw = await all(
        'POST',
        'runs/search',
        { experiment_ids: [experiment.id], run_view_type: 'ALL', max_results: PAGE },
        'runs',
      )
      return raw.map(toRun)
    },

    async metrics(run): Promise<MlflowPoint[]> {
      const [full] = [await call('GET', 'runs/get', { run_id: run.id })]
      const keys = (((full.run as Json | undefined)?.data as Json | undefined)?.metrics ?? []) as KeyValue[]
      const points: MlflowPoint[] = []
      for (const key of new Set(keys.map((m) => String(m.key)))) {
        const history = await all(
          'GET',
          'metrics/get-history',
          { run_id: run.id, metric_key: key, max_results: HISTORY_PAGE },
          'metrics',
        )
        for (const m of history) {
          const value = metricValueOf(m.value)
          if (value === undefined)
            throw new CliError(`metric '${key}' of run ${run.id} has a value that is not a number`)
          points.push({ key, value, step: Number(m.step ?? 0), timestampMs: millis(m.timestamp) })
        }
      }
      return points
    },

    async artifacts(run) {
      const files = (await listArtifacts(run.id, '')).map(
        (path): MlflowArtifact => ({
          path,
          async open() {
            const response = await fetch(downloadUrl(run.id, path), { headers })
            if (!response.ok || !response.body) {
              throw new CliError(
                `MLflow answered ${response.status} to the download of artifact '${path}' of run ${run.id}`,
              )
            }
            return Readable.fromWeb(response.body as import('node:stream/web').ReadableStream)
          },
        }),
      )
      return { files }
    },

    async models(): Promise<MlflowModel[]> {
      const models = await all('GET', 'registered-models/search', { max_results: PAGE }, 'registered_models')
      const result: MlflowModel[] = []
      for (const m of models) {
        const name = String(m.name)
        const versions = await all(
          'GET',
          'model-versions/search',
          { filter: `name='${name.replace(/'/g, "\\'")}'`, max_results: 10_000 },
          'model_versions',
        )
        const aliases: Record<string, number> = {}
        for (const a of (m.aliases ?? []) as Json[]) aliases[String(a.alias)] = Number(a.version)
        result.push({
          name,
          description: m.description ? String(m.description) : null,
          tags: tagMap(m.tags),
          createdAtMs: millis(m.creation_timestamp),
          updatedAtMs: millis(m.last_updated_timestamp ?? m.creation_timestamp),
          versions: versions.map(toVersion).sort((a, b) => a.version - b.version),
          aliases,
        })
      }
      return result
    },
  }
}
