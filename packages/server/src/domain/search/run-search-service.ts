import { parseRunFilter, parseRunOrderBy, type SearchRunsBody, type SearchRunsResponse } from '@provena/contract'
import { decodePageToken, encodePageToken, isOffsetPosition } from '../../storage/db/page-token.js'
import type { Store } from '../../storage/store.js'
import type { Principal } from '../principal.js'

export type SearchRunsInput = Required<Omit<SearchRunsBody, 'pageToken'>> & { pageToken?: string | undefined }

export type RunSearchService = ReturnType<typeof createRunSearchService>

export function createRunSearchService({ store }: { store: Store }) {
  return {
    /** Runs of the given experiments that match the filter, in the requested order, one page at a time. */
    async search(_actor: Principal, input: SearchRunsInput): Promise<SearchRunsResponse> {
      const clauses = parseRunFilter(input.filter)
      const orderBy = input.orderBy.map((clause) => parseRunOrderBy(clause))
      const { offset } = input.pageToken ? decodePageToken(input.pageToken, isOffsetPosition) : { offset: 0 }
      const ids = await store.runSearch.searchIds({
        experimentIds: input.experimentIds,
        clauses,
        orderBy,
        view: input.view,
        limit: input.maxResults + 1,
        offset,
      })
      const hasMore = ids.length > input.maxResults
      const runs = await store.runs.loadFull(ids.slice(0, input.maxResults))
      return { runs, nextPageToken: hasMore ? encodePageToken({ offset: offset + input.maxResults }) : null }
    },
  }
}
