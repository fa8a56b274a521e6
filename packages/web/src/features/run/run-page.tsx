import type { Run } from '@provena/sdk'
import { useMemo, useState } from 'react'
import { ChartOptionsBar } from '../../charts/chart-options-bar'
import { RunsMetricChart } from '../../charts/run-metric-chart'
import { ErrorMessage } from '../../components/error-message'
import { formatDuration, formatNumber, formatTime } from '../../components/format'
import { Link } from '../../components/link'
import { StatusBadge } from '../../components/status-badge'
import { decodeRunView, encodeRunView, type RunViewState } from '../../navigation/url-state'
import { useUrlState } from '../../navigation/use-location'
import { paths } from '../../routes'
import { useExperiments } from '../experiments/experiments-queries'
import { lineageRefs } from '../lineage/lineage-graph'
import { useChildRuns, useRun } from '../runs/runs-queries'
import { ArtifactsTab } from './artifacts-tab'
import { RunDatasets } from './run-datasets'

const TABS: { id: RunViewState['tab']; label: string }[] = [
  { id: 'overview', label: 'Overview' },
  { id: 'charts', label: 'Metrics' },
  { id: 'params', label: 'Params' },
  { id: 'artifacts', label: 'Artifacts' },
]

/** Tags whose keys say where the code came from, in the conventions of MLflow and Provena. */
const SOURCE_TAGS = ['mlflow.source.name', 'mlflow.source.git.commit', 'provena.source', 'provena.git.commit']

function KeyValueTable({ label, entries }: { label: string; entries: [string, string][] }) {
  const [search, setSearch] = useState('')
  const shown = entries.filter(([key]) => key.toLowerCase().includes(search.toLowerCase()))
  if (entries.length === 0) return <p className="empty">None.</p>
  return (
    <div>
      {entries.length > 10 ? (
        <input
          type="search"
          aria-label={`Find in ${label}`}
          placeholder="find…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
      ) : null}
      <table className="plain-table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {shown.map(([key, value]) => (
            <tr key={key}>
              <th scope="row">{key}</th>
              <td className="value-cell">{value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function Overview({ run }: { run: Run }) {
  const experiment = useExperiments([run.experimentId]).data?.[0]
  const children = useChildRuns(run)
  const source = SOURCE_TAGS.filter((key) => run.tags[key] !== undefined).map((key) => `${run.tags[key]}`)
  return (
    <div className="overview-grid">
      <dl className="facts">
        <dt>Run id</dt>
        <dd>
          <code>{run.id}</code>
        </dd>
        <dt>Experiment</dt>
        <dd>
          <Link href={paths.runs({ experimentIds: [run.experimentId] })}>{experiment?.name ?? run.experimentId}</Link>
        </dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={run.status} />
        </dd>
        <dt>Started</dt>
        <dd>{formatTime(run.startTimeMs)}</dd>
        <dt>Ended</dt>
        <dd>{run.endTimeMs === null ? '—' : formatTime(run.endTimeMs)}</dd>
        <dt>Duration</dt>
        <dd>{formatDuration(run.startTimeMs, run.endTimeMs) || '—'}</dd>
        <dt>User</dt>
        <dd>{run.userId}</dd>
        <dt>Source</dt>
        <dd>{source.length > 0 ? source.join(' @ ') : '—'}</dd>
        <dt>Parent run</dt>
        <dd>{run.parentRunId ? <Link href={paths.run(run.parentRunId)}>{run.parentRunId}</Link> : '—'}</dd>
        <dt>Nested runs</dt>
        <dd>
          {(children.data ?? []).length === 0
            ? '—'
            : children.data?.map((child) => (
                <div key={child.id}>
                  <Link href={paths.run(child.id)}>{child.name}</Link> <StatusBadge status={child.status} />
                </div>
              ))}
        </dd>
      </dl>
      <div>
        <h2>Latest metrics</h2>
        <KeyValueTable
          label="Latest metrics"
          entries={run.metrics.map((m) => [m.key, `${formatNumber(m.value)} (step ${m.step})`])}
        />
        <h2>Datasets</h2>
        <RunDatasets runId={run.id} />
        <h2>Tags</h2>
        <KeyValueTable label="Tags" entries={Object.entries(run.tags).sort(([a], [b]) => a.localeCompare(b))} />
      </div>
    </div>
  )
}

/** One run: overview, params, a chart per metric that follows the run while it is running, and its artifacts. */
export function RunPage({ runId }: { runId: string }) {
  const [state, setState] = useUrlState(decodeRunView, encodeRunView)
  const run = useRun(runId)
  const chartRuns = useMemo(() => (run.data ? [run.data] : []), [run.data])
  if (run.error) return <ErrorMessage error={run.error} what="Could not load the run" />
  if (!run.data) return <p className="muted">Loading…</p>
  const data = run.data
  const metricKeys = data.metrics.map((m) => m.key).sort()
  return (
    <section className="page">
      <div className="page-header">
        <h1>
          {data.name} <StatusBadge status={data.status} />
        </h1>
        <Link href={paths.runs({ experimentIds: [data.experimentId] })}>← runs of this experiment</Link>
        <Link href={paths.lineage({ ref: lineageRefs.run(data.id) })}>Lineage</Link>
      </div>
      <div role="tablist" aria-label="Run sections" className="tabs">
        {TABS.map((tab) => (
          <button
            key={tab.id}
            type="button"
            role="tab"
            id={`tab-${tab.id}`}
            aria-selected={state.tab === tab.id}
            aria-controls={`panel-${tab.id}`}
            onClick={() => setState((s) => ({ ...s, tab: tab.id }))}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${state.tab}`} aria-labelledby={`tab-${state.tab}`}>
        {state.tab === 'overview' ? <Overview run={data} /> : null}
        {state.tab === 'params' ? (
          <KeyValueTable label="Params" entries={Object.entries(data.params).sort(([a], [b]) => a.localeCompare(b))} />
        ) : null}
        {state.tab === 'artifacts' ? (
          <ArtifactsTab
            runId={data.id}
            dir={state.artifactDir}
            onOpen={(artifactDir) => setState((s) => ({ ...s, artifactDir }))}
          />
        ) : null}
        {state.tab === 'charts' ? (
          <>
            <ChartOptionsBar options={state.chart} onChange={(chart) => setState((s) => ({ ...s, chart }))} />
            {metricKeys.length === 0 ? <p className="empty">This run has no metrics.</p> : null}
            <div className="chart-grid">
              {metricKeys.map((key) => (
                <RunsMetricChart
                  key={`${key}|${state.chart.xAxis}`}
                  runs={chartRuns}
                  metricKey={key}
                  options={state.chart}
                />
              ))}
            </div>
          </>
        ) : null}
      </div>
    </section>
  )
}
