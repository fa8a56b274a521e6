import type { LineageNode } from '@provena/contract'
import { Fragment } from 'react'
import { formatTime } from '../../components/format'
import { Link } from '../../components/link'
import { paths } from '../../routes'
import { type ExplorerGraph, edgeKey, isHiddenNode, NODE_TYPE_NAMES, pageOfNode } from './lineage-graph'

/** Times (`startTimeMs`) as dates; everything else as the server wrote it. */
function propertyText(key: string, value: string): string {
  return key.endsWith('TimeMs') && /^\d+$/.test(value) ? formatTime(Number(value)) : value
}

/** The node last clicked: every property the server gave, its page, and the explorer centred on it. */
export function SelectedNode({
  node,
  isExpanded,
  onOpen,
}: {
  node: LineageNode | undefined
  isExpanded: boolean
  onOpen: (node: LineageNode) => void
}) {
  if (!node) {
    return (
      <aside className="lineage-details" aria-label="Selected node">
        <p className="muted">Click a node to show its neighbours and its details here.</p>
      </aside>
    )
  }
  if (isHiddenNode(node)) {
    return (
      <aside className="lineage-details" aria-label="Selected node">
        <h2>A {NODE_TYPE_NAMES[node.type]} you may not read</h2>
        <p className="muted">The server shows that it is there, and nothing else about it.</p>
      </aside>
    )
  }
  const href = pageOfNode(node)
  const properties = Object.entries(node.properties).sort(([a], [b]) => a.localeCompare(b))
  return (
    <aside className="lineage-details" aria-label="Selected node">
      <h2>{node.label}</h2>
      <p className="muted">{NODE_TYPE_NAMES[node.type]}</p>
      <dl className="facts">
        <dt>Ref</dt>
        <dd>
          <code className="value-cell">{node.ref}</code>
        </dd>
        {properties.map(([key, value]) => (
          <Fragment key={key}>
            <dt>{key}</dt>
            <dd className="value-cell">{propertyText(key, value)}</dd>
          </Fragment>
        ))}
      </dl>
      <div className="actions">
        {href ? <Link href={href}>Open its page</Link> : null}
        <Link href={paths.lineage({ ref: node.ref })}>Lineage from here</Link>
        <button type="button" onClick={() => onOpen(node)} disabled={isExpanded}>
          {isExpanded ? 'Neighbours shown' : 'Show its neighbours'}
        </button>
      </div>
    </aside>
  )
}

/** The same graph as tables, for screen readers and for reading exact refs. */
export function LineageTables({ graph }: { graph: ExplorerGraph }) {
  const byKey = new Map(graph.nodes.map((node) => [node.key, node]))
  const name = (key: string) => byKey.get(key)?.label ?? key
  return (
    <details className="lineage-tables">
      <summary>
        As tables: {graph.nodes.length} {graph.nodes.length === 1 ? 'node' : 'nodes'}, {graph.edges.length}{' '}
        {graph.edges.length === 1 ? 'edge' : 'edges'}
      </summary>
      <div className="table-scroll">
        <table className="plain-table compact" aria-label="Lineage nodes">
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Name</th>
              <th scope="col">Ref</th>
            </tr>
          </thead>
          <tbody>
            {graph.nodes.map((node) => {
              const href = pageOfNode(node)
              return (
                <tr key={node.key}>
                  <td>{NODE_TYPE_NAMES[node.type]}</td>
                  <td>{href ? <Link href={href}>{node.label}</Link> : node.label}</td>
                  <td>
                    <code>{node.ref}</code>
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
        <table className="plain-table compact" aria-label="Lineage edges">
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">Edge</th>
              <th scope="col">To</th>
            </tr>
          </thead>
          <tbody>
            {graph.edges.map((edge) => (
              <tr key={edgeKey(edge)}>
                <td>{name(edge.source)}</td>
                <td>{edge.label}</td>
                <td>{name(edge.target)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  )
}
