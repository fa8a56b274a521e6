import { z } from 'zod'
import { Key, RunId } from './common.js'
import { DatasetName } from './datasets.js'
import {
  DEFAULT_LINEAGE_DEPTH,
  LineageDirection,
  LineageEdge,
  LineageEdgeType,
  LineageNodeType,
  MAX_LINEAGE_DEPTH,
} from './lineage.js'
import { parseModelUri } from './registry.js'

/** A lineage reference, parsed: what `GET /api/v1/lineage?ref=` and `provena lineage <ref>` accept. */
export type LineageRef =
  | { kind: 'run'; runId: string }
  | { kind: 'model_version'; name: string; version: number | 'latest' }
  | { kind: 'model_alias'; name: string; alias: string }
  | { kind: 'dataset_version'; name: string; version: number }
  | { kind: 'dataset'; name: string }
  | { kind: 'code_version'; commit: string }
  | { kind: 'external'; namespace: string; name: string }

/** Git commits: a full SHA-1 (40 hex) or SHA-256 (64 hex) object name, lowercase. */
export const GitCommit = z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, 'must be a full lowercase hex commit hash')

/** External namespaces (`airflow`, `feast.prod`, `s3:bucket`): no `/`, so a ref splits at the first one. */
export const ExternalNamespace = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, 'may contain letters, digits and _ . : - (starting with a letter or digit)')
/** External names: any printable text without control characters (`db.schema.table`, `jobs/daily`). */
export const ExternalName = z
  .string()
  .min(1)
  .max(500)
  .regex(/^[^\p{Cc}]+$/u, 'may not contain control characters')

const REF_SHAPES =
  'runs:/<id>, models:/<name>/<version>, models:/<name>@<alias>, datasets:/<name>@<version>, datasets:/<name>, code:/<commit> or external:/<namespace>/<name>'

/** Parses a lineage ref; undefined when the text is none of the shapes (see REF_SHAPES). */
export function parseLineageRef(text: string): LineageRef | undefined {
  if (text.startsWith('runs:/')) {
    const id = RunId.safeParse(text.slice('runs:/'.length))
    return id.success ? { kind: 'run', runId: id.data } : undefined
  }
  if (text.startsWith('models:/')) {
    const parsed = parseModelUri(text)
    if (!parsed) return undefined
    return 'alias' in parsed
      ? { kind: 'model_alias', name: parsed.name, alias: parsed.alias }
      : { kind: 'model_version', name: parsed.name, version: parsed.version }
  }
  if (text.startsWith('datasets:/')) {
    const rest = text.slice('datasets:/'.length)
    const at = rest.lastIndexOf('@')
    const name = DatasetName.safeParse(at < 0 ? rest : rest.slice(0, at))
    if (!name.success) return undefined
    if (at < 0) return { kind: 'dataset', name: name.data }
    const version = rest.slice(at + 1)
    return /^[1-9]\d{0,9}$/.test(version) && Number(version) <= 2_147_483_647
      ? { kind: 'dataset_version', name: name.data, version: Number(version) }
      : undefined
  }
  if (text.startsWith('code:/')) {
    const commit = GitCommit.safeParse(text.slice('code:/'.length))
    return commit.success ? { kind: 'code_version', commit: commit.data } : undefined
  }
  if (text.startsWith('external:/')) {
    const rest = text.slice('external:/'.length)
    const slash = rest.indexOf('/')
    if (slash < 0) return undefined
    const namespace = ExternalNamespace.safeParse(rest.slice(0, slash))
    const name = ExternalName.safeParse(rest.slice(slash + 1))
    return namespace.success && name.success
      ? { kind: 'external', namespace: namespace.data, name: name.data }
      : undefined
  }
  return undefined
}

/** A string that parses as a lineage ref (the error names every accepted shape). */
export const LineageRefText = z
  .string()
  .min(1)
  .max(800)
  .refine((text) => parseLineageRef(text) !== undefined, { message: `must be one of ${REF_SHAPES}` })

/** `a,b,c` of node types; empty or absent keeps every type. */
const NodeTypeList = z
  .string()
  .max(200)
  .transform((text, ctx) => {
    const types: LineageNodeType[] = []
    for (const part of text.split(',').map((p) => p.trim())) {
      if (part === '') continue
      const parsed = LineageNodeType.safeParse(part)
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: `'${part}' is not one of ${LineageNodeType.options.join(', ')}` })
        return z.NEVER
      }
      if (!types.includes(parsed.data)) types.push(parsed.data)
    }
    return types
  })

/**
 * Keeps only model versions that an alias (`any`) or a protected alias (`protected`) points to;
 * other node types are not affected (combine with `types=model_version`).
 */
export const LineageAliasFilter = z.enum(['any', 'protected'])
export type LineageAliasFilter = z.infer<typeof LineageAliasFilter>

export const LineageQuery = z.object({
  ref: LineageRefText,
  direction: LineageDirection.default('upstream'),
  depth: z.coerce.number().int().min(1).max(MAX_LINEAGE_DEPTH).default(DEFAULT_LINEAGE_DEPTH),
  types: NodeTypeList.optional(),
  alias: LineageAliasFilter.optional(),
})
export type LineageQuery = z.input<typeof LineageQuery>
export type LineageQueryParsed = z.output<typeof LineageQuery>

export const LineageExportFormat = z.enum(['prov', 'openlineage', 'dot'])
export type LineageExportFormat = z.infer<typeof LineageExportFormat>

/** Exports describe a node's upstream graph (where it came from). */
export const LineageExportQuery = z.object({
  ref: LineageRefText,
  format: LineageExportFormat,
  depth: z.coerce.number().int().min(1).max(MAX_LINEAGE_DEPTH).default(DEFAULT_LINEAGE_DEPTH),
})
export type LineageExportQuery = z.input<typeof LineageExportQuery>

/** A node for a system that is not Provena (a feature pipeline, a warehouse table, a labelling job). */
export const ExternalNode = z.object({
  id: z.string(),
  namespace: ExternalNamespace,
  name: ExternalName,
  description: z.string().nullable(),
  /** Free-form facts shown with the node (`url`, `owner` ...). */
  properties: z.record(z.string(), z.string()),
  ref: z.string(),
  createdAtMs: z.number().int(),
  createdBy: z.string().nullable(),
})
export type ExternalNode = z.infer<typeof ExternalNode>

export const CreateExternalNodeBody = z.object({
  namespace: ExternalNamespace,
  name: ExternalName,
  description: z.string().max(5000).optional(),
  properties: z.record(Key, z.string().max(5000)).optional(),
})
export type CreateExternalNodeBody = z.input<typeof CreateExternalNodeBody>
export const ExternalNodeResponse = z.object({ node: ExternalNode })
export type ExternalNodeResponse = z.infer<typeof ExternalNodeResponse>

/** An edge with at least one external end; the other end may be any node (given by its ref). */
export const LineageEdgeBody = z.object({
  source: LineageRefText,
  target: LineageRefText,
  type: LineageEdgeType.exclude(['executed']),
  context: Key.optional(),
})
export type LineageEdgeBody = z.input<typeof LineageEdgeBody>
export const LineageEdgeResponse = z.object({ edge: LineageEdge })
export type LineageEdgeResponse = z.infer<typeof LineageEdgeResponse>

/** A model version a run used (fine-tuning, distillation, evaluation): `models:/<name>/<version>` or `@<alias>`. */
export const LogModelInputBody = z.object({
  model: z.string().min(1).max(600),
  /** What the model was to the run: `fine-tuning`, `distillation`, `evaluation` ...; '' when not said. */
  context: z.union([Key, z.literal('')]).default(''),
})
export type LogModelInputBody = z.input<typeof LogModelInputBody>

export const RunModelInput = z.object({
  name: z.string(),
  version: z.number().int(),
  modelVersionId: z.string(),
  context: z.string(),
  createdAtMs: z.number().int(),
})
export type RunModelInput = z.infer<typeof RunModelInput>

/** Names one external node (query string of its GET and DELETE). */
export const ExternalNodeQuery = z.object({ namespace: ExternalNamespace, name: ExternalName })
export type ExternalNodeQuery = z.infer<typeof ExternalNodeQuery>
