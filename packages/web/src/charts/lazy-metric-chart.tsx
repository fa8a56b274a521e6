import { type ComponentProps, lazy, Suspense } from 'react'

// uPlot and the chart code load on first use, in parallel with the page's data, so pages without
// charts start sooner.
const RunsMetricChart = lazy(async () => ({ default: (await import('./run-metric-chart')).RunsMetricChart }))

/** RunsMetricChart, loaded on first use. */
export function LazyRunsMetricChart(props: ComponentProps<typeof RunsMetricChart>) {
  return (
    <Suspense fallback={<div className="chart chart-loading" aria-busy="true" />}>
      <RunsMetricChart {...props} />
    </Suspense>
  )
}
