import {
  ConflictError,
  type DatasetVersionRun,
  type LogDatasetInputBody,
  type LogDatasetOutputBody,
  NotFoundError,
  PermissionDeniedError,
  type RunDatasetLink,
  type RunDatasetsResponse,
} from '@provena/contract'
import type { LineageEdge } from '../../storage/db/lineage-repository.js'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import type { Clock } from '../clock.js'
import { findAuthorizedRun } from '../runs/runs-service.js'
import { creatorName, findReadableVersion } from './dataset-access.js'

interface Deps {
  store: Store
  clock: Clock
  audit: AuditLog
  authorizer: Authorizer
}

export type DatasetUsageService = ReturnType<typeof createDatasetUsageService>

/**
 * Which dataset versions a run read (inputs, with a context such as `training`) and wrote
 * (outputs), recorded as typed edges of the lineage graph and queryable from both ends.
 */
export function createDatasetUsageService({ store, clock, audit, authorizer }: Deps) {
  async function link(
    ctx: RequestContext,
    runId: string,
    ref: { name: string; version: number },
    direction: 'input' | 'output',
    context: string,
  ): Promise<RunDatasetLink> {
    return store.transaction(async (tx) => {
      const run = await findAuthorizedRun(tx, authorizer, ctx, runId, 'EDIT')
      if (run.lifecycle === 'deleted') throw new ConflictError(`run ${runId} is deleted; restore it first`)
      const version = await findReadableVersion(tx, authorizer, ctx, ref.name, ref.version)
      const dataset = { type: 'dataset_version', id: version.id } as const
      const runNode = { type: 'run', id: runId } as const
      const [source, target] = direction === 'input' ? [dataset, runNode] : [runNode, dataset]
      const edge: LineageEdge = {
        sourceType: source.type,
        sourceId: source.id,
        targetType: target.type,
        targetId: target.id,
        edgeType: direction,
        context,
        createdAtMs: clock.nowMs(),
        createdBy: creatorName(ctx),
      }
      const { profile: _p, schema: _s, ...summary } = version
      // Logging the same link twice is harmless: the first record stands, and nothing is audited again.
      const stored = (await tx.lineage.addEdge(edge)) ? edge : ((await tx.lineage.findEdge(edge)) ?? edge)
      if (stored === edge) {
        await audit.record(tx, ctx, {
          action: direction === 'input' ? 'run.log_input' : 'run.log_output',
          objectType: 'run',
          objectId: runId,
          after: { dataset: `${version.datasetName}@${version.version}`, datasetVersionId: version.id, context },
        })
      }
      return {
        datasetVersion: summary,
        context: direction === 'input' ? context : null,
        createdAtMs: stored.createdAtMs,
      }
    })
  }

  async function linksOf(tx: Store, edges: LineageEdge[], direction: 'input' | 'output') {
    const links: RunDatasetLink[] = []
    for (const edge of edges) {
      if (edge.edgeType !== direction) continue
      if ((direction === 'input' ? edge.sourceType : edge.targetType) !== 'dataset_version') continue
      const versionId = direction === 'input' ? edge.sourceId : edge.targetId
      const version = await tx.datasets.findVersionById(versionId)
      if (!version) continue
      const { profile: _p, schema: _s, ...summary } = version
      links.push({
        datasetVersion: summary,
        context: direction === 'input' ? edge.context : null,
        createdAtMs: edge.createdAtMs,
      })
    }
    return links
  }

  return {
    /** Records that the run read the dataset version, as `context` (default `training`). */
    async logInput(ctx: RequestContext, runId: string, input: LogDatasetInputBody & { context: string }) {
      return link(ctx, runId, { name: input.name, version: Number(input.version) }, 'input', input.context)
    },

    /** Records that the run produced the dataset version. */
    async logOutput(ctx: RequestContext, runId: string, output: LogDatasetOutputBody) {
      return link(ctx, runId, { name: output.name, version: Number(output.version) }, 'output', '')
    },

    /** The run's inputs and outputs; versions of datasets the caller may not read are left out. */
    async runDatasets(ctx: RequestContext, runId: string): Promise<RunDatasetsResponse> {
      await findAuthorizedRun(store, authorizer, ctx, runId, 'READ')
      const readable = async (links: RunDatasetLink[]) => {
        const kept: RunDatasetLink[] = []
        for (const l of links) {
          try {
            await authorizer.require(
              store,
              ctx.principal,
              { type: 'dataset', id: l.datasetVersion.datasetName },
              'READ',
            )
            kept.push(l)
          } catch (error) {
            if (!(error instanceof NotFoundError || error instanceof PermissionDeniedError)) throw error
          }
        }
        return kept
      }
      return {
        inputs: await readable(await linksOf(store, await store.lineage.edgesTo('run', runId), 'input')),
        outputs: await readable(await linksOf(store, await store.lineage.edgesFrom('run', runId), 'output')),
      }
    },

    /** Runs that read or produced the version; runs in experiments the caller may not read are left out. */
    async versionRuns(ctx: RequestContext, name: string, version: number): Promise<DatasetVersionRun[]> {
      const datasetVersion = await findReadableVersion(store, authorizer, ctx, name, version)
      const edges = [
        ...(await store.lineage.edgesFrom('dataset_version', datasetVersion.id)),
        ...(await store.lineage.edgesTo('dataset_version', datasetVersion.id)),
      ]
      const runs: DatasetVersionRun[] = []
      for (const edge of edges) {
        // External nodes join dataset versions too; only the runs are listed here.
        if (edge.edgeType === 'executed' || (edge.sourceType !== 'run' && edge.targetType !== 'run')) continue
        const runId = edge.edgeType === 'input' ? edge.targetId : edge.sourceId
        const run = await store.runs.findById(runId)
        if (!run) continue
        try {
          await authorizer.require(store, ctx.principal, { type: 'experiment', id: run.experimentId }, 'READ')
        } catch (error) {
          if (error instanceof NotFoundError) continue
          throw error
        }
        runs.push({
          runId,
          experimentId: run.experimentId,
          runName: run.name,
          direction: edge.edgeType,
          context: edge.edgeType === 'input' ? edge.context : null,
          createdAtMs: edge.createdAtMs,
        })
      }
      return runs.sort((a, b) => a.createdAtMs - b.createdAtMs)
    },
  }
}
