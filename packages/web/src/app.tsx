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

// The compare, dataset, model and lineage pages' code loads on first visit, so the other pages start sooner.
const ComparePage = lazy(async () => ({ default: (await import('./features/compare/compare-page')).ComparePage }))
const DatasetsPage = lazy(async () => ({ default: (await import('./features/datasets/datasets-page')).DatasetsPage }))
const DatasetPage = lazy(async () => ({ default: (await import('./features/datasets/dataset-page')).DatasetPage }))
const DatasetVersionPage = lazy(async () => ({
  default: (await import('./features/datasets/dataset-version-page')).DatasetVersionPage,
}))
const ModelsPage = lazy(async () => ({ default: (await import('./features/models/models-page')).ModelsPage }))
const ModelPage = lazy(async () => ({ default: (await import('./features/models/model-page')).ModelPage }))
const ModelVersionPage = lazy(async () => ({
  default: (await import('./features/models/model-version-page')).ModelVersionPage,
}))
const LineagePage = lazy(async () => ({ default: (await import('./features/lineage/lineage-page')).LineagePage }))
const DriftPage = lazy(async () => ({ default: (await import('./features/datasets/drift-page')).DriftPage }))

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
    case 'datasets':
      return <DatasetsPage />
    case 'dataset':
      return <DatasetPage name={route.name} />
    case 'dataset-version':
      return <DatasetVersionPage key={`${route.name}@${route.version}`} name={route.name} version={route.version} />
    case 'dataset-compare':
      return <DriftPage name={route.name} />
    case 'models':
      return <ModelsPage />
    case 'model':
      return <ModelPage key={route.name} name={route.name} />
    case 'model-version':
      return <ModelVersionPage key={`${route.name}@${route.version}`} name={route.name} version={route.version} />
    case 'lineage':
      return <LineagePage />
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
    { label: 'Datasets', href: paths.datasets(), isCurrent: route.page.startsWith('dataset') },
    { label: 'Models', href: paths.models(), isCurrent: route.page.startsWith('model') },
    { label: 'Lineage', href: paths.lineage({}), isCurrent: route.page === 'lineage' },
  ]
  return (
    <AppShell nav={nav}>
      <Suspense fallback={<p className="muted">Loading…</p>}>
        <Page route={route} />
      </Suspense>
    </AppShell>
  )
}
