import type { Permission, PermissionLevel, PermissionObjectType } from '@provena/contract'
import type { Kysely } from 'kysely'
import type { DB } from './schema.js'
import { executeTemplate } from './statement-templates.js'

export type PermissionsRepository = ReturnType<typeof createPermissionsRepository>

export function createPermissionsRepository(db: Kysely<DB>) {
  return {
    /** The level explicitly granted to a user on an object, if any. */
    async levelOf(
      objectType: PermissionObjectType,
      objectId: string,
      userId: string,
    ): Promise<PermissionLevel | undefined> {
      // Every request on an object by a user who is not an admin runs this: compiled once (see executeTemplate).
      const [row] = await executeTemplate(
        db,
        'permissionLevelOf',
        (value) =>
          db
            .selectFrom('permissions')
            .select('level')
            .where('objectType', '=', value(0))
            .where('objectId', '=', value(1))
            .where('userId', '=', value(2)),
        [objectType, objectId, Number(userId)],
      )
      return row?.level as PermissionLevel | undefined
    },

    async grant(
      objectType: PermissionObjectType,
      objectId: string,
      userId: string,
      level: PermissionLevel,
    ): Promise<void> {
      await db
        .insertInto('permissions')
        .values({ objectType, objectId, userId: Number(userId), level })
        .onConflict((oc) => oc.columns(['objectType', 'objectId', 'userId']).doUpdateSet({ level }))
        .execute()
    },

    async revoke(objectType: PermissionObjectType, objectId: string, userId: string): Promise<boolean> {
      const result = await db
        .deleteFrom('permissions')
        .where('objectType', '=', objectType)
        .where('objectId', '=', objectId)
        .where('userId', '=', Number(userId))
        .executeTakeFirst()
      return result.numDeletedRows > 0n
    },

    /** Moves every grant on an object to its new id (a renamed registered model). */
    async renameObject(objectType: PermissionObjectType, fromId: string, toId: string): Promise<void> {
      await db
        .updateTable('permissions')
        .set({ objectId: toId })
        .where('objectType', '=', objectType)
        .where('objectId', '=', fromId)
        .execute()
    },

    /** Drops every grant on an object (a deleted registered model). */
    async revokeAll(objectType: PermissionObjectType, objectId: string): Promise<void> {
      await db.deleteFrom('permissions').where('objectType', '=', objectType).where('objectId', '=', objectId).execute()
    },

    async listForObject(objectType: PermissionObjectType, objectId: string): Promise<Permission[]> {
      const rows = await db
        .selectFrom('permissions')
        .innerJoin('users', 'users.id', 'permissions.userId')
        .select(['permissions.objectType', 'permissions.objectId', 'users.username', 'permissions.level'])
        .where('permissions.objectType', '=', objectType)
        .where('permissions.objectId', '=', objectId)
        .orderBy('users.username')
        .execute()
      return rows.map((r) => ({
        objectType: r.objectType as PermissionObjectType,
        objectId: r.objectId,
        username: r.username,
        level: r.level as PermissionLevel,
      }))
    },
  }
}
