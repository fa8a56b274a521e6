/**
 * Exact counts per number while there are at most `limit` distinct numbers. Small integers
 * (the ages, years and counts that fill many columns) are counted in an array, without hashing;
 * other numbers in a Map.
 *
 * This and the other per-column structures are classes, not closures: with one closure per
 * column, a call made for every cell sees a different function per column and V8 cannot inline
 * it (about 5 times slower per call on the benchmark machine).
 */
export class ExactCounts {
  private dense: Float64Array | undefined
  private readonly sparse = new Map<number, { n: number }>()
  private distinct = 0
  private lowestSlot = Number.POSITIVE_INFINITY
  private highestSlot = -1

  constructor(private readonly limit: number) {}

  /** Counts the value; false (and nothing counted) when it would be distinct value number `limit + 1`. */
  add(value: number): boolean {
    if (Number.isInteger(value) && value >= DENSE_MIN && value <= DENSE_MAX) {
      this.dense ??= new Float64Array(DENSE_MAX - DENSE_MIN + 1)
      const slot = value - DENSE_MIN
      if (this.dense[slot] === 0) {
        if (this.distinct === this.limit) return false
        this.distinct++
        if (slot < this.lowestSlot) this.lowestSlot = slot
        if (slot > this.highestSlot) this.highestSlot = slot
      }
      this.dense[slot]++
      return true
    }
    const box = this.sparse.get(value)
    if (box !== undefined) box.n++
    else if (this.distinct === this.limit) return false
    else {
      this.sparse.set(value, { n: 1 })
      this.distinct++
    }
    return true
  }

  get size(): number {
    return this.distinct
  }

  entries(): [value: number, count: number][] {
    const entries: [number, number][] = []
    if (this.dense !== undefined) {
      for (let slot = this.lowestSlot; slot <= this.highestSlot; slot++) {
        if (this.dense[slot] > 0) entries.push([slot + DENSE_MIN, this.dense[slot]])
      }
    }
    for (const [value, box] of this.sparse) entries.push([value === 0 ? 0 : value, box.n])
    return entries
  }
}

const DENSE_MIN = -1024
const DENSE_MAX = 4095
