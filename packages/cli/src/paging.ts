import { MAX_PAGE_SIZE } from '@provena/contract'

interface Page<T> {
  items: T[]
  nextPageToken: string | null
}

/**
 * Fetches pages until `limit` items are collected or the server has no more, so a
 * --max-results above the server's page size still works. `hasMore` says whether items were left.
 */
export async function collectPages<T>(
  limit: number,
  fetchPage: (pageSize: number, pageToken: string | undefined) => Promise<Page<T>>,
): Promise<{ items: T[]; hasMore: boolean }> {
  const items: T[] = []
  let pageToken: string | undefined
  for (;;) {
    const page = await fetchPage(Math.min(limit - items.length, MAX_PAGE_SIZE), pageToken)
    items.push(...page.items)
    if (page.nextPageToken === null) return { items, hasMore: false }
    if (items.length >= limit) return { items, hasMore: true }
    pageToken = page.nextPageToken
  }
}
