import { describe, expect, it } from 'vitest'
import { FrequentValues } from './frequent-values.js'
import { prng } from './test-support/prng.js'

describe('frequent values', () => {
  it('counts exactly below capacity, most frequent first, ties by value', () => {
    const values = new FrequentValues()
    for (const v of ['b', 'a', 'c', 'a', 'b', 'a']) values.add(v)

    expect(values.entries()).toEqual([
      ['a', 3],
      ['b', 2],
      ['c', 1],
    ])
    expect(values.isExact).toBe(true)
  })

  it('keeps the heavy hitters of a long tail beyond capacity, underestimating by at most 2n/capacity', () => {
    const capacity = 100
    const values = new FrequentValues(capacity)
    const random = prng(7)
    const n = 100_000
    for (let i = 0; i < n; i++) {
      const r = random()
      values.add(r < 0.2 ? 'hot' : r < 0.3 ? 'warm' : `tail-${i}`)
    }

    const entries = values.entries()

    expect(values.isExact).toBe(false)
    expect(entries.slice(0, 2).map(([v]) => v)).toEqual(['hot', 'warm'])
    expect(entries[0][1]).toBeGreaterThan(0.2 * n - (2 * n) / capacity - 1000)
    expect(entries[0][1]).toBeLessThanOrEqual(0.2 * n + 1000)
  })

  it('purges by the median count, keeping the more frequent half', () => {
    const values = new FrequentValues(4)
    for (const [value, n] of [
      ['a', 5],
      ['b', 4],
      ['c', 3],
      ['d', 2],
    ] as const)
      for (let i = 0; i < n; i++) values.add(value)
    values.add('e')

    expect(values.entries()).toEqual([
      ['a', 2],
      ['b', 1],
    ])
  })
})
