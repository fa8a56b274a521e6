import { ListPermissionsResponse, Permission, type PermissionLevel, type PermissionObjectType } from '@provena/contract'
import { type HttpClient, NO_CONTENT } from './http-client.js'
import { memberSchema } from './member-schema.js'

const PermissionResponse = memberSchema('permission', Permission)

/**
 * Per-object permissions: READ, EDIT or MANAGE (each includes the ones before it). Users without a
 * grant get the server's default permission; admins may do anything.
 */
export interface PermissionsApi {
  /** The explicit grants on an object; needs READ on it. */
  list(objectType: PermissionObjectType, objectId: string): Promise<Permission[]>
  /** Grants a user a level on an object, replacing their previous one; needs MANAGE on it. */
  grant(
    objectType: PermissionObjectType,
    objectId: string,
    username: string,
    level: PermissionLevel,
  ): Promise<Permission>
  /** Removes a user's grant (NotFoundError when there is none); needs MANAGE on it. */
  revoke(objectType: PermissionObjectType, objectId: string, username: string): Promise<void>
}

/** Binds the permission calls of the REST API to one HTTP client. */
export function createPermissionsApi(http: HttpClient): PermissionsApi {
  const path = (objectType: string, objectId: string) =>
    `/api/v1/permissions/${encodeURIComponent(objectType)}/${encodeURIComponent(objectId)}`
  return {
    list: async (objectType, objectId) =>
      (
        await http.request({
          method: 'GET',
          path: path(objectType, objectId),
          response: ListPermissionsResponse,
          isIdempotent: true,
        })
      ).permissions,
    grant: (objectType, objectId, username, level) =>
      http.request({
        method: 'PUT',
        path: path(objectType, objectId),
        body: { username, level },
        response: PermissionResponse,
        isIdempotent: true,
      }),
    // Not idempotent: a second revoke answers NOT_FOUND, which a retry would report wrongly.
    revoke: (objectType, objectId, username) =>
      http.request({
        method: 'DELETE',
        path: `${path(objectType, objectId)}/${encodeURIComponent(username)}`,
        response: NO_CONTENT,
        isIdempotent: false,
      }),
  }
}
