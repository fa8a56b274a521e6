import type { Run } from '@provena/sdk'
import type { ColumnDef } from '@tanstack/react-table'
import { formatDuration, formatNumber, formatTime } from '../../components/format'
import { Link } from '../../components/link'
import { StatusBadge } from '../../components/status-badge'
import { paths } from '../../routes'
import type { TreeRow } from './run-tree'

/** The value of a `params.`, `metrics.` or `tags.` column of a run, as text. */
function columnValue(run: Run, column: string): string {
  const dot = column.indexOf('.')
  const [entity, key] = [column.slice(0, dot), column.slice(dot + 1)]
  if (entity === 'params') return run.params[key] ?? ''
  if (entity === 'tags') return run.tags[key] ?? ''
  const metric = run.metrics.find((m) => m.key === key)
  return metric ? formatNumber(metric.value) : ''
}

export interface RunColumnsOptions {
  extraColumns: string[]
  selectedIds: ReadonlySet<string>
  onToggleSelected: (runId: string) => void
  onToggleExpanded: (runId: string) => void
}

/** The columns of the runs table: selection, name (nested), status, times, user, then the chosen keys. */
export function runColumns(options: RunColumnsOptions): ColumnDef<TreeRow<Run>, unknown>[] {
  const { selectedIds, onToggleSelected, onToggleExpanded } = options
  return [
    {
      id: 'select',
      size: 40,
      header: () => <span className="visually-hidden">Selected</span>,
      cell: ({ row }) => (
        <input
          type="checkbox"
          tabIndex={-1}
          checked={selectedIds.has(row.id)}
          onChange={() => onToggleSelected(row.id)}
          aria-label={`Select run ${row.original.run.name}`}
        />
      ),
    },
    {
      id: 'run_name',
      size: 260,
      header: 'Run',
      cell: ({ row }) => {
        const { run, depth, childCount, isExpanded } = row.original
        return (
          <span className="run-name" style={{ paddingLeft: depth * 18 }}>
            {childCount > 0 ? (
              <button
                type="button"
                className="expander"
                tabIndex={-1}
                aria-expanded={isExpanded}
                aria-label={`${isExpanded ? 'Collapse' : 'Expand'} ${childCount} nested runs of ${run.name}`}
                onClick={() => onToggleExpanded(run.id)}
              >
                {isExpanded ? '▾' : '▸'}
              </button>
            ) : (
              <span className="expander-space" />
            )}
            <Link href={paths.run(run.id)} tabIndex={-1}>
              {run.name}
            </Link>
            {childCount > 0 ? <span className="muted"> ({childCount})</span> : null}
          </span>
        )
      },
    },
    {
      id: 'status',
      size: 100,
      header: 'Status',
      cell: ({ row }) => <StatusBadge status={row.original.run.status} />,
    },
    {
      id: 'start_time',
      size: 215,
      header: 'Started',
      cell: ({ row }) => formatTime(row.original.run.startTimeMs),
    },
    {
      id: 'duration',
      size: 90,
      header: 'Duration',
      cell: ({ row }) => formatDuration(row.original.run.startTimeMs, row.original.run.endTimeMs),
    },
    { id: 'user_id', size: 110, header: 'User', cell: ({ row }) => row.original.run.userId },
    ...options.extraColumns.map(
      (column): ColumnDef<TreeRow<Run>, unknown> => ({
        id: column,
        size: 130,
        header: () => <span title={column}>{column}</span>,
        cell: ({ row }) => <span className="numeric">{columnValue(row.original.run, column)}</span>,
      }),
    ),
  ]
}
