import { describe, expect, it } from 'vitest'
import { alignLines, toChartLine } from './series'

const points = [
  { value: 0.5, step: 0, timestampMs: 10_000 },
  { value: -1, step: 1, timestampMs: 9_000 },
  { value: Number.NaN, step: 2, timestampMs: 12_000 },
]

describe('toChartLine', () => {
  it('puts steps on the x axis in history order, with non-finite values as gaps', () => {
    expect(toChartLine('r', points, { axis: 'step', runStartMs: 0, isLogScale: false })).toEqual({
      label: 'r',
      xs: [0, 1, 2],
      ys: [0.5, -1, null],
    })
  })

  it('sorts by time on the time axes: seconds since the epoch, or since the run started', () => {
    expect(toChartLine('r', points, { axis: 'wall', runStartMs: 0, isLogScale: false }).xs).toEqual([9, 10, 12])
    expect(toChartLine('r', points, { axis: 'relative', runStartMs: 8_000, isLogScale: false })).toEqual({
      label: 'r',
      xs: [1, 2, 4],
      ys: [-1, 0.5, null],
    })
  })

  it('leaves out values a log scale cannot draw', () => {
    expect(toChartLine('r', points, { axis: 'step', runStartMs: 0, isLogScale: true }).ys).toEqual([0.5, null, null])
  })
})

describe('alignLines', () => {
  it('joins lines on the union of their x values, with null where a line has no point', () => {
    const a = { label: 'a', xs: [0, 2, 4], ys: [1, 2, 3] }
    const b = { label: 'b', xs: [1, 2], ys: [10, null] }
    expect(alignLines([a, b])).toEqual([
      [0, 1, 2, 4],
      [1, null, 2, 3],
      [null, 10, null, null],
    ])
  })

  it('gives an empty chart for no lines', () => {
    expect(alignLines([])).toEqual([[]])
  })
})
