/**
 * The most frequent values of a column: exact counts while at most CAPACITY distinct values
 * have been seen; beyond that a Misra-Gries summary (as in Apache DataSketches' frequent items):
 * when the table is full, the median count is subtracted from every entry and the entries at
 * or below zero dropped. A reported count then underestimates the true count by at most the
 * sum of the subtracted medians, which is at most about 2n/CAPACITY.
 */
export interface FrequentValues<K> {
  add(key: K): void
  /** True while no entry was ever dropped. */
  readonly isExact: boolean
  /** Entries with their counts, most frequent first (ties by key, for a stable order). */
  entries(): [K, number][]
}

const CAPACITY = 4096

/** `beforePurge` hears of the first purge while every value seen so far is still in the table. */
export function createFrequentValues<K extends string | number>(
  capacity = CAPACITY,
  beforePurge: () => void = () => {},
): FrequentValues<K> {
  // A mutable box per key: a repeated value costs one lookup, not a get and a set.
  const counts = new Map<K, { n: number }>()
  let isExact = true

  function purge(): void {
    if (isExact) beforePurge()
    const sorted = Float64Array.from(counts.values(), (box) => box.n).sort()
    const median = sorted[sorted.length >> 1]
    for (const [key, box] of counts) {
      if (box.n <= median) counts.delete(key)
      else box.n -= median
    }
    isExact = false
  }

  return {
    add(key) {
      const box = counts.get(key)
      if (box !== undefined) {
        box.n++
        return
      }
      counts.set(key, { n: 1 })
      if (counts.size > capacity) purge()
    },
    get isExact() {
      return isExact
    },
    entries() {
      return Array.from(counts, ([key, box]): [K, number] => [key, box.n]).sort(
        (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
      )
    },
  }
}
