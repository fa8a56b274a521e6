import type { ModelVersionComparison, Run, RunDatasetsResponse } from '@provena/contract'
import { diffManifests } from '@provena/data'
import type { Store } from '../../storage/store.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import { findAuthorizedVersion } from './model-access.js'

/** The tag MLflow's client (and `provena run`) sets to the git commit a run was made from. */
const GIT_COMMIT_TAG = 'mlflow.source.git.commit'
const MAX_FILES = 100_000

interface Deps {
  store: Store
  authorizer: Authorizer
  /** A run with params, tags and latest metrics, as the caller may read it. */
  getRun: (ctx: RequestContext, runId: string) => Promise<Run>
  /** A run's dataset inputs and outputs. */
  runDatasets: (ctx: RequestContext, runId: string) => Promise<RunDatasetsResponse>
}

const EMPTY_DATASETS: RunDatasetsResponse = { inputs: [], outputs: [] }

function inputsByContext(datasets: RunDatasetsResponse): Map<string, string[]> {
  const byContext = new Map<string, string[]>()
  for (const link of datasets.inputs) {
    const context = link.context ?? ''
    const list = byContext.get(context) ?? []
    list.push(`${link.datasetVersion.datasetName}@${link.datasetVersion.version}`)
    byContext.set(context, list)
  }
  return byContext
}

export type CompareVersions = ReturnType<typeof createCompareVersions>

export function createCompareVersions({ store, authorizer, getRun, runDatasets }: Deps) {
  const runOf = async (ctx: RequestContext, runId: string | null) => (runId === null ? undefined : getRun(ctx, runId))
  const datasetsOf = async (ctx: RequestContext, runId: string | null) =>
    runId === null ? EMPTY_DATASETS : runDatasets(ctx, runId)

  return {
    /** Where versions `a` and `b` of a model differ; the source runs are read with the caller's rights. */
    async compare(ctx: RequestContext, name: string, a: number, b: number): Promise<ModelVersionComparison> {
      const first = await findAuthorizedVersion(store, authorizer, ctx, name, a, 'READ')
      const second = await findAuthorizedVersion(store, authorizer, ctx, name, b, 'READ')
      const [runA, runB] = await Promise.all([runOf(ctx, first.version.runId), runOf(ctx, second.version.runId)])
      const [dataA, dataB] = await Promise.all([
        datasetsOf(ctx, first.version.runId),
        datasetsOf(ctx, second.version.runId),
      ])
      const [filesA, filesB] = await Promise.all([
        store.models.listFiles(first.version.id, { limit: MAX_FILES, offset: 0 }),
        store.models.listFiles(second.version.id, { limit: MAX_FILES, offset: 0 }),
      ])

      const paramKeys = [...new Set([...Object.keys(runA?.params ?? {}), ...Object.keys(runB?.params ?? {})])].sort()
      const params = paramKeys
        .map((key) => ({ key, a: runA?.params[key] ?? null, b: runB?.params[key] ?? null }))
        .filter((p) => p.a !== p.b)
      const metricA = new Map((runA?.metrics ?? []).map((m) => [m.key, m.value]))
      const metricB = new Map((runB?.metrics ?? []).map((m) => [m.key, m.value]))
      const metrics = [...new Set([...metricA.keys(), ...metricB.keys()])]
        .sort()
        .map((key) => ({ key, a: metricA.get(key) ?? null, b: metricB.get(key) ?? null }))
      const contextsA = inputsByContext(dataA)
      const contextsB = inputsByContext(dataB)
      const datasets = [...new Set([...contextsA.keys(), ...contextsB.keys()])]
        .sort()
        .map((context) => ({ context, a: contextsA.get(context) ?? [], b: contextsB.get(context) ?? [] }))

      const { id: _a, ...versionA } = first.version
      const { id: _b, ...versionB } = second.version
      return {
        a: versionA,
        b: versionB,
        params,
        metrics,
        datasets,
        code: { a: runA?.tags[GIT_COMMIT_TAG] ?? null, b: runB?.tags[GIT_COMMIT_TAG] ?? null },
        files: diffManifests(filesA, filesB),
      }
    },
  }
}
