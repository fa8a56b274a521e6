import type * as FastifyModule from 'fastify'
import type { AccessPolicy } from '../http/access-control.js'

/** A route as Fastify registered it: one method, the full url pattern, and its declared access policy. */
export interface RecordedRoute {
  method: string
  url: string
  access: AccessPolicy | undefined
}

/**
 * The fastify module with its factory wrapped, so that every instance built through it records each
 * route in `routes`, as its own `onRoute` hook sees it. Use it as `vi.mock('fastify', ...)`:
 * `buildApp` runs unchanged and nothing is replaced, only watched. Fastify keeps no public list of
 * its routes, and `printRoutes()` prints a compressed tree whose layout is not an API; the onRoute
 * hook is the one documented place that sees every route, however and wherever it is added.
 */
export function recordingFastify(original: typeof FastifyModule, routes: RecordedRoute[]): typeof FastifyModule {
  const build = original.default as unknown as (options?: unknown) => FastifyModule.FastifyInstance
  const recording = (options?: unknown) => {
    const app = build(options)
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url, access: route.config?.access })
    })
    return app
  }
  return { ...original, default: recording, fastify: recording } as unknown as typeof FastifyModule
}
