import { type GrantPermissionBody, NotFoundError, type Permission, type PermissionObjectType } from '@provena/contract'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Authorizer } from './authorizer.js'
import type { RequestContext } from './principal.js'

export type PermissionsService = ReturnType<typeof createPermissionsService>

export function createPermissionsService({
  store,
  audit,
  authorizer,
}: {
  store: Store
  audit: AuditLog
  authorizer: Authorizer
}) {
  async function mustExist(tx: Store, objectType: PermissionObjectType, objectId: string): Promise<void> {
    const exists =
      objectType === 'experiment'
        ? /^\d+$/.test(objectId) && (await tx.experiments.findById(objectId)) !== undefined
        : objectType === 'dataset'
          ? (await tx.datasets.findDataset(objectId)) !== undefined
          : (await tx.models.findModel(objectId)) !== undefined
    if (!exists) throw new NotFoundError(objectType.replace('_', ' '), objectId)
  }

  async function mustFindUserId(tx: Store, username: string): Promise<string> {
    const user = await tx.users.findByUsername(username)
    if (!user) throw new NotFoundError('user', username)
    return user.id
  }

  return {
    async list(ctx: RequestContext, objectType: PermissionObjectType, objectId: string): Promise<Permission[]> {
      await mustExist(store, objectType, objectId)
      await authorizer.require(store, ctx.principal, { type: objectType, id: objectId }, 'READ')
      return store.permissions.listForObject(objectType, objectId)
    },

    /** Grants (or changes) a user's level on an object; needs MANAGE on it. */
    async grant(
      ctx: RequestContext,
      objectType: PermissionObjectType,
      objectId: string,
      input: GrantPermissionBody,
    ): Promise<Permission> {
      return store.transaction(async (tx) => {
        await mustExist(tx, objectType, objectId)
        await authorizer.require(tx, ctx.principal, { type: objectType, id: objectId }, 'MANAGE')
        const userId = await mustFindUserId(tx, input.username)
        const before = (await tx.permissions.levelOf(objectType, objectId, userId)) ?? null
        await tx.permissions.grant(objectType, objectId, userId, input.level)
        const permission: Permission = { objectType, objectId, username: input.username, level: input.level }
        await audit.record(tx, ctx, {
          action: 'permission.grant',
          objectType,
          objectId,
          before: before && { ...permission, level: before },
          after: permission,
        })
        return permission
      })
    },

    async revoke(
      ctx: RequestContext,
      objectType: PermissionObjectType,
      objectId: string,
      username: string,
    ): Promise<void> {
      await store.transaction(async (tx) => {
        await mustExist(tx, objectType, objectId)
        await authorizer.require(tx, ctx.principal, { type: objectType, id: objectId }, 'MANAGE')
        const userId = await mustFindUserId(tx, username)
        const before = await tx.permissions.levelOf(objectType, objectId, userId)
        if (!before || !(await tx.permissions.revoke(objectType, objectId, userId))) {
          throw new NotFoundError(
            `${username} has no explicit permission on ${objectType.replace('_', ' ')} ${objectId}`,
          )
        }
        await audit.record(tx, ctx, {
          action: 'permission.revoke',
          objectType,
          objectId,
          before: { objectType, objectId, username, level: before },
        })
      })
    },
  }
}
