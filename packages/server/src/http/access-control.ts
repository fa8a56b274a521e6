import { PermissionDeniedError, UnauthenticatedError } from '@provena/contract'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Authentication, Credentials } from '../domain/auth/authentication.js'
import { ANONYMOUS, isAdmin, LOCAL_ADMIN, type RequestContext } from '../domain/auth/principal.js'

/**
 * Every route declares who may call it, next to its definition:
 * - `public`: anyone (health checks, the OpenAPI document, signing in);
 * - `signed-in`: any authenticated principal; the domain then checks per-object permissions;
 * - `admin`: instance admins only.
 * A route without a policy cannot be registered (deny by default: MLflow's auth bypasses were
 * routes its auth layer did not know about).
 */
export type AccessPolicy = 'public' | 'signed-in' | 'admin'

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: AccessPolicy
  }
  interface FastifyRequest {
    ctx: RequestContext
  }
}

export const SESSION_COOKIE = 'provena_session'

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key !== name) continue
    try {
      return decodeURIComponent(value.join('='))
    } catch (error) {
      // A cookie that is not valid percent-encoding is a bad credential, not a server failure.
      throw new UnauthenticatedError('malformed session cookie', { cause: error })
    }
  }
  return undefined
}

/** The session secret from the request's cookie, if any; UnauthenticatedError when it cannot be read. */
export function sessionCookieOf(request: FastifyRequest): string | undefined {
  return cookieValue(request.headers.cookie, SESSION_COOKIE)
}

/** Bearer token, basic credentials (the mlflow client's MLFLOW_TRACKING_USERNAME/PASSWORD) or session cookie. */
function credentialsOf(request: FastifyRequest): Credentials {
  const authorization = request.headers.authorization ?? ''
  const [scheme, value = ''] = authorization.split(' ', 2)
  if (scheme?.toLowerCase() === 'bearer' && value) return { bearer: value.trim() }
  if (scheme?.toLowerCase() === 'basic' && value) {
    const decoded = Buffer.from(value.trim(), 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon > 0) return { basic: { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) } }
    throw new UnauthenticatedError('malformed basic credentials')
  }
  if (authorization !== '') throw new UnauthenticatedError('unsupported Authorization scheme; use Bearer or Basic')
  return { session: sessionCookieOf(request) }
}

export function registerAccessControl(
  app: FastifyInstance,
  { authentication, isAuthEnabled }: { authentication: Authentication; isAuthEnabled: boolean },
): void {
  app.addHook('onRoute', (route) => {
    if (route.config?.access === undefined) {
      throw new Error(`route ${String(route.method)} ${route.url} declares no access policy (config.access)`)
    }
  })
  // Fastify wants a non-object placeholder for per-request decorations; onRequest sets the real one.
  app.decorateRequest('ctx', null as unknown as RequestContext)
  app.addHook('onRequest', async (request) => {
    const base = { sourceIp: request.ip, requestId: request.id }
    const access = request.routeOptions.config.access ?? 'admin'
    if (!isAuthEnabled) {
      request.ctx = { principal: LOCAL_ADMIN, ...base }
      return
    }
    let principal = ANONYMOUS
    try {
      principal = await authentication.authenticate({ principal: ANONYMOUS, ...base }, credentialsOf(request))
    } catch (error) {
      // On a public route, credentials that fail only mean the caller is anonymous.
      if (access !== 'public') throw error
    }
    request.ctx = { principal, ...base }
    if (access === 'public') return
    if (principal.kind === 'anonymous') throw new UnauthenticatedError()
    if (access === 'admin' && !isAdmin(principal)) throw new PermissionDeniedError('only an admin may do this')
  })
}
