import { LineageNodeType } from '@provena/contract'
import {
  type CompareViewState,
  type DatasetCompareState,
  DEFAULT_CHART_OPTIONS,
  DEFAULT_LINEAGE_DEPTH_SHOWN,
  encodeCompareView,
  encodeDatasetCompare,
  encodeDatasetsView,
  encodeDatasetView,
  encodeLineageView,
  encodeModelsView,
  encodeModelView,
  encodeRunsView,
  encodeRunView,
  type LineageViewState,
  type RunsViewState,
  type RunViewState,
} from './navigation/url-state'

/** The pages of the UI; later pages (audit, admin) add a kind here. */
export type Route =
  | { page: 'experiments' }
  | { page: 'runs' }
  | { page: 'run'; runId: string }
  | { page: 'compare' }
  | { page: 'datasets' }
  | { page: 'dataset'; name: string }
  | { page: 'dataset-version'; name: string; version: number }
  | { page: 'dataset-compare'; name: string }
  | { page: 'models' }
  | { page: 'model'; name: string }
  | { page: 'model-version'; name: string; version: number }
  | { page: 'lineage' }
  | { page: 'not-found' }

const RUN_PATH = /^\/runs\/([0-9a-f]{32})\/?$/
// Dataset names are letters, digits and `_ . -` (the contract's DatasetName); versions count from 1.
const DATASET_PATH = /^\/datasets\/([A-Za-z0-9][A-Za-z0-9_.-]*)(?:\/([1-9]\d{0,9}|compare))?\/?$/

function matchDatasetRoute(pathname: string): Route | undefined {
  if (pathname === '/datasets' || pathname === '/datasets/') return { page: 'datasets' }
  const match = DATASET_PATH.exec(pathname)
  if (!match?.[1]) return undefined
  const [, name, rest] = match
  if (rest === undefined) return { page: 'dataset', name }
  if (rest === 'compare') return { page: 'dataset-compare', name }
  return { page: 'dataset-version', name, version: Number(rest) }
}

// Model names may hold any printable character but `/ @ :` (the contract's ModelName), so they travel encoded.
const MODEL_PATH = /^\/models\/([^/]+)(?:\/([1-9]\d{0,9}))?\/?$/

function matchModelRoute(pathname: string): Route | undefined {
  if (pathname === '/models' || pathname === '/models/') return { page: 'models' }
  const match = MODEL_PATH.exec(pathname)
  if (!match?.[1]) return undefined
  let name: string
  try {
    name = decodeURIComponent(match[1])
  } catch {
    return undefined
  }
  if (name.trim() === '' || /[/@:]/.test(name)) return undefined
  return match[2] === undefined ? { page: 'model', name } : { page: 'model-version', name, version: Number(match[2]) }
}

/** Which page a path shows. */
export function matchRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '/experiments' || pathname === '/experiments/') return { page: 'experiments' }
  if (pathname === '/runs' || pathname === '/runs/') return { page: 'runs' }
  const run = RUN_PATH.exec(pathname)
  if (run?.[1]) return { page: 'run', runId: run[1] }
  if (pathname === '/compare' || pathname === '/compare/') return { page: 'compare' }
  if (pathname === '/lineage' || pathname === '/lineage/') return { page: 'lineage' }
  return matchDatasetRoute(pathname) ?? matchModelRoute(pathname) ?? { page: 'not-found' }
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
  datasets: (search = '') => `/datasets${encodeDatasetsView({ search })}`,
  dataset: (name: string, selectedVersions: number[] = []) =>
    `/datasets/${encodeURIComponent(name)}${encodeDatasetView({ selectedVersions })}`,
  datasetVersion: (name: string, version: number) => `/datasets/${encodeURIComponent(name)}/${version}`,
  datasetCompare: (name: string, state: Pick<DatasetCompareState, 'reference' | 'current'>) =>
    `/datasets/${encodeURIComponent(name)}/compare${encodeDatasetCompare({ columnSearch: '', isDriftedOnly: false, ...state })}`,
  models: (search = '') => `/models${encodeModelsView({ search })}`,
  model: (name: string, cardVersion: number | null = null) =>
    `/models/${encodeURIComponent(name)}${encodeModelView({ cardVersion })}`,
  modelVersion: (name: string, version: number) => `/models/${encodeURIComponent(name)}/${version}`,
  lineage: (state: Partial<LineageViewState>) =>
    `/lineage${encodeLineageView({
      ref: '',
      direction: 'both',
      depth: DEFAULT_LINEAGE_DEPTH_SHOWN,
      types: [...LineageNodeType.options],
      expanded: [],
      ...state,
    })}`,
}
