import ELK from 'elkjs/lib/elk-api.js'
import ElkWorker from 'elkjs/lib/elk-worker.min.js?worker'
import type { ExplorerGraph } from './lineage-graph'

const NODE_WIDTH = 240
const NODE_HEIGHT = 84

export interface NodePosition {
  x: number
  y: number
}

// ELK runs in a Web Worker (bundled by Vite into a file of our own origin, so the page's
// Content-Security-Policy allows it): a layout of a few hundred nodes never freezes the page.
let elk: InstanceType<typeof ELK> | undefined

const LAYOUT_OPTIONS = {
  'elk.algorithm': 'layered',
  // Edges point the way data flows, so upstream is on the left and downstream on the right.
  'elk.direction': 'RIGHT',
  'elk.layered.spacing.nodeNodeBetweenLayers': '150',
  'elk.spacing.nodeNode': '36',
  // Nodes keep the order the server sent them in within a layer, so a re-layout after opening a node moves little.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
}

/** Top-left corners of the nodes, by node key: a layered layout, left to right from upstream to downstream. */
export async function layoutLineage(graph: ExplorerGraph): Promise<Map<string, NodePosition>> {
  elk ??= new ELK({ workerFactory: () => new ElkWorker() })
  const laidOut = await elk.layout({
    id: 'lineage',
    layoutOptions: LAYOUT_OPTIONS,
    children: graph.nodes.map((node) => ({ id: node.key, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: graph.edges.map((edge, i) => ({ id: `e${i}`, sources: [edge.source], targets: [edge.target] })),
  })
  return new Map((laidOut.children ?? []).map((child) => [child.id, { x: child.x ?? 0, y: child.y ?? 0 }]))
}
