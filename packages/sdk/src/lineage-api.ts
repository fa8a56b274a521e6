import {
  type LineageAliasFilter,
  type LineageDirection,
  LineageGraph,
  type LineageNodeType,
  RunModelInput,
} from '@provena/contract'
import type { HttpClient } from './http-client.js'

/** How far and which way a lineage query walks, and what it keeps. */
export interface LineageQueryOptions {
  /** Default `upstream`. */
  direction?: LineageDirection
  /** Edges from the ref, 1 to 50; default 10. */
  depth?: number
  /** Node types to keep (the roots are always kept); default every type. */
  types?: LineageNodeType[]
  alias?: LineageAliasFilter
}

/** The lineage graph: query it around any node, and record the model versions a run used. */
export interface LineageApi {
  /**
   * The graph around a node: `runs:/<id>`, `models:/<name>/<version>`, `models:/<name>@<alias>`,
   * `datasets:/<name>@<version>`, `datasets:/<name>`, `code:/<commit>` or `external:/<namespace>/<name>`.
   * @example await provena.lineage.get('models:/churn@production', { types: ['dataset_version'] })
   */
  get(ref: string, options?: LineageQueryOptions): Promise<LineageGraph>
  /** Records that a run used a model version (`models:/<name>/<version>` or `@<alias>`), e.g. for fine-tuning. */
  logModelInput(runId: string, model: string, options?: { context?: string }): Promise<RunModelInput>
}

/** Binds the lineage calls of the REST API to one HTTP client. */
export function createLineageApi(http: HttpClient): LineageApi {
  return {
    get: (ref, { direction, depth, types, alias } = {}) =>
      http.request({
        method: 'GET',
        path: '/api/v1/lineage',
        query: { ref, direction, depth, types: types?.join(','), alias },
        response: LineageGraph,
        isIdempotent: true,
      }),
    // Idempotent: the server keeps one edge per run, model version and context.
    logModelInput: (runId, model, options = {}) =>
      http.request({
        method: 'POST',
        path: `/api/v1/runs/${encodeURIComponent(runId)}/model-inputs`,
        body: { model, ...(options.context === undefined ? {} : { context: options.context }) },
        response: RunModelInput,
        isIdempotent: true,
      }),
  }
}
