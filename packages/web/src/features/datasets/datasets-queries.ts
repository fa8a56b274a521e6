import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { nameLikePattern, PAGED_BY_TOKEN } from '../../api/paging'
import { useProvena } from '../../api/provena-context'

const DATASETS_KEY = ['datasets'] as const
/** Files of a manifest per request while the table scrolls: a few screens. */
const FILES_PAGE_SIZE = 500

/** Datasets whose name contains `search`, 100 per page. */
export function useDatasetList(search: string) {
  const provena = useProvena()
  return useInfiniteQuery({
    queryKey: [...DATASETS_KEY, 'list', search.trim()],
    queryFn: ({ pageParam }) =>
      provena.datasets.list({
        nameLike: nameLikePattern(search),
        maxResults: 100,
        pageToken: pageParam,
      }),
    ...PAGED_BY_TOKEN,
    placeholderData: keepPreviousData,
  })
}

export function useDataset(name: string) {
  const provena = useProvena()
  return useQuery({ queryKey: [...DATASETS_KEY, 'one', name], queryFn: () => provena.datasets.get(name) })
}

/** A dataset's versions, newest first, 100 per page. */
export function useDatasetVersions(name: string) {
  const provena = useProvena()
  return useInfiniteQuery({
    queryKey: [...DATASETS_KEY, 'versions', name],
    queryFn: ({ pageParam }) => provena.datasets.listVersions(name, { maxResults: 100, pageToken: pageParam }),
    ...PAGED_BY_TOKEN,
  })
}

/** A version with its schema and profile; versions never change, so it is never fetched again. */
export function useDatasetVersion(name: string, version: number | null) {
  const provena = useProvena()
  return useQuery({
    queryKey: [...DATASETS_KEY, 'version', name, version],
    queryFn: () => provena.datasets.getVersion({ name, version: version ?? undefined }),
    enabled: version !== null,
    staleTime: Number.POSITIVE_INFINITY,
  })
}

/** The files of a version's manifest, page by page as the table scrolls. */
export function useDatasetFiles(name: string, version: number) {
  const provena = useProvena()
  return useInfiniteQuery({
    queryKey: [...DATASETS_KEY, 'files', name, version],
    queryFn: ({ pageParam }) =>
      provena.datasets.listFilesPage({ name, version }, { maxResults: FILES_PAGE_SIZE, pageToken: pageParam }),
    ...PAGED_BY_TOKEN,
    staleTime: Number.POSITIVE_INFINITY,
  })
}

/** The runs that read or produced a version. */
export function useVersionRuns(name: string, version: number) {
  const provena = useProvena()
  return useQuery({
    queryKey: [...DATASETS_KEY, 'runs', name, version],
    queryFn: () => provena.datasets.runsOf({ name, version }),
  })
}

/** The drift report from one version of a dataset (the reference) to another. */
export function useDrift(name: string, reference: number | null, current: number | null) {
  const provena = useProvena()
  return useQuery({
    queryKey: [...DATASETS_KEY, 'drift', name, reference, current],
    queryFn: () =>
      provena.datasets.drift({
        reference: { dataset: { name, version: reference ?? 0 } },
        current: { dataset: { name, version: current ?? 0 } },
      }),
    enabled: reference !== null && current !== null,
    staleTime: Number.POSITIVE_INFINITY,
  })
}

/** The dataset versions a run read (with their context) and produced. */
export function useRunDatasets(runId: string) {
  const provena = useProvena()
  return useQuery({ queryKey: ['runs', runId, 'datasets'], queryFn: () => provena.datasets.ofRun(runId) })
}
