import { describe, expect, it } from 'vitest'
import {
  type CompareViewState,
  DEFAULT_CHART_OPTIONS,
  decodeCompareView,
  decodeDatasetCompare,
  decodeDatasetView,
  decodeLineageView,
  decodeModelsView,
  decodeModelView,
  decodeRunsView,
  decodeRunView,
  encodeCompareView,
  encodeDatasetCompare,
  encodeDatasetView,
  encodeLineageView,
  encodeModelsView,
  encodeModelView,
  encodeRunsView,
  encodeRunView,
  type LineageViewState,
  type RunsViewState,
} from './url-state'

const RUN_A = 'a'.repeat(32)
const RUN_B = 'b'.repeat(32)
const query = (text: string) => new URLSearchParams(text)

describe('the URL state of the runs page', () => {
  it('survives a round trip through the URL, keys with commas, quotes and spaces included', () => {
    const state: RunsViewState = {
      experimentIds: ['1', '22'],
      filter: "metrics.`val loss` < 0.5 and params.opt IN ('adam', 'sgd')",
      orderBy: 'metrics.`val, loss` DESC',
      columns: ['metrics.val, loss', 'params.lr', 'tags.team name'],
      selectedRunIds: [RUN_A, RUN_B],
      view: 'all',
    }
    expect(decodeRunsView(query(encodeRunsView(state)))).toEqual(state)
  })

  it('leaves defaults out of the URL', () => {
    expect(
      encodeRunsView({ experimentIds: [], filter: '', orderBy: '', columns: [], selectedRunIds: [], view: 'active' }),
    ).toBe('')
  })

  it('drops values a hand-edited URL gets wrong instead of failing', () => {
    expect(decodeRunsView(query('e=1&e=x&e=1&sel=nothex&col=bogus&col=params.lr&view=weird'))).toEqual({
      experimentIds: ['1'],
      filter: '',
      orderBy: '',
      columns: ['params.lr'],
      selectedRunIds: [],
      view: 'active',
    })
  })
})

describe('the URL state of chart options', () => {
  it('round-trips the x axis, log scale and smoothing of the run page', () => {
    const state = {
      tab: 'charts' as const,
      chart: { xAxis: 'relative' as const, isLogScale: true, smoothing: 0.6 },
      artifactDir: '',
    }
    expect(encodeRunView(state)).toBe('?tab=charts&x=relative&log=1&smooth=0.6')
    expect(decodeRunView(query(encodeRunView(state)))).toEqual(state)
  })

  it('round-trips the artifact directory shown on the run page', () => {
    const state = { tab: 'artifacts' as const, chart: DEFAULT_CHART_OPTIONS, artifactDir: 'model/weights v2' }
    expect(encodeRunView(state)).toBe('?tab=artifacts&dir=model%2Fweights+v2')
    expect(decodeRunView(query(encodeRunView(state)))).toEqual(state)
  })

  it('clamps smoothing into 0 to 0.99 and ignores an unknown axis', () => {
    expect(decodeRunView(query('x=sideways&smooth=7')).chart).toEqual({ ...DEFAULT_CHART_OPTIONS, smoothing: 0.99 })
    expect(decodeRunView(query('smooth=NaN')).chart.smoothing).toBe(0)
  })

  it('round-trips the compare page with its plot choices', () => {
    const state: CompareViewState = {
      runIds: [RUN_B, RUN_A],
      chart: { xAxis: 'wall', isLogScale: false, smoothing: 0 },
      parallelAxes: ['params.lr', 'params.batch'],
      parallelMetric: 'metrics.acc',
      scatterX: 'params.lr',
      scatterY: 'metrics.loss',
      showOnlyDifferences: true,
    }
    expect(decodeCompareView(query(encodeCompareView(state)))).toEqual(state)
  })
})

describe('the URL state of the dataset pages', () => {
  it('round-trips the versions ticked on a dataset page', () => {
    const state = { selectedVersions: [3, 1] }
    expect(encodeDatasetView(state)).toBe('?sel=3&sel=1')
    expect(decodeDatasetView(query(encodeDatasetView(state)))).toEqual(state)
  })

  it('round-trips the two versions of a drift report and its column choices', () => {
    const state = { reference: 1, current: 2, columnSearch: 'income, net', isDriftedOnly: true }
    expect(encodeDatasetCompare(state)).toBe('?a=1&b=2&col=income%2C+net&drifted=1')
    expect(decodeDatasetCompare(query(encodeDatasetCompare(state)))).toEqual(state)
  })

  it('drops version numbers a hand-edited URL gets wrong', () => {
    expect(decodeDatasetView(query('sel=0&sel=2&sel=x&sel=2&sel=-1'))).toEqual({ selectedVersions: [2] })
    expect(decodeDatasetCompare(query('a=latest&b=1.5'))).toEqual({
      reference: null,
      current: null,
      columnSearch: '',
      isDriftedOnly: false,
    })
  })
})

describe('the URL state of the model pages', () => {
  it('round-trips the models search and the version whose card a model page shows', () => {
    expect(encodeModelsView({ search: 'churn v2' })).toBe('?q=churn+v2')
    expect(decodeModelsView(query('q=churn+v2'))).toEqual({ search: 'churn v2' })
    expect(encodeModelView({ cardVersion: 4 })).toBe('?card=4')
    expect(decodeModelView(query(encodeModelView({ cardVersion: 4 })))).toEqual({ cardVersion: 4 })
    expect(encodeModelView({ cardVersion: null })).toBe('')
  })

  it('shows the latest card when the URL names a version that cannot be one', () => {
    for (const text of ['card=0', 'card=latest', 'card=2.5', 'card=-1', ''])
      expect(decodeModelView(query(text)), text).toEqual({ cardVersion: null })
  })
})

describe('the URL state of the lineage explorer', () => {
  it('leaves the defaults out: both ways, depth 2, every node type, nothing opened', () => {
    const state = decodeLineageView(query(`ref=runs%3A%2F${RUN_A}`))
    expect(state).toEqual({
      ref: `runs:/${RUN_A}`,
      direction: 'both',
      depth: 2,
      types: ['dataset_version', 'run', 'model_version', 'code_version', 'external'],
      expanded: [],
    })
    expect(encodeLineageView(state)).toBe(`?ref=runs%3A%2F${RUN_A}`)
  })

  it('survives a round trip with a direction, a depth, some types and opened nodes whose refs hold / @ and spaces', () => {
    const state: LineageViewState = {
      ref: 'models:/churn classifier/2',
      direction: 'upstream',
      depth: 7,
      types: ['dataset_version', 'model_version'],
      expanded: ['datasets:/customers@1', `runs:/${RUN_B}`],
    }
    expect(decodeLineageView(query(encodeLineageView(state).slice(1)))).toEqual(state)
  })

  it('drops a depth out of range, an unknown direction and unknown types', () => {
    expect(decodeLineageView(query('ref=x&dir=sideways&depth=51&type=bogus&type=run'))).toEqual({
      ref: 'x',
      direction: 'both',
      depth: 2,
      types: ['run'],
      expanded: [],
    })
    expect(decodeLineageView(query('depth=0')).depth).toBe(2)
    expect(decodeLineageView(query('depth=1.5')).depth).toBe(2)
  })
})
