import { describe, expect, it } from 'vitest'
import { HyperLogLog } from './hyper-log-log.js'

describe('HyperLogLog', () => {
  it.each([100, 5000, 100_000, 1_000_000])('estimates %i distinct strings within 3%%', (n) => {
    const hll = new HyperLogLog()
    for (let i = 0; i < n; i++) hll.addString(`user-${i}`)
    for (let i = 0; i < n; i += 2) hll.addString(`user-${i}`)

    expect(Math.abs(hll.estimate() - n) / n).toBeLessThan(0.03)
  })

  it('estimates 300,000 distinct floats within 3%, counting 0 and -0 as one value', () => {
    const hll = new HyperLogLog()
    for (let i = 0; i < 300_000; i++) hll.addNumber(i / 7)
    hll.addNumber(-0)

    expect(Math.abs(hll.estimate() - 300_000) / 300_000).toBeLessThan(0.03)
  })
})
