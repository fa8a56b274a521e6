import type { LineageEdge, LineageEdgeType, LineageGraph, LineageNode, LineageNodeType } from '@provena/contract'
import { paths } from '../../routes'

/** An edge as drawn: a recorded edge, or a `via` edge standing for a path through nodes of types not shown. */
export interface DrawnEdge {
  source: string
  target: string
  kind: LineageEdgeType | 'via'
  /** `input: training`, `output`, `executed`, `via run` … */
  label: string
}

/** What the explorer draws: the graph of the page's query with the neighbourhoods of the nodes opened since. */
export interface ExplorerGraph {
  roots: string[]
  nodes: LineageNode[]
  edges: DrawnEdge[]
}

/** Node types in words, for the legend, the filters and every node (colour is never the only signal). */
export const NODE_TYPE_NAMES: Record<LineageNodeType, string> = {
  dataset_version: 'dataset version',
  run: 'run',
  model_version: 'model version',
  code_version: 'code version',
  external: 'external',
}

export function edgeKey(edge: Pick<DrawnEdge, 'source' | 'target' | 'label'>): string {
  return `${edge.source}|${edge.label}|${edge.target}`
}

/** An edge in words: its type, and for an input what it was to the run (`input: training`). */
export function edgeLabel(edge: Pick<LineageEdge, 'type' | 'context'>): string {
  return edge.context === '' ? edge.type : `${edge.type}: ${edge.context}`
}

/** Whether a node stands for something the user may not read: the server gives its type only. */
export function isHiddenNode(node: Pick<LineageNode, 'ref'>): boolean {
  return node.ref === ''
}

/**
 * The server numbers the hidden nodes of each answer from 1 (their ids are secret), so two
 * answers' `hidden:1` are not the same node: those of a neighbourhood get the opened node's ref in their key.
 */
function withDistinctHiddenKeys(graph: LineageGraph, scope: string): LineageGraph {
  const rename = (key: string) => (key.startsWith('hidden:') ? `hidden:${scope}:${key.slice('hidden:'.length)}` : key)
  return {
    ...graph,
    nodes: graph.nodes.map((node) => ({ ...node, key: rename(node.key) })),
    edges: graph.edges.map((edge) => ({ ...edge, source: rename(edge.source), target: rename(edge.target) })),
  }
}

/**
 * The query's graph with the graphs of opened nodes (by their refs) merged in: each node and edge
 * once, in the order first seen; a node keeps the depth it has in the query's graph.
 */
export function mergeLineageGraphs(base: LineageGraph, opened: { ref: string; graph: LineageGraph }[]): ExplorerGraph {
  const nodes = new Map<string, LineageNode>()
  const edges = new Map<string, DrawnEdge>()
  for (const graph of [base, ...opened.map((o) => withDistinctHiddenKeys(o.graph, o.ref))]) {
    for (const node of graph.nodes) if (!nodes.has(node.key)) nodes.set(node.key, node)
    for (const edge of graph.edges) {
      const drawn: DrawnEdge = { source: edge.source, target: edge.target, kind: edge.type, label: edgeLabel(edge) }
      if (!edges.has(edgeKey(drawn))) edges.set(edgeKey(drawn), drawn)
    }
  }
  const drawnEdges = [...edges.values()].filter((e) => nodes.has(e.source) && nodes.has(e.target))
  return { roots: base.roots, nodes: [...nodes.values()], edges: drawnEdges }
}

/**
 * The graph with only the node types shown (and the roots): a path between two shown nodes
 * through nodes not shown becomes one `via` edge naming the types it went through, so that
 * "datasets and model versions only" still says which data each model version came from.
 */
export function keepNodeTypes(graph: ExplorerGraph, types: LineageNodeType[]): ExplorerGraph {
  const roots = new Set(graph.roots)
  const isShown = (node: LineageNode | undefined) =>
    node !== undefined && (types.includes(node.type) || roots.has(node.key))
  const byKey = new Map(graph.nodes.map((node) => [node.key, node]))
  if (graph.nodes.every(isShown)) return graph
  const outgoing = new Map<string, DrawnEdge[]>()
  for (const edge of graph.edges) outgoing.set(edge.source, [...(outgoing.get(edge.source) ?? []), edge])
  const edges = new Map<string, DrawnEdge>()
  for (const edge of graph.edges) {
    if (isShown(byKey.get(edge.source)) && isShown(byKey.get(edge.target))) edges.set(edgeKey(edge), edge)
  }
  for (const start of graph.nodes.filter(isShown)) {
    // Depth-first through nodes not shown, remembering the types passed; each not-shown node is passed once per start.
    const stack = (outgoing.get(start.key) ?? []).map((edge) => ({ key: edge.target, via: [] as LineageNodeType[] }))
    const passed = new Set<string>()
    while (stack.length > 0) {
      const { key, via } = stack.pop() ?? { key: '', via: [] }
      const node = byKey.get(key)
      if (!node) continue
      if (isShown(node)) {
        if (via.length === 0) continue
        const label = `via ${[...new Set(via)].map((t) => NODE_TYPE_NAMES[t]).join(', ')}`
        const drawn: DrawnEdge = { source: start.key, target: key, kind: 'via', label }
        edges.set(edgeKey(drawn), drawn)
        continue
      }
      if (passed.has(key)) continue
      passed.add(key)
      for (const edge of outgoing.get(key) ?? []) stack.push({ key: edge.target, via: [...via, node.type] })
    }
  }
  return { roots: graph.roots, nodes: graph.nodes.filter(isShown), edges: [...edges.values()] }
}

/** Splits `<prefix><name><separator><version>` at the last separator; undefined when it has no version. */
function splitVersion(ref: string, prefix: string, separator: string): { name: string; version: number } | undefined {
  if (!ref.startsWith(prefix)) return undefined
  const rest = ref.slice(prefix.length)
  const at = rest.lastIndexOf(separator)
  const version = rest.slice(at + 1)
  if (at <= 0 || !/^[1-9]\d{0,9}$/.test(version)) return undefined
  return { name: rest.slice(0, at), version: Number(version) }
}

/** The page of the object a node stands for; undefined for code versions and external nodes, which have none. */
export function pageOfNode(node: Pick<LineageNode, 'type' | 'ref'>): string | undefined {
  switch (node.type) {
    case 'run':
      return node.ref.startsWith('runs:/') ? paths.run(node.ref.slice('runs:/'.length)) : undefined
    case 'model_version': {
      const parsed = splitVersion(node.ref, 'models:/', '/')
      return parsed && paths.modelVersion(parsed.name, parsed.version)
    }
    case 'dataset_version': {
      const parsed = splitVersion(node.ref, 'datasets:/', '@')
      return parsed && paths.datasetVersion(parsed.name, parsed.version)
    }
    default:
      return undefined
  }
}

/** The refs the object pages link to the explorer with. */
export const lineageRefs = {
  run: (runId: string) => `runs:/${runId}`,
  modelVersion: (name: string, version: number) => `models:/${name}/${version}`,
  datasetVersion: (name: string, version: number) => `datasets:/${name}@${version}`,
}
