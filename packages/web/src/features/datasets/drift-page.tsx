import type { DriftReport } from '@provena/contract'
import { ErrorMessage } from '../../components/error-message'
import { Link } from '../../components/link'
import { type DatasetCompareState, decodeDatasetCompare, encodeDatasetCompare } from '../../navigation/url-state'
import { useUrlState } from '../../navigation/use-location'
import { paths } from '../../routes'
import { ColumnSearch, matchesColumnSearch } from './column-search'
import { useDatasetVersion, useDatasetVersions, useDrift } from './datasets-queries'
import { DriftBadge, DriftTable, OverlaidHistograms } from './drift-columns'

function VersionSelect({
  label,
  value,
  versions,
  onChange,
}: {
  label: string
  value: number | null
  versions: number[]
  onChange: (version: number) => void
}) {
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(e) => onChange(Number(e.target.value))}>
        {value === null ? <option value="">choose…</option> : null}
        {versions.map((v) => (
          <option key={v} value={v}>
            v{v}
          </option>
        ))}
      </select>
    </label>
  )
}

function signed(value: number): string {
  return value > 0 ? `+${value.toLocaleString()}` : value.toLocaleString()
}

function FileList({ title, paths: files }: { title: string; paths: string[] }) {
  if (files.length === 0) return null
  return (
    <details>
      <summary>
        {files.length.toLocaleString()} {title}
      </summary>
      <ul className="file-list">
        {files.slice(0, 200).map((file) => (
          <li key={file}>
            <code>{file}</code>
          </li>
        ))}
        {files.length > 200 ? <li className="muted">and {(files.length - 200).toLocaleString()} more</li> : null}
      </ul>
    </details>
  )
}

/** The verdict, row count, schema and file changes of a report. */
function ReportSummary({ report }: { report: DriftReport }) {
  const { rowCount, schema, files } = report
  const schemaChanges = [
    ...schema.added.map((c) => `added ${c.name} (${c.type})`),
    ...schema.removed.map((c) => `removed ${c.name} (${c.type})`),
    ...schema.retyped.map((c) => `${c.name}: ${c.from} → ${c.to}`),
  ]
  const relative =
    rowCount.relativeChange === null ? '' : ` (${signed(Math.round(rowCount.relativeChange * 1000) / 10)}%)`
  return (
    <dl className="facts drift-summary">
      <dt>Verdict</dt>
      <dd className="verdict">
        <DriftBadge verdict={report.verdict} />
      </dd>
      <dt>Rows</dt>
      <dd>
        {rowCount.reference.toLocaleString()} → {rowCount.current.toLocaleString()}: {signed(rowCount.change)}
        {relative}
      </dd>
      <dt>Schema</dt>
      <dd>
        {schemaChanges.length === 0 ? (
          'no changes'
        ) : (
          <ul className="schema-changes">
            {schemaChanges.map((change) => (
              <li key={change}>{change}</li>
            ))}
          </ul>
        )}
      </dd>
      <dt>Files</dt>
      <dd>
        {files === null ? '—' : null}
        {files && files.added.length + files.removed.length + files.changed.length === 0 ? 'the same files' : null}
        {files ? (
          <>
            <FileList title="added" paths={files.added} />
            <FileList title="removed" paths={files.removed} />
            <FileList title="changed" paths={files.changed} />
          </>
        ) : null}
      </dd>
      <dt>Thresholds</dt>
      <dd className="muted">
        PSI warn {report.thresholds.psi.warn} / drift {report.thresholds.psi.drift}; KS {report.thresholds.ks.warn} /{' '}
        {report.thresholds.ks.drift}; JS distance {report.thresholds.jsDistance.warn} /{' '}
        {report.thresholds.jsDistance.drift}
      </dd>
    </dl>
  )
}

/** Which columns the table and the histograms show: by name, and only those that drifted. */
function ColumnFilter({
  state,
  onChange,
  shown,
  total,
}: {
  state: DatasetCompareState
  onChange: (change: Partial<DatasetCompareState>) => void
  shown: number
  total: number
}) {
  return (
    <div className="toolbar">
      <ColumnSearch value={state.columnSearch} onChange={(columnSearch) => onChange({ columnSearch })} />
      <label className="check">
        <input
          type="checkbox"
          checked={state.isDriftedOnly}
          onChange={(e) => onChange({ isDriftedOnly: e.target.checked })}
        />
        only columns that drifted
      </label>
      <span className="muted">
        {shown.toLocaleString()} of {total.toLocaleString()} columns
      </span>
    </div>
  )
}

/** The drift report between two versions of a dataset, with overlaid histograms per column. */
export function DriftPage({ name }: { name: string }) {
  const [chosen, setState] = useUrlState(decodeDatasetCompare, encodeDatasetCompare)
  const versions = useDatasetVersions(name)
  const numbers = versions.data?.pages.flatMap((page) => page.versions.map((v) => v.version)) ?? []
  // Without a choice in the URL: the latest version against the one before it.
  const state = {
    ...chosen,
    reference: chosen.reference ?? (numbers.length > 1 ? (numbers[1] ?? null) : null),
    current: chosen.current ?? numbers[0] ?? null,
  }
  const drift = useDrift(name, state.reference, state.current)
  const reference = useDatasetVersion(name, state.reference)
  const current = useDatasetVersion(name, state.current)
  const choose = (side: 'reference' | 'current') => (version: number) => setState(() => ({ ...state, [side]: version }))
  const update = (change: Partial<DatasetCompareState>) => setState(() => ({ ...state, ...change }))
  const report = drift.data
  const columns = (report?.columns ?? []).filter(
    (c) => matchesColumnSearch(c.name, state.columnSearch) && (!state.isDriftedOnly || c.verdict !== 'ok'),
  )
  const names: [string, string] = [`v${state.reference} (reference)`, `v${state.current} (current)`]
  return (
    <section className="page">
      <div className="page-header">
        <h1>Drift of {name}</h1>
        <Link href={paths.dataset(name)}>← versions of {name}</Link>
      </div>
      <div className="toolbar">
        <VersionSelect label="Reference" value={state.reference} versions={numbers} onChange={choose('reference')} />
        <VersionSelect label="Current" value={state.current} versions={numbers} onChange={choose('current')} />
      </div>
      {versions.data && (state.reference === null || state.current === null) ? (
        <p className="empty">
          {numbers.length < 2
            ? 'This dataset has one version: there is nothing to compare yet.'
            : 'Choose the two versions to compare.'}
        </p>
      ) : null}
      {drift.error ? <ErrorMessage error={drift.error} what="Could not compare the versions" /> : null}
      {drift.isLoading ? <p className="muted">Comparing…</p> : null}
      {report ? (
        <>
          <ReportSummary report={report} />
          <h2>Columns</h2>
          <ColumnFilter state={state} onChange={update} shown={columns.length} total={report.columns.length} />
          <DriftTable columns={columns} />
          <h2>Histograms</h2>
          {reference.data && current.data ? (
            reference.data.profile && current.data.profile ? (
              <OverlaidHistograms
                columns={columns}
                reference={reference.data.profile}
                current={current.data.profile}
                names={names}
              />
            ) : (
              <p className="empty">One of the versions has no profile.</p>
            )
          ) : (
            <p className="muted">Loading the profiles…</p>
          )}
        </>
      ) : null}
    </section>
  )
}
