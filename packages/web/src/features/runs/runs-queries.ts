import type { Run } from '@provena/sdk'
import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { PAGED_BY_TOKEN } from '../../api/paging'
import { useProvena } from '../../api/provena-context'
import type { RunsViewState } from '../../navigation/url-state'

/** Runs of the first request: a screenful and some, so the table shows up fast. */
const FIRST_PAGE_SIZE = 100
/** Runs fetched per request while scrolling on: a few screens. */
const RUNS_PAGE_SIZE = 200

/** The runs of a runs view, page by page as the table scrolls; filtered and sorted by the server. */
export function useRunSearch(view: Pick<RunsViewState, 'experimentIds' | 'filter' | 'orderBy' | 'view'>) {
  const provena = useProvena()
  return useInfiniteQuery({
    queryKey: ['runs', 'search', view.experimentIds, view.filter, view.orderBy, view.view],
    queryFn: ({ pageParam }) =>
      provena.runs.search({
        experimentIds: view.experimentIds,
        filter: view.filter,
        orderBy: view.orderBy === '' ? [] : [view.orderBy],
        view: view.view,
        // Page tokens hold an offset, so pages of different sizes follow on from each other.
        maxResults: pageParam === undefined ? FIRST_PAGE_SIZE : RUNS_PAGE_SIZE,
        pageToken: pageParam,
      }),
    ...PAGED_BY_TOKEN,
    enabled: view.experimentIds.length > 0,
    placeholderData: keepPreviousData,
  })
}

/** The param, metric and tag keys in use in some experiments, for completion and columns. */
export function useRunKeys(experimentIds: string[]) {
  const provena = useProvena()
  return useQuery({
    queryKey: ['runs', 'keys', experimentIds],
    queryFn: () => provena.runs.keys(experimentIds),
    enabled: experimentIds.length > 0,
    staleTime: 60_000,
  })
}

/** One run; refreshed every few seconds while it is running. */
export function useRun(runId: string) {
  const provena = useProvena()
  return useQuery({
    queryKey: ['runs', 'one', runId],
    queryFn: () => provena.runs.get(runId),
    refetchInterval: (query) => (query.state.data?.status === 'RUNNING' ? 5000 : false),
  })
}

/** Several runs by id, e.g. the ones being compared. */
export function useRuns(runIds: string[]) {
  const provena = useProvena()
  return useQuery({
    queryKey: ['runs', 'many', runIds],
    queryFn: (): Promise<Run[]> => Promise.all(runIds.map((id) => provena.runs.get(id))),
    enabled: runIds.length > 0,
    refetchInterval: (query) => (query.state.data?.some((run) => run.status === 'RUNNING') ? 5000 : false),
  })
}

/** The children of a run (runs whose parent it is), newest first. */
export function useChildRuns(run: Run | undefined) {
  const provena = useProvena()
  return useQuery({
    queryKey: ['runs', 'children', run?.id],
    queryFn: async () =>
      run
        ? (
            await provena.runs.search({
              experimentIds: [run.experimentId],
              filter: `attributes.parent_run_id = '${run.id}'`,
              maxResults: 100,
            })
          ).runs
        : [],
    enabled: run !== undefined,
  })
}
