import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { encodeMetricValue, type ImportArtifact, type ImportModelVersion } from '@provena/contract'
import type { ImportApi } from '@provena/sdk'
import type { Progress } from '../output/progress.js'
import type { MlflowArtifact, MlflowModel, MlflowModelVersion, MlflowRun, MlflowSource } from './mlflow-source.js'

/** What an import did, for the summary: counts, and each thing not imported with why. */
export interface ImportSummary {
  experiments: { created: number; existing: number }
  runs: { imported: number; unchanged: number }
  metricPoints: number
  params: number
  tags: number
  datasetInputs: number
  artifacts: { files: number; bytes: number }
  models: { created: number; existing: number }
  versions: { imported: number; unchanged: number }
  aliases: { imported: number; unchanged: number }
  stages: number
  /** Left out on purpose, with the reason. */
  skipped: string[]
  /** Tried and refused; a later run of the same import tries them again. */
  failed: string[]
}

export interface ImportOptions {
  isDryRun: boolean
  /** One progress line per phase. */
  progress: (label: string) => Progress
}

function emptySummary(): ImportSummary {
  return {
    experiments: { created: 0, existing: 0 },
    runs: { imported: 0, unchanged: 0 },
    metricPoints: 0,
    params: 0,
    tags: 0,
    datasetInputs: 0,
    artifacts: { files: 0, bytes: 0 },
    models: { created: 0, existing: 0 },
    versions: { imported: 0, unchanged: 0 },
    aliases: { imported: 0, unchanged: 0 },
    stages: 0,
    skipped: [],
    failed: [],
  }
}

/** Parents before their children, so that a run's parent is always there when it is imported. */
function parentsFirst(runs: MlflowRun[]): MlflowRun[] {
  const byId = new Map(runs.map((r) => [r.id, r]))
  const ordered: MlflowRun[] = []
  const placed = new Set<string>()
  const place = (run: MlflowRun, seen: Set<string>) => {
    if (placed.has(run.id) || seen.has(run.id)) return
    seen.add(run.id)
    const parent = run.parentRunId === null ? undefined : byId.get(run.parentRunId)
    if (parent) place(parent, seen)
    placed.add(run.id)
    ordered.push(run)
  }
  for (const run of runs) place(run, new Set())
  return ordered
}

/** The JSON Lines the import API reads, `[key, value, step, timestampMs]`; each key is escaped once. */
function metricLines(points: { key: string; value: number; step: number; timestampMs: number }[]): Buffer {
  const keys = new Map<string, string>()
  const lines: string[] = new Array(points.length)
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as (typeof points)[number]
    let key = keys.get(p.key)
    if (key === undefined) {
      key = JSON.stringify(p.key)
      keys.set(p.key, key)
    }
    const value = Number.isFinite(p.value) ? String(p.value) : JSON.stringify(encodeMetricValue(p.value))
    lines[i] = `[${key},${value},${p.step},${p.timestampMs}]`
  }
  return Buffer.from(lines.join('\n'), 'utf8')
}

/**
 * An artifact's digest and size, and the local file its bytes are uploaded from: the file itself in
 * an mlruns folder, else a copy written to `stageDir` while hashing. Memory stays flat whatever the size.
 */
async function stageArtifact(file: MlflowArtifact, stageDir: string, index: number) {
  const hash = createHash('sha256')
  let sizeBytes = 0
  const counting = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      sizeBytes += chunk.length
      done(null, chunk)
    },
  })
  let localPath = file.localPath
  if (localPath === undefined) {
    localPath = path.join(stageDir, String(index))
    await pipeline(await file.open(), counting, createWriteStream(localPath))
  } else {
    await pipeline(createReadStream(localPath), counting, async (source: AsyncIterable<Buffer>) => {
      for await (const _ of source);
    })
  }
  return { path: file.path, sizeBytes, sha256: hash.digest('hex'), localPath }
}

const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

/** The path below a run's artifact root that a version's source names, if it names one. */
function versionPath(version: MlflowModelVersion): string | undefined {
  if (version.runId === null) return undefined
  const runsUri = version.source.match(/^runs:\/([0-9a-f]{32})(?:\/(.*))?$/)
  if (runsUri) return runsUri[1] === version.runId ? (runsUri[2] ?? '').replace(/\/+$/, '') : undefined
  const marker = `/${version.runId}/artifacts`
  const at = version.source.indexOf(marker)
  if (at < 0) return undefined
  return version.source.slice(at + marker.length).replace(/^\/+|\/+$/g, '')
}

/**
 * Imports everything the source holds, run by run; what fails is reported and the rest goes on, so
 * running the same import again finishes it (what was imported before answers "unchanged").
 */
export async function importFromMlflow(
  source: MlflowSource,
  api: ImportApi | null,
  { isDryRun, progress }: ImportOptions,
): Promise<ImportSummary> {
  const summary = emptySummary()
  const experiments = await source.experiments()
  const experimentIds = new Map<string, string>()
  const runs: MlflowRun[] = []
  for (const experiment of experiments) runs.push(...(await source.runs(experiment)))
  // Every piece of metadata is read before anything is written, so a corrupt file stops the import untouched.
  const models = await source.models()

  for (const experiment of experiments) {
    if (isDryRun || api === null) {
      summary.experiments.created++
      continue
    }
    const { experimentId, outcome } = await api.experiment({
      name: experiment.name,
      tags: experiment.tags,
      lifecycle: experiment.lifecycle,
      createdAtMs: experiment.createdAtMs,
      updatedAtMs: experiment.updatedAtMs,
    })
    experimentIds.set(experiment.id, experimentId)
    summary.experiments[outcome]++
  }

  const sourceRunIds = new Set(runs.map((r) => r.id))
  const importedRuns = new Map<string, Set<string>>()
  const bar = progress('runs')
  let done = 0
  for (const run of parentsFirst(runs)) {
    bar.update(done++, runs.length)
    let parentRunId = run.parentRunId
    if (parentRunId !== null && !sourceRunIds.has(parentRunId)) {
      summary.skipped.push(
        `parent of run ${run.id}: run ${parentRunId} is not in the source; imported without a parent`,
      )
      parentRunId = null
    }
    const stageDir = await mkdtemp(path.join(tmpdir(), 'provena-import-'))
    try {
      const points = await source.metrics(run)
      const { files, unreadable } = await source.artifacts(run)
      if (unreadable !== undefined) summary.skipped.push(`artifacts of run ${run.id}: ${unreadable}`)
      const artifacts: ImportArtifact[] = []
      const uploads: { sha256: string; localPath: string }[] = []
      for (const [index, file] of files.entries()) {
        const { localPath, ...artifact } = await stageArtifact(file, stageDir, index)
        artifacts.push(artifact)
        uploads.push({ sha256: artifact.sha256, localPath })
      }
      const metricsBlob = points.length === 0 ? null : metricLines(points)
      if (!isDryRun && api !== null) {
        const metricsSha = metricsBlob && sha256Of(metricsBlob)
        // Only bytes the server lacks travel: a second import of the same runs uploads nothing.
        const missing = new Set(
          await api.missingBlobs([...uploads.map((u) => u.sha256), ...(metricsSha ? [metricsSha] : [])]),
        )
        for (const upload of uploads) {
          if (!missing.delete(upload.sha256)) continue
          await api.uploadBlob(
            upload.sha256,
            () => Readable.toWeb(createReadStream(upload.localPath)) as ReadableStream,
          )
        }
        if (metricsBlob && metricsSha && missing.has(metricsSha)) await api.uploadBlob(metricsSha, () => metricsBlob)
        const experimentId = experimentIds.get(run.experimentId)
        if (experimentId === undefined) throw new Error(`experiment ${run.experimentId} was not imported`)
        const { outcome } = await api.run({
          id: run.id,
          experimentId,
          name: run.name,
          status: run.status,
          startTimeMs: run.startTimeMs,
          endTimeMs: run.endTimeMs,
          userId: run.userId,
          parentRunId: parentRunId !== null && importedRuns.has(parentRunId) ? parentRunId : null,
          lifecycle: run.lifecycle,
          params: run.params,
          tags: run.tags,
          metrics: metricsBlob && metricsSha ? { sha256: metricsSha, pointCount: points.length } : null,
          artifacts,
          datasetInputs: run.datasetInputs,
        })
        if (outcome === 'unchanged') {
          summary.runs.unchanged++
          importedRuns.set(run.id, new Set(artifacts.map((a) => a.path)))
          continue
        }
      }
      importedRuns.set(run.id, new Set(artifacts.map((a) => a.path)))
      summary.runs.imported++
      summary.metricPoints += points.length
      summary.params += Object.keys(run.params).length
      summary.tags += Object.keys(run.tags).length
      summary.datasetInputs += run.datasetInputs.length
      summary.artifacts.files += artifacts.length
      summary.artifacts.bytes += artifacts.reduce((sum, a) => sum + a.sizeBytes, 0)
    } catch (error) {
      summary.failed.push(`run ${run.id} (${run.name}): ${(error as Error).message}`)
    } finally {
      await rm(stageDir, { recursive: true, force: true })
    }
  }
  bar.done()

  for (const model of models) {
    await importModel(model, api, importedRuns, summary, isDryRun)
  }
  return summary
}

function versionsToImport(
  model: MlflowModel,
  importedRuns: Map<string, Set<string>>,
  summary: ImportSummary,
): ImportModelVersion[] {
  const versions: ImportModelVersion[] = []
  for (const version of model.versions) {
    const name = `version ${version.version} of model ${model.name}`
    const skip = (why: string) => summary.skipped.push(`${name}: ${why}`)
    if (version.stage === 'Deleted_Internal') {
      skip('deleted in MLflow')
      continue
    }
    const path = versionPath(version)
    if (version.runId === null || path === undefined) {
      skip(`its source ${version.source || '(none)'} is not inside a run's artifacts`)
      continue
    }
    const files = importedRuns.get(version.runId)
    if (files === undefined) {
      skip(`its run ${version.runId} was not imported`)
      continue
    }
    if (![...files].some((f) => path === '' || f === path || f.startsWith(`${path}/`))) {
      skip(`run ${version.runId} has no artifacts at '${path}' here`)
      continue
    }
    const stage = ['None', 'Staging', 'Production', 'Archived'].includes(version.stage) ? version.stage : 'None'
    versions.push({
      version: version.version,
      description: version.description,
      status: version.status,
      stage: stage as ImportModelVersion['stage'],
      runId: version.runId,
      path,
      tags: version.tags,
      userId: version.userId,
      createdAtMs: version.createdAtMs,
      updatedAtMs: version.updatedAtMs,
    })
  }
  return versions
}

async function importModel(
  model: MlflowModel,
  api: ImportApi | null,
  importedRuns: Map<string, Set<string>>,
  summary: ImportSummary,
  isDryRun: boolean,
): Promise<void> {
  const versions = versionsToImport(model, importedRuns, summary)
  const kept = new Set(versions.map((v) => v.version))
  const aliases: Record<string, number> = {}
  for (const [alias, version] of Object.entries(model.aliases)) {
    if (kept.has(version)) aliases[alias] = version
    else summary.skipped.push(`alias @${alias} of model ${model.name}: version ${version} was not imported`)
  }
  if (isDryRun || api === null) {
    summary.models.created++
    summary.versions.imported += versions.length
    summary.aliases.imported += Object.keys(aliases).length
    summary.stages += versions.filter((v) => v.stage !== 'None').length
    return
  }
  try {
    const answer = await api.model({
      name: model.name,
      description: model.description,
      tags: model.tags,
      createdAtMs: model.createdAtMs,
      updatedAtMs: model.updatedAtMs,
      versions,
      aliases,
    })
    summary.models[answer.outcome]++
    for (const v of answer.versions) {
      summary.versions[v.outcome === 'created' ? 'imported' : 'unchanged']++
      if (v.outcome === 'created' && versions.find((x) => x.version === v.version)?.stage !== 'None') summary.stages++
    }
    for (const a of answer.aliases) summary.aliases[a.outcome === 'created' ? 'imported' : 'unchanged']++
  } catch (error) {
    summary.failed.push(`model ${model.name}: ${(error as Error).message}`)
  }
}
