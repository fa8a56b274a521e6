import type { Experiment, ViewType } from '@provena/sdk'
import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { nameLikePattern, PAGED_BY_TOKEN } from '../../api/paging'
import { useProvena } from '../../api/provena-context'

const EXPERIMENTS_KEY = ['experiments'] as const

/** Experiments whose name contains `search`, 100 per page. */
export function useExperimentList(search: string, view: ViewType) {
  const provena = useProvena()
  return useInfiniteQuery({
    queryKey: [...EXPERIMENTS_KEY, 'list', search, view],
    queryFn: ({ pageParam }) =>
      provena.experiments.list({ nameLike: nameLikePattern(search), view, maxResults: 100, pageToken: pageParam }),
    ...PAGED_BY_TOKEN,
    // While a new search is on its way, the last answer stays on screen instead of "No experiments".
    placeholderData: keepPreviousData,
  })
}

/** Experiments by id, e.g. the ones a runs page shows. */
export function useExperiments(ids: string[]) {
  const provena = useProvena()
  return useQuery({
    queryKey: [...EXPERIMENTS_KEY, 'by-id', ids],
    queryFn: () => Promise.all(ids.map((id) => provena.experiments.get(id))),
    enabled: ids.length > 0,
  })
}

/** Create, rename, delete and restore; each refreshes every experiment list. */
export function useExperimentMutations() {
  const provena = useProvena()
  const queryClient = useQueryClient()
  const onSuccess = () => queryClient.invalidateQueries({ queryKey: EXPERIMENTS_KEY })
  return {
    create: useMutation({
      mutationFn: (input: { name: string; description?: string }) => provena.experiments.create(input),
      onSuccess,
    }),
    rename: useMutation({
      mutationFn: ({ id, name }: { id: string; name: string }) => provena.experiments.update(id, { name }),
      onSuccess,
    }),
    remove: useMutation({
      mutationFn: (experiment: Experiment) => provena.experiments.delete(experiment.id),
      onSuccess,
    }),
    restore: useMutation({
      mutationFn: (experiment: Experiment) => provena.experiments.restore(experiment.id),
      onSuccess,
    }),
  }
}
