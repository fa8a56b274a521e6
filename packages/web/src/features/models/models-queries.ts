import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { nameLikePattern, PAGED_BY_TOKEN } from '../../api/paging'
import { useProvena } from '../../api/provena-context'

const MODELS_KEY = ['models'] as const

/** Registered models whose name contains `search`, 100 per page. */
export function useModelList(search: string) {
  const provena = useProvena()
  return useInfiniteQuery({
    queryKey: [...MODELS_KEY, 'list', search.trim()],
    queryFn: ({ pageParam }) =>
      provena.models.list({
        nameLike: nameLikePattern(search),
        maxResults: 100,
        pageToken: pageParam,
      }),
    ...PAGED_BY_TOKEN,
    placeholderData: keepPreviousData,
  })
}

export function useModel(name: string) {
  const provena = useProvena()
  return useQuery({ queryKey: [...MODELS_KEY, 'one', name], queryFn: () => provena.models.get(name) })
}

/** A model's versions, newest first, 100 per page. */
export function useModelVersions(name: string) {
  const provena = useProvena()
  return useInfiniteQuery({
    queryKey: [...MODELS_KEY, 'versions', name],
    queryFn: ({ pageParam }) => provena.models.listVersions(name, { maxResults: 100, pageToken: pageParam }),
    ...PAGED_BY_TOKEN,
  })
}

/** One version (its aliases change as aliases move, so it is fetched again like other data). */
export function useModelVersion(name: string, version: number) {
  const provena = useProvena()
  return useQuery({
    queryKey: [...MODELS_KEY, 'version', name, version],
    queryFn: () => provena.models.getVersion(name, version),
  })
}

/** A version's files; they never change. */
export function useModelFiles(name: string, version: number) {
  const provena = useProvena()
  return useQuery({
    queryKey: [...MODELS_KEY, 'files', name, version],
    queryFn: () => provena.models.listFiles(name, version),
    staleTime: Number.POSITIVE_INFINITY,
  })
}

/** A version's model card; null asks for nothing (the model has no version yet). */
export function useModelCard(name: string, version: number | null) {
  const provena = useProvena()
  return useQuery({
    queryKey: [...MODELS_KEY, 'card', name, version],
    queryFn: () => provena.models.card(name, version ?? 0),
    enabled: version !== null,
  })
}

/** The pending promotion requests of a model. */
export function usePendingPromotions(name: string) {
  const provena = useProvena()
  return useQuery({
    queryKey: [...MODELS_KEY, 'promotions', name],
    queryFn: () => provena.models.listPromotions(name, 'PENDING'),
  })
}

/** Every move of the model's aliases, newest first, 100 per page. */
export function useAliasHistory(name: string) {
  const provena = useProvena()
  return useInfiniteQuery({
    queryKey: [...MODELS_KEY, 'alias-history', name],
    queryFn: ({ pageParam }) => provena.models.aliasHistory(name, { maxResults: 100, pageToken: pageParam }),
    ...PAGED_BY_TOKEN,
  })
}

/** Approving or rejecting a promotion request; afterwards everything shown of the model is fetched again. */
export function useDecidePromotion(name: string) {
  const provena = useProvena()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({
      requestId,
      decision,
      comment,
    }: {
      requestId: string
      decision: 'approve' | 'reject'
      comment: string
    }) => {
      const text = comment.trim() === '' ? undefined : comment.trim()
      return decision === 'approve'
        ? provena.models.approve(name, requestId, text)
        : provena.models.reject(name, requestId, text)
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: MODELS_KEY }),
  })
}
