import { createReadStream } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
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
 * MLflow's FileStore layout (mlflow/store/tracking/file_store.py, model_registry/file_store.py):
 *   <root>/<experiment_id>/meta.yaml, tags/<key>, datasets/<dataset_id>/meta.yaml
 *   <root>/<experiment_id>/<run_id>/meta.yaml, params/<key>, tags/<key>, metrics/<key>
 *     (lines `timestamp value step`), inputs/<input_id>/meta.yaml, artifacts/...
 *   <root>/.trash/<experiment_id>/...      deleted experiments, moved there whole
 *   <root>/models/<name>/meta.yaml, tags/<key>, aliases/<alias> (holds the version number),
 *     version-<n>/meta.yaml, version-<n>/tags/<key>
 * Keys may contain `/`, stored as sub-folders.
 */
const TRASH = '.trash'
const MODELS = 'models'
const RESERVED_EXPERIMENT_FOLDERS = new Set(['tags', 'datasets', 'traces'])
const RUN_ID = /^[0-9a-f]{32}$/

type Yaml = Record<string, unknown>

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  )
}

async function subfolders(dir: string): Promise<string[]> {
  if (!(await exists(dir))) return []
  const entries = await readdir(dir, { withFileTypes: true })
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
}

/** A meta.yaml as a mapping; anything else is an error that names the file. */
async function readMeta(dir: string): Promise<Yaml> {
  const file = path.join(dir, 'meta.yaml')
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, { cause: error })
  }
  let parsed: unknown
  try {
    parsed = parseYaml(text)
  } catch (error) {
    throw new CliError(`${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, { cause: error })
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError(`${file} is not a YAML mapping of MLflow metadata`)
  }
  return parsed as Yaml
}

function required(meta: Yaml, field: string, dir: string): unknown {
  const value = meta[field]
  if (value === undefined || value === null) throw new CliError(`${path.join(dir, 'meta.yaml')} has no ${field}`)
  return value
}

function millis(value: unknown): number {
  const n = Number(value ?? 0)
  return Number.isFinite(n) && n >= 0 ? Math.trunc(n) : 0
}

/** Every file below `dir`, as `/`-separated paths relative to it. */
async function filesBelow(dir: string, prefix = ''): Promise<string[]> {
  if (!(await exists(dir))) return []
  const found: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const relative = prefix === '' ? entry.name : `${prefix}/${entry.name}`
    if (entry.isDirectory()) found.push(...(await filesBelow(path.join(dir, entry.name), relative)))
    else if (entry.isFile()) found.push(relative)
  }
  return found.sort()
}

/** A folder of one file per key (params/, tags/): MLflow writes each value without a newline. */
async function keyValues(dir: string): Promise<Record<string, string>> {
  const values: Record<string, string> = {}
  for (const key of await filesBelow(dir)) values[key] = await readFile(path.join(dir, key), 'utf8')
  return values
}

interface LocatedExperiment extends MlflowExperiment {
  dir: string
}

interface LocatedRun extends MlflowRun {
  dir: string
  artifactUri: string
}

/** Reads an `mlruns` folder; a missing folder or a corrupt meta.yaml is an error that names it. */
export async function openMlrunsSource(root: string): Promise<MlflowSource> {
  const absolute = path.resolve(root)
  if (!(await exists(absolute)) || !(await stat(absolute)).isDirectory()) {
    throw new CliError(`${absolute} is not a folder: give an MLflow tracking URI or the path of an mlruns folder`)
  }
  const runDirs = new Map<string, LocatedRun>()

  async function readExperiment(dir: string, lifecycle: 'active' | 'deleted'): Promise<LocatedExperiment> {
    const meta = await readMeta(dir)
    const id = String(required(meta, 'experiment_id', dir))
    if (id !== path.basename(dir)) {
      throw new CliError(
        `${path.join(dir, 'meta.yaml')} says experiment ${id}, but its folder is ${path.basename(dir)}`,
      )
    }
    return {
      id,
      name: String(required(meta, 'name', dir)),
      lifecycle: meta.lifecycle_stage === 'deleted' || lifecycle === 'deleted' ? 'deleted' : 'active',
      createdAtMs: millis(meta.creation_time),
      updatedAtMs: millis(meta.last_update_time ?? meta.creation_time),
      tags: await keyValues(path.join(dir, 'tags')),
      dir,
    }
  }

  async function readInputs(runDir: string, experimentDir: string) {
    const inputs = []
    for (const inputId of await subfolders(path.join(runDir, 'inputs'))) {
      const input = await readMeta(path.join(runDir, 'inputs', inputId))
      if (input.source_type !== 'DATASET') continue
      const datasetDir = path.join(experimentDir, 'datasets', String(input.source_id))
      if (!(await exists(datasetDir))) continue
      const dataset = await readMeta(datasetDir)
      const tags = (input.tags ?? {}) as Record<string, unknown>
      inputs.push(datasetInputOf(dataset, Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)]))))
    }
    return inputs
  }

  async function readRun(dir: string, experiment: LocatedExperiment): Promise<LocatedRun> {
    const meta = await readMeta(dir)
    const id = String(meta.run_id ?? meta.run_uuid ?? '')
    if (!RUN_ID.test(id) || id !== path.basename(dir)) {
      throw new CliError(`${path.join(dir, 'meta.yaml')} has run id '${id}', not its folder's 32-hex name`)
    }
    const status = runStatusOf(meta.status)
    if (status === undefined)
      throw new CliError(`${path.join(dir, 'meta.yaml')} has an unknown status ${String(meta.status)}`)
    const tags = await keyValues(path.join(dir, 'tags'))
    const parent = tags[PARENT_RUN_TAG]
    return {
      id,
      experimentId: experiment.id,
      name: String(meta.run_name || tags[RUN_NAME_TAG] || id),
      status,
      startTimeMs: millis(meta.start_time),
      endTimeMs: meta.end_time === null || meta.end_time === undefined ? null : millis(meta.end_time),
      userId: String(meta.user_id ?? ''),
      lifecycle: meta.lifecycle_stage === 'deleted' || experiment.lifecycle === 'deleted' ? 'deleted' : 'active',
      parentRunId: parent !== undefined && RUN_ID.test(parent) ? parent : null,
      params: await keyValues(path.join(dir, 'params')),
      tags,
      datasetInputs: await readInputs(dir, experiment.dir),
      dir,
      artifactUri: String(meta.artifact_uri ?? ''),
    }
  }

  async function artifactRoot(run: LocatedRun): Promise<string | undefined> {
    const inside = path.join(run.dir, 'artifacts')
    if (await exists(inside)) return inside
    // Artifacts may live elsewhere on this machine (an experiment's artifact_location); other schemes are not read.
    if (run.artifactUri.startsWith('file:')) {
      const elsewhere = fileURLToPath(run.artifactUri)
      if (await exists(elsewhere)) return elsewhere
    }
    if (run.artifactUri.startsWith('/') && (await exists(run.artifactUri))) return run.artifactUri
    return undefined
  }

  async function readVersion(dir: string): Promise<MlflowModelVersion> {
    const meta = await readMeta(dir)
    const version = Number(required(meta, 'version', dir))
    const status = String(meta.status ?? 'READY')
    return {
      version,
      description: meta.description ? String(meta.description) : null,
      status: status === 'PENDING_REGISTRATION' || status === 'FAILED_REGISTRATION' ? status : 'READY',
      stage: String(meta.current_stage ?? 'None'),
      source: String(meta.source ?? ''),
      runId: meta.run_id ? String(meta.run_id) : null,
      tags: await keyValues(path.join(dir, 'tags')),
      userId: meta.user_id ? String(meta.user_id) : null,
      createdAtMs: millis(meta.creation_timestamp),
      updatedAtMs: millis(meta.last_updated_timestamp ?? meta.creation_timestamp),
    }
  }

  async function readModel(dir: string): Promise<MlflowModel> {
    const meta = await readMeta(dir)
    const versions: MlflowModelVersion[] = []
    for (const folder of await subfolders(dir)) {
      if (folder.startsWith('version-')) versions.push(await readVersion(path.join(dir, folder)))
    }
    const aliases: Record<string, number> = {}
    for (const [alias, version] of Object.entries(await keyValues(path.join(dir, 'aliases')))) {
      aliases[alias] = Number(version.trim())
    }
    return {
      name: String(required(meta, 'name', dir)),
      description: meta.description ? String(meta.description) : null,
      tags: await keyValues(path.join(dir, 'tags')),
      createdAtMs: millis(meta.creation_timestamp),
      updatedAtMs: millis(meta.last_updated_timestamp ?? meta.creation_timestamp),
      versions: versions.sort((a, b) => a.version - b.version),
      aliases,
    }
  }

  return {
    location: absolute,

    async experiments() {
      const experiments: MlflowExperiment[] = []
      for (const folder of await subfolders(absolute)) {
        if (folder === TRASH || folder === MODELS || folder.startsWith('.')) continue
        if (!(await exists(path.join(absolute, folder, 'meta.yaml')))) continue
        experiments.push(await readExperiment(path.join(absolute, folder), 'active'))
      }
      for (const folder of await subfolders(path.join(absolute, TRASH))) {
        if (!(await exists(path.join(absolute, TRASH, folder, 'meta.yaml')))) continue
        experiments.push(await readExperiment(path.join(absolute, TRASH, folder), 'deleted'))
      }
      return experiments
    },

    async runs(experiment) {
      const located = experiment as LocatedExperiment
      const runs: MlflowRun[] = []
      for (const folder of await subfolders(located.dir)) {
        if (RESERVED_EXPERIMENT_FOLDERS.has(folder)) continue
        if (!(await exists(path.join(located.dir, folder, 'meta.yaml')))) continue
        const run = await readRun(path.join(located.dir, folder), located)
        runDirs.set(run.id, run)
        runs.push(run)
      }
      return runs
    },

    async metrics(run) {
      const dir = path.join((run as LocatedRun).dir, 'metrics')
      const points: MlflowPoint[] = []
      for (const key of await filesBelow(dir)) {
        const text = await readFile(path.join(dir, key), 'utf8')
        let lineNo = 0
        for (const line of text.split('\n')) {
          lineNo++
          if (line.trim() === '') continue
          const [timestamp, value, step = '0', ...rest] = line.trim().split(' ')
          const parsed = metricValueOf(value)
          if (rest.length > 0 || parsed === undefined || !/^\d+$/.test(timestamp ?? '') || !/^-?\d+$/.test(step)) {
            throw new CliError(
              `${path.join(dir, key)} line ${lineNo} is not 'timestamp value step': ${line.slice(0, 80)}`,
            )
          }
          points.push({ key, value: parsed, step: Number(step), timestampMs: Number(timestamp) })
        }
      }
      return points
    },

    async artifacts(run) {
      const located = run as LocatedRun
      const root = await artifactRoot(located)
      if (root === undefined) {
        const isElsewhere = located.artifactUri !== '' && !located.artifactUri.startsWith('file:')
        return {
          files: [],
          unreadable: isElsewhere
            ? `its artifacts are at ${located.artifactUri}, which a folder import cannot read (import from the tracking server instead)`
            : undefined,
        }
      }
      const files = (await filesBelow(root)).map(
        (file): MlflowArtifact => ({
          path: file,
          localPath: path.join(root, file),
          open: async () => createReadStream(path.join(root, file)),
        }),
      )
      return { files }
    },

    async models() {
      const models: MlflowModel[] = []
      for (const folder of await subfolders(path.join(absolute, MODELS))) {
        models.push(await readModel(path.join(absolute, MODELS, folder)))
      }
      return models
    },
  }
}
