import {
  parseRunFilter,
  parseRunOrderBy,
  type RunKeysResponse,
  type SearchRunsBody,
  type SearchRunsResponse,
} from '@provena/contract'
import { decodePageToken, encodePageToken, isOffsetPosition } from '../../storage/db/page-token.js'
import type { Store } from '../../storage/store.js'
import type { Authorizer } from '../auth/authorizer.js'
import type { RequestContext } from '../auth/principal.js'

export type SearchRunsInput = Required<Omit<SearchRunsBody, 'pageToken'>> & { pageToken?: string | undefined }

export type RunSearchService = ReturnType<typeof createRunSearchService>

export function createRunSearchService({ store, authorizer }: { store: Store; authorizer: Authorizer }) {
  return {
    /** Runs of the given experiments that match the filter, in the requested order, one page at a time. */
    async search(ctx: RequestContext, input: SearchRunsInput): Promise<SearchRunsResponse> {
      const clauses = parseRunFilter(input.filter)
      const orderBy = input.orderBy.map((clause) => parseRunOrderBy(clause))
      for (const id of new Set(input.experimentIds)) {
        await authorizer.require(store, ctx.principal, { type: 'experiment', id }, 'READ')
      }
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

    /**
     * The param, metric and tag keys in use in some experiments, for column choosers and filter
     * completion. Only the newest runs are looked at (KEY_SAMPLE_RUNS), so the answer comes at the
     * same cost for a hundred runs or a million; keys used only by older runs may be missing.
     */
    async keys(ctx: RequestContext, experimentIds: string[]): Promise<RunKeysResponse> {
      for (const id of new Set(experimentIds)) {
        await authorizer.require(store, ctx.principal, { type: 'experiment', id }, 'READ')
      }
      return store.runSearch.keys(experimentIds)
    },
  }
}
