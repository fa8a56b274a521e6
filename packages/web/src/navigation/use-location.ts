import { useCallback, useMemo, useSyncExternalStore } from 'react'

const NAVIGATED = 'provena:navigated'

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange)
  window.addEventListener(NAVIGATED, onChange)
  return () => {
    window.removeEventListener('popstate', onChange)
    window.removeEventListener(NAVIGATED, onChange)
  }
}

const currentHref = () => window.location.pathname + window.location.search

/** Goes to `href` within the app; `replace` changes the current history entry (for state edits). */
export function navigate(href: string, { replace = false }: { replace?: boolean } = {}): void {
  if (href === currentHref()) return
  if (replace) window.history.replaceState(null, '', href)
  else window.history.pushState(null, '', href)
  window.dispatchEvent(new Event(NAVIGATED))
}

/** The current path and query, re-rendering on every navigation (links, back and forward). */
export function useLocation(): { pathname: string; search: string; query: URLSearchParams } {
  const href = useSyncExternalStore(subscribe, currentHref)
  const url = new URL(href, window.location.origin)
  return { pathname: url.pathname, search: url.search, query: url.searchParams }
}

/** A page's URL state and a setter that rewrites the query in place (no new history entry). */
export function useUrlState<T>(decode: (query: URLSearchParams) => T, encode: (state: T) => string) {
  const { pathname, search } = useLocation()
  // Decoded once per URL, so that the state's arrays keep their identity between renders.
  const state = useMemo(() => decode(new URLSearchParams(search)), [decode, search])
  const setState = useCallback(
    (update: (current: T) => T, options: { push?: boolean } = {}) => {
      const current = decode(new URLSearchParams(window.location.search))
      navigate(`${window.location.pathname}${encode(update(current))}`, { replace: !options.push })
    },
    [decode, encode],
  )
  return [state, setState, pathname] as const
}
