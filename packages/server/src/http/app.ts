import { randomUUID } from 'node:crypto'
import fastifySwagger from '@fastify/swagger'
import Fastify from 'fastify'
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod'
import type { Services } from '../services.js'
import { registerAccessControl } from './access-control.js'
import type { App } from './app-type.js'
import { registerBrowserSafety } from './browser-safety.js'
import { renderError } from './errors.js'
import { registerJsonBodyParser } from './json-body.js'
import { registerMlflowApi } from './mlflow/mlflow-api.js'
import { registerAccessRoutes } from './native/access-routes.js'
import { registerArtifactsRoutes, registerRawBodyParser } from './native/artifacts-routes.js'
import { registerAuditRoutes } from './native/audit-routes.js'
import { registerDatasetsRoutes } from './native/datasets-routes.js'
import { registerExperimentsRoutes } from './native/experiments-routes.js'
import { registerHealthRoutes } from './native/health-routes.js'
import { registerLineageRoutes } from './native/lineage-routes.js'
import { registerMetricsRoutes } from './native/metrics-routes.js'
import { registerRegistryRoutes } from './native/registry-routes.js'
import { registerRunsRoutes } from './native/runs-routes.js'
import { registerWebUi } from './web-ui.js'

export interface AppOptions {
  logLevel?: string
  /** Host names to answer (DNS-rebinding guard); null answers any. */
  allowedHosts?: string[] | null
  /** Largest accepted request body; a larger one is answered 413. */
  bodyLimitBytes?: number
  /** The built web UI (packages/web/dist/app) to serve at `/`; null serves a page saying it is not built. */
  webDir?: string | null
}

const REQUEST_ID = /^[\w.-]{1,64}$/

export async function buildApp(
  services: Services,
  { logLevel = 'info', bodyLimitBytes = 8 * 1024 * 1024, allowedHosts = null, webDir = null }: AppOptions = {},
) {
  const app: App = Fastify({
    logger: { level: logLevel },
    bodyLimit: bodyLimitBytes,
    requestIdHeader: false,
    // A caller's own request id is kept (so logs can be joined across services) when it is sane.
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    forceCloseConnections: 'idle',
  }).withTypeProvider<ZodTypeProvider>()

  // Order matters: the Host check and the POST rule run before credentials are looked at.
  registerJsonBodyParser(app)
  registerRawBodyParser(app)
  registerBrowserSafety(app, { allowedHosts })
  registerAccessControl(app, { authentication: services.authentication, isAuthEnabled: services.isAuthEnabled })
  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)
  app.setErrorHandler((error, request, reply) => renderError(error, request, reply))
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route for ${request.method} ${request.url}` } }),
  )
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
  })

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Provena API', version: '1.0.0', description: 'Model tracking: experiments, runs, metrics.' },
    },
    transform: jsonSchemaTransform,
  })

  registerHealthRoutes(app, services)
  registerExperimentsRoutes(app, services)
  registerRunsRoutes(app, services)
  registerMetricsRoutes(app, services)
  registerAccessRoutes(app, services)
  registerAuditRoutes(app, services)
  registerArtifactsRoutes(app, services)
  registerDatasetsRoutes(app, services)
  registerRegistryRoutes(app, services)
  registerLineageRoutes(app, services)
  await registerMlflowApi(app, services)
  app.get('/api/v1/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger())
  registerWebUi(app, { webDir })

  await app.ready()
  return app
}
