/**
 * The page state kept in the URL, so that a link reproduces the view. Each page has a decode
 * (query string -> state, defaults filled in, bad values dropped) and an encode (state -> query
 * string, defaults left out). Lists are repeated parameters (`e=1&e=2`): keys may contain commas.
 */

import { type LineageDirection, LineageNodeType, MAX_LINEAGE_DEPTH } from '@provena/contract'

export type XAxis = 'step' | 'wall' | 'relative'
export type RunsViewType = 'active' | 'deleted' | 'all'

/** How metric charts are drawn; shared by the run and the compare page. */
export interface ChartOptions {
  xAxis: XAxis
  isLogScale: boolean
  /** Exponential moving average weight, 0 (off) to 0.99. */
  smoothing: number
}

export interface RunsViewState {
  experimentIds: string[]
  filter: string
  /** An order-by clause of the filter language, e.g. "metrics.`loss` DESC"; empty for newest first. */
  orderBy: string
  /** Extra columns: `params.<key>`, `metrics.<key>` or `tags.<key>`. */
  columns: string[]
  selectedRunIds: string[]
  view: RunsViewType
}

export interface RunViewState {
  tab: 'overview' | 'charts' | 'params' | 'artifacts'
  chart: ChartOptions
  /** The artifact directory shown on the artifacts tab ('' for the run's root). */
  artifactDir: string
}

export interface CompareViewState {
  runIds: string[]
  chart: ChartOptions
  /** Axes of the parallel coordinates plot (param or metric columns) and the metric it ends in. */
  parallelAxes: string[]
  parallelMetric: string
  scatterX: string
  scatterY: string
  showOnlyDifferences: boolean
}

export interface DatasetsViewState {
  /** Text the dataset names contain. */
  search: string
}

export interface DatasetViewState {
  /** Versions ticked for comparison. */
  selectedVersions: number[]
}

export interface DatasetVersionViewState {
  /** Text the names of the columns shown contain. */
  columnSearch: string
}

export interface ModelsViewState {
  /** Text the model names contain. */
  search: string
}

export interface ModelViewState {
  /** The version whose model card is shown; null: the latest. */
  cardVersion: number | null
}

export interface DatasetCompareState {
  /** The reference version (the baseline) and the current one; null until chosen. */
  reference: number | null
  current: number | null
  columnSearch: string
  /** Only the columns whose verdict is not `ok`. */
  isDriftedOnly: boolean
}

export interface LineageViewState {
  /** The node the graph is drawn around (`runs:/<id>`, `models:/<name>/<version>` ...); '' asks for one. */
  ref: string
  direction: LineageDirection
  depth: number
  /** The node types shown; every type when all are. */
  types: LineageNodeType[]
  /** Refs of the nodes whose neighbours were added by a click, in the order they were opened. */
  expanded: string[]
}

export const DEFAULT_LINEAGE_DEPTH_SHOWN = 2

export const DEFAULT_CHART_OPTIONS: ChartOptions = { xAxis: 'step', isLogScale: false, smoothing: 0 }

const X_AXES: readonly XAxis[] = ['step', 'wall', 'relative']
const VIEWS: readonly RunsViewType[] = ['active', 'deleted', 'all']
const RUN_TABS: readonly RunViewState['tab'][] = ['overview', 'charts', 'params', 'artifacts']
const EXPERIMENT_ID = /^\d{1,18}$/
const RUN_ID = /^[0-9a-f]{32}$/
const COLUMN = /^(params|metrics|tags)\..+/

function oneOf<T extends string>(allowed: readonly T[], value: string | null, fallback: T): T {
  return allowed.find((a) => a === value) ?? fallback
}

function unique(values: string[]): string[] {
  return [...new Set(values)]
}

function decodeChart(query: URLSearchParams): ChartOptions {
  const smoothing = Number(query.get('smooth') ?? 0)
  return {
    xAxis: oneOf(X_AXES, query.get('x'), 'step'),
    isLogScale: query.get('log') === '1',
    smoothing: Number.isFinite(smoothing) ? Math.min(0.99, Math.max(0, smoothing)) : 0,
  }
}

function encodeChart(query: URLSearchParams, chart: ChartOptions): void {
  if (chart.xAxis !== 'step') query.set('x', chart.xAxis)
  if (chart.isLogScale) query.set('log', '1')
  if (chart.smoothing > 0) query.set('smooth', String(chart.smoothing))
}

function withQuestionMark(query: URLSearchParams): string {
  const text = query.toString()
  return text === '' ? '' : `?${text}`
}

export function decodeRunsView(query: URLSearchParams): RunsViewState {
  return {
    experimentIds: unique(query.getAll('e').filter((id) => EXPERIMENT_ID.test(id))),
    filter: query.get('q') ?? '',
    orderBy: query.get('sort') ?? '',
    columns: unique(query.getAll('col').filter((c) => COLUMN.test(c))),
    selectedRunIds: unique(query.getAll('sel').filter((id) => RUN_ID.test(id))),
    view: oneOf(VIEWS, query.get('view'), 'active'),
  }
}

export function encodeRunsView(state: RunsViewState): string {
  const query = new URLSearchParams()
  for (const id of state.experimentIds) query.append('e', id)
  if (state.filter !== '') query.set('q', state.filter)
  if (state.orderBy !== '') query.set('sort', state.orderBy)
  for (const column of state.columns) query.append('col', column)
  for (const id of state.selectedRunIds) query.append('sel', id)
  if (state.view !== 'active') query.set('view', state.view)
  return withQuestionMark(query)
}

export function decodeRunView(query: URLSearchParams): RunViewState {
  return {
    tab: oneOf(RUN_TABS, query.get('tab'), 'overview'),
    chart: decodeChart(query),
    artifactDir: query.get('dir') ?? '',
  }
}

export function encodeRunView(state: RunViewState): string {
  const query = new URLSearchParams()
  if (state.tab !== 'overview') query.set('tab', state.tab)
  encodeChart(query, state.chart)
  if (state.artifactDir !== '') query.set('dir', state.artifactDir)
  return withQuestionMark(query)
}

export function decodeCompareView(query: URLSearchParams): CompareViewState {
  return {
    runIds: unique(query.getAll('run').filter((id) => RUN_ID.test(id))),
    chart: decodeChart(query),
    parallelAxes: unique(query.getAll('axis').filter((c) => COLUMN.test(c))),
    parallelMetric: query.get('pm') ?? '',
    scatterX: query.get('sx') ?? '',
    scatterY: query.get('sy') ?? '',
    showOnlyDifferences: query.get('diff') === '1',
  }
}

export function encodeCompareView(state: CompareViewState): string {
  const query = new URLSearchParams()
  for (const id of state.runIds) query.append('run', id)
  encodeChart(query, state.chart)
  for (const axis of state.parallelAxes) query.append('axis', axis)
  if (state.parallelMetric !== '') query.set('pm', state.parallelMetric)
  if (state.scatterX !== '') query.set('sx', state.scatterX)
  if (state.scatterY !== '') query.set('sy', state.scatterY)
  if (state.showOnlyDifferences) query.set('diff', '1')
  return withQuestionMark(query)
}

function versionNumber(text: string | null): number | null {
  return text !== null && /^[1-9]\d{0,9}$/.test(text) ? Number(text) : null
}

export function decodeDatasetsView(query: URLSearchParams): DatasetsViewState {
  return { search: query.get('q') ?? '' }
}

export function encodeDatasetsView(state: DatasetsViewState): string {
  const query = new URLSearchParams()
  if (state.search !== '') query.set('q', state.search)
  return withQuestionMark(query)
}

export function decodeDatasetView(query: URLSearchParams): DatasetViewState {
  const versions = query.getAll('sel').map(versionNumber)
  return { selectedVersions: [...new Set(versions.filter((v) => v !== null))] }
}

export function encodeDatasetView(state: DatasetViewState): string {
  const query = new URLSearchParams()
  for (const version of state.selectedVersions) query.append('sel', String(version))
  return withQuestionMark(query)
}

export function decodeDatasetVersionView(query: URLSearchParams): DatasetVersionViewState {
  return { columnSearch: query.get('col') ?? '' }
}

export function encodeDatasetVersionView(state: DatasetVersionViewState): string {
  const query = new URLSearchParams()
  if (state.columnSearch !== '') query.set('col', state.columnSearch)
  return withQuestionMark(query)
}

export function decodeDatasetCompare(query: URLSearchParams): DatasetCompareState {
  return {
    reference: versionNumber(query.get('a')),
    current: versionNumber(query.get('b')),
    columnSearch: query.get('col') ?? '',
    isDriftedOnly: query.get('drifted') === '1',
  }
}

export function encodeDatasetCompare(state: DatasetCompareState): string {
  const query = new URLSearchParams()
  if (state.reference !== null) query.set('a', String(state.reference))
  if (state.current !== null) query.set('b', String(state.current))
  if (state.columnSearch !== '') query.set('col', state.columnSearch)
  if (state.isDriftedOnly) query.set('drifted', '1')
  return withQuestionMark(query)
}

export function decodeModelsView(query: URLSearchParams): ModelsViewState {
  return { search: query.get('q') ?? '' }
}

export function encodeModelsView(state: ModelsViewState): string {
  const query = new URLSearchParams()
  if (state.search !== '') query.set('q', state.search)
  return withQuestionMark(query)
}

export function decodeModelView(query: URLSearchParams): ModelViewState {
  return { cardVersion: versionNumber(query.get('card')) }
}

export function encodeModelView(state: ModelViewState): string {
  const query = new URLSearchParams()
  if (state.cardVersion !== null) query.set('card', String(state.cardVersion))
  return withQuestionMark(query)
}

const LINEAGE_DIRECTIONS: readonly LineageDirection[] = ['both', 'upstream', 'downstream']
const ALL_NODE_TYPES = LineageNodeType.options

export function decodeLineageView(query: URLSearchParams): LineageViewState {
  const depth = Number(query.get('depth'))
  const types = ALL_NODE_TYPES.filter((type) => query.getAll('type').includes(type))
  return {
    ref: query.get('ref')?.trim() ?? '',
    direction: oneOf(LINEAGE_DIRECTIONS, query.get('dir'), 'both'),
    depth: Number.isInteger(depth) && depth >= 1 && depth <= MAX_LINEAGE_DEPTH ? depth : DEFAULT_LINEAGE_DEPTH_SHOWN,
    types: types.length === 0 ? [...ALL_NODE_TYPES] : types,
    expanded: unique(query.getAll('open').filter((ref) => ref !== '')),
  }
}

export function encodeLineageView(state: LineageViewState): string {
  const query = new URLSearchParams()
  if (state.ref !== '') query.set('ref', state.ref)
  if (state.direction !== 'both') query.set('dir', state.direction)
  if (state.depth !== DEFAULT_LINEAGE_DEPTH_SHOWN) query.set('depth', String(state.depth))
  if (state.types.length < ALL_NODE_TYPES.length) for (const type of state.types) query.append('type', type)
  for (const ref of state.expanded) query.append('open', ref)
  return withQuestionMark(query)
}
