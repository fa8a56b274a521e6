import type { LineageDirection, LineageGraph } from '@provena/contract'
import { type QueryObserverResult, useQueries, useQuery } from '@tanstack/react-query'
import { useProvena } from '../../api/provena-context'

const LINEAGE_KEY = ['lineage'] as const

// Node types are filtered in the page, not by the server: the server drops the edges through a
// node it leaves out, and the page draws such a path as one `via` edge instead (see keepNodeTypes).

/** The graph around `ref`; nothing is asked while `ref` is empty. */
export function useLineageGraph({
  ref,
  direction,
  depth,
}: {
  ref: string
  direction: LineageDirection
  depth: number
}) {
  const provena = useProvena()
  return useQuery({
    queryKey: [...LINEAGE_KEY, ref, direction, depth],
    queryFn: () => provena.lineage.get(ref, { direction, depth }),
    enabled: ref !== '',
  })
}

interface Neighbourhood {
  graph: LineageGraph | undefined
  error: unknown
  isPending: boolean
}

/** Module-level, so TanStack Query keeps the combined array while none of the queries changed. */
function combine(results: QueryObserverResult<LineageGraph>[]): Neighbourhood[] {
  return results.map((r) => ({ graph: r.data, error: r.error, isPending: r.isPending }))
}

/** The direct neighbours, both ways, of each node opened in the explorer, in the order of `refs`. */
export function useNeighbourhoods(refs: string[]): Neighbourhood[] {
  const provena = useProvena()
  return useQueries({
    queries: refs.map((ref) => ({
      queryKey: [...LINEAGE_KEY, ref, 'both', 1],
      queryFn: () => provena.lineage.get(ref, { direction: 'both', depth: 1 }),
    })),
    combine,
  })
}
