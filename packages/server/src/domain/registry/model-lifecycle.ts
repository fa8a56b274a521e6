import { AlreadyExistsError, ConflictError, NotFoundError, type RegisteredModel } from '@provena/contract'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'
import type { Clock } from '../clock.js'
import { findAuthorizedModel, findAuthorizedVersion } from './model-access.js'

interface Deps {
  store: Store
  clock: Clock
  audit: AuditLog
  authorizer: Authorizer
}

export type ModelLifecycle = ReturnType<typeof createModelLifecycle>

/**
 * Renaming and deleting registered models, and removing single tags: what MLflow's registry API
 * offers beyond Provena's own registry routes, with the same permissions and audit trail.
 */
export function createModelLifecycle({ store, clock, audit, authorizer }: Deps) {
  return {
    /**
     * Gives a model a new name (MANAGE). Grants follow the model; names of the old form
     * (`models:/<old>/…`) stop resolving, as in MLflow.
     */
    async rename(ctx: RequestContext, name: string, newName: string): Promise<RegisteredModel> {
      return store.transaction(async (tx) => {
        const model = await findAuthorizedModel(tx, authorizer, ctx, name, 'MANAGE')
        if (newName === name) return model
        await tx.models.lockModel(model.id)
        if (!(await tx.models.renameModel(model.id, newName, clock.nowMs()))) {
          throw new AlreadyExistsError(`registered model '${newName}' already exists`)
        }
        await tx.permissions.renameObject('registered_model', name, newName)
        await audit.record(tx, ctx, {
          action: 'model.rename',
          objectType: 'registered_model',
          objectId: newName,
          before: { name },
          after: { name: newName },
        })
        const renamed = await tx.models.findModel(newName)
        if (!renamed) throw new NotFoundError('registered model', newName)
        return renamed
      })
    },

    /**
     * Deletes a model with its versions, aliases and their history (MANAGE). Refused while an
     * alias is protected: a governed alias is unprotected on purpose first. The versions' blobs
     * lose their pins; the audit trail keeps the model as it was.
     */
    async delete(ctx: RequestContext, name: string): Promise<void> {
      await store.transaction(async (tx) => {
        const model = await findAuthorizedModel(tx, authorizer, ctx, name, 'MANAGE')
        await tx.models.lockModel(model.id)
        if (model.protectedAliases.length > 0) {
          throw new ConflictError(
            `registered model ${name} has protected aliases (${model.protectedAliases.map((a) => `@${a}`).join(', ')}): unprotect them before deleting the model`,
          )
        }
        for (const versionId of await tx.models.versionIdsOf(model.id)) {
          await tx.artifacts.unpinOwner({ type: 'model_version', id: versionId })
          // Its versions leave the lineage graph (the audit trail keeps that they were there).
          await tx.lineage.deleteEdgesOf({ type: 'model_version', id: versionId })
        }
        await tx.models.deleteModel(model.id)
        await tx.permissions.revokeAll('registered_model', name)
        const { id: _id, ...before } = model
        await audit.record(tx, ctx, {
          action: 'model.delete',
          objectType: 'registered_model',
          objectId: name,
          before,
        })
      })
    },

    /** Removes one tag of a model (EDIT); a tag that is not there is "not found", as in MLflow. */
    async deleteModelTag(ctx: RequestContext, name: string, key: string): Promise<void> {
      await store.transaction(async (tx) => {
        const model = await findAuthorizedModel(tx, authorizer, ctx, name, 'EDIT')
        const value = model.tags[key]
        if (value === undefined) throw new NotFoundError(`no tag with key '${key}' on registered model ${name}`)
        await tx.models.setModelTags(model.id, { [key]: null })
        await tx.models.updateModel(model.id, {}, clock.nowMs())
        await audit.record(tx, ctx, {
          action: 'model.update',
          objectType: 'registered_model',
          objectId: name,
          before: { tags: { [key]: value } },
          after: { tags: {} },
        })
      })
    },

    /** Removes one tag of a version (EDIT); a tag that is not there is "not found", as in MLflow. */
    async deleteVersionTag(ctx: RequestContext, name: string, number: number, key: string): Promise<void> {
      await store.transaction(async (tx) => {
        const { version } = await findAuthorizedVersion(tx, authorizer, ctx, name, number, 'EDIT')
        const value = version.tags[key]
        if (value === undefined) {
          throw new NotFoundError(`no tag with key '${key}' on version ${number} of registered model ${name}`)
        }
        await tx.models.setVersionTags(version.id, { [key]: null })
        await tx.models.updateVersion(version.id, {}, clock.nowMs())
        await audit.record(tx, ctx, {
          action: 'model_version.update',
          objectType: 'registered_model',
          objectId: name,
          before: { version: number, tags: { [key]: value } },
          after: { version: number, tags: {} },
        })
      })
    },
  }
}
