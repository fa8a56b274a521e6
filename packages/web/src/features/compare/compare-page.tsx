import { useMemo } from 'react'
import { ChartOptionsBar } from '../../charts/chart-options-bar'
import { LINE_COLORS } from '../../charts/line-colors'
import { RunsMetricChart } from '../../charts/run-metric-chart'
import { ErrorMessage } from '../../components/error-message'
import { Link } from '../../components/link'
import { type CompareViewState, decodeCompareView, encodeCompareView } from '../../navigation/url-state'
import { useUrlState } from '../../navigation/use-location'
import { paths } from '../../routes'
import { useRuns } from '../runs/runs-queries'
import { type CompareRow, compareRows } from './compare-values'
import { ParallelCoordinates } from './parallel-coordinates'
import { ScatterPlot } from './scatter-plot'

function ColumnSelect({
  label,
  description,
  value,
  columns,
  onChange,
}: {
  label: string
  /** The accessible name, which says which plot the choice is for. */
  description: string
  value: string
  columns: string[]
  onChange: (column: string) => void
}) {
  return (
    <label>
      {label}
      <select aria-label={description} value={value} onChange={(e) => onChange(e.target.value)}>
        {columns.map((column) => (
          <option key={column} value={column}>
            {column}
          </option>
        ))}
      </select>
    </label>
  )
}

function DiffTable({ runs, rows }: { runs: { id: string; name: string }[]; rows: CompareRow[] }) {
  return (
    <div className="table-scroll">
      <table className="plain-table diff-table" aria-label="Params and metrics of the compared runs">
        <thead>
          <tr>
            <th scope="col">Key</th>
            {runs.map((run, i) => (
              <th key={run.id} scope="col">
                <span className="swatch" style={{ background: LINE_COLORS[i % LINE_COLORS.length] }} />
                <Link href={paths.run(run.id)}>{run.name}</Link>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.column} className={row.isDifferent ? 'differs' : undefined} data-differs={row.isDifferent}>
              <th scope="row">
                {row.column}
                {row.isDifferent ? <span className="visually-hidden"> (differs)</span> : null}
              </th>
              {row.values.map((value, i) => (
                <td key={runs[i]?.id ?? i} className="numeric">
                  {value}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** Defaults for the plots: differing params as axes, the first metric as the target. */
function plotColumns(state: CompareViewState, rows: CompareRow[]) {
  const params = rows.filter((r) => r.column.startsWith('params.'))
  const metrics = rows.filter((r) => r.column.startsWith('metrics.'))
  const metric = state.parallelMetric || metrics[0]?.column || ''
  const axes =
    state.parallelAxes.length > 0
      ? state.parallelAxes
      : params
          .filter((r) => r.isDifferent)
          .slice(0, 6)
          .map((r) => r.column)
  const all = rows.map((r) => r.column)
  return {
    all,
    metric,
    axes,
    scatterX: state.scatterX || axes[0] || all[0] || '',
    scatterY: state.scatterY || metric || all[1] || '',
  }
}

/** Selected runs side by side: overlaid charts, a table of what differs, parallel coordinates and a scatter plot. */
export function ComparePage() {
  const [state, setState] = useUrlState(decodeCompareView, encodeCompareView)
  const runs = useRuns(state.runIds)
  const data = useMemo(() => runs.data ?? [], [runs.data])
  const rows = useMemo(() => compareRows(data), [data])
  if (state.runIds.length === 0) {
    return (
      <section className="page">
        <h1>Compare runs</h1>
        <p className="empty">
          Select runs on the <Link href={paths.runs({})}>runs page</Link> and press Compare.
        </p>
      </section>
    )
  }
  if (runs.error) return <ErrorMessage error={runs.error} what="Could not load the runs" />
  if (!runs.data) return <p className="muted">Loading…</p>
  const metricKeys = [...new Set(data.flatMap((run) => run.metrics.map((m) => m.key)))].sort()
  const plots = plotColumns(state, rows)
  const shownRows = state.showOnlyDifferences ? rows.filter((r) => r.isDifferent) : rows
  return (
    <section className="page">
      <div className="page-header">
        <h1>Compare {data.length} runs</h1>
        <Link
          href={paths.runs({
            experimentIds: [...new Set(data.map((r) => r.experimentId))],
            selectedRunIds: state.runIds,
          })}
        >
          ← back to the runs
        </Link>
      </div>

      <h2>Params and metrics</h2>
      <label className="check">
        <input
          type="checkbox"
          checked={state.showOnlyDifferences}
          onChange={(e) => setState((s) => ({ ...s, showOnlyDifferences: e.target.checked }))}
        />
        only rows that differ
      </label>
      <DiffTable runs={data} rows={shownRows} />

      <h2>Metrics</h2>
      <ChartOptionsBar options={state.chart} onChange={(chart) => setState((s) => ({ ...s, chart }))} />
      <div className="chart-grid">
        {metricKeys.map((key) => (
          <RunsMetricChart key={`${key}|${state.chart.xAxis}`} runs={data} metricKey={key} options={state.chart} />
        ))}
      </div>

      <h2>Parallel coordinates</h2>
      <div className="toolbar">
        <fieldset className="axis-chooser">
          <legend>Axes</legend>
          {plots.all
            .filter((c) => c.startsWith('params.'))
            .map((column) => (
              <label key={column} className="check">
                <input
                  type="checkbox"
                  checked={plots.axes.includes(column)}
                  onChange={(e) =>
                    setState((s) => ({
                      ...s,
                      parallelAxes: e.target.checked ? [...plots.axes, column] : plots.axes.filter((c) => c !== column),
                    }))
                  }
                />
                {column}
              </label>
            ))}
        </fieldset>
        <ColumnSelect
          label="Metric"
          description="Metric of the parallel coordinates"
          value={plots.metric}
          columns={plots.all.filter((c) => c.startsWith('metrics.'))}
          onChange={(parallelMetric) => setState((s) => ({ ...s, parallelMetric }))}
        />
      </div>
      <ParallelCoordinates runs={data} columns={plots.metric ? [...plots.axes, plots.metric] : plots.axes} />

      <h2>Scatter plot</h2>
      <div className="toolbar">
        <ColumnSelect
          label="X"
          description="X axis of the scatter plot"
          value={plots.scatterX}
          columns={plots.all}
          onChange={(scatterX) => setState((s) => ({ ...s, scatterX }))}
        />
        <ColumnSelect
          label="Y"
          description="Y axis of the scatter plot"
          value={plots.scatterY}
          columns={plots.all}
          onChange={(scatterY) => setState((s) => ({ ...s, scatterY }))}
        />
      </div>
      {plots.scatterX && plots.scatterY ? <ScatterPlot runs={data} x={plots.scatterX} y={plots.scatterY} /> : null}
    </section>
  )
}
