import type { TextSink } from '../cli-io.js'

/** A one-line counter that rewrites itself, for work that takes a while. */
export interface Progress {
  update(done: number, total?: number): void
  /** Erases the line, so what follows starts on a clean one. */
  done(): void
}

const REDRAW_EVERY_MS = 100
const NO_PROGRESS: Progress = { update() {}, done() {} }

/** Progress on `sink` when a person watches it (a terminal); nothing in a pipe or a log file. */
export function createProgress(sink: TextSink, label: string): Progress {
  if (!sink.isTTY) return NO_PROGRESS
  let drawnAtMs = 0
  return {
    update(done, total) {
      const nowMs = Date.now()
      if (nowMs - drawnAtMs < REDRAW_EVERY_MS) return
      drawnAtMs = nowMs
      const share = total ? ` / ${total.toLocaleString('en')} (${Math.floor((100 * done) / total)}%)` : ''
      sink.write(`\r${label}: ${done.toLocaleString('en')}${share}`)
    },
    done() {
      if (drawnAtMs !== 0) sink.write('\r\u001b[K')
    },
  }
}
