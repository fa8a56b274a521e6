import type { FastifyInstance } from 'fastify'
import { LOCAL_ADMIN, type Principal } from '../domain/principal.js'

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal
  }
}

/**
 * Attaches the acting principal to every request. Without access control everything runs as
 * the local admin (the server refuses non-loopback binds until auth exists).
 */
export function registerPrincipalHook(app: FastifyInstance): void {
  // Fastify forbids object defaults on decorators (they would be shared), so it is set per request.
  app.decorateRequest('principal', { getter: () => LOCAL_ADMIN })
}
