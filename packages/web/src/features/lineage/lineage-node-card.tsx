import type { LineageNode } from '@provena/contract'
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react'
import { Link } from '../../components/link'
import { NODE_TYPE_NAMES } from './lineage-graph'

interface LineageNodeData extends Record<string, unknown> {
  node: LineageNode
  /** The node's own page; none for code versions and external nodes. */
  href: string | undefined
  isRoot: boolean
  /** A node the user may not read: its type is all the server tells. */
  isHidden: boolean
  isExpanded: boolean
  isSelected: boolean
  onOpen: (node: LineageNode) => void
}

export type LineageFlowNode = Node<LineageNodeData, 'lineage'>

/** A line of facts under a node's name, by type (every property is in the details panel). */
function subtitle(node: LineageNode): string {
  const p = node.properties
  switch (node.type) {
    case 'run':
      return [p.status?.toLowerCase(), p.user].filter(Boolean).join(' · ')
    case 'model_version':
      return p.aliases
        ? p.aliases
            .split(',')
            .map((a) => `@${a}`)
            .join(' ')
        : (p.status?.toLowerCase() ?? '')
    case 'dataset_version':
      return [p.format, p.rowCount && `${Number(p.rowCount).toLocaleString()} rows`].filter(Boolean).join(' · ')
    case 'code_version':
      return p.repoUrl ?? p.commit ?? ''
    case 'external':
      return p.description ?? ''
  }
}

/**
 * One node of the graph: its type in words and by look (colour, border and corner shape), its
 * name linked to its page, and a button that adds its neighbours (a click anywhere on it does too).
 */
export function LineageNodeCard({ data }: NodeProps<LineageFlowNode>) {
  const { node, href, isRoot, isHidden, isExpanded, isSelected, onOpen } = data
  const typeName = NODE_TYPE_NAMES[node.type]
  const classes = ['lineage-node', `lineage-node-${node.type}`]
  if (isRoot) classes.push('is-root')
  if (isSelected) classes.push('is-selected')
  if (isHidden) {
    return (
      <article className={`${classes.join(' ')} is-hidden`} aria-label={`${typeName} you may not read`}>
        <Handle type="target" position={Position.Left} isConnectable={false} />
        <span className="lineage-node-type">{typeName}</span>
        <div className="lineage-node-sub">hidden: you may not read it</div>
        <Handle type="source" position={Position.Right} isConnectable={false} />
      </article>
    )
  }
  return (
    <article className={classes.join(' ')} aria-label={`${typeName} ${node.label}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="lineage-node-head">
        <span className="lineage-node-type">
          {typeName}
          {isRoot ? ' · queried' : ''}
        </span>
        <button
          type="button"
          className="lineage-expand nodrag"
          aria-label={isExpanded ? `${node.label}: neighbours shown` : `Show the neighbours of ${node.label}`}
          aria-pressed={isExpanded}
          title={isExpanded ? 'Its neighbours are shown' : 'Show its neighbours'}
          onClick={(event) => {
            event.stopPropagation()
            onOpen(node)
          }}
        >
          {isExpanded ? '✓' : '+'}
        </button>
      </div>
      <div className="lineage-node-label">
        {href ? (
          <Link href={href} className="nodrag" onClick={(event) => event.stopPropagation()}>
            {node.label}
          </Link>
        ) : (
          <span>{node.label}</span>
        )}
      </div>
      <div className="lineage-node-sub">{subtitle(node)}</div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </article>
  )
}
