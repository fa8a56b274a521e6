/** Who is acting. */
export type Principal =
  /** The server runs without access control (loopback only): everything is done as the local admin. */
  | { kind: 'local-admin'; name: 'local-admin' }
  /** A user, signed in with a password, a session cookie or one of their API tokens. */
  | { kind: 'user'; userId: string; name: string; isAdmin: boolean; tokenName: string | null }
  /** No credentials were presented. */
  | { kind: 'anonymous' }
  /** The server itself, e.g. signing a periodic audit checkpoint. */
  | { kind: 'system' }

export const LOCAL_ADMIN: Principal = { kind: 'local-admin', name: 'local-admin' }
export const ANONYMOUS: Principal = { kind: 'anonymous' }
const SYSTEM: Principal = { kind: 'system' }

/** The principal plus where the request came from, which every audit event records. */
export interface RequestContext {
  principal: Principal
  sourceIp: string | null
  requestId: string | null
}

/** A context for work the server does on its own, outside any request. */
export const SYSTEM_CONTEXT: RequestContext = { principal: SYSTEM, sourceIp: null, requestId: null }

/** Whether the principal may do anything (the local admin without auth, an admin user, the server). */
export function isAdmin(principal: Principal): boolean {
  return (
    principal.kind === 'local-admin' || principal.kind === 'system' || (principal.kind === 'user' && principal.isAdmin)
  )
}

/** How an actor is named in the audit trail: `alice`, `alice/token:ci`, `local-admin`, `anonymous`, `system`. */
export function actorName(principal: Principal): { actor: string; actorKind: string } {
  switch (principal.kind) {
    case 'user':
      return principal.tokenName === null
        ? { actor: principal.name, actorKind: 'user' }
        : { actor: `${principal.name}/token:${principal.tokenName}`, actorKind: 'token' }
    case 'local-admin':
      return { actor: 'local-admin', actorKind: 'local-admin' }
    case 'anonymous':
      return { actor: 'anonymous', actorKind: 'anonymous' }
    case 'system':
      return { actor: 'system', actorKind: 'system' }
  }
}
