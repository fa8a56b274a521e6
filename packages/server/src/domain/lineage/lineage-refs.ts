import { InvalidInputError, type LineageRef, NotFoundError, parseLineageRef } from '@provena/contract'
import type { LineageNodeId } from '../../storage/db/lineage-repository.js'
import type { Store } from '../../storage/store.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import { findReadableDataset, findReadableVersion } from '../datasets/dataset-access.js'
import { findAuthorizedModel } from '../registry/model-access.js'
import { findAuthorizedRun } from '../runs/runs-service.js'
import { createNodeViews } from './lineage-node-views.js'

/** Parses a ref the HTTP schema has already checked; a bad one is still refused here, for direct callers. */
export function lineageRefOf(text: string): LineageRef {
  const ref = parseLineageRef(text)
  if (!ref) throw new InvalidInputError(`'${text}' is not a lineage ref`)
  return ref
}

/**
 * The nodes a ref names, once the caller is known to be able to read them (an unreadable or
 * missing object is "not found", as everywhere else). `datasets:/<name>` names every version.
 */
export async function resolveLineageRef(
  store: Store,
  authorizer: Authorizer,
  ctx: RequestContext,
  ref: LineageRef,
): Promise<LineageNodeId[]> {
  authorizer.requireSignedIn(ctx.principal)
  switch (ref.kind) {
    case 'run':
      await findAuthorizedRun(store, authorizer, ctx, ref.runId, 'READ')
      return [{ type: 'run', id: ref.runId }]
    case 'dataset_version': {
      const version = await findReadableVersion(store, authorizer, ctx, ref.name, ref.version)
      return [{ type: 'dataset_version', id: version.id }]
    }
    case 'dataset': {
      await findReadableDataset(store, authorizer, ctx, ref.name)
      const ids = await store.lineageNodes.datasetVersionIds(ref.name)
      if (ids.length === 0) throw new NotFoundError(`dataset ${ref.name} has no versions`)
      return ids.map((id) => ({ type: 'dataset_version', id }))
    }
    case 'model_version':
    case 'model_alias': {
      const model = await findAuthorizedModel(store, authorizer, ctx, ref.name, 'READ')
      let number: number | undefined
      if (ref.kind === 'model_alias') {
        number = await store.modelAliases.versionOf(model.id, ref.alias)
        if (number === undefined) throw new NotFoundError(`registered model ${ref.name} has no alias @${ref.alias}`)
      } else {
        number = ref.version === 'latest' ? (model.latestVersion ?? undefined) : ref.version
      }
      const version = number === undefined ? undefined : await store.models.findVersion(model, number)
      if (!version)
        throw new NotFoundError(
          `model version ${ref.name}/${ref.kind === 'model_alias' ? `@${ref.alias}` : ref.version} not found`,
        )
      return [{ type: 'model_version', id: version.id }]
    }
    case 'code_version': {
      const [found] = await store.lineageNodes.codeVersions([ref.commit])
      if (!found || !(await createNodeViews(store, authorizer, ctx).codeVersionReadable(ref.commit)))
        throw new NotFoundError('code version', ref.commit)
      return [{ type: 'code_version', id: ref.commit }]
    }
    case 'external': {
      const node = await store.lineageNodes.findExternalNode(ref.namespace, ref.name)
      if (!node) throw new NotFoundError(`external node ${ref.namespace}/${ref.name} not found`)
      return [{ type: 'external', id: node.id }]
    }
  }
}
