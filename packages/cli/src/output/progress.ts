import type { TextSink } from '../cli-io.js'
import { formatBytes } from './format.js'

/** A one-line counter that rewrites itself, for work that takes a while. */
export interface Progress {
  update(done: number, total?: number): void
  /** Erases the line, so what follows starts on a clean one. */
  done(): void
}

const REDRAW_EVERY_MS = 100
const NO_PROGRESS: Progress = { update() {}, done() {} }

const BAR_WIDTH = 24

/** `[#########---------------]`: how much of the total is done. */
function bar(done: number, total: number): string {
  const filled = Math.min(BAR_WIDTH, Math.floor((BAR_WIDTH * done) / total))
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`
}

/**
 * Progress on `sink` when a person watches it (a terminal); nothing in a pipe or a log file.
 * Counts are shown as numbers, or with `unit: 'bytes'` as sizes behind a bar.
 */
export function createProgress(sink: TextSink, label: string, { unit = 'items' } = {}): Progress {
  if (!sink.isTTY) return NO_PROGRESS
  let drawnAtMs = 0
  const format = unit === 'bytes' ? formatBytes : (n: number) => n.toLocaleString('en')
  return {
    update(done, total) {
      const nowMs = Date.now()
      if (nowMs - drawnAtMs < REDRAW_EVERY_MS) return
      drawnAtMs = nowMs
      const share = total ? ` / ${format(total)} (${Math.floor((100 * done) / total)}%)` : ''
      const drawn = unit === 'bytes' && total ? `${bar(done, total)} ` : ''
      sink.write(`\r\u001b[K${label}: ${drawn}${format(done)}${share}`)
    },
    done() {
      if (drawnAtMs !== 0) sink.write('\r\u001b[K')
    },
  }
}
