import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import { type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from 'react'

export type SortDirection = 'ASC' | 'DESC'

export interface DataTableProps<T> {
  /** Names the table for screen readers. */
  label: string
  rows: T[]
  columns: ColumnDef<T, unknown>[]
  getRowId: (row: T) => string
  /** The column the rows are sorted by (on the server); headers of sortable columns are buttons. */
  sort?: { columnId: string; direction: SortDirection } | null
  onSortClick?: (columnId: string) => void
  isSortable?: (columnId: string) => boolean
  selectedIds?: ReadonlySet<string>
  onToggleSelected?: (rowId: string) => void
  /** Enter on the active row. */
  onOpen?: (row: T) => void
  /** Called when the last rows come into view: load the next page. */
  onEndReached?: () => void
  footer?: ReactNode
  rowHeight?: number
  height?: number | string
}

/**
 * A table whose rows are virtualised (only the visible ones are in the DOM), so a hundred
 * thousand rows scroll as smoothly as ten. Sorting and filtering happen on the server; this
 * shows rows, marks the sorted column, and handles the keyboard: arrows, Page Up/Down,
 * Home/End move the active row, Space selects it, Enter opens it.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { rows, columns, getRowId, sort, selectedIds, rowHeight = 34 } = props
  const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel(), getRowId })
  const scrollRef = useRef<HTMLDivElement>(null)
  const [activeIndex, setActiveIndex] = useState(0)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    // The sticky header covers the first row's height of the scroll area.
    scrollPaddingStart: rowHeight,
  })
  const items = virtualizer.getVirtualItems()
  const lastVisible = items[items.length - 1]?.index ?? -1
  const { onEndReached } = props

  useEffect(() => {
    if (onEndReached && rows.length > 0 && lastVisible >= rows.length - 20) onEndReached()
  }, [lastVisible, rows.length, onEndReached])

  const template = table
    .getVisibleLeafColumns()
    .map((column) => `${column.getSize()}px`)
    .join(' ')
  const tableRows = table.getRowModel().rows
  const activeRowId = tableRows[activeIndex]?.id

  function moveTo(index: number) {
    const clamped = Math.max(0, Math.min(rows.length - 1, index))
    setActiveIndex(clamped)
    virtualizer.scrollToIndex(clamped, { align: 'auto' })
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 300) / rowHeight) - 1)
    const moves: Record<string, number> = {
      ArrowDown: activeIndex + 1,
      ArrowUp: activeIndex - 1,
      PageDown: activeIndex + page,
      PageUp: activeIndex - page,
      Home: 0,
      End: rows.length - 1,
    }
    const target = moves[event.key]
    if (target !== undefined) {
      event.preventDefault()
      moveTo(target)
      return
    }
    const row = rows[activeIndex]
    if (row === undefined) return
    if (event.key === ' ' && props.onToggleSelected) {
      event.preventDefault()
      props.onToggleSelected(getRowId(row))
    } else if (event.key === 'Enter' && props.onOpen) {
      event.preventDefault()
      props.onOpen(row)
    }
  }

  return (
    <div className="data-table">
      <div
        ref={scrollRef}
        className="data-table-scroll"
        style={{ height: props.height ?? '100%' }}
        role="grid"
        aria-label={props.label}
        aria-rowcount={rows.length + 1}
        aria-multiselectable={props.onToggleSelected ? true : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        aria-activedescendant={activeRowId ? `row-${activeRowId}` : undefined}
      >
        <div className="data-table-header" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
          {table.getFlatHeaders().map((header) => {
            const columnId = header.column.id
            const isSorted = sort?.columnId === columnId
            const ariaSort = isSorted ? (sort?.direction === 'ASC' ? 'ascending' : 'descending') : undefined
            const content = flexRender(header.column.columnDef.header, header.getContext())
            const canSort = props.onSortClick && (props.isSortable?.(columnId) ?? true)
            return (
              <div key={header.id} role="columnheader" aria-sort={ariaSort} className="data-table-cell">
                {canSort ? (
                  <button type="button" className="sort-button" onClick={() => props.onSortClick?.(columnId)}>
                    {content}
                    <span aria-hidden="true">{isSorted ? (sort?.direction === 'ASC' ? ' ▲' : ' ▼') : ''}</span>
                  </button>
                ) : (
                  content
                )}
              </div>
            )
          })}
        </div>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = tableRows[item.index]
            if (!row) return null
            const isSelected = selectedIds?.has(row.id) ?? false
            return (
              <div
                key={row.id}
                id={`row-${row.id}`}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={props.onToggleSelected ? isSelected : undefined}
                data-row-id={row.id}
                className={`data-table-row${item.index === activeIndex ? ' is-active' : ''}${isSelected ? ' is-selected' : ''}`}
                style={{ gridTemplateColumns: template, height: rowHeight, transform: `translateY(${item.start}px)` }}
                onMouseDown={() => setActiveIndex(item.index)}
              >
                {row.getVisibleCells().map((cell) => (
                  <div key={cell.id} role="gridcell" className="data-table-cell">
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </div>
                ))}
              </div>
            )
          })}
        </div>
      </div>
      {props.footer ? <div className="data-table-footer">{props.footer}</div> : null}
    </div>
  )
}
