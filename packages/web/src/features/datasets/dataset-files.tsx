import type { DatasetFile } from '@provena/contract'
import type { ColumnDef } from '@tanstack/react-table'
import { useCallback } from 'react'
import { DataTable } from '../../components/data-table'
import { ErrorMessage } from '../../components/error-message'
import { formatBytes } from '../../components/format'
import type { useDatasetFiles } from './datasets-queries'

const COLUMNS: ColumnDef<DatasetFile, unknown>[] = [
  {
    id: 'path',
    size: 520,
    header: 'Path',
    cell: ({ row }) => <span title={row.original.path}>{row.original.path}</span>,
  },
  {
    id: 'size',
    size: 110,
    header: 'Size',
    cell: ({ row }) => <span className="numeric">{formatBytes(row.original.sizeBytes)}</span>,
  },
  { id: 'sha256', size: 540, header: 'sha256', cell: ({ row }) => <code>{row.original.sha256}</code> },
]

/**
 * The files of a version's manifest in a virtualised table that fetches the next page as it
 * scrolls, so a version of 100,000 files costs the page a few screens of rows.
 */
export function DatasetFiles({ files, fileCount }: { files: ReturnType<typeof useDatasetFiles>; fileCount: number }) {
  const rows = files.data?.pages.flatMap((page) => page.files) ?? []
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = files
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage()
  }, [hasNextPage, isFetchingNextPage, fetchNextPage])
  if (files.error) return <ErrorMessage error={files.error} what="Could not list the files" />
  return (
    <DataTable<DatasetFile>
      label="Files"
      rows={rows}
      columns={COLUMNS}
      getRowId={(file) => file.path}
      onEndReached={loadMore}
      height={Math.min(420, 36 + Math.max(1, fileCount) * 34)}
      footer={
        <span className="muted" aria-live="polite">
          {files.isPending
            ? 'Loading…'
            : `${rows.length.toLocaleString()} of ${fileCount.toLocaleString()} files${isFetchingNextPage ? ' (loading more…)' : ''}`}
        </span>
      }
    />
  )
}
