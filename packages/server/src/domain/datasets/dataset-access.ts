import { type Dataset, type DatasetVersion, NotFoundError, type PermissionLevel } from '@provena/contract'
import type { Store } from '../../storage/store.js'
import type { Authorizer } from '../auth/authorizer.js'
import { actorName, type RequestContext } from '../auth/principal.js'

/** How a dataset or version records who made it: the user's name, or the principal's kind. */
export function creatorName(ctx: RequestContext): string {
  return ctx.principal.kind === 'user' ? ctx.principal.name : actorName(ctx.principal).actor
}

/** The dataset, once the caller is known to hold `level` on it (unreadable ones are "not found"). */
export async function findReadableDataset(
  store: Store,
  authorizer: Authorizer,
  ctx: RequestContext,
  name: string,
  level: PermissionLevel = 'READ',
): Promise<Dataset> {
  authorizer.requireSignedIn(ctx.principal)
  const dataset = await store.datasets.findDataset(name)
  if (!dataset) throw new NotFoundError('dataset', name)
  await authorizer.require(store, ctx.principal, { type: 'dataset', id: name }, level)
  return dataset
}

/** A version of a readable dataset; `undefined` asks for the latest. */
export async function findReadableVersion(
  store: Store,
  authorizer: Authorizer,
  ctx: RequestContext,
  name: string,
  version: number | undefined,
): Promise<DatasetVersion> {
  const dataset = await findReadableDataset(store, authorizer, ctx, name)
  const number = version ?? dataset.latestVersion
  const found = number === null ? undefined : await store.datasets.findVersion(name, number)
  if (!found) throw new NotFoundError(`dataset version ${name}@${version ?? 'latest'} not found`)
  return found
}
