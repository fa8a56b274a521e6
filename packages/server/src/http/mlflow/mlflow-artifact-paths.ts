import { ExperimentId, InvalidInputError, RunId, toArtifactKey } from '@provena/contract'

/**
 * A place in MLflow's proxied artifact tree: `<experiment id>/<run id>/artifacts/<path>`. `runId`
 * is absent for an experiment's own folder; `path` is absent for `<experiment id>/<run id>` and ''
 * for the run's artifact root.
 */
export interface MlflowArtifactLocation {
  experimentId: string
  runId?: string
  path?: string
}

/**
 * Reads a proxy path. The whole path goes through Provena's one artifact-path normaliser first
 * (`toArtifactKey`: no `..`, `.`, empty segments, backslashes, `%`, `#`, `;`, `:` or control
 * characters), so the experiment and run segments are as safe as the file path after them.
 */
export function parseMlflowArtifactPath(raw: string): MlflowArtifactLocation {
  const trimmed = raw.endsWith('/') ? raw.slice(0, -1) : raw
  if (trimmed === '') throw new InvalidInputError('name an artifact path: <experiment id>/<run id>/artifacts/<path>')
  const [experimentId = '', runId, artifacts, ...rest] = toArtifactKey(trimmed).split('/')
  if (!ExperimentId.safeParse(experimentId).success) {
    throw new InvalidInputError(
      `'${experimentId}' is not an experiment id: paths are <experiment id>/<run id>/artifacts/<path>`,
    )
  }
  if (runId === undefined) return { experimentId }
  if (!RunId.safeParse(runId).success) throw new InvalidInputError(`'${runId}' is not a run id`)
  if (artifacts === undefined) return { experimentId, runId }
  if (artifacts !== 'artifacts') {
    throw new InvalidInputError(`a run's files are under <experiment id>/<run id>/artifacts/, not '${artifacts}'`)
  }
  return { experimentId, runId, path: rest.join('/') }
}

/** The path of a file: a location down to a file or directory below `artifacts/`. */
export function parseMlflowArtifactFile(raw: string): { experimentId: string; runId: string; path: string } {
  const location = parseMlflowArtifactPath(raw)
  if (location.runId === undefined || location.path === undefined || location.path === '') {
    throw new InvalidInputError(`'${raw}' names no file: use <experiment id>/<run id>/artifacts/<path>`)
  }
  return { experimentId: location.experimentId, runId: location.runId, path: location.path }
}

/** `mlflow-artifacts:/<path>` or `mlflow-artifacts://<host>/<path>` -> the location it names. */
export function parseMlflowArtifactsUri(uri: string): MlflowArtifactLocation {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(uri)
  if (!match) throw new InvalidInputError(`'${uri}' is not an mlflow-artifacts: URI`)
  return parseMlflowArtifactPath(match[1] as string)
}

/** A run's artifact location as MLflow names it: `mlflow-artifacts:/<experiment id>/<run id>/artifacts[/<path>]`. */
export function mlflowArtifactUri(location: { experimentId: string; runId: string; path: string }): string {
  return `mlflow-artifacts:/${location.experimentId}/${location.runId}/artifacts${location.path === '' ? '' : `/${location.path}`}`
}
