import type { Run } from '@provena/sdk'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { DataTable } from '../../components/data-table'
import { ErrorMessage } from '../../components/error-message'
import { Link } from '../../components/link'
import { decodeRunsView, encodeRunsView } from '../../navigation/url-state'
import { navigate, useUrlState } from '../../navigation/use-location'
import { paths } from '../../routes'
import { useExperimentList, useExperiments } from '../experiments/experiments-queries'
import { ColumnChooser } from './column-chooser'
import { FilterInput } from './filter-input'
import { runColumns } from './run-columns'
import { nestRuns } from './run-tree'
import { useRunKeys, useRunSearch } from './runs-queries'
import { nextOrder, sortedColumn } from './sort-order'

const NO_KEYS = { params: [], metrics: [], tags: [] }
const SORTABLE = new Set(['run_name', 'status', 'start_time', 'user_id'])
const DEFAULT_METRIC_COLUMNS = 4
const RUNS_RENDERED_MARK = 'provena:runs-rendered'

function ExperimentPicker({ ids, onChange }: { ids: string[]; onChange: (ids: string[]) => void }) {
  const chosen = useExperiments(ids)
  const all = useExperimentList('', 'active')
  const options = (all.data?.pages.flatMap((page) => page.experiments) ?? []).filter((e) => !ids.includes(e.id))
  return (
    <div className="experiment-picker">
      <span className="muted">Experiments:</span>
      {(chosen.data ?? []).map((experiment) => (
        <span key={experiment.id} className="chip">
          {experiment.name}
          <button
            type="button"
            className="ghost"
            aria-label={`Remove experiment ${experiment.name}`}
            onClick={() => onChange(ids.filter((id) => id !== experiment.id))}
          >
            ×
          </button>
        </span>
      ))}
      <select
        aria-label="Add an experiment"
        value=""
        onChange={(e) => e.target.value && onChange([...ids, e.target.value])}
      >
        <option value="">add…</option>
        {options.map((experiment) => (
          <option key={experiment.id} value={experiment.id}>
            {experiment.name}
          </option>
        ))}
      </select>
    </div>
  )
}

/** The runs of one or several experiments: filter, sort, columns, nesting, selection for comparison. */
export function RunsPage() {
  const [state, setState] = useUrlState(decodeRunsView, encodeRunsView)
  const search = useRunSearch(state)
  const keys = useRunKeys(state.experimentIds)
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set())
  const selected = useMemo(() => new Set(state.selectedRunIds), [state.selectedRunIds])

  const runs = useMemo(() => search.data?.pages.flatMap((page) => page.runs) ?? [], [search.data])
  const rows = useMemo(() => nestRuns(runs, collapsed), [runs, collapsed])
  const hasRows = rows.length > 0
  useEffect(() => {
    // The UI benchmark reads this mark: the time from navigation to the first rows on screen.
    if (hasRows && performance.getEntriesByName(RUNS_RENDERED_MARK).length === 0) performance.mark(RUNS_RENDERED_MARK)
  }, [hasRows])
  const extraColumns = useMemo(
    () =>
      state.columns.length > 0
        ? state.columns
        : (keys.data?.metrics ?? []).slice(0, DEFAULT_METRIC_COLUMNS).map((key) => `metrics.${key}`),
    [state.columns, keys.data],
  )

  const toggleSelected = useCallback(
    (runId: string) =>
      setState((s) => ({
        ...s,
        selectedRunIds: s.selectedRunIds.includes(runId)
          ? s.selectedRunIds.filter((id) => id !== runId)
          : [...s.selectedRunIds, runId],
      })),
    [setState],
  )
  const toggleExpanded = useCallback(
    (runId: string) =>
      setCollapsed((c) => {
        const next = new Set(c)
        if (!next.delete(runId)) next.add(runId)
        return next
      }),
    [],
  )
  const columns = useMemo(
    () =>
      runColumns({
        extraColumns,
        selectedIds: selected,
        onToggleSelected: toggleSelected,
        onToggleExpanded: toggleExpanded,
      }),
    [extraColumns, selected, toggleSelected, toggleExpanded],
  )
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = search
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage()
  }, [hasNextPage, isFetchingNextPage, fetchNextPage])

  return (
    <section className="page runs-page">
      <div className="page-header">
        <h1>Runs</h1>
        <ExperimentPicker
          ids={state.experimentIds}
          onChange={(ids) => setState((s) => ({ ...s, experimentIds: ids }))}
        />
      </div>
      {state.experimentIds.length === 0 ? (
        <p className="empty">
          Choose an experiment above, or on the <Link href={paths.experiments()}>experiments page</Link>.
        </p>
      ) : (
        <>
          <div className="toolbar">
            <FilterInput
              value={state.filter}
              keys={keys.data ?? NO_KEYS}
              onApply={(filter) => setState((s) => ({ ...s, filter }))}
            />
            <label>
              Show
              <select
                value={state.view}
                onChange={(e) =>
                  setState((s) => ({
                    ...s,
                    view: e.target.value === 'all' ? 'all' : e.target.value === 'deleted' ? 'deleted' : 'active',
                  }))
                }
              >
                <option value="active">active runs</option>
                <option value="deleted">deleted runs</option>
                <option value="all">all runs</option>
              </select>
            </label>
            <ColumnChooser
              keys={keys.data ?? NO_KEYS}
              columns={extraColumns}
              onChange={(next) => setState((s) => ({ ...s, columns: next }))}
            />
            <button
              type="button"
              className="primary"
              disabled={state.selectedRunIds.length < 2}
              onClick={() => navigate(paths.compare({ runIds: state.selectedRunIds }))}
            >
              Compare {state.selectedRunIds.length} runs
            </button>
            {state.selectedRunIds.length > 0 ? (
              <button type="button" onClick={() => setState((s) => ({ ...s, selectedRunIds: [] }))}>
                Clear selection
              </button>
            ) : null}
          </div>
          {search.error ? <ErrorMessage error={search.error} what="Search failed" /> : null}
          <DataTable<(typeof rows)[number]>
            label="Runs"
            rows={rows}
            columns={columns}
            getRowId={(row) => row.run.id}
            sort={sortedColumn(state.orderBy)}
            isSortable={(id) => SORTABLE.has(id) || /^(metrics|params|tags)\./.test(id)}
            onSortClick={(columnId) => setState((s) => ({ ...s, orderBy: nextOrder(s.orderBy, columnId) }))}
            selectedIds={selected}
            onToggleSelected={toggleSelected}
            onOpen={(row: { run: Run }) => navigate(paths.run(row.run.id))}
            onEndReached={loadMore}
            height="calc(100vh - 250px)"
            footer={
              <span className="muted" aria-live="polite">
                {search.isPending
                  ? 'Loading…'
                  : `${runs.length.toLocaleString()} runs${hasNextPage ? ' loaded, more below' : ''}${isFetchingNextPage ? ' (loading more…)' : ''}`}
              </span>
            }
          />
        </>
      )}
    </section>
  )
}
