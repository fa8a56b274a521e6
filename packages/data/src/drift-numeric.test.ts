import { describe, expect, it } from 'vitest'
import { jensenShannonDistance, populationStabilityIndex } from './drift-measures.js'
import { numericDrift } from './drift-numeric.js'

const line = (from: number, to: number) => Array.from({ length: 101 }, (_, i) => from + ((to - from) * i) / 100)

describe('drift measures', () => {
  it('compute PSI with the 1e-4 floor and the Jensen-Shannon distance in base 2 (values from Python)', () => {
    expect(populationStabilityIndex([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.2746530721670274, 12)
    expect(populationStabilityIndex([0.5, 0.5, 0], [0.5, 0, 0.5])).toBeCloseTo(8.515489752777954, 12)
    expect(jensenShannonDistance([0.5, 0.5], [1, 0])).toBeCloseTo(0.5579230452841438, 12)
    expect(jensenShannonDistance([1, 0], [0, 1])).toBe(1)
    expect(jensenShannonDistance([0.2, 0.8], [0.2, 0.8])).toBe(0)
  })
})

describe('numericDrift', () => {
  it('is zero between identical quantiles', () => {
    expect(numericDrift(line(3, 9), line(3, 9))).toEqual({ psi: 0, ks: 0 })
  })

  it('bins the current side on the reference deciles: uniform [0, 1] against [0.5, 1.5]', () => {
    const { psi, ks } = numericDrift(line(0, 1), line(0.5, 1.5))

    // Current bin masses 0,0,0,0,0,.1,.1,.1,.1,.6 against ten bins of 0.1 (Python: 4.346303496465605).
    expect(psi).toBeCloseTo(4.346303496465605, 9)
    expect(ks).toBeCloseTo(0.5, 12)
  })

  it('treats a run of equal quantiles as a jump: all zeros against half zeros, half ones', () => {
    const zeros = Array<number>(101).fill(0)
    const half = [...Array<number>(51).fill(0), ...Array<number>(50).fill(1)]

    const { psi, ks } = numericDrift(zeros, half)

    expect(ks).toBeCloseTo(0.5, 12)
    // Bins (−∞, 0] and (0, +∞): 1 and 0 against 0.5 and 0.5.
    expect(psi).toBeCloseTo(populationStabilityIndex([1, 0], [0.5, 0.5]), 12)
  })

  it('puts values beyond the reference range into the outer bins', () => {
    const { psi, ks } = numericDrift(line(0, 1), line(5, 6))

    expect(ks).toBe(1)
    expect(psi).toBeCloseTo(populationStabilityIndex(Array(10).fill(0.1), [...Array(9).fill(0), 1]), 12)
  })
})
