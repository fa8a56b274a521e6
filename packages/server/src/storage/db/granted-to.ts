import type { PermissionObjectType } from '@provena/contract'
import type { Expression, Kysely } from 'kysely'
import type { DB } from './schema.js'

/**
 * For lists limited to what a user was granted: the user's explicit grant of `objectType` on
 * `objectId` (an expression over the listed table's row), to be used as `eb.exists(…)`.
 */
export function grantOf(
  db: Kysely<DB>,
  objectType: PermissionObjectType,
  userId: string,
  objectId: Expression<string>,
) {
  return db
    .selectFrom('permissions')
    .select('permissions.userId')
    .where('permissions.objectType', '=', objectType)
    .where('permissions.userId', '=', Number(userId))
    .where('permissions.objectId', '=', objectId)
}
