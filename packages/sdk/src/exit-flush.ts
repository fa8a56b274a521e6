/** Something whose buffered work must be sent before the process exits. */
interface Flushable {
  readonly id: string
  flush(): Promise<void>
}

// Process-wide on purpose: `beforeExit` belongs to the process, and its one handler must reach
// the active runs of every client in it.
const activeRuns = new Set<Flushable>()
let isHandlerInstalled = false

async function flushAll(): Promise<void> {
  const runs = [...activeRuns]
  const outcomes = await Promise.allSettled(runs.map((run) => run.flush()))
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'rejected') {
      console.error(`provena: metrics of run ${runs[i]?.id} were not all stored at exit:`, outcome.reason)
    }
  })
}

/**
 * Flushes `run` when Node runs out of work (`beforeExit`, which allows async work); returns
 * the function that stops doing so. A hard `process.exit()`, a signal or a crash skips
 * `beforeExit`, so `await run.end()` is the reliable way. In a browser this does nothing.
 */
export function flushAtExit(run: Flushable): () => void {
  if (typeof process === 'undefined' || typeof process.on !== 'function') return () => {}
  activeRuns.add(run)
  if (!isHandlerInstalled) {
    isHandlerInstalled = true
    // Once everything is flushed the handler starts no new work, so the process then exits.
    process.on('beforeExit', () => void flushAll())
  }
  return () => activeRuns.delete(run)
}
