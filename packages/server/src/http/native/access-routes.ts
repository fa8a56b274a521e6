import {
  CreatedTokenResponse,
  CreateTokenBody,
  CreateUserBody,
  GrantPermissionBody,
  ListPermissionsResponse,
  ListTokensResponse,
  ListUsersResponse,
  LoginBody,
  Permission,
  PermissionParams,
  RevokePermissionParams,
  TokenParams,
  UpdateUserBody,
  UserParams,
  UserResponse,
  WhoAmIResponse,
} from '@provena/contract'
import { z } from 'zod'
import { isAdmin } from '../../domain/auth/principal.js'
import type { Services } from '../../services.js'
import { SESSION_COOKIE, sessionCookieOf } from '../access-control.js'
import type { App } from '../app-type.js'

const tags = ['access']
const noContent = { 204: z.null() }

function sessionCookie(value: string, maxAgeSeconds: number): string {
  // HttpOnly: page scripts cannot read it; SameSite=Strict: other sites cannot make the browser send it.
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}`
}

export function registerAccessRoutes(app: App, { accounts, permissions, isAuthEnabled }: Services): void {
  app.get(
    '/api/v1/auth/whoami',
    { config: { access: 'public' }, schema: { tags, response: { 200: WhoAmIResponse } } },
    async (req) => {
      const { principal } = req.ctx
      return {
        kind: principal.kind === 'system' ? 'local-admin' : principal.kind,
        username: principal.kind === 'user' ? principal.name : null,
        isAdmin: isAdmin(principal),
        isAuthEnabled,
      }
    },
  )

  app.post(
    '/api/v1/auth/login',
    { config: { access: 'public' }, schema: { tags, body: LoginBody, response: { 200: UserResponse } } },
    async (req, reply) => {
      const { session, user } = await accounts.login(req.ctx, req.body.username, req.body.password)
      reply.header('set-cookie', sessionCookie(session, 12 * 60 * 60))
      return { user }
    },
  )

  app.post(
    '/api/v1/auth/logout',
    { config: { access: 'signed-in' }, schema: { tags, response: noContent } },
    async (req, reply) => {
      const session = sessionCookieOf(req)
      if (session) await accounts.logout(req.ctx, session)
      return reply.header('set-cookie', sessionCookie('', 0)).code(204).send(null)
    },
  )

  app.post(
    '/api/v1/users',
    { config: { access: 'admin' }, schema: { tags, body: CreateUserBody, response: { 201: UserResponse } } },
    async (req, reply) => reply.code(201).send({ user: await accounts.createUser(req.ctx, req.body) }),
  )

  app.get(
    '/api/v1/users',
    { config: { access: 'admin' }, schema: { tags, response: { 200: ListUsersResponse } } },
    async (req) => ({
      users: await accounts.listUsers(req.ctx),
    }),
  )

  app.patch(
    '/api/v1/users/:username',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: UserParams, body: UpdateUserBody, response: { 200: UserResponse } },
    },
    async (req) => ({ user: await accounts.updateUser(req.ctx, req.params.username, req.body) }),
  )

  app.post(
    '/api/v1/tokens',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        body: CreateTokenBody.extend({ username: z.string().optional() }),
        response: { 201: CreatedTokenResponse },
      },
    },
    async (req, reply) => {
      const { username, ...input } = req.body
      return reply.code(201).send(await accounts.createToken(req.ctx, input, username))
    },
  )

  app.get(
    '/api/v1/tokens',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        querystring: z.object({ username: z.string().optional() }),
        response: { 200: ListTokensResponse },
      },
    },
    async (req) => ({ tokens: await accounts.listTokens(req.ctx, req.query.username) }),
  )

  app.delete(
    '/api/v1/tokens/:tokenId',
    { config: { access: 'signed-in' }, schema: { tags, params: TokenParams, response: noContent } },
    async (req, reply) => {
      await accounts.revokeToken(req.ctx, req.params.tokenId)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/v1/permissions/:objectType/:objectId',
    {
      config: { access: 'signed-in' },
      schema: { tags, params: PermissionParams, response: { 200: ListPermissionsResponse } },
    },
    async (req) => ({ permissions: await permissions.list(req.ctx, req.params.objectType, req.params.objectId) }),
  )

  app.put(
    '/api/v1/permissions/:objectType/:objectId',
    {
      config: { access: 'signed-in' },
      schema: {
        tags,
        params: PermissionParams,
        body: GrantPermissionBody,
        response: { 200: z.object({ permission: Permission }) },
      },
    },
    async (req) => ({
      permission: await permissions.grant(req.ctx, req.params.objectType, req.params.objectId, req.body),
    }),
  )

  app.delete(
    '/api/v1/permissions/:objectType/:objectId/:username',
    { config: { access: 'signed-in' }, schema: { tags, params: RevokePermissionParams, response: noContent } },
    async (req, reply) => {
      await permissions.revoke(req.ctx, req.params.objectType, req.params.objectId, req.params.username)
      return reply.code(204).send(null)
    },
  )
}
