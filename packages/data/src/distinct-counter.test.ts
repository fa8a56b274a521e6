import { describe, expect, it } from 'vitest'
import { createDistinctCounter } from './distinct-counter.js'

describe('distinct counter', () => {
  it('counts exactly while there are few distinct values, telling numbers by value', () => {
    const counter = createDistinctCounter()
    for (let i = 0; i < 10_000; i++) counter.addNumber(i % 1000)
    counter.addNumber(-0)
    counter.addString('a')
    counter.addString('a')

    expect(counter.estimate()).toEqual({ distinctCount: 1001, isExact: true })
  })

  it.each([5000, 100_000, 1_000_000])('estimates %i distinct strings within 3%%', (n) => {
    const counter = createDistinctCounter()
    for (let i = 0; i < n; i++) counter.addString(`user-${i}`)

    const { distinctCount, isExact } = counter.estimate()

    expect(isExact).toBe(false)
    expect(Math.abs(distinctCount - n) / n).toBeLessThan(0.03)
  })

  it('estimates 300,000 distinct floats within 3%', () => {
    const counter = createDistinctCounter()
    for (let i = 0; i < 300_000; i++) counter.addNumber(i / 7)

    expect(Math.abs(counter.estimate().distinctCount - 300_000) / 300_000).toBeLessThan(0.03)
  })
})
