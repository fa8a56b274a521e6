import { LINE_COLORS } from '../../charts/line-colors'
import { type ComparedRun, layoutAxis } from './compare-values'

const WIDTH = 520
const HEIGHT = 360
const MARGIN = { top: 20, right: 20, bottom: 50, left: 70 }

/** One dot per run: any param or metric against another. */
export function ScatterPlot({ runs, x, y }: { runs: ComparedRun[]; x: string; y: string }) {
  const xAxis = layoutAxis(runs, x)
  const yAxis = layoutAxis(runs, y)
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom
  // Dots keep a little distance from the axes, so the extreme ones are not cut in half.
  const px = (p: number) => MARGIN.left + (0.05 + 0.9 * p) * innerWidth
  const py = (p: number) => MARGIN.top + (0.95 - 0.9 * p) * innerHeight
  return (
    <svg
      className="plot"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`Scatter plot of ${y} against ${x}`}
    >
      <line
        x1={MARGIN.left}
        x2={MARGIN.left + innerWidth}
        y1={MARGIN.top + innerHeight}
        y2={MARGIN.top + innerHeight}
        className="axis-line"
      />
      <line x1={MARGIN.left} x2={MARGIN.left} y1={MARGIN.top} y2={MARGIN.top + innerHeight} className="axis-line" />
      {xAxis.ticks.slice(0, 10).map((tick) => (
        <text
          key={tick.label}
          x={px(tick.position)}
          y={MARGIN.top + innerHeight + 16}
          textAnchor="middle"
          className="tick-label"
        >
          {tick.label}
        </text>
      ))}
      {yAxis.ticks.slice(0, 10).map((tick) => (
        <text key={tick.label} x={MARGIN.left - 6} y={py(tick.position) + 4} textAnchor="end" className="tick-label">
          {tick.label}
        </text>
      ))}
      <text x={MARGIN.left + innerWidth / 2} y={HEIGHT - 8} textAnchor="middle" className="axis-label">
        {x}
      </text>
      <text
        x={14}
        y={MARGIN.top + innerHeight / 2}
        textAnchor="middle"
        className="axis-label"
        transform={`rotate(-90 14 ${MARGIN.top + innerHeight / 2})`}
      >
        {y}
      </text>
      {runs.map((run, i) => {
        const [xp, yp] = [xAxis.positions[i], yAxis.positions[i]]
        if (xp === undefined || yp === undefined) return null
        return (
          <circle key={run.id} cx={px(xp)} cy={py(yp)} r={6} fill={LINE_COLORS[i % LINE_COLORS.length]} className="dot">
            <title>{run.name}</title>
          </circle>
        )
      })}
    </svg>
  )
}
