import type { ColumnProfile, DatasetProfile, DatasetSchema } from '@provena/contract'
import { formatNumber } from '../../components/format'
import { WhenVisible } from '../../components/when-visible'
import { ColumnSearch, matchesColumnSearch } from './column-search'
import { formatColumnValue } from './column-values'
import { categoryBars, profileBins } from './histogram-bins'
import { CategoryHistogram, NumericHistogram } from './histogram-chart'

/** Bins and bars drawn per column on a version's page. */
const MAX_BINS = 30
const MAX_CATEGORIES = 12

function ProfileRow({ column }: { column: ColumnProfile }) {
  const { numeric } = column
  const stat = (value: number | undefined) => (value === undefined ? '—' : formatColumnValue(value, column.type))
  const mixed = Object.keys(column.typeCounts).length > 1
  return (
    <tr>
      <th scope="row">{column.name}</th>
      <td>
        {column.type}
        {mixed ? <span className="muted"> (mixed)</span> : null}
      </td>
      <td className="numeric">{column.count.toLocaleString()}</td>
      <td className="numeric">{column.nullCount.toLocaleString()}</td>
      <td className="numeric">
        {column.isDistinctExact ? '' : '≈'}
        {column.distinctCount.toLocaleString()}
      </td>
      <td className="numeric">{stat(numeric?.min)}</td>
      <td className="numeric">{stat(numeric?.max)}</td>
      <td className="numeric">{stat(numeric?.mean)}</td>
      {/* A spread of epoch milliseconds reads badly as a number; the histogram shows it. */}
      <td className="numeric">{numeric && column.type !== 'timestamp' ? formatNumber(numeric.stddev) : '—'}</td>
      <td>{column.categories?.values[0]?.value ?? '—'}</td>
    </tr>
  )
}

/** A column's histogram: its bins when numeric, its most frequent values when categorical. */
function ColumnHistogram({ column }: { column: ColumnProfile }) {
  if (column.numeric) {
    const bins = profileBins(column.numeric, MAX_BINS)
    return (
      <NumericHistogram
        column={column.name}
        type={column.type}
        edges={bins.edges}
        series={[{ name: column.name, fractions: bins.fractions }]}
      />
    )
  }
  if (column.categories) {
    return (
      <CategoryHistogram
        column={column.name}
        bars={categoryBars([column.categories], MAX_CATEGORIES)}
        seriesNames={[column.name]}
      />
    )
  }
  return <p className="empty">No values to draw.</p>
}

/** A version's columns with their types and statistics, a histogram per column, and the profiler's warnings. */
export function ProfileView({
  schema,
  profile,
  columnSearch,
  onColumnSearch,
}: {
  schema: DatasetSchema | null
  profile: DatasetProfile | null
  columnSearch: string
  onColumnSearch: (search: string) => void
}) {
  if (!profile) {
    if (!schema) return <p className="empty">This version has no schema or profile (its files are not tabular).</p>
    return (
      <table className="plain-table" aria-label="Schema">
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Type</th>
          </tr>
        </thead>
        <tbody>
          {schema.columns.map((column) => (
            <tr key={column.name}>
              <th scope="row">{column.name}</th>
              <td>{column.type}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )
  }
  const columns = profile.columns.filter((c) => matchesColumnSearch(c.name, columnSearch))
  return (
    <>
      <div className="toolbar">
        <span className="muted">
          {profile.rowCount.toLocaleString()} rows in {profile.filesProfiled} profiled file
          {profile.filesProfiled === 1 ? '' : 's'}; {profile.columns.length.toLocaleString()} columns
          {columns.length === profile.columns.length ? '' : `, ${columns.length.toLocaleString()} shown`}.
        </span>
        {profile.columns.length > 8 || columnSearch !== '' ? (
          <ColumnSearch value={columnSearch} onChange={onColumnSearch} />
        ) : null}
      </div>
      {profile.warnings.length > 0 ? (
        <div className="warnings" role="note" aria-label="Profile warnings">
          <strong>Warnings</strong>
          <ul>
            {profile.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="table-scroll">
        <table className="plain-table" aria-label="Schema and profile">
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Type</th>
              <th scope="col">Values</th>
              <th scope="col">Nulls</th>
              <th scope="col">Distinct</th>
              <th scope="col">Min</th>
              <th scope="col">Max</th>
              <th scope="col">Mean</th>
              <th scope="col">Std dev</th>
              <th scope="col">Most frequent</th>
            </tr>
          </thead>
          <tbody>
            {columns.map((column) => (
              <ProfileRow key={column.name} column={column} />
            ))}
          </tbody>
        </table>
      </div>
      <h2>Histograms</h2>
      <div className="histogram-grid">
        {columns.map((column) => (
          <figure key={column.name} className="chart histogram-card" data-column={column.name}>
            <figcaption>
              {column.name} <span className="muted">{column.type}</span>
            </figcaption>
            <WhenVisible minHeight={170}>
              <ColumnHistogram column={column} />
            </WhenVisible>
          </figure>
        ))}
      </div>
    </>
  )
}
