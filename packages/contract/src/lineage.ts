import { z } from 'zod'

/**
 * The lineage graph: typed nodes joined by typed edges that point the way data flows
 * (from what was used to what was made). "Upstream" of a node follows edges backwards,
 * "downstream" forwards.
 *
 * Edges:
 * - dataset_version --input--> run        (the run read the data; `context` says how: training, ...)
 * - run --output--> dataset_version       (the run wrote the data)
 * - run --output--> model_version         (the version was registered from the run)
 * - model_version --input--> run          (fine-tuning, distillation, evaluation)
 * - code_version --executed--> run        (the run executed that commit)
 * - external nodes join through `input` / `output` edges added by the API.
 */
export const LineageNodeType = z.enum(['dataset_version', 'run', 'model_version', 'code_version', 'external'])
export type LineageNodeType = z.infer<typeof LineageNodeType>

export const LineageEdgeType = z.enum(['input', 'output', 'executed'])
export type LineageEdgeType = z.infer<typeof LineageEdgeType>

export const LineageDirection = z.enum(['upstream', 'downstream', 'both'])
export type LineageDirection = z.infer<typeof LineageDirection>

export const MAX_LINEAGE_DEPTH = 50
export const DEFAULT_LINEAGE_DEPTH = 10

export const LineageNode = z.object({
  /** `<type>:<id>`, unique in a graph; edges name their ends by it. */
  key: z.string(),
  type: LineageNodeType,
  /** The stored id (run id, dataset/model version id, code version id, external node id). */
  id: z.string(),
  /** What a person reads: `churn@3`, `fraud-model v2`, the run name, `repo@abc1234`. */
  label: z.string(),
  /**
   * The reference the CLI accepts and the web UI links by: `runs:/<id>`, `models:/<name>/<version>`,
   * `datasets:/<name>@<version>`, `code:/<commit>`, `external:/<namespace>/<name>`.
   */
  ref: z.string(),
  /** Distance from the queried node in edges (0 for the root). */
  depth: z.number().int().min(0),
  /** Type-specific facts (status, digest, aliases, repository URL ...), all strings. */
  properties: z.record(z.string(), z.string()),
})
export type LineageNode = z.infer<typeof LineageNode>

export const LineageEdge = z.object({
  source: z.string(),
  target: z.string(),
  type: LineageEdgeType,
  /** For inputs, what the input was to the run (`training`, `evaluation`, ...); '' when none. */
  context: z.string(),
  createdAtMs: z.number().int(),
})
export type LineageEdge = z.infer<typeof LineageEdge>

export const LineageGraph = z.object({
  /** Key of the queried node (for `datasets:/<name>` without a version: every version is a root). */
  roots: z.array(z.string()),
  nodes: z.array(LineageNode),
  edges: z.array(LineageEdge),
  /** True when the depth limit stopped the walk while more nodes were reachable. */
  truncated: z.boolean(),
})
export type LineageGraph = z.infer<typeof LineageGraph>
