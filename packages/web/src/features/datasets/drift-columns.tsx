import type { ColumnDrift, ColumnProfile, DatasetProfile, DriftVerdict } from '@provena/contract'
import { formatNumber } from '../../components/format'
import { WhenVisible } from '../../components/when-visible'
import { formatColumnValue } from './column-values'
import { categoryBars, overlaidBins } from './histogram-bins'
import { CategoryHistogram, HistogramLegend, NumericHistogram } from './histogram-chart'

const OVERLAID_BINS = 30
const MAX_CATEGORIES = 12
const SEVERITY: Record<DriftVerdict, number> = { drift: 0, warn: 1, ok: 2 }

/** A verdict as a coloured label that also says it in words. */
export function DriftBadge({ verdict }: { verdict: DriftVerdict }) {
  return <span className={`badge badge-${verdict}`}>{verdict}</span>
}

/** Most drifted first, then the report's order (the reference's column order). */
function bySeverity(columns: ColumnDrift[]): ColumnDrift[] {
  return [...columns].sort((a, b) => SEVERITY[a.verdict] - SEVERITY[b.verdict])
}

const measure = (value: number | null) => (value === null ? '—' : formatNumber(Number(value.toFixed(4))))
const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`

function CategoryChanges({ column }: { column: ColumnDrift }) {
  if (column.newCategories.length === 0 && column.vanishedCategories.length === 0) return <>—</>
  return (
    <>
      {column.newCategories.length > 0 ? <div>new: {column.newCategories.join(', ')}</div> : null}
      {column.vanishedCategories.length > 0 ? <div>gone: {column.vanishedCategories.join(', ')}</div> : null}
    </>
  )
}

/** Per column: the drift measures, the verdict, and why. */
export function DriftTable({ columns }: { columns: ColumnDrift[] }) {
  return (
    <div className="table-scroll">
      <table className="plain-table" aria-label="Column drift">
        <thead>
          <tr>
            <th scope="col">Column</th>
            <th scope="col">Type</th>
            <th scope="col">Verdict</th>
            <th scope="col">PSI</th>
            <th scope="col">KS</th>
            <th scope="col">JS distance</th>
            <th scope="col">Nulls</th>
            <th scope="col">Mean</th>
            <th scope="col">Categories</th>
            <th scope="col">Reasons</th>
          </tr>
        </thead>
        <tbody>
          {bySeverity(columns).map((column) => (
            <tr key={column.name} data-column={column.name}>
              <th scope="row">{column.name}</th>
              <td>
                {column.referenceType === column.currentType
                  ? column.referenceType
                  : `${column.referenceType} → ${column.currentType}`}
              </td>
              <td>
                <DriftBadge verdict={column.verdict} />
              </td>
              <td className="numeric">{measure(column.psi)}</td>
              <td className="numeric">{measure(column.ks)}</td>
              <td className="numeric">{measure(column.jsDistance)}</td>
              <td className="numeric nowrap">
                {percent(column.nullRate.reference)} → {percent(column.nullRate.current)}
              </td>
              <td className="numeric">
                {column.mean
                  ? `${formatColumnValue(column.mean.reference, column.referenceType)} → ${formatColumnValue(column.mean.current, column.currentType)}`
                  : '—'}
              </td>
              <td>
                <CategoryChanges column={column} />
              </td>
              <td>{column.reasons.length === 0 ? '—' : column.reasons.join('; ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function OverlaidHistogram({
  reference,
  current,
  names,
}: {
  reference: ColumnProfile
  current: ColumnProfile
  names: string[]
}) {
  if (reference.numeric && current.numeric) {
    const bins = overlaidBins(reference.numeric, current.numeric, OVERLAID_BINS)
    return (
      <NumericHistogram
        column={reference.name}
        type={current.type}
        edges={bins.edges}
        series={[
          { name: names[0] ?? 'reference', fractions: bins.reference },
          { name: names[1] ?? 'current', fractions: bins.current },
        ]}
      />
    )
  }
  if (reference.categories && current.categories) {
    return (
      <CategoryHistogram
        column={reference.name}
        bars={categoryBars([reference.categories, current.categories], MAX_CATEGORIES)}
        seriesNames={names}
      />
    )
  }
  return <p className="empty">The column changed between numbers and categories; there is no common histogram.</p>
}

/**
 * The reference's and the current version's histogram of each column in the report, drawn over
 * one another on common bins (numeric) or as grouped bars per value (categorical).
 */
export function OverlaidHistograms({
  columns,
  reference,
  current,
  names,
}: {
  columns: ColumnDrift[]
  reference: DatasetProfile
  current: DatasetProfile
  /** The legend's names of the two versions, reference first. */
  names: [string, string]
}) {
  const find = (profile: DatasetProfile, name: string) => profile.columns.find((c) => c.name === name)
  return (
    <>
      <HistogramLegend names={names} />
      <div className="histogram-grid">
        {bySeverity(columns).map((column) => {
          const [a, b] = [find(reference, column.name), find(current, column.name)]
          return (
            <figure key={column.name} className="chart histogram-card" data-column={column.name}>
              <figcaption>
                {column.name} <DriftBadge verdict={column.verdict} />
              </figcaption>
              {a && b ? (
                <WhenVisible minHeight={170}>
                  <OverlaidHistogram reference={a} current={b} names={names} />
                </WhenVisible>
              ) : (
                <p className="empty">The column is not in both profiles.</p>
              )}
            </figure>
          )
        })}
      </div>
    </>
  )
}
