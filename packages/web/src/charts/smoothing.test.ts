import { describe, expect, it } from 'vitest'
import { smoothEma } from './smoothing'

describe('smoothEma', () => {
  it('returns the values unchanged with weight 0', () => {
    expect(smoothEma([3, 1, null, 2], 0)).toEqual([3, 1, null, 2])
  })

  it('is not pulled towards zero at the start (debiased), and follows a constant exactly', () => {
    expect(smoothEma([5, 5, 5, 5], 0.9)).toEqual([5, 5, 5, 5].map(() => expect.closeTo(5, 10)))
  })

  it('averages with more weight on the past as the weight grows', () => {
    const [first, second] = smoothEma([0, 10], 0.5) as number[]
    expect(first).toBe(0)
    // (0.5 * 0.5 * 0 + 0.5 * 10) / (1 - 0.25)
    expect(second).toBeCloseTo(6.6667, 3)
  })

  it('keeps gaps and non-finite values in place without letting them disturb the average', () => {
    const smoothed = smoothEma([1, null, Number.NaN, Number.POSITIVE_INFINITY, 1], 0.8)
    expect(smoothed[1]).toBeNull()
    expect(smoothed[2]).toBeNaN()
    expect(smoothed[3]).toBe(Number.POSITIVE_INFINITY)
    expect(smoothed[4]).toBeCloseTo(1, 10)
  })
})
