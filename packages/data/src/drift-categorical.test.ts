import { describe, expect, it } from 'vitest'
import { categoricalDrift } from './drift-categorical.js'

const categories = (counts: Record<string, number>, otherCount: number, isExact: boolean) => ({
  values: Object.entries(counts).map(([value, count]) => ({ value, count })),
  otherCount,
  isExact,
})

describe('categoricalDrift', () => {
  it('gives every value its own bucket when both lists are exact', () => {
    const drift = categoricalDrift(categories({ a: 50, b: 50 }, 0, true), categories({ a: 50, c: 50 }, 0, true))

    // Buckets a, b, c, other: [.5, .5, 0, 0] against [.5, 0, .5, 0] (PSI from Python).
    expect(drift.psi).toBeCloseTo(8.515489752777954, 12)
    expect(drift.jsDistance).toBeCloseTo(Math.SQRT1_2, 12)
    expect(drift.newCategories).toEqual(['c'])
    expect(drift.vanishedCategories).toEqual(['b'])
  })

  it('moves a value listed on one side only into that side\'s "other" when the other list was cut', () => {
    const drift = categoricalDrift(categories({ a: 50, b: 30 }, 20, false), categories({ a: 50, c: 30 }, 20, false))

    // b may hide in the current side's 20 others, c in the reference's: both sides are a 50, other 50.
    expect(drift).toEqual({ psi: 0, jsDistance: 0, newCategories: [], vanishedCategories: [] })
  })

  it('counts the mass that moved into "other"', () => {
    const drift = categoricalDrift(categories({ a: 90 }, 10, false), categories({ a: 60 }, 40, false))

    expect(drift.psi).toBeCloseTo((0.6 - 0.9) * Math.log(0.6 / 0.9) + (0.4 - 0.1) * Math.log(0.4 / 0.1), 12)
  })
})
