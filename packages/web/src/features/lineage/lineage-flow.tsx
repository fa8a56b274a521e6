import type { LineageNode } from '@provena/contract'
import {
  Background,
  Controls,
  type Dimensions,
  type Edge,
  MarkerType,
  type NodeChange,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
} from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { ErrorMessage } from '../../components/error-message'
import { type DrawnEdge, type ExplorerGraph, edgeKey, isHiddenNode, pageOfNode } from './lineage-graph'
import { layoutLineage, type NodePosition } from './lineage-layout'
import { type LineageFlowNode, LineageNodeCard } from './lineage-node-card'

const NODE_TYPES = { lineage: LineageNodeCard }

interface Props {
  graph: ExplorerGraph
  expandedRefs: string[]
  selectedKey: string | null
  onOpen: (node: LineageNode) => void
}

interface Layout {
  graph: ExplorerGraph
  positions: Map<string, NodePosition>
}

/** Lays the graph out with ELK whenever it changes; until a new layout is ready, the last one stays drawn. */
function useLayout(graph: ExplorerGraph) {
  const [layout, setLayout] = useState<Layout | null>(null)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    let isCurrent = true
    layoutLineage(graph).then(
      (positions) => {
        if (isCurrent) setLayout({ graph, positions })
      },
      (cause: unknown) => {
        if (isCurrent) setError(cause)
      },
    )
    return () => {
      isCurrent = false
    }
  }, [graph])
  return { layout, error }
}

/**
 * The sizes React Flow measured, by node id. Each render hands React Flow new node objects; without
 * their sizes it measures every node again and draws no edge until it has (a flicker on each click).
 */
function useMeasuredSizes() {
  const [sizes, setSizes] = useState<ReadonlyMap<string, Dimensions>>(new Map())
  const onNodesChange = useCallback((changes: NodeChange<LineageFlowNode>[]) => {
    setSizes((previous) => {
      let next: Map<string, Dimensions> | null = null
      for (const change of changes) {
        if (change.type !== 'dimensions' || !change.dimensions) continue
        next ??= new Map(previous)
        next.set(change.id, change.dimensions)
      }
      return next ?? previous
    })
  }, [])
  return { sizes, onNodesChange }
}

function toFlowEdge(edge: DrawnEdge): Edge {
  return {
    id: edgeKey(edge),
    source: edge.source,
    target: edge.target,
    label: edge.label,
    className: `lineage-edge lineage-edge-${edge.kind}`,
    markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 },
    ariaLabel: edge.label,
    focusable: false,
  }
}

/**
 * Fits the whole graph in view after each new layout (React Flow waits until it has measured the
 * nodes), then says which layout is fitted: until then nodes may still move under the pointer.
 */
function FitOnLayout({ layout, onFitted }: { layout: Layout | null; onFitted: (layout: Layout) => void }) {
  const { fitView } = useReactFlow()
  useEffect(() => {
    if (!layout) return
    let isCurrent = true
    void fitView({ padding: 0.08, minZoom: 0.45, maxZoom: 1.1 }).then(() => {
      if (isCurrent) onFitted(layout)
    })
    return () => {
      isCurrent = false
    }
  }, [layout, fitView, onFitted])
  return null
}

function Flow({ graph, expandedRefs, selectedKey, onOpen }: Props) {
  const { layout, error } = useLayout(graph)
  const [fittedLayout, setFittedLayout] = useState<Layout | null>(null)
  const { sizes, onNodesChange } = useMeasuredSizes()
  const nodes = useMemo<LineageFlowNode[]>(() => {
    if (!layout) return []
    const roots = new Set(layout.graph.roots)
    const placed = layout.graph.nodes.map((node) => ({
      node,
      position: layout.positions.get(node.key) ?? { x: 0, y: 0 },
    }))
    // Tab order follows the picture: left to right, then top to bottom.
    placed.sort((a, b) => a.position.x - b.position.x || a.position.y - b.position.y)
    return placed.map(({ node, position }) => ({
      id: node.key,
      type: 'lineage',
      position,
      measured: sizes.get(node.key),
      data: {
        node,
        href: pageOfNode(node),
        isHidden: isHiddenNode(node),
        isRoot: roots.has(node.key),
        isExpanded: expandedRefs.includes(node.ref),
        isSelected: node.key === selectedKey,
        onOpen,
      },
    }))
  }, [layout, expandedRefs, selectedKey, onOpen, sizes])
  const edges = useMemo(() => (layout ? layout.graph.edges.map(toFlowEdge) : []), [layout])
  if (error) return <ErrorMessage error={error} what="Could not lay the graph out" />
  return (
    // Busy until the current graph is laid out, drawn and fitted in view.
    <div className="lineage-canvas" aria-busy={fittedLayout?.graph !== graph}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onNodeClick={(_, node) => onOpen(node.data.node)}
        nodesDraggable={false}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        elementsSelectable={false}
        minZoom={0.2}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} />
        <FitOnLayout layout={layout} onFitted={setFittedLayout} />
      </ReactFlow>
      {layout ? null : <p className="muted lineage-canvas-note">Laying out…</p>}
    </div>
  )
}

/**
 * The graph drawn with React Flow, laid out by ELK. Nodes are not focusable themselves: the
 * link and the button inside each are, in the order of the picture.
 */
export function LineageFlow(props: Props) {
  return (
    <ReactFlowProvider>
      <Flow {...props} />
    </ReactFlowProvider>
  )
}
