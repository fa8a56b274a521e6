import type { ColumnType } from '@provena/contract'
import { useEffect } from 'react'
import { LINE_COLORS } from '../../charts/line-colors'
import { formatAxisValue } from './column-values'
import type { CategoryBar } from './histogram-bins'

/** One profile drawn in a histogram: its name in the legend and its share of values per bin. */
export interface HistogramSeries {
  name: string
  fractions: number[]
}

const WIDTH = 360
const HEIGHT = 170
const MARGIN = { top: 10, right: 12, bottom: 34, left: 44 }
const INNER_WIDTH = WIDTH - MARGIN.left - MARGIN.right
const INNER_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom

/** The first histogram on a page sets this performance mark, which the ui-datasets benchmark reads. */
const HISTOGRAM_DRAWN_MARK = 'provena:histogram-drawn'

function useDrawnMark() {
  useEffect(() => {
    if (performance.getEntriesByName(HISTOGRAM_DRAWN_MARK).length === 0) performance.mark(HISTOGRAM_DRAWN_MARK)
  }, [])
}

/** Series colours: the reference in the first line colour, the current version in the second. */
function seriesColor(index: number): string {
  return LINE_COLORS[index % LINE_COLORS.length] ?? '#3b6fe0'
}

function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(fraction < 0.001 && fraction > 0 ? 2 : 1)}%`
}

/** Swatches naming the series, under a histogram of more than one. */
export function HistogramLegend({ names }: { names: string[] }) {
  return (
    <ul className="legend" aria-label="Legend">
      {names.map((name, i) => (
        <li key={name}>
          <span className="swatch" style={{ background: seriesColor(i) }} />
          {name}
        </li>
      ))}
    </ul>
  )
}

/**
 * Bars over equal-width bins of a numeric column, one colour per series drawn over one another
 * (half transparent, so both show where they overlap). Each bar names its range and share on hover.
 */
export function NumericHistogram({
  column,
  type,
  edges,
  series,
}: {
  column: string
  type: ColumnType
  edges: number[]
  series: HistogramSeries[]
}) {
  useDrawnMark()
  const low = edges[0] ?? 0
  const high = edges[edges.length - 1] ?? 1
  const span = high - low || 1
  const top = Math.max(1e-9, ...series.flatMap((s) => s.fractions))
  const x = (value: number) => MARGIN.left + ((value - low) / span) * INNER_WIDTH
  const y = (fraction: number) => MARGIN.top + INNER_HEIGHT - (fraction / top) * INNER_HEIGHT
  const baseline = MARGIN.top + INNER_HEIGHT
  const isOverlaid = series.length > 1
  return (
    <svg
      className="plot histogram"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`Histogram of ${column}`}
      data-series={series.length}
    >
      <line x1={MARGIN.left} x2={MARGIN.left + INNER_WIDTH} y1={baseline} y2={baseline} className="axis-line" />
      <text x={MARGIN.left - 4} y={MARGIN.top + 8} textAnchor="end" className="tick-label">
        {formatPercent(top)}
      </text>
      <text x={MARGIN.left - 4} y={baseline} textAnchor="end" className="tick-label">
        0
      </text>
      <text x={MARGIN.left} y={baseline + 14} textAnchor="start" className="tick-label">
        {formatAxisValue(low, type)}
      </text>
      <text x={MARGIN.left + INNER_WIDTH} y={baseline + 14} textAnchor="end" className="tick-label">
        {formatAxisValue(high, type)}
      </text>
      <text x={MARGIN.left + INNER_WIDTH / 2} y={HEIGHT - 4} textAnchor="middle" className="axis-label">
        {column}
      </text>
      {series.map((s, seriesIndex) =>
        s.fractions.map((fraction, i) => {
          const [from, to] = [edges[i] ?? low, edges[i + 1] ?? high]
          if (fraction <= 0) return null
          return (
            <rect
              // biome-ignore lint/suspicious/noArrayIndexKey: bins are fixed positions, not a reorderable list
              key={`${seriesIndex}-${i}`}
              className={`bar series-${seriesIndex}`}
              x={x(from)}
              width={Math.max(1, x(to) - x(from) - (isOverlaid ? 0 : 1))}
              y={y(fraction)}
              height={baseline - y(fraction)}
              fill={seriesColor(seriesIndex)}
              fillOpacity={isOverlaid ? 0.5 : 0.85}
              stroke={isOverlaid ? seriesColor(seriesIndex) : 'none'}
            >
              <title>{`${isOverlaid ? `${s.name}: ` : ''}${formatAxisValue(from, type)} to ${formatAxisValue(to, type)}: ${formatPercent(fraction)}`}</title>
            </rect>
          )
        }),
      )}
    </svg>
  )
}

const ROW_HEIGHT = 22
const LABEL_WIDTH = 120

/** Horizontal bars, one row per value (a bar per series in the row), most frequent first. */
export function CategoryHistogram({
  column,
  bars,
  seriesNames,
}: {
  column: string
  bars: CategoryBar[]
  seriesNames: string[]
}) {
  useDrawnMark()
  const height = Math.max(1, bars.length) * ROW_HEIGHT + 8
  // Room on the right for the percentages after the longest bar.
  const barWidth = WIDTH - LABEL_WIDTH - (seriesNames.length > 1 ? 100 : 56)
  const top = Math.max(1e-9, ...bars.flatMap((b) => b.fractions))
  const thickness = (ROW_HEIGHT - 6) / Math.max(1, seriesNames.length)
  return (
    <svg
      className="plot histogram"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-label={`Histogram of ${column}`}
      data-series={seriesNames.length}
    >
      {bars.map((bar, row) => {
        const rowTop = 4 + row * ROW_HEIGHT
        const label = bar.label.length > 18 ? `${bar.label.slice(0, 17)}…` : bar.label
        return (
          <g key={bar.label} className={bar.isOther ? 'category other' : 'category'}>
            <text x={LABEL_WIDTH - 6} y={rowTop + ROW_HEIGHT / 2 + 4} textAnchor="end" className="tick-label">
              {label}
            </text>
            {bar.fractions.map((fraction, seriesIndex) => (
              <rect
                key={seriesNames[seriesIndex] ?? seriesIndex}
                className={`bar series-${seriesIndex}`}
                x={LABEL_WIDTH}
                y={rowTop + 3 + seriesIndex * thickness}
                width={Math.max(fraction > 0 ? 1 : 0, (fraction / top) * barWidth)}
                height={thickness - 1}
                fill={seriesColor(seriesIndex)}
                fillOpacity={0.85}
              >
                <title>{`${seriesNames.length > 1 ? `${seriesNames[seriesIndex]}: ` : ''}${bar.label}: ${formatPercent(fraction)}`}</title>
              </rect>
            ))}
            <text
              x={LABEL_WIDTH + Math.max(...bar.fractions.map((f) => (f / top) * barWidth)) + 4}
              y={rowTop + ROW_HEIGHT / 2 + 4}
              className="tick-label"
            >
              {bar.fractions.map(formatPercent).join(' → ')}
            </text>
          </g>
        )
      })}
    </svg>
  )
}
