import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useProvena } from '../../api/provena-context'

export const WHOAMI_KEY = ['auth', 'whoami'] as const

/** Who the browser is signed in as; anonymous with auth on means the login page. */
export function useWhoAmI() {
  const provena = useProvena()
  return useQuery({ queryKey: WHOAMI_KEY, queryFn: () => provena.auth.whoami(), staleTime: Number.POSITIVE_INFINITY })
}

export function useLogin() {
  const provena = useProvena()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: ({ username, password }: { username: string; password: string }) =>
      provena.auth.login(username, password),
    // Everything cached was read as someone else (or no one).
    onSuccess: () => queryClient.resetQueries(),
  })
}

export function useLogout() {
  const provena = useProvena()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => provena.auth.logout(),
    onSuccess: () => {
      // Signed out: the login page shows at once, and nothing read with the session stays cached.
      queryClient.setQueryData(
        WHOAMI_KEY,
        (current) => current && { ...current, kind: 'anonymous', username: null, isAdmin: false },
      )
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== WHOAMI_KEY[0] })
    },
  })
}
