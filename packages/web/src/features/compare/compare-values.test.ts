import { describe, expect, it } from 'vitest'
import { type ComparedRun, compareRows, layoutAxis } from './compare-values'

const runs: ComparedRun[] = [
  { id: 'a', name: 'a', params: { lr: '0.1', opt: 'adam', seed: '1' }, metrics: [{ key: 'acc', value: 0.9 }] },
  { id: 'b', name: 'b', params: { lr: '0.01', opt: 'sgd', seed: '1' }, metrics: [{ key: 'acc', value: 0.8 }] },
  { id: 'c', name: 'c', params: { lr: '0.05', seed: '1' }, metrics: [] },
]

describe('compareRows', () => {
  it('lists every param then every metric, marking rows whose values differ', () => {
    expect(compareRows(runs)).toEqual([
      { column: 'params.lr', values: ['0.1', '0.01', '0.05'], isDifferent: true },
      { column: 'params.opt', values: ['adam', 'sgd', ''], isDifferent: true },
      { column: 'params.seed', values: ['1', '1', '1'], isDifferent: false },
      { column: 'metrics.acc', values: ['0.9', '0.8', ''], isDifferent: true },
    ])
  })
})

describe('layoutAxis', () => {
  it('spreads numbers from the lowest (0) to the highest (1)', () => {
    const axis = layoutAxis(runs, 'params.lr')
    expect(axis.positions.map((p) => p?.toFixed(3))).toEqual(['1.000', '0.000', '0.444'])
    expect(axis.ticks.map((t) => t.label)).toEqual(['0.01', '0.055', '0.1'])
  })

  it('spaces text values evenly in sorted order, with no position for a missing value', () => {
    expect(layoutAxis(runs, 'params.opt').positions).toEqual([0, 1, undefined])
  })

  it('centres an axis whose values are all equal', () => {
    expect(layoutAxis(runs, 'params.seed').positions).toEqual([0.5, 0.5, 0.5])
  })
})
