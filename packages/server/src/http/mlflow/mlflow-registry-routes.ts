import type { Services } from '../../services.js'
import type { App } from '../app-type.js'

/** MLflow registry endpoints; paths are relative to the `/api/2.0` (or `/ajax-api/2.0`) prefix. */
export function registerMlflowRegistryRoutes(_app: App, _services: Services): void {}
