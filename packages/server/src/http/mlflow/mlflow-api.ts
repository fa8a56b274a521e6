import type { Services } from '../../services.js'
import type { App } from '../app-type.js'
import { registerMlflowArtifactRoutes } from './mlflow-artifact-routes.js'
import { renderMlflowError, renderMlflowNotFound } from './mlflow-errors.js'
import { registerMlflowRegistryRoutes } from './mlflow-registry-routes.js'
import { registerMlflowTrackingRoutes } from './mlflow-tracking-routes.js'

/**
 * MLflow's REST API 2.0 over Provena's own domain (one store, one audit trail, one permission
 * model). Served under `/api/2.0` and, for MLflow's UI and tools that call it, `/ajax-api/2.0`.
 * Errors under these prefixes use MLflow's body and statuses.
 */
export async function registerMlflowApi(app: App, services: Services): Promise<void> {
  for (const prefix of ['/api/2.0', '/ajax-api/2.0']) {
    await app.register(
      async (scope) => {
        const mlflow = scope as unknown as App
        mlflow.setErrorHandler((error, request, reply) => renderMlflowError(error, request, reply))
        // A catch-all route, not a not-found handler: the web UI's fallback route would answer first.
        mlflow.route({
          method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
          url: '/*',
          config: { access: 'public' },
          schema: { hide: true },
          handler: (request, reply) => renderMlflowNotFound(request, reply),
        })
        registerMlflowTrackingRoutes(mlflow, services)
        registerMlflowRegistryRoutes(mlflow, services)
        registerMlflowArtifactRoutes(mlflow, services)
      },
      { prefix },
    )
  }
}
