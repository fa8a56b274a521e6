/**
 * The most frequent values of a column: exact counts while at most `capacity` distinct values
 * have been seen; beyond that a Misra-Gries summary (as in Apache DataSketches' frequent items):
 * when the table is full, the median count is subtracted from every entry and the entries at
 * or below zero dropped. A reported count then underestimates the true count by at most the
 * sum of the subtracted medians, which is at most about 2n/capacity.
 * A class for the reason given in exact-counts.ts.
 */
export class FrequentValues {
  // Each value holds a slot in `counts`: a repeated value costs one lookup and no allocation.
  private readonly slots = new Map<string, number>()
  private readonly counts: Float64Array
  private readonly freeSlots: number[] = []
  private usedSlots = 0
  private isStillExact = true

  /** `beforePurge` hears of the first purge while every value seen so far is still in the table. */
  constructor(
    private readonly capacity = 4096,
    private readonly beforePurge: () => void = () => {},
  ) {
    this.counts = new Float64Array(capacity + 1)
  }

  add(key: string): void {
    const slot = this.slots.get(key)
    if (slot !== undefined) {
      this.counts[slot]++
      return
    }
    const free = this.freeSlots.length > 0 ? (this.freeSlots.pop() ?? 0) : this.usedSlots++
    this.counts[free] = 1
    this.slots.set(key, free)
    if (this.slots.size > this.capacity) this.purge()
  }

  /** True while no entry was ever dropped. */
  get isExact(): boolean {
    return this.isStillExact
  }

  /** Entries with their counts, most frequent first (ties by value, for a stable order). */
  entries(): [string, number][] {
    return Array.from(this.slots, ([key, slot]): [string, number] => [key, this.counts[slot]]).sort(
      (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
    )
  }

  private purge(): void {
    if (this.isStillExact) this.beforePurge()
    const held = Float64Array.from(this.slots.values(), (slot) => this.counts[slot])
    const median = selectNth(held, held.length >> 1)
    for (const [key, slot] of this.slots) {
      if (this.counts[slot] <= median) {
        this.slots.delete(key)
        this.freeSlots.push(slot)
      } else this.counts[slot] -= median
    }
    this.isStillExact = false
  }
}

/** The n-th smallest value (Hoare's selection, in place): linear on average, where a sort is n log n. */
function selectNth(values: Float64Array, n: number): number {
  let low = 0
  let high = values.length - 1
  while (low < high) {
    const pivot = values[(low + high) >> 1]
    let i = low
    let j = high
    while (i <= j) {
      while (values[i] < pivot) i++
      while (values[j] > pivot) j--
      if (i <= j) {
        const swap = values[i]
        values[i] = values[j]
        values[j] = swap
        i++
        j--
      }
    }
    if (n <= j) high = j
    else if (n >= i) low = i
    else return values[n]
  }
  return values[n]
}
