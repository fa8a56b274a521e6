/**
 * Exact counts per number while there are at most `limit` distinct numbers. Small integers
 * (the ages, years and counts that fill many columns) are counted in an array, without hashing;
 * other numbers in a Map.
 */
export interface ExactCounts {
  /** Counts the value; false (and nothing counted) when it would be distinct value number `limit + 1`. */
  add(value: number): boolean
  readonly size: number
  entries(): [value: number, count: number][]
}

const DENSE_MIN = -1024
const DENSE_MAX = 4095

export function createExactCounts(limit: number): ExactCounts {
  let dense: Float64Array | undefined
  const sparse = new Map<number, { n: number }>()
  let size = 0
  let lowestSlot = Number.POSITIVE_INFINITY
  let highestSlot = -1

  return {
    add(value) {
      if (Number.isInteger(value) && value >= DENSE_MIN && value <= DENSE_MAX) {
        dense ??= new Float64Array(DENSE_MAX - DENSE_MIN + 1)
        const slot = value - DENSE_MIN
        if (dense[slot] === 0) {
          if (size === limit) return false
          size++
          if (slot < lowestSlot) lowestSlot = slot
          if (slot > highestSlot) highestSlot = slot
        }
        dense[slot]++
        return true
      }
      const box = sparse.get(value)
      if (box !== undefined) box.n++
      else if (size === limit) return false
      else {
        sparse.set(value, { n: 1 })
        size++
      }
      return true
    },
    get size() {
      return size
    },
    entries() {
      const entries: [number, number][] = []
      if (dense !== undefined) {
        for (let slot = lowestSlot; slot <= highestSlot; slot++) {
          if (dense[slot] > 0) entries.push([slot + DENSE_MIN, dense[slot]])
        }
      }
      for (const [value, box] of sparse) entries.push([value === 0 ? 0 : value, box.n])
      return entries
    },
  }
}
