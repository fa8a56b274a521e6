import {
  type DefaultPermission,
  NotFoundError,
  PermissionDeniedError,
  type PermissionLevel,
  type PermissionObjectType,
  UnauthenticatedError,
} from '@provena/contract'
import type { Store } from '../../storage/store.js'
import { isAdmin, type Principal } from './principal.js'

const RANK: Record<DefaultPermission, number> = { NONE: 0, READ: 1, EDIT: 2, MANAGE: 3 }

export type Authorizer = ReturnType<typeof createAuthorizer>

/**
 * The one place that decides who may do what to an object. Both APIs reach the domain services,
 * which call this, so the native and the MLflow-compatible API enforce the same rules.
 * Reading an object you may not read answers "not found" (its existence is not leaked); a write
 * you may not do on an object you can read answers "permission denied".
 */
export function createAuthorizer({ defaultPermission }: { defaultPermission: DefaultPermission }) {
  async function levelOf(store: Store, principal: Principal, objectType: PermissionObjectType, objectId: string) {
    if (isAdmin(principal)) return RANK.MANAGE
    if (principal.kind !== 'user') return RANK.NONE
    const granted = await store.permissions.levelOf(objectType, objectId, principal.userId)
    return Math.max(granted ? RANK[granted] : 0, RANK[defaultPermission])
  }

  return {
    defaultPermission,

    /** Throws unless the principal holds at least `needed` on the object. */
    async require(
      store: Store,
      principal: Principal,
      object: { type: PermissionObjectType; id: string },
      needed: PermissionLevel,
    ): Promise<void> {
      if (principal.kind === 'anonymous') throw new UnauthenticatedError()
      const level = await levelOf(store, principal, object.type, object.id)
      if (level < RANK.READ) throw new NotFoundError(object.type.replace('_', ' '), object.id)
      if (level < RANK[needed]) {
        throw new PermissionDeniedError(
          `${needed} permission on ${object.type.replace('_', ' ')} ${object.id} is required`,
        )
      }
    },

    /** For lists: undefined when the principal sees everything, else the user whose grants limit the list. */
    listRestriction(principal: Principal): { userId: string } | undefined {
      if (isAdmin(principal)) return undefined
      if (principal.kind !== 'user') throw new UnauthenticatedError()
      return RANK[defaultPermission] >= RANK.READ ? undefined : { userId: principal.userId }
    },

    /** Throws unless the principal is an admin. */
    requireAdmin(principal: Principal): void {
      if (principal.kind === 'anonymous') throw new UnauthenticatedError()
      if (!isAdmin(principal)) throw new PermissionDeniedError('only an admin may do this')
    },

    /** Throws for anonymous callers. */
    requireSignedIn(principal: Principal): void {
      if (principal.kind === 'anonymous') throw new UnauthenticatedError()
    },
  }
}
