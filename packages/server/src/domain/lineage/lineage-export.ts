import type { LineageEdge, LineageGraph, LineageNode } from '@provena/contract'

/**
 * A lineage graph in open formats: W3C PROV-JSON (the Member Submission's container of
 * entities, activities, agents and relations), OpenLineage run events (spec 2-1-0, one event
 * per run), and Graphviz DOT for a picture. Hidden nodes (what the caller may not read) are
 * left out of PROV-JSON and OpenLineage, and drawn as grey boxes without a name in DOT.
 */

const PROVENA_PREFIX = 'urn:provena:'
const OPENLINEAGE_SCHEMA = 'https://openlineage.io/spec/2-1-0/OpenLineage.json#/$defs/RunEvent'
const VERSION_FACET_SCHEMA =
  'https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet'
const SOURCE_FACET_SCHEMA =
  'https://openlineage.io/spec/facets/1-0-1/SourceCodeLocationJobFacet.json#/$defs/SourceCodeLocationJobFacet'
/** Who produced the metadata (OpenLineage asks for a URI). */
const LINEAGE_PRODUCER = 'urn:provena:server'

const iso = (ms: string | number | undefined) =>
  ms === undefined || ms === '' ? undefined : new Date(Number(ms)).toISOString()

/** An external node that produces or reads things is a process (activity); otherwise it is a thing (entity). */
function isActivity(node: LineageNode, edges: LineageEdge[]): boolean {
  if (node.type === 'run') return true
  if (node.type !== 'external') return false
  return edges.some(
    (e) => (e.source === node.key && e.type === 'output') || (e.target === node.key && e.type === 'input'),
  )
}

/** The node's qualified name in PROV-JSON: `provena:<type>/<id>`. */
const provId = (node: LineageNode) => `provena:${node.type}/${node.id}`

/** PROV-JSON (W3C Member Submission, 2013): runs are activities, everything else entities. */
export function toProvJson(graph: LineageGraph): Record<string, unknown> {
  const visible = graph.nodes.filter((n) => n.id !== '')
  const byKey = new Map(visible.map((n) => [n.key, n]))
  const entity: Record<string, Record<string, string>> = {}
  const activity: Record<string, Record<string, string>> = {}
  const agent: Record<string, Record<string, string>> = {}
  const used: Record<string, Record<string, string>> = {}
  const wasGeneratedBy: Record<string, Record<string, string>> = {}
  const wasInformedBy: Record<string, Record<string, string>> = {}
  const wasAssociatedWith: Record<string, Record<string, string>> = {}
  for (const node of visible) {
    const attributes: Record<string, string> = {
      'prov:label': node.label,
      'prov:type': `provena:${node.type}`,
      'provena:ref': node.ref,
    }
    for (const [key, value] of Object.entries(node.properties)) attributes[`provena:${key}`] = value
    if (!isActivity(node, graph.edges)) {
      entity[provId(node)] = attributes
      continue
    }
    const started = iso(node.properties.startTimeMs)
    const ended = iso(node.properties.endTimeMs)
    activity[provId(node)] = {
      ...attributes,
      ...(started ? { 'prov:startTime': started } : {}),
      ...(ended ? { 'prov:endTime': ended } : {}),
    }
    if (node.type === 'run' && node.properties.user) {
      const user = `provena:user/${encodeURIComponent(node.properties.user)}`
      agent[user] = { 'prov:type': 'prov:Person', 'prov:label': node.properties.user }
      wasAssociatedWith[`_:assoc${Object.keys(wasAssociatedWith).length + 1}`] = {
        'prov:activity': provId(node),
        'prov:agent': user,
      }
    }
  }
  for (const edge of graph.edges) {
    const source = byKey.get(edge.source)
    const target = byKey.get(edge.target)
    if (!source || !target) continue
    const sourceIsActivity = isActivity(source, graph.edges)
    const targetIsActivity = isActivity(target, graph.edges)
    const role = edge.type === 'executed' ? 'provena:code' : edge.context
    if (sourceIsActivity && targetIsActivity) {
      wasInformedBy[`_:inf${Object.keys(wasInformedBy).length + 1}`] = {
        'prov:informed': provId(target),
        'prov:informant': provId(source),
      }
    } else if (targetIsActivity) {
      used[`_:u${Object.keys(used).length + 1}`] = {
        'prov:activity': provId(target),
        'prov:entity': provId(source),
        ...(role ? { 'prov:role': role } : {}),
      }
    } else if (sourceIsActivity) {
      wasGeneratedBy[`_:g${Object.keys(wasGeneratedBy).length + 1}`] = {
        'prov:entity': provId(target),
        'prov:activity': provId(source),
      }
    }
  }
  const document: Record<string, unknown> = { prefix: { provena: PROVENA_PREFIX }, entity, activity, agent }
  for (const [name, relation] of Object.entries({ used, wasGeneratedBy, wasInformedBy, wasAssociatedWith })) {
    if (Object.keys(relation).length > 0) document[name] = relation
  }
  return document
}

/** Provena's 32-hex run id written as the UUID OpenLineage asks for (the same 128 bits). */
function runUuid(id: string): string {
  const hex = /^[0-9a-f]{32}$/.test(id) ? id : id.padEnd(32, '0').slice(0, 32)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

const EVENT_TYPES: Record<string, string> = {
  RUNNING: 'RUNNING',
  SCHEDULED: 'START',
  FINISHED: 'COMPLETE',
  FAILED: 'FAIL',
  KILLED: 'ABORT',
}

/** How a node is named as an OpenLineage dataset: Provena objects in namespace `provena`, external ones in theirs. */
function datasetOf(node: LineageNode) {
  if (node.type === 'external') {
    return { namespace: node.properties.namespace ?? 'external', name: node.properties.name ?? node.label }
  }
  const name =
    node.type === 'dataset_version'
      ? `datasets/${node.properties.dataset}`
      : node.type === 'model_version'
        ? `models/${node.properties.model}`
        : `code/${node.id}`
  const version = node.properties.version
  return {
    namespace: 'provena',
    name,
    ...(version
      ? {
          facets: {
            version: { _producer: LINEAGE_PRODUCER, _schemaURL: VERSION_FACET_SCHEMA, datasetVersion: version },
          },
        }
      : {}),
  }
}

/** One OpenLineage RunEvent per run of the graph, with its inputs, outputs and source code location. */
export function toOpenLineageEvents(graph: LineageGraph): Record<string, unknown>[] {
  const byKey = new Map(graph.nodes.filter((n) => n.id !== '').map((n) => [n.key, n]))
  const events: Record<string, unknown>[] = []
  for (const run of byKey.values()) {
    if (run.type !== 'run') continue
    const inputs = graph.edges
      .filter((e) => e.target === run.key && e.type === 'input')
      .map((e) => byKey.get(e.source))
      .filter((n): n is LineageNode => n !== undefined && n.type !== 'run')
    const outputs = graph.edges
      .filter((e) => e.source === run.key && e.type === 'output')
      .map((e) => byKey.get(e.target))
      .filter((n): n is LineageNode => n !== undefined && n.type !== 'run')
    const code = graph.edges
      .filter((e) => e.target === run.key && e.type === 'executed')
      .map((e) => byKey.get(e.source))
      .find((n) => n?.properties.repoUrl !== undefined)
    const eventTime = iso(run.properties.endTimeMs) ?? iso(run.properties.startTimeMs) ?? new Date(0).toISOString()
    events.push({
      eventType: EVENT_TYPES[run.properties.status ?? ''] ?? 'OTHER',
      eventTime,
      producer: LINEAGE_PRODUCER,
      schemaURL: OPENLINEAGE_SCHEMA,
      run: { runId: runUuid(run.id) },
      job: {
        namespace: 'provena',
        name: `experiments/${run.properties.experimentId}/${run.label}`,
        ...(code
          ? {
              facets: {
                sourceCodeLocation: {
                  _producer: LINEAGE_PRODUCER,
                  _schemaURL: SOURCE_FACET_SCHEMA,
                  type: 'git',
                  url: code.properties.repoUrl,
                  repoUrl: code.properties.repoUrl,
                  version: code.id,
                },
              },
            }
          : {}),
      },
      inputs: inputs.map(datasetOf),
      outputs: outputs.map(datasetOf),
    })
  }
  return events
}

const DOT_SHAPES: Record<LineageNode['type'], string> = {
  dataset_version: 'cylinder',
  run: 'box',
  model_version: 'box3d',
  code_version: 'note',
  external: 'hexagon',
}

const quote = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`

/** Graphviz DOT, left to right in the direction data flows. */
export function toDot(graph: LineageGraph): string {
  const lines = ['digraph lineage {', '  rankdir=LR;', '  node [fontname="Helvetica"];']
  for (const node of graph.nodes) {
    const isHidden = node.id === ''
    const attributes = [
      `label=${quote(isHidden ? `(${node.type.replace('_', ' ')} hidden)` : `${node.label}\n${node.type.replace('_', ' ')}`)}`,
      `shape=${DOT_SHAPES[node.type]}`,
      ...(isHidden ? ['style=dashed', 'color=gray'] : []),
      ...(graph.roots.includes(node.key) ? ['penwidth=2'] : []),
    ]
    lines.push(`  ${quote(node.key)} [${attributes.join(', ')}];`)
  }
  for (const edge of graph.edges) {
    const label = edge.context ? `${edge.type} (${edge.context})` : edge.type
    lines.push(`  ${quote(edge.source)} -> ${quote(edge.target)} [label=${quote(label)}];`)
  }
  lines.push('}')
  return `${lines.join('\n')}\n`
}
