import { type LineageNode, NotFoundError, PermissionDeniedError } from '@provena/contract'
import { useCallback, useMemo, useState } from 'react'
import { ErrorMessage } from '../../components/error-message'
import { decodeLineageView, encodeLineageView, type LineageViewState } from '../../navigation/url-state'
import { useUrlState } from '../../navigation/use-location'
import { LineageControls, RefForm } from './lineage-controls'
import { LineageTables, SelectedNode } from './lineage-details'
import { LineageFlow } from './lineage-flow'
import { type ExplorerGraph, isHiddenNode, keepNodeTypes, mergeLineageGraphs, NODE_TYPE_NAMES } from './lineage-graph'
import { useLineageGraph, useNeighbourhoods } from './lineage-queries'

/** A failed query in words: an unknown ref and a ref the user may not read are told apart when the server does. */
function LineageError({ error, lineageRef }: { error: unknown; lineageRef: string }) {
  if (error instanceof NotFoundError) {
    return (
      <ErrorMessage error={error} what={`No lineage for ${lineageRef}: it does not exist, or you may not read it`} />
    )
  }
  if (error instanceof PermissionDeniedError) {
    return <ErrorMessage error={error} what={`You may not read the lineage of ${lineageRef}`} />
  }
  return <ErrorMessage error={error} what={`Could not load the lineage of ${lineageRef}`} />
}

function Legend() {
  return (
    <ul className="legend lineage-legend" aria-label="Legend">
      {Object.entries(NODE_TYPE_NAMES).map(([type, name]) => (
        <li key={type}>
          <span className={`lineage-swatch lineage-swatch-${type}`} aria-hidden="true" />
          {name}
        </li>
      ))}
      <li>
        <span className="lineage-line lineage-line-input" aria-hidden="true" /> input
      </li>
      <li>
        <span className="lineage-line lineage-line-output" aria-hidden="true" /> output
      </li>
      <li>
        <span className="lineage-line lineage-line-executed" aria-hidden="true" /> executed
      </li>
    </ul>
  )
}

function Explorer({
  state,
  graph,
  isTruncated,
  onOpen,
  selectedKey,
}: {
  state: LineageViewState
  graph: ExplorerGraph
  isTruncated: boolean
  onOpen: (node: LineageNode) => void
  selectedKey: string | null
}) {
  const selected = graph.nodes.find((node) => node.key === selectedKey)
  if (graph.nodes.length === 0) return <p className="empty">No node of the types shown is linked to {state.ref}.</p>
  return (
    <>
      <div role="status" className="lineage-status">
        {graph.edges.length === 0 ? (
          <p className="empty">
            {graph.nodes.length === 1 ? graph.nodes[0]?.label : state.ref} has no recorded lineage
            {state.types.length < Object.keys(NODE_TYPE_NAMES).length ? ' among the node types shown' : ''}: nothing was
            recorded as used to make it or made from it.
          </p>
        ) : null}
        {isTruncated ? (
          <p className="lineage-truncated">
            <strong>Truncated:</strong> the graph goes on beyond depth {state.depth}. Raise the depth, or click the
            nodes at its edge to add their neighbours.
          </p>
        ) : null}
      </div>
      <div className="lineage-layout">
        <LineageFlow graph={graph} expandedRefs={state.expanded} selectedKey={selectedKey} onOpen={onOpen} />
        <SelectedNode
          node={selected}
          isExpanded={selected ? state.expanded.includes(selected.ref) : false}
          onOpen={onOpen}
        />
      </div>
      <Legend />
      <LineageTables graph={graph} />
    </>
  )
}

/**
 * The lineage explorer: the graph around a ref, laid out left (upstream) to right (downstream);
 * a click on a node adds its direct neighbours both ways. Everything but the selection is in the URL.
 */
export function LineagePage() {
  const [state, setState] = useUrlState(decodeLineageView, encodeLineageView)
  const [selectedKey, setSelectedKey] = useState<string | null>(null)
  const query = useLineageGraph(state)
  const neighbourhoods = useNeighbourhoods(state.expanded)
  const merged = useMemo(() => {
    if (!query.data) return null
    const opened = neighbourhoods.flatMap((n, i) => (n.graph ? [{ ref: state.expanded[i] ?? '', graph: n.graph }] : []))
    return mergeLineageGraphs(query.data, opened)
  }, [query.data, neighbourhoods, state.expanded])
  const graph = useMemo(() => merged && keepNodeTypes(merged, state.types), [merged, state.types])
  const onOpen = useCallback(
    (node: LineageNode) => {
      setSelectedKey(node.key)
      if (isHiddenNode(node)) return
      setState((s) => (s.expanded.includes(node.ref) ? s : { ...s, expanded: [...s.expanded, node.ref] }))
    },
    [setState],
  )
  const failures = neighbourhoods.flatMap((n, i) => (n.error ? [{ ref: state.expanded[i] ?? '', error: n.error }] : []))
  const pendingCount = neighbourhoods.filter((n) => n.isPending).length
  return (
    <section className="page lineage-page">
      <div className="page-header">
        <h1>Lineage</h1>
        <RefForm
          key={state.ref}
          initialRef={state.ref}
          onShow={(ref) => {
            setSelectedKey(null)
            setState((s) => ({ ...s, ref, expanded: [] }), { push: true })
          }}
        />
      </div>
      <LineageControls state={state} onChange={(settings) => setState((s) => ({ ...s, ...settings }))} />
      {state.ref === '' ? (
        <p className="empty">
          Give a ref to see where it came from and what was made from it: <code>runs:/&lt;id&gt;</code>,{' '}
          <code>models:/&lt;name&gt;/&lt;version&gt;</code>, <code>models:/&lt;name&gt;@&lt;alias&gt;</code>,{' '}
          <code>datasets:/&lt;name&gt;@&lt;version&gt;</code>, <code>datasets:/&lt;name&gt;</code>,{' '}
          <code>code:/&lt;commit&gt;</code> or <code>external:/&lt;namespace&gt;/&lt;name&gt;</code>. The run, model
          version and dataset version pages link here.
        </p>
      ) : null}
      {query.error ? <LineageError error={query.error} lineageRef={state.ref} /> : null}
      {state.ref !== '' && query.isPending ? <p className="muted">Loading…</p> : null}
      {failures.map(({ ref, error }) => (
        <ErrorMessage key={ref} error={error} what={`Could not add the neighbours of ${ref}`} />
      ))}
      {pendingCount > 0 ? <p className="muted">Adding neighbours…</p> : null}
      {graph && query.data ? (
        <Explorer
          state={state}
          graph={graph}
          isTruncated={query.data.truncated}
          onOpen={onOpen}
          selectedKey={selectedKey}
        />
      ) : null}
    </section>
  )
}
