/** Values sorted ascending, each with its weight (how many values it stands for). */
export interface WeightedValues {
  values: Float64Array
  weights: Float64Array
}

const DEFAULT_K = 400
const SHRINK = 2 / 3
/**
 * The lowest levels hold at least this many values: more than KLL needs (which only makes it
 * more accurate) but far fewer, cheaper compactions than levels of 2 values.
 */
const MIN_WIDTH = 256

/**
 * A KLL quantile sketch (Karnin, Lang, Liberty 2016) over numbers: compactors of capacity
 * about k·(2/3)^depth keep O(k) values; the rank error is about 1% of n for k = 400
 * (kll-sketch.test.ts checks it on known distributions), none while fewer than k values came.
 * The coin of each compaction comes from a seeded generator, so the same values in the same
 * order give the same sketch.
 * A class for the reason given in exact-counts.ts.
 */
export class KllSketch {
  private added = 0
  private readonly levels: Float64Array[] = []
  private readonly sizes: number[] = []
  // Capacities depend on the number of levels, so they are recomputed only when a level is added.
  private capacities: number[] = []
  private random: number

  constructor(
    private readonly k = DEFAULT_K,
    seed = 0x5eed,
  ) {
    this.random = seed >>> 0
  }

  /** Number of values added. */
  get count(): number {
    return this.added
  }

  add(value: number): void {
    this.added++
    if (this.levels.length === 0) this.addLevel()
    let level0 = this.levels[0]
    if (this.sizes[0] === level0.length) {
      const grown = new Float64Array(level0.length * 2)
      grown.set(level0)
      this.levels[0] = grown
      level0 = grown
    }
    level0[this.sizes[0]++] = value
    if (this.sizes[0] < this.capacities[0]) return
    for (let level = 0; level < this.levels.length; level++) {
      if (this.sizes[level] >= this.capacities[level]) this.compactLevel(level)
    }
  }

  /** The values the sketch holds with their weights, sorted by value (weights sum to `count`). */
  weightedValues(): WeightedValues {
    const total = this.sizes.reduce((sum, size) => sum + size, 0)
    const order = new Array<number>(total)
    const values = new Float64Array(total)
    const weights = new Float64Array(total)
    let n = 0
    for (let level = 0; level < this.levels.length; level++) {
      for (let i = 0; i < this.sizes[level]; i++) {
        values[n] = this.levels[level][i]
        weights[n] = 2 ** level
        order[n] = n
        n++
      }
    }
    order.sort((a, b) => values[a] - values[b])
    return {
      values: Float64Array.from(order, (i) => values[i]),
      weights: Float64Array.from(order, (i) => weights[i]),
    }
  }

  private nextBit(): number {
    this.random = (this.random + 0x6d2b79f5) >>> 0
    let t = this.random
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) & 1
  }

  private addLevel(): void {
    this.levels.push(new Float64Array(2 * MIN_WIDTH))
    this.sizes.push(0)
    const height = this.levels.length
    this.capacities = this.levels.map((_, h) => Math.max(MIN_WIDTH, Math.ceil(this.k * SHRINK ** (height - h - 1))))
  }

  /**
   * Halves a level into the next: the level is sorted (level 0 by a sort, the others are kept
   * sorted), every other value is kept (which ones: the coin) with twice the weight, and merged
   * into the next level's sorted values. With an odd count the largest value stays behind.
   */
  private compactLevel(level: number): void {
    const size = this.sizes[level]
    const items = this.levels[level]
    if (level === 0) items.subarray(0, size).sort()
    if (level + 1 === this.levels.length) this.addLevel()
    const pairs = size >> 1
    const offset = this.nextBit()
    let target = this.levels[level + 1]
    const targetSize = this.sizes[level + 1]
    if (targetSize + pairs > target.length) {
      const grown = new Float64Array(Math.max(target.length * 2, targetSize + pairs))
      grown.set(target.subarray(0, targetSize))
      this.levels[level + 1] = grown
      target = grown
    }
    // Merge from the back, so the target needs no scratch space.
    let i = targetSize - 1
    let j = pairs - 1
    for (let at = targetSize + pairs - 1; j >= 0; at--) {
      const incoming = items[2 * j + offset]
      if (i >= 0 && target[i] > incoming) target[at] = target[i--]
      else {
        target[at] = incoming
        j--
      }
    }
    this.sizes[level + 1] = targetSize + pairs
    this.sizes[level] = 0
    if (size & 1) items[this.sizes[level]++] = items[size - 1]
  }
}

/**
 * Values at the given ranks q (0 ≤ q ≤ 1): the smallest value whose cumulative weight reaches
 * q·total (q = 0 gives the smallest value).
 */
export function quantilesOf(sorted: WeightedValues, qs: readonly number[]): number[] {
  const { values, weights } = sorted
  let total = 0
  for (let i = 0; i < weights.length; i++) total += weights[i]
  const result: number[] = []
  let i = 0
  let cumulative = weights.length > 0 ? weights[0] : 0
  for (const q of qs) {
    const target = q * total
    while (cumulative < target && i < values.length - 1) cumulative += weights[++i]
    result.push(values[i])
  }
  return result
}
