import { NotFoundError, type PermissionLevel } from '@provena/contract'
import type { ModelRecord, ModelVersionRecord } from '../../storage/db/models-repository.js'
import type { Store } from '../../storage/store.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'

/** The model, once the caller holds `level` on it (a model they may not read is "not found"). */
export async function findAuthorizedModel(
  store: Store,
  authorizer: Authorizer,
  ctx: RequestContext,
  name: string,
  level: PermissionLevel,
): Promise<ModelRecord> {
  authorizer.requireSignedIn(ctx.principal)
  const model = await store.models.findModel(name)
  if (!model) throw new NotFoundError('registered model', name)
  await authorizer.require(store, ctx.principal, { type: 'registered_model', id: name }, level)
  return model
}

/** A version of a model the caller holds `level` on. */
export async function findAuthorizedVersion(
  store: Store,
  authorizer: Authorizer,
  ctx: RequestContext,
  name: string,
  version: number,
  level: PermissionLevel,
): Promise<{ model: ModelRecord; version: ModelVersionRecord }> {
  const model = await findAuthorizedModel(store, authorizer, ctx, name, level)
  const found = await store.models.findVersion(model, version)
  if (!found) throw new NotFoundError(`model version ${name}/${version} not found`)
  return { model, version: found }
}
