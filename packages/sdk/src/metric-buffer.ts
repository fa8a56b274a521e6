import type { MetricPointInput } from '@provena/contract'

/** What a metric buffer needs: when to send, and how to send one batch. */
interface MetricBufferOptions {
  batchSize: number
  flushIntervalMs: number
  /** Stores one batch; rejects when it was refused or could not be delivered. */
  send(points: MetricPointInput[]): Promise<void>
}

/** One run's unsent metric points. */
interface MetricBuffer {
  add(point: MetricPointInput): void
  /** Resolves when every point added so far is stored; rejects with the first failure since the last flush. */
  flush(): Promise<void>
}

// Browsers' timers are numbers; Node's are objects whose unref() lets the process exit anyway.
function unref(timer: ReturnType<typeof setTimeout>): void {
  if (typeof timer === 'object' && typeof timer.unref === 'function') timer.unref()
}

/**
 * Collects points and sends them in batches, in order, one batch in flight at a time: a batch
 * is cut when `batchSize` points are waiting, or when the oldest has waited `flushIntervalMs`.
 * A failed batch is dropped (a refused batch would be refused again) and its error kept for flush().
 */
export function createMetricBuffer({ batchSize, flushIntervalMs, send }: MetricBufferOptions): MetricBuffer {
  let waiting: MetricPointInput[] = []
  // Batches are chained, so each starts only after the one before it has settled.
  let queue: Promise<void> = Promise.resolve()
  let timer: ReturnType<typeof setTimeout> | undefined
  let failure: { error: unknown } | undefined

  async function sendKeepingFailure(batch: MetricPointInput[]): Promise<void> {
    try {
      await send(batch)
    } catch (error) {
      failure ??= { error }
    }
  }

  function cut(): void {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    for (let start = 0; start < waiting.length; start += batchSize) {
      const batch = waiting.slice(start, start + batchSize)
      queue = queue.then(() => sendKeepingFailure(batch))
    }
    waiting = []
  }

  return {
    add(point) {
      waiting.push(point)
      if (waiting.length >= batchSize) {
        cut()
      } else if (timer === undefined) {
        timer = setTimeout(cut, flushIntervalMs)
        unref(timer)
      }
    },

    async flush() {
      cut()
      await queue
      if (failure === undefined) return
      const { error } = failure
      failure = undefined
      throw error
    },
  }
}
