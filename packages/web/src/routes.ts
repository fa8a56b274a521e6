import {
  type CompareViewState,
  DEFAULT_CHART_OPTIONS,
  encodeCompareView,
  encodeRunsView,
  encodeRunView,
  type RunsViewState,
  type RunViewState,
} from './navigation/url-state'

/** The pages of the UI; later pages (registry, datasets, lineage, audit, admin) add a kind here. */
export type Route =
  | { page: 'experiments' }
  | { page: 'runs' }
  | { page: 'run'; runId: string }
  | { page: 'compare' }
  | { page: 'not-found' }

const RUN_PATH = /^\/runs\/([0-9a-f]{32})\/?$/

/** Which page a path shows. */
export function matchRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '/experiments' || pathname === '/experiments/') return { page: 'experiments' }
  if (pathname === '/runs' || pathname === '/runs/') return { page: 'runs' }
  const run = RUN_PATH.exec(pathname)
  if (run?.[1]) return { page: 'run', runId: run[1] }
  if (pathname === '/compare' || pathname === '/compare/') return { page: 'compare' }
  return { page: 'not-found' }
}

const EMPTY_RUNS_VIEW: RunsViewState = {
  experimentIds: [],
  filter: '',
  orderBy: '',
  columns: [],
  selectedRunIds: [],
  view: 'active',
}

/** Links to pages, with their URL state; the only place that spells paths. */
export const paths = {
  experiments: () => '/experiments',
  runs: (state: Partial<RunsViewState>) => `/runs${encodeRunsView({ ...EMPTY_RUNS_VIEW, ...state })}`,
  run: (runId: string, state: Partial<RunViewState> = {}) =>
    `/runs/${runId}${encodeRunView({ tab: 'overview', chart: DEFAULT_CHART_OPTIONS, artifactDir: '', ...state })}`,
  compare: (state: Partial<CompareViewState>) =>
    `/compare${encodeCompareView({
      runIds: [],
      chart: DEFAULT_CHART_OPTIONS,
      parallelAxes: [],
      parallelMetric: '',
      scatterX: '',
      scatterY: '',
      showOnlyDifferences: false,
      ...state,
    })}`,
}
