import { createHash } from 'node:crypto'
import { RateLimitedError, UnauthenticatedError } from '@provena/contract'
import type { TokenOwner } from '../../storage/db/tokens-repository.js'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Clock } from '../clock.js'
import type { Principal, RequestContext } from './principal.js'
import { hashToken, looksLikeToken, verifyPassword } from './secrets.js'

/** What a request presented: a bearer token, basic credentials, or a session cookie. */
export interface Credentials {
  bearer?: string | undefined
  basic?: { username: string; password: string } | undefined
  session?: string | undefined
}

/** Failed sign-ins within the window, for one user name from one address, or from one address for any names. */
export const MAX_FAILED_LOGINS = 10
/**
 * Failed sign-ins for one user name from all addresses together. Higher than the per-address
 * limit, so that nobody locks a user (say `admin`) out from one address: it takes this many
 * failures from at least MAX_FAILED_LOGINS_FOR_NAME / MAX_FAILED_LOGINS addresses, while a password guesser
 * spread over many addresses is still stopped.
 */
export const MAX_FAILED_LOGINS_FOR_NAME = 100
const FAILED_LOGIN_WINDOW_MS = 15 * 60 * 1000
// Checking a password costs a deliberately slow scrypt; a client sending basic auth on every
// request (as the mlflow client does) would pay it each time. A verified (stored hash, password
// digest) pair is remembered; a changed password changes the stored hash, so nothing stale is kept.
const VERIFIED_CACHE_SIZE = 1000

export type Authentication = ReturnType<typeof createAuthentication>

function principalOf(owner: TokenOwner, isSession: boolean): Principal {
  return {
    kind: 'user',
    userId: owner.userId,
    name: owner.username,
    isAdmin: owner.isAdmin,
    tokenName: isSession ? null : owner.tokenName,
  }
}

export function createAuthentication({ store, clock, audit }: { store: Store; clock: Clock; audit: AuditLog }) {
  const verified = new Map<string, true>()

  async function checkPassword(passwordHash: string, password: string): Promise<boolean> {
    const cacheKey = `${passwordHash}\u0000${createHash('sha256').update(password).digest('hex')}`
    if (verified.has(cacheKey)) return true
    if (!(await verifyPassword(password, passwordHash))) return false
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value ?? '')
    verified.set(cacheKey, true)
    return true
  }

  async function byToken(token: string, kind: 'api' | 'session'): Promise<Principal | undefined> {
    const owner = await store.tokens.findOwnerByHash(hashToken(token))
    const nowMs = clock.nowMs()
    if (!owner || owner.kind !== kind || owner.isDisabled || owner.revokedAtMs !== null) return undefined
    if (owner.expiresAtMs !== null && owner.expiresAtMs <= nowMs) return undefined
    return principalOf(owner, kind === 'session')
  }

  /** Throws 429 when a user name or an address has failed to sign in too often lately. */
  async function checkRateLimit(username: string, sourceIp: string | null): Promise<void> {
    const since = clock.nowMs() - FAILED_LOGIN_WINDOW_MS
    const failed = await store.audit.countFailedLogins(since, username, sourceIp)
    if (
      failed.forNameFromAddress >= MAX_FAILED_LOGINS ||
      failed.fromAddress >= MAX_FAILED_LOGINS ||
      failed.forName >= MAX_FAILED_LOGINS_FOR_NAME
    ) {
      throw new RateLimitedError('too many failed sign-ins; try again later')
    }
  }

  async function failLogin(ctx: RequestContext, username: string, reason: string): Promise<never> {
    await store.transaction((tx) =>
      audit.record(tx, ctx, {
        action: 'auth.login_failed',
        objectType: 'user',
        objectId: username,
        details: { reason },
      }),
    )
    throw new UnauthenticatedError('invalid credentials')
  }

  /** Checks a user name and password; audits and rate-limits failures. */
  async function verifyLogin(ctx: RequestContext, username: string, password: string) {
    await checkRateLimit(username, ctx.sourceIp)
    const user = await store.users.findByUsername(username)
    if (!user || user.passwordHash === null) return failLogin(ctx, username, 'unknown user')
    if (!(await checkPassword(user.passwordHash, password))) return failLogin(ctx, username, 'wrong password')
    if (user.isDisabled) return failLogin(ctx, username, 'user is disabled')
    return user
  }

  return {
    verifyLogin,

    /**
     * The principal behind a request's credentials. No credentials: anonymous. Credentials that
     * do not check out: UnauthenticatedError (never a silent fall back to anonymous).
     */
    async authenticate(ctx: RequestContext, credentials: Credentials): Promise<Principal> {
      if (credentials.bearer !== undefined) {
        const principal = await byToken(credentials.bearer, 'api')
        if (!principal) throw new UnauthenticatedError('invalid, expired or revoked token')
        return principal
      }
      if (credentials.basic !== undefined) {
        const { username, password } = credentials.basic
        // The mlflow client sends a token as the basic-auth password when given one.
        if (looksLikeToken(password)) {
          const principal = await byToken(password, 'api')
          if (principal?.kind !== 'user' || principal.name !== username) {
            throw new UnauthenticatedError('invalid, expired or revoked token')
          }
          return principal
        }
        const user = await verifyLogin(ctx, username, password)
        return { kind: 'user', userId: user.id, name: user.username, isAdmin: user.isAdmin, tokenName: null }
      }
      if (credentials.session !== undefined) {
        const principal = await byToken(credentials.session, 'session')
        if (!principal) throw new UnauthenticatedError('session expired; sign in again')
        return principal
      }
      return { kind: 'anonymous' }
    },
  }
}
