import {
  type DatasetProfile,
  type DatasetVersion,
  type DriftReport,
  DriftThresholds,
  InvalidInputError,
  NotFoundError,
  type DriftThresholds as Thresholds,
} from '@provena/contract'
import { compareProfiles, diffManifests } from '@provena/data'
import type { Store } from '../../storage/store.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import { findAuthorizedRun } from '../runs/runs-service.js'
import { findReadableVersion } from './dataset-access.js'

/** A side of a comparison after validation (contract DriftSide with defaults applied). */
export type ResolvableSide =
  | { dataset: { name: string; version: number } }
  | { run: { runId: string; context: string } }
  | { model: { uri: string; context: string } }
  | { profile: DatasetProfile; label: string }

interface Resolved {
  label: string
  profile: DatasetProfile
  version: DatasetVersion | null
}

export type DriftService = ReturnType<typeof createDriftService>

interface Deps {
  store: Store
  authorizer: Authorizer
  /** Finds the model version a `models:/` URI names (the registry's resolve). */
  resolveModel: (
    ctx: RequestContext,
    uri: string,
  ) => Promise<{ runId: string | null; modelName: string; version: number }>
}

export function createDriftService({ store, authorizer, resolveModel }: Deps) {
  function profiled(version: DatasetVersion, label: string): Resolved {
    if (version.profile === null) {
      throw new InvalidInputError(
        `${version.datasetName}@${version.version} has no profile (format ${version.format}): drift needs tabular data`,
      )
    }
    return { label, profile: version.profile, version }
  }

  /** The dataset version a run read with this context; exactly one must match. */
  async function runInput(ctx: RequestContext, runId: string, context: string): Promise<DatasetVersion> {
    await findAuthorizedRun(store, authorizer, ctx, runId, 'READ')
    const edges = (await store.lineage.edgesTo('run', runId)).filter(
      (e) => e.edgeType === 'input' && e.context === context,
    )
    const versions: DatasetVersion[] = []
    for (const edge of edges) {
      const version = await store.datasets.findVersionById(edge.sourceId)
      if (!version) continue
      await authorizer.require(store, ctx.principal, { type: 'dataset', id: version.datasetName }, 'READ')
      versions.push(version)
    }
    const [only, ...others] = versions
    if (!only) throw new NotFoundError(`run ${runId} has no dataset input with context '${context}'`)
    if (others.length > 0) {
      const names = versions.map((v) => `${v.datasetName}@${v.version}`).join(', ')
      throw new InvalidInputError(`run ${runId} has several '${context}' inputs (${names}); name the dataset version`)
    }
    return only
  }

  async function resolve(ctx: RequestContext, side: ResolvableSide): Promise<Resolved> {
    if ('dataset' in side) {
      const version = await findReadableVersion(store, authorizer, ctx, side.dataset.name, side.dataset.version)
      return profiled(version, `${version.datasetName}@${version.version}`)
    }
    if ('run' in side) {
      const version = await runInput(ctx, side.run.runId, side.run.context)
      return profiled(
        version,
        `runs:/${side.run.runId} ${side.run.context} (${version.datasetName}@${version.version})`,
      )
    }
    if ('model' in side) {
      const modelVersion = await resolveModel(ctx, side.model.uri)
      if (modelVersion.runId === null) {
        throw new InvalidInputError(`${side.model.uri} was not made from a run, so it has no training data on record`)
      }
      const version = await runInput(ctx, modelVersion.runId, side.model.context)
      return profiled(
        version,
        `${side.model.uri} (${modelVersion.modelName}/${modelVersion.version}, ${side.model.context}: ${version.datasetName}@${version.version})`,
      )
    }
    authorizer.requireSignedIn(ctx.principal)
    return { label: side.label, profile: side.profile, version: null }
  }

  return {
    /** Schema changes, row count change and per-column drift of `current` against `reference`. */
    async compare(
      ctx: RequestContext,
      input: { reference: ResolvableSide; current: ResolvableSide; thresholds?: Thresholds | undefined },
    ): Promise<DriftReport> {
      const reference = await resolve(ctx, input.reference)
      const current = await resolve(ctx, input.current)
      const thresholds = input.thresholds ?? DriftThresholds.parse({})
      const report = compareProfiles(reference, current, thresholds)
      if (reference.version === null || current.version === null) return report
      const [before, after] = await Promise.all([
        store.datasets.allFiles(reference.version.id),
        store.datasets.allFiles(current.version.id),
      ])
      return { ...report, files: diffManifests(before, after) }
    },
  }
}
