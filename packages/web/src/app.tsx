import { lazy, Suspense } from 'react'
import { AppShell, type NavItem } from './components/app-shell'
import { ErrorMessage } from './components/error-message'
import { useWhoAmI } from './features/auth/auth-queries'
import { LoginPage } from './features/auth/login-page'
import { ExperimentsPage } from './features/experiments/experiments-page'
import { RunPage } from './features/run/run-page'
import { RunsPage } from './features/runs/runs-page'
import { useLocation } from './navigation/use-location'
import { matchRoute, paths, type Route } from './routes'

// The compare page's code loads on first visit, so the other pages start sooner.
const ComparePage = lazy(async () => ({ default: (await import('./features/compare/compare-page')).ComparePage }))

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'experiments':
      return <ExperimentsPage />
    case 'runs':
      return <RunsPage />
    case 'run':
      return <RunPage runId={route.runId} />
    case 'compare':
      return <ComparePage />
    case 'not-found':
      return <p className="empty">There is no page here.</p>
  }
}

export function App() {
  const { pathname } = useLocation()
  const whoami = useWhoAmI()
  // The page renders (and fetches) while whoami is on its way: one round trip less before data.
  // Without a session its requests answer 401, and the login page takes over.
  if (whoami.error) return <ErrorMessage error={whoami.error} what="The server did not answer" />
  if (whoami.data?.kind === 'anonymous' && whoami.data.isAuthEnabled) return <LoginPage />
  const route = matchRoute(pathname)
  const nav: NavItem[] = [
    { label: 'Experiments', href: paths.experiments(), isCurrent: route.page === 'experiments' },
    { label: 'Runs', href: paths.runs({}), isCurrent: route.page === 'runs' || route.page === 'run' },
    { label: 'Compare', href: paths.compare({}), isCurrent: route.page === 'compare' },
  ]
  return (
    <AppShell nav={nav}>
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <Page route={route} />
      </Suspense>
    </AppShell>
  )
}
