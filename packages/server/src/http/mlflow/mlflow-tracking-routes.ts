import type { Services } from '../../services.js'
import type { App } from '../app-type.js'

/** MLflow tracking endpoints; paths are relative to the `/api/2.0` (or `/ajax-api/2.0`) prefix. */
export function registerMlflowTrackingRoutes(_app: App, _services: Services): void {}
