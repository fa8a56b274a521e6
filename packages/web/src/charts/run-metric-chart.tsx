import { useMemo, useState } from 'react'
import type { ChartOptions } from '../navigation/url-state'
import { MetricChart } from './metric-chart'
import { type ChartRun, useMetricHistories } from './metric-history-query'
import { type ChartLine, type ChartPoint, toChartLine } from './series'
import { smoothEma } from './smoothing'

function toLine(run: ChartRun, points: ChartPoint[], options: ChartOptions): ChartLine {
  const line = toChartLine(run.name, points, {
    axis: options.xAxis,
    runStartMs: run.startTimeMs,
    isLogScale: options.isLogScale,
  })
  return { ...line, ys: smoothEma(line.ys, options.smoothing) }
}

/** A chart of one metric of one or several runs (overlaid), each line fetched downsampled. */
export function RunsMetricChart({
  runs,
  metricKey,
  options,
}: {
  runs: ChartRun[]
  metricKey: string
  options: ChartOptions
}) {
  const [widthPx, setWidthPx] = useState<number | null>(null)
  const [zoom, setZoom] = useState<[number, number] | null>(null)
  // Only step ranges can be asked of the server; a zoom on a time axis stays on the fetched points.
  const histories = useMetricHistories(runs, metricKey, { widthPx, stepRange: options.xAxis === 'step' ? zoom : null })
  const datas = histories.map((h) => h.data)
  // biome-ignore lint/correctness/useExhaustiveDependencies: recomputed when any fetched history changes
  const lines = useMemo(
    () =>
      runs.flatMap((run, i) => {
        const points = datas[i]
        return points ? [toLine(run, points, options)] : []
      }),
    [...datas, runs, options.xAxis, options.isLogScale, options.smoothing],
  )
  const error = histories.find((h) => h.error)?.error
  if (error)
    return (
      <p className="error">
        Could not load {metricKey}: {error.message}
      </p>
    )
  return (
    <MetricChart
      title={metricKey}
      lines={lines}
      xAxis={options.xAxis}
      isLogScale={options.isLogScale}
      zoom={zoom}
      onZoom={setZoom}
      onWidth={setWidthPx}
    />
  )
}
