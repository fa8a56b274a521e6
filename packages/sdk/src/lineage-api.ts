import {
  type CreateExternalNodeBody,
  type ExternalNode,
  ExternalNodeResponse,
  type LineageAliasFilter,
  type LineageDirection,
  type LineageEdge,
  type LineageEdgeBody,
  LineageEdgeResponse,
  type LineageExportFormat,
  LineageGraph,
  type LineageNodeType,
  RunModelInput,
} from '@provena/contract'
import { type HttpClient, NO_CONTENT } from './http-client.js'

/** How far and which way a lineage query walks, and what it keeps. */
export interface LineageQueryOptions {
  /** `upstream` (default: where it came from), `downstream` (what was made from it) or `both`. */
  direction?: LineageDirection
  /** Edges to walk, 1..50 (default 10). */
  depth?: number
  /** Node types to keep besides the roots (default: all). */
  types?: LineageNodeType[]
  /** Keep only model versions behind an alias (`any`) or a protected alias (`protected`). */
  alias?: LineageAliasFilter
}

/** The lineage graph: queries both ways, exports, and the edges a client states itself. */
export interface LineageApi {
  /**
   * The graph around a node: `runs:/<id>`, `models:/<name>/<version>`, `models:/<name>@<alias>`,
   * `datasets:/<name>@<version>`, `datasets:/<name>`, `code:/<commit>` or `external:/<namespace>/<name>`.
   * @example await provena.lineage.get('datasets:/churn', { direction: 'downstream', types: ['model_version'] })
   */
  get(ref: string, options?: LineageQueryOptions): Promise<LineageGraph>
  /** The node's upstream graph as PROV-JSON, OpenLineage run events (JSON text) or Graphviz DOT. */
  export(ref: string, format: LineageExportFormat, options?: { depth?: number }): Promise<string>
  /** Records that a run used a model version (fine-tuning, distillation, evaluation); an alias is resolved now. */
  logModelInput(runId: string, model: string, options?: { context?: string }): Promise<RunModelInput>
  /** Adds a node for a system outside Provena (a feature pipeline, a warehouse table). */
  createExternalNode(body: CreateExternalNodeBody): Promise<ExternalNode>
  getExternalNode(namespace: string, name: string): Promise<ExternalNode>
  /** Removes an external node and its edges (its creator or an admin). */
  deleteExternalNode(namespace: string, name: string): Promise<void>
  /** Adds an `input` or `output` edge with an external node at one end at least. */
  addEdge(body: LineageEdgeBody): Promise<LineageEdge>
  deleteEdge(body: LineageEdgeBody): Promise<void>
}

export function createLineageApi(http: HttpClient): LineageApi {
  const externalQuery = (namespace: string, name: string) => ({ namespace, name })
  const edgeQuery = (body: LineageEdgeBody) => ({
    source: body.source,
    target: body.target,
    type: body.type,
    context: body.context,
  })
  return {
    get: (ref, options = {}) =>
      http.request({
        method: 'GET',
        path: '/api/v1/lineage',
        query: {
          ref,
          direction: options.direction,
          depth: options.depth,
          types: options.types?.join(','),
          alias: options.alias,
        },
        response: LineageGraph,
        isIdempotent: true,
      }),

    async export(ref, format, options = {}) {
      const response = await http.raw({
        method: 'GET',
        path: '/api/v1/lineage/export',
        query: { ref, format, depth: options.depth },
        isIdempotent: true,
      })
      return response.text()
    },

    logModelInput: (runId, model, options = {}) =>
      http.request({
        method: 'POST',
        path: `/api/v1/runs/${encodeURIComponent(runId)}/model-inputs`,
        body: { model, ...(options.context === undefined ? {} : { context: options.context }) },
        response: RunModelInput,
        isIdempotent: true,
      }),

    async createExternalNode(body) {
      return (
        await http.request({
          method: 'POST',
          path: '/api/v1/lineage/external-nodes',
          body,
          response: ExternalNodeResponse,
          isIdempotent: false,
        })
      ).node
    },

    async getExternalNode(namespace, name) {
      return (
        await http.request({
          method: 'GET',
          path: '/api/v1/lineage/external-nodes',
          query: externalQuery(namespace, name),
          response: ExternalNodeResponse,
          isIdempotent: true,
        })
      ).node
    },

    async deleteExternalNode(namespace, name) {
      await http.request({
        method: 'DELETE',
        path: '/api/v1/lineage/external-nodes',
        query: externalQuery(namespace, name),
        response: NO_CONTENT,
        isIdempotent: true,
      })
    },

    async addEdge(body) {
      return (
        await http.request({
          method: 'POST',
          path: '/api/v1/lineage/edges',
          body,
          response: LineageEdgeResponse,
          isIdempotent: true,
        })
      ).edge
    },

    async deleteEdge(body) {
      await http.request({
        method: 'DELETE',
        path: '/api/v1/lineage/edges',
        query: edgeQuery(body),
        response: NO_CONTENT,
        isIdempotent: true,
      })
    },
  }
}
