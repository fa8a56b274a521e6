import {
  type LineageAliasFilter,
  type LineageDirection,
  LineageGraph,
  type LineageNodeType,
  type LogModelInputBody,
  RunModelInput,
} from '@provena/contract'
import type { HttpClient } from './http-client.js'

/** What `lineage.graph` takes; only `ref` is required. */
export interface LineageGraphOptions {
  /** `runs:/<id>`, `models:/<name>/<version>`, `models:/<name>@<alias>`, `datasets:/<name>@<version>`, `datasets:/<name>`, `code:/<commit>`, `external:/<namespace>/<name>` */
  ref: string
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
   * The graph around a node.
   * @example await provena.lineage.graph({ ref: 'models:/churn@production', direction: 'upstream', types: ['dataset_version'] })
   */
  graph(options: LineageGraphOptions): Promise<LineageGraph>
  /** Records that a run used a model version (`models:/<name>/<version>` or `@<alias>`), e.g. for fine-tuning. */
  logModelInput(runId: string, body: LogModelInputBody): Promise<RunModelInput>
}

/** Binds the lineage calls of the REST API to one HTTP client. */
export function createLineageApi(http: HttpClient): LineageApi {
  return {
    graph: ({ ref, direction, depth, types, alias }) =>
      http.request({
        method: 'GET',
        path: '/api/v1/lineage',
        query: { ref, direction, depth, types: types?.join(','), alias },
        response: LineageGraph,
        isIdempotent: true,
      }),
    // Idempotent: the server keeps one edge per run, model version and context.
    logModelInput: (runId, body) =>
      http.request({
        method: 'POST',
        path: `/api/v1/runs/${encodeURIComponent(runId)}/model-inputs`,
        body,
        response: RunModelInput,
        isIdempotent: true,
      }),
  }
}
