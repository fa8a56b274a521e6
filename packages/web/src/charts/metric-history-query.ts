import { MAX_DOWNSAMPLED_POINTS } from '@provena/contract'
import { keepPreviousData, useQueries } from '@tanstack/react-query'
import { useProvena } from '../api/provena-context'

/** How many points a chart of `widthPx` CSS pixels asks for: about one per pixel, within the server's limits. */
function pointsForWidth(widthPx: number): number {
  return Math.max(100, Math.min(MAX_DOWNSAMPLED_POINTS, Math.round(widthPx)))
}

/** The run whose metric a chart line shows. */
export interface ChartRun {
  id: string
  name: string
  startTimeMs: number
  status: string
}

/**
 * One metric's history for each run, downsampled on the server to about the chart's width
 * (nothing is fetched until the width is known); with `stepRange` (a chart zoomed in on the
 * step axis) only that range, at the same density, so zooming in shows detail. Histories of
 * running runs are fetched again every few seconds.
 */
export function useMetricHistories(
  runs: ChartRun[],
  key: string,
  { widthPx, stepRange }: { widthPx: number | null; stepRange: [number, number] | null },
) {
  const provena = useProvena()
  const range = stepRange && { minStep: Math.floor(stepRange[0]), maxStep: Math.ceil(stepRange[1]) }
  const maxPoints = pointsForWidth(widthPx ?? 0)
  return useQueries({
    queries: runs.map((run) => ({
      queryKey: ['runs', 'history', run.id, key, maxPoints, range?.minStep, range?.maxStep],
      queryFn: () => provena.getMetricHistory(run.id, key, { maxPoints, ...range }),
      enabled: widthPx !== null,
      placeholderData: keepPreviousData,
      refetchInterval: run.status === 'RUNNING' ? 5000 : (false as const),
      staleTime: run.status === 'RUNNING' ? 0 : 60_000,
    })),
  })
}
