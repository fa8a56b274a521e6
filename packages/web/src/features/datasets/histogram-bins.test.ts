import type { NumericProfile } from '@provena/contract'
import { describe, expect, it } from 'vitest'
import { categoryBars, commonEdges, massOnEdges, OTHER_LABEL, overlaidBins, profileBins } from './histogram-bins'

/** A numeric profile with the given histogram; quantiles spread evenly over [min, max]. */
function numeric(edges: number[], counts: number[]): NumericProfile {
  const min = edges[0] ?? 0
  const max = edges[edges.length - 1] ?? 0
  return {
    min,
    max,
    mean: (min + max) / 2,
    stddev: 1,
    quantiles: Array.from({ length: 101 }, (_, i) => min + ((max - min) * i) / 100),
    histogram: { edges, counts },
  }
}

const sum = (values: number[]) => values.reduce((s, v) => s + v, 0)
const rounded = (values: number[]) => values.map((v) => Math.round(v * 1e9) / 1e9)

describe('spreading a numeric profile onto other bin edges', () => {
  it('keeps the counts when the edges are the same', () => {
    const profile = numeric([0, 1, 2, 3], [10, 30, 60])
    expect(rounded(massOnEdges(profile, [0, 1, 2, 3]))).toEqual([0.1, 0.3, 0.6])
  })

  it('splits a bin by overlap when the new edges cut through it', () => {
    const profile = numeric([0, 2, 4], [50, 50])
    expect(rounded(massOnEdges(profile, [0, 1, 3, 4]))).toEqual([0.25, 0.5, 0.25])
  })

  it('counts values beyond the new edges in the first and last bins, so nothing is lost', () => {
    const profile = numeric([-10, 0, 10, 20], [20, 50, 30])
    const fractions = massOnEdges(profile, [0, 5, 10])
    expect(rounded(fractions)).toEqual([0.45, 0.55])
    expect(sum(fractions)).toBeCloseTo(1)
  })

  it('uses the quantiles when the histogram is empty', () => {
    const profile = { ...numeric([0, 100], [0]), histogram: { edges: [], counts: [] } }
    expect(rounded(massOnEdges(profile, [0, 25, 50, 100]))).toEqual([0.25, 0.25, 0.5])
  })

  it('puts a column with a single value into the bin that holds it', () => {
    const profile = { ...numeric([7, 7], [40]), quantiles: new Array(101).fill(7) }
    expect(massOnEdges(profile, [0, 5, 10])).toEqual([0, 1])
  })
})

describe('overlaid histograms of two versions', () => {
  it('bins both onto equal-width edges spanning both ranges, each summing to 1', () => {
    const reference = numeric([0, 5, 10], [50, 50])
    const shifted = numeric([5, 10, 15], [50, 50])
    const bins = overlaidBins(reference, shifted, 3)
    expect(bins.edges).toEqual([0, 5, 10, 15])
    expect(rounded(bins.reference)).toEqual([0.5, 0.5, 0])
    expect(rounded(bins.current)).toEqual([0, 0.5, 0.5])
  })

  it('gives a constant column one bin around its value', () => {
    expect(commonEdges([numeric([3, 3], [1])], 20)).toEqual([2.5, 3.5])
  })
})

describe('the histogram of one profile', () => {
  it('draws the stored bins as they are when there are few enough', () => {
    const profile = numeric([0, 1, 2], [1, 3])
    expect(profileBins(profile, 40)).toEqual({ edges: [0, 1, 2], fractions: [0.25, 0.75] })
  })

  it('merges many stored bins into at most the number drawn', () => {
    const edges = Array.from({ length: 101 }, (_, i) => i)
    const profile = numeric(edges, new Array(100).fill(1))
    const bins = profileBins(profile, 20)
    expect(bins.edges).toHaveLength(21)
    expect(rounded(bins.fractions)).toEqual(new Array(20).fill(0.05))
  })
})

describe('bars of categorical columns', () => {
  const reference = {
    values: [
      { value: 'red', count: 60 },
      { value: 'blue', count: 40 },
    ],
    otherCount: 0,
    isExact: true,
  }
  const current = {
    values: [
      { value: 'red', count: 30 },
      { value: 'green', count: 50 },
      { value: 'blue', count: 20 },
    ],
    otherCount: 0,
    isExact: true,
  }

  it('has a bar per value of either version, a new common value among the first', () => {
    expect(categoryBars([reference, current], 10)).toEqual([
      { label: 'red', fractions: [0.6, 0.3], isOther: false },
      { label: 'green', fractions: [0, 0.5], isOther: false },
      { label: 'blue', fractions: [0.4, 0.2], isOther: false },
    ])
  })

  it('puts values beyond the bars shown and unlisted values into one "(other)" bar', () => {
    const bars = categoryBars([{ ...reference, otherCount: 100 }], 1)
    expect(bars.map((b) => b.label)).toEqual(['red', OTHER_LABEL])
    expect(rounded(bars.map((b) => b.fractions[0] ?? 0))).toEqual([0.3, 0.7])
  })

  it('shows a profile that lists no values as one "(other)" bar', () => {
    expect(categoryBars([{ values: [], otherCount: 5, isExact: false }], 10)).toEqual([
      { label: OTHER_LABEL, fractions: [1], isOther: true },
    ])
  })
})
