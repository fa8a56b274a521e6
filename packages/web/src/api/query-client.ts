import { NotFoundError, PermissionDeniedError, UnauthenticatedError } from '@provena/sdk'
import { QueryCache, QueryClient } from '@tanstack/react-query'

/** Errors that asking again will not fix. */
function isFinal(error: unknown): boolean {
  return (
    error instanceof UnauthenticatedError || error instanceof NotFoundError || error instanceof PermissionDeniedError
  )
}

/**
 * The cache of server data. A 401 anywhere means the session is gone: `onUnauthenticated`
 * lets the shell show the login page.
 */
export function createQueryClient(onUnauthenticated: () => void): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      onError: (error) => {
        if (error instanceof UnauthenticatedError) onUnauthenticated()
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 10_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) => !isFinal(error) && failures < 2,
      },
    },
  })
}
