import type { Services } from '../../services.js'
import type { App } from '../app-type.js'

/** MLflow artifact endpoints; paths are relative to the `/api/2.0` (or `/ajax-api/2.0`) prefix. */
export function registerMlflowArtifactRoutes(_app: App, _services: Services): void {}
