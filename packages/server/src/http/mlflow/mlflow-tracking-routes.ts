import type { Services } from '../../services.js'
import type { App } from '../app-type.js'
import { registerMlflowExperimentRoutes } from './mlflow-tracking-experiments.js'
import { registerMlflowLoggingRoutes } from './mlflow-tracking-logging.js'
import { registerMlflowRunRoutes } from './mlflow-tracking-runs.js'

/**
 * MLflow tracking endpoints (experiments, runs, metrics, artifact listing) over Provena's
 * services; paths are relative to the `/api/2.0` (or `/ajax-api/2.0`) prefix. docs/mlflow.md
 * lists them and how each maps onto Provena.
 */
export function registerMlflowTrackingRoutes(app: App, services: Services): void {
  registerMlflowExperimentRoutes(app, services)
  registerMlflowRunRoutes(app, services)
  registerMlflowLoggingRoutes(app, services)
}
