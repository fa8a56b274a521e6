import { describe, expect, it } from 'vitest'
import { ExactCounts } from './exact-counts.js'

describe('exact counts', () => {
  it('counts small integers and other numbers alike, up to the limit of distinct values', () => {
    const counts = new ExactCounts(5)
    for (const value of [3, -2000, 3, 0.5, -0, 0, 70_000]) expect(counts.add(value)).toBe(true)

    expect(counts.add(8)).toBe(false)
    expect(counts.add(0.5)).toBe(true)
    expect(counts.size).toBe(5)
    expect(counts.entries().sort((a, b) => a[0] - b[0])).toEqual([
      [-2000, 1],
      [0, 2],
      [0.5, 2],
      [3, 2],
      [70_000, 1],
    ])
  })
})
