import { LINE_COLORS } from '../../charts/line-colors'
import { type ComparedRun, layoutAxis } from './compare-values'

const WIDTH = 900
const HEIGHT = 320
const MARGIN = { top: 30, right: 60, bottom: 40, left: 60 }

/** One vertical axis per chosen param, ending in the chosen metric; one line per run. */
export function ParallelCoordinates({ runs, columns }: { runs: ComparedRun[]; columns: string[] }) {
  if (columns.length < 2) return <p className="empty">Choose at least two axes.</p>
  const axes = columns.map((column) => layoutAxis(runs, column))
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom
  const xOf = (i: number) => MARGIN.left + (i / (axes.length - 1)) * innerWidth
  const yOf = (position: number) => MARGIN.top + (1 - position) * innerHeight
  return (
    <svg
      className="plot"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`Parallel coordinates of ${columns.join(', ')}`}
    >
      {axes.map((axis, i) => (
        <g key={axis.column}>
          <line x1={xOf(i)} x2={xOf(i)} y1={MARGIN.top} y2={MARGIN.top + innerHeight} className="axis-line" />
          <text x={xOf(i)} y={HEIGHT - 12} textAnchor="middle" className="axis-label">
            {axis.column}
          </text>
          {axis.ticks.slice(0, 12).map((tick) => (
            <text key={tick.label} x={xOf(i) - 6} y={yOf(tick.position) + 4} textAnchor="end" className="tick-label">
              {tick.label}
            </text>
          ))}
        </g>
      ))}
      {runs.map((run, r) => {
        const points = axes.flatMap((axis, i) => {
          const position = axis.positions[r]
          return position === undefined ? [] : [`${xOf(i)},${yOf(position)}`]
        })
        return (
          <polyline
            key={run.id}
            points={points.join(' ')}
            fill="none"
            stroke={LINE_COLORS[r % LINE_COLORS.length]}
            strokeWidth={2}
          >
            <title>{run.name}</title>
          </polyline>
        )
      })}
    </svg>
  )
}
