import {
  AlreadyExistsError,
  type ApiToken,
  type CreateTokenBody,
  type CreateUserBody,
  NotFoundError,
  PermissionDeniedError,
  type UpdateUserBody,
  type User,
} from '@provena/contract'
import type { UserRecord } from '../../storage/db/users-repository.js'
import type { Store } from '../../storage/store.js'
import type { AuditLog } from '../audit/audit-log.js'
import type { Clock } from '../clock.js'
import type { Authentication } from './authentication.js'
import type { Authorizer } from './authorizer.js'
import { isAdmin, type RequestContext } from './principal.js'
import { generatePassword, generateToken, hashPassword, hashToken } from './secrets.js'

const DAY_MS = 24 * 60 * 60 * 1000
const SESSION_LIFETIME_MS = 12 * 60 * 60 * 1000

export type AccountsService = ReturnType<typeof createAccountsService>

function publicUser({ passwordHash: _hidden, ...user }: UserRecord): User {
  return user
}

export function createAccountsService(deps: {
  store: Store
  clock: Clock
  audit: AuditLog
  authorizer: Authorizer
  authentication: Authentication
}) {
  const { store, clock, audit, authorizer, authentication } = deps

  async function mustFindUser(tx: Store, username: string): Promise<UserRecord> {
    const user = await tx.users.findByUsername(username)
    if (!user) throw new NotFoundError('user', username)
    return user
  }

  /** The user a token request is about: yourself, or anyone when you are an admin. */
  async function tokenSubject(tx: Store, ctx: RequestContext, username: string | undefined): Promise<UserRecord> {
    authorizer.requireSignedIn(ctx.principal)
    const self = ctx.principal.kind === 'user' ? ctx.principal.name : undefined
    const target = username ?? self
    if (target === undefined) throw new PermissionDeniedError('the local admin has no tokens; create a user first')
    if (target !== self) authorizer.requireAdmin(ctx.principal)
    return mustFindUser(tx, target)
  }

  return {
    /** Creates the first admin when there are no users; returns the password if it was generated. */
    async bootstrapAdmin(
      ctx: RequestContext,
      password: string | undefined,
    ): Promise<{ username: string; password: string | null } | null> {
      try {
        return await store.transaction(async (tx) => {
          if ((await tx.users.count()) > 0) return null
          const initial = password ?? generatePassword()
          const user = await tx.users.insert({
            username: 'admin',
            passwordHash: await hashPassword(initial),
            isAdmin: true,
            nowMs: clock.nowMs(),
          })
          await audit.record(tx, ctx, {
            action: 'user.create',
            objectType: 'user',
            objectId: user.username,
            after: publicUser(user),
          })
          return { username: user.username, password: password === undefined ? initial : null }
        })
      } catch (error) {
        // Replicas started together on a new database race to create the first admin; one wins.
        if (error instanceof AlreadyExistsError) return null
        throw error
      }
    },

    async createUser(ctx: RequestContext, input: CreateUserBody): Promise<User> {
      authorizer.requireAdmin(ctx.principal)
      const passwordHash = await hashPassword(input.password)
      return store.transaction(async (tx) => {
        const user = await tx.users.insert({
          username: input.username,
          passwordHash,
          isAdmin: input.isAdmin ?? false,
          nowMs: clock.nowMs(),
        })
        await audit.record(tx, ctx, {
          action: 'user.create',
          objectType: 'user',
          objectId: user.username,
          after: publicUser(user),
        })
        return publicUser(user)
      })
    },

    async listUsers(ctx: RequestContext): Promise<User[]> {
      authorizer.requireAdmin(ctx.principal)
      return (await store.users.list()).map(publicUser)
    },

    async updateUser(ctx: RequestContext, username: string, patch: UpdateUserBody): Promise<User> {
      const isSelfPasswordChange =
        ctx.principal.kind === 'user' && ctx.principal.name === username && Object.keys(patch).join() === 'password'
      if (!isSelfPasswordChange) authorizer.requireAdmin(ctx.principal)
      const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password)
      return store.transaction(async (tx) => {
        const before = await mustFindUser(tx, username)
        await tx.users.update(before.id, { isDisabled: patch.isDisabled, isAdmin: patch.isAdmin, passwordHash })
        const after = await mustFindUser(tx, username)
        const details = passwordHash === undefined ? null : { passwordChanged: true }
        await audit.record(tx, ctx, {
          action: 'user.update',
          objectType: 'user',
          objectId: username,
          before: publicUser(before),
          after: publicUser(after),
          details,
        })
        return publicUser(after)
      })
    },

    async createToken(
      ctx: RequestContext,
      input: CreateTokenBody,
      username?: string,
    ): Promise<{ token: string; apiToken: ApiToken }> {
      return store.transaction(async (tx) => {
        const user = await tokenSubject(tx, ctx, username)
        const token = generateToken()
        const nowMs = clock.nowMs()
        const expiresAtMs = input.expiresInDays === undefined ? null : nowMs + input.expiresInDays * DAY_MS
        const id = await tx.tokens.insert({
          userId: user.id,
          name: input.name,
          kind: 'api',
          tokenHash: hashToken(token),
          nowMs,
          expiresAtMs,
        })
        const apiToken: ApiToken = {
          id,
          name: input.name,
          username: user.username,
          createdAtMs: nowMs,
          expiresAtMs,
          revokedAtMs: null,
        }
        await audit.record(tx, ctx, { action: 'token.create', objectType: 'token', objectId: id, after: apiToken })
        return { token, apiToken }
      })
    },

    async listTokens(ctx: RequestContext, username?: string): Promise<ApiToken[]> {
      authorizer.requireSignedIn(ctx.principal)
      if (username === undefined && isAdmin(ctx.principal)) return store.tokens.listApiTokens(undefined)
      const user = await tokenSubject(store, ctx, username)
      return store.tokens.listApiTokens(user.id)
    },

    async revokeToken(ctx: RequestContext, tokenId: string): Promise<void> {
      authorizer.requireSignedIn(ctx.principal)
      await store.transaction(async (tx) => {
        const token = await tx.tokens.findById(tokenId)
        const isOwn = token !== undefined && ctx.principal.kind === 'user' && token.userId === ctx.principal.userId
        if (token?.kind !== 'api' || (!isOwn && !isAdmin(ctx.principal))) throw new NotFoundError('token', tokenId)
        if (token.revokedAtMs !== null) return
        await tx.tokens.revoke(tokenId, clock.nowMs())
        await audit.record(tx, ctx, {
          action: 'token.revoke',
          objectType: 'token',
          objectId: tokenId,
          before: { name: token.name },
        })
      })
    },

    /** Signs in with a password and opens a browser session; returns the session secret. */
    async login(ctx: RequestContext, username: string, password: string): Promise<{ session: string; user: User }> {
      const user = await authentication.verifyLogin(ctx, username, password)
      const session = generateToken()
      const nowMs = clock.nowMs()
      await store.transaction(async (tx) => {
        await tx.tokens.insert({
          userId: user.id,
          name: 'session',
          kind: 'session',
          tokenHash: hashToken(session),
          nowMs,
          expiresAtMs: nowMs + SESSION_LIFETIME_MS,
        })
        await audit.record(
          tx,
          {
            ...ctx,
            principal: { kind: 'user', userId: user.id, name: user.username, isAdmin: user.isAdmin, tokenName: null },
          },
          {
            action: 'auth.login',
            objectType: 'user',
            objectId: user.username,
          },
        )
      })
      return { session, user: publicUser(user) }
    },

    async logout(ctx: RequestContext, session: string): Promise<void> {
      await store.transaction(async (tx) => {
        await tx.tokens.revokeByHash(hashToken(session), clock.nowMs())
        await audit.record(tx, ctx, {
          action: 'auth.logout',
          objectType: 'user',
          objectId: ctx.principal.kind === 'user' ? ctx.principal.name : null,
        })
      })
    },
  }
}
