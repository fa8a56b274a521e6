import { z } from 'zod'
import type { Services } from '../../services.js'
import type { App } from '../app-type.js'

export function registerHealthRoutes(app: App, { store }: Services): void {
  app.get(
    '/healthz',
    { config: { access: 'public' }, schema: { response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({
      status: 'ok' as const,
    }),
  )

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        response: {
          200: z.object({ status: z.literal('ready') }),
          503: z.object({ status: z.literal('unavailable') }),
        },
      },
    },
    async (request, reply) => {
      try {
        await store.ping()
        return { status: 'ready' as const }
      } catch (error) {
        request.log.warn({ err: error }, 'database did not answer the readiness check')
        return reply.code(503).send({ status: 'unavailable' as const })
      }
    },
  )
}
