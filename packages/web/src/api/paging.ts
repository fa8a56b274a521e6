/** A search box text as a LIKE pattern: the text anywhere in the name. */
export function nameLikePattern(search: string): string | undefined {
  const trimmed = search.trim()
  return trimmed === '' ? undefined : `%${trimmed}%`
}

/** The paging options of `useInfiniteQuery` for a list the API pages by token. */
export const PAGED_BY_TOKEN = {
  initialPageParam: undefined as string | undefined,
  getNextPageParam: (page: { nextPageToken: string | null }) => page.nextPageToken ?? undefined,
}
