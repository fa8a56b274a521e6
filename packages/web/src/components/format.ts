/** Display formats shared by the pages. */

export function formatTime(timestampMs: number): string {
  return new Date(timestampMs).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })
}

/** "1h 02m", "3m 05s", "12.3s"; empty when the run has not ended. */
export function formatDuration(startMs: number, endMs: number | null): string {
  if (endMs === null) return ''
  const seconds = Math.max(0, (endMs - startMs) / 1000)
  if (seconds < 60) return `${seconds.toFixed(1)}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`
}

/** Up to 6 significant digits; NaN and infinities spelled out. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞'
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value)
  return Number(value.toPrecision(6)).toString()
}

/** 1,234 B, 12.3 KiB, 4.5 MiB, 1.2 GiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

/** The first 12 hex digits of a sha256, the way the pages show digests (the whole one on hover). */
export function shortDigest(sha256: string): string {
  return `${sha256.slice(0, 12)}…`
}
