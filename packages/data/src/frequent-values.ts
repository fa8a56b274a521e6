/**
 * The most frequent values of a column: exact counts while at most `capacity` distinct values
 * have been seen; beyond that a Misra-Gries summary (as in Apache DataSketches' frequent items):
 * when the table is full, the median count is subtracted from every entry and the entries at
 * or below zero dropped. A reported count then underestimates the true count by at most the
 * sum of the subtracted medians, which is at most about 2n/capacity.
 * A class for the reason given in exact-counts.ts.
 */
export class FrequentValues {
  // A mutable box per key: a repeated value costs one lookup, not a get and a set.
  private readonly counts = new Map<string, { n: number }>()
  private isStillExact = true

  /** `beforePurge` hears of the first purge while every value seen so far is still in the table. */
  constructor(
    private readonly capacity = 4096,
    private readonly beforePurge: () => void = () => {},
  ) {}

  add(key: string): void {
    const box = this.counts.get(key)
    if (box !== undefined) {
      box.n++
      return
    }
    this.counts.set(key, { n: 1 })
    if (this.counts.size > this.capacity) this.purge()
  }

  /** True while no entry was ever dropped. */
  get isExact(): boolean {
    return this.isStillExact
  }

  /** Entries with their counts, most frequent first (ties by value, for a stable order). */
  entries(): [string, number][] {
    return Array.from(this.counts, ([key, box]): [string, number] => [key, box.n]).sort(
      (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
    )
  }

  private purge(): void {
    if (this.isStillExact) this.beforePurge()
    const sorted = Float64Array.from(this.counts.values(), (box) => box.n).sort()
    const median = sorted[sorted.length >> 1]
    for (const [key, box] of this.counts) {
      if (box.n <= median) this.counts.delete(key)
      else box.n -= median
    }
    this.isStillExact = false
  }
}
