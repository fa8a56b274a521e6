import type { XAxis } from '../navigation/url-state'

/** A metric point as the charts take it. */
export interface ChartPoint {
  value: number
  step: number
  timestampMs: number
}

/** One line of a chart: x ascending, y aligned with it (null breaks the line). */
export interface ChartLine {
  label: string
  xs: number[]
  ys: (number | null)[]
}

/** The x of a point on each kind of axis: the step, seconds since the epoch, or seconds since the run started. */
function xOf(point: ChartPoint, axis: XAxis, runStartMs: number): number {
  if (axis === 'step') return point.step
  if (axis === 'wall') return point.timestampMs / 1000
  return (point.timestampMs - runStartMs) / 1000
}

/**
 * A run's metric history as a chart line on the given x axis, sorted by x (history is in step
 * order, which time need not follow). Non-finite values and, on a log scale, values <= 0 cannot
 * be drawn and become gaps.
 */
export function toChartLine(
  label: string,
  points: ChartPoint[],
  { axis, runStartMs, isLogScale }: { axis: XAxis; runStartMs: number; isLogScale: boolean },
): ChartLine {
  const pairs = points.map((p) => [xOf(p, axis, runStartMs), p.value] as const)
  if (axis !== 'step') pairs.sort((a, b) => a[0] - b[0])
  const xs: number[] = []
  const ys: (number | null)[] = []
  for (const [x, value] of pairs) {
    xs.push(x)
    ys.push(Number.isFinite(value) && (!isLogScale || value > 0) ? value : null)
  }
  return { label, xs, ys }
}

/**
 * Several lines on one shared, ascending x array (what uPlot draws), each with null where it
 * has no point at that x. Lines that share their x values (one run, or runs logged at the same
 * steps) stay as small as they came.
 */
export function alignLines(lines: ChartLine[]): [number[], ...(number | null)[][]] {
  const allXs = new Set<number>()
  for (const line of lines) for (const x of line.xs) allXs.add(x)
  const xs = [...allXs].sort((a, b) => a - b)
  const index = new Map(xs.map((x, i) => [x, i]))
  const columns = lines.map((line) => {
    const column = new Array<number | null>(xs.length).fill(null)
    line.xs.forEach((x, i) => {
      column[index.get(x) ?? 0] = line.ys[i] ?? null
    })
    return column
  })
  return [xs, ...columns]
}
