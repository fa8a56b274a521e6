import { parseRunOrderBy } from '@provena/contract'

export type SortDirection = 'ASC' | 'DESC'

const ENTITY_PREFIX = { param: 'params', metric: 'metrics', tag: 'tags' } as const

/** The order-by clause for sorting a table column, e.g. `metrics.\`val loss\` DESC`. */
export function orderClause(columnId: string, direction: SortDirection): string {
  const dot = columnId.indexOf('.')
  if (dot === -1) return `attributes.${columnId} ${direction}`
  // Keys cannot contain a backtick, so quoting in backticks always works.
  return `${columnId.slice(0, dot)}.\`${columnId.slice(dot + 1)}\` ${direction}`
}

/** Which column an order-by clause sorts and how; null for the default order or an invalid clause. */
export function sortedColumn(orderBy: string): { columnId: string; direction: SortDirection } | null {
  if (orderBy.trim() === '') return null
  try {
    const parsed = parseRunOrderBy(orderBy)
    const columnId = parsed.entity === 'attribute' ? parsed.key : `${ENTITY_PREFIX[parsed.entity]}.${parsed.key}`
    return { columnId, direction: parsed.direction }
  } catch {
    return null
  }
}

/** Clicking a header: first descending for metrics (best first is usually highest), then flip, then off. */
export function nextOrder(orderBy: string, columnId: string): string {
  const current = sortedColumn(orderBy)
  if (current?.columnId !== columnId) {
    return orderClause(columnId, columnId.startsWith('metrics.') || columnId === 'start_time' ? 'DESC' : 'ASC')
  }
  const isFirstDirectionDesc = columnId.startsWith('metrics.') || columnId === 'start_time'
  const isSecondClick = (current.direction === 'DESC') === isFirstDirectionDesc
  return isSecondClick ? orderClause(columnId, current.direction === 'DESC' ? 'ASC' : 'DESC') : ''
}
