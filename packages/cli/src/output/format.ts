import { encodeMetricValue } from '@provena/contract'

const pad2 = (n: number) => String(n).padStart(2, '0')

/** A local time as `YYYY-MM-DD HH:MM:SS`: sortable, and short enough for a table cell. */
export function formatTimestamp(timestampMs: number | null | undefined): string {
  if (timestampMs === null || timestampMs === undefined) return '-'
  const t = new Date(timestampMs)
  const date = `${t.getFullYear()}-${pad2(t.getMonth() + 1)}-${pad2(t.getDate())}`
  return `${date} ${pad2(t.getHours())}:${pad2(t.getMinutes())}:${pad2(t.getSeconds())}`
}

const DURATION_UNITS: [suffix: string, seconds: number][] = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
]

/** A duration in its two largest units, e.g. `850ms`, `42s`, `1m 3s`, `2h 5m`, `3d 4h`. */
export function formatDuration(durationMs: number): string {
  if (durationMs < 1000) return `${Math.max(0, Math.round(durationMs))}ms`
  const totalSeconds = Math.floor(durationMs / 1000)
  const largest = DURATION_UNITS.findIndex(([, seconds]) => totalSeconds >= seconds)
  const [suffix, seconds] = DURATION_UNITS[largest] ?? ['s', 1]
  const head = `${Math.floor(totalSeconds / seconds)}${suffix}`
  const next = DURATION_UNITS[largest + 1]
  if (next === undefined) return head
  const rest = Math.floor((totalSeconds % seconds) / next[1])
  return rest === 0 ? head : `${head} ${rest}${next[0]}`
}

/** How long a run took, or has been running so far; `-` when it was never finished. */
export function formatRunDuration(
  run: { status: string; startTimeMs: number; endTimeMs: number | null },
  nowMs: number,
): string {
  if (run.endTimeMs !== null) return formatDuration(run.endTimeMs - run.startTimeMs)
  return run.status === 'RUNNING' ? formatDuration(nowMs - run.startTimeMs) : '-'
}

/**
 * A metric value with at most six significant digits. It may arrive as a number or, for NaN and
 * the infinities, as its wire string, depending on whether the SDK decoded it.
 */
export function formatMetricValue(value: number | string): string {
  if (typeof value === 'string') return value
  if (!Number.isFinite(value)) return String(encodeMetricValue(value))
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)))
}

/** `k=v, k2=v2`, sorted by key, for one table cell. */
export function formatPairs(pairs: Record<string, string>): string {
  return Object.keys(pairs)
    .sort()
    .map((key) => `${key}=${pairs[key]}`)
    .join(', ')
}

/**
 * JSON for scripts. JSON has no NaN or infinities, so a decoded metric value is written in the
 * wire encoding ("NaN", "Infinity", "-Infinity") instead of becoming `null`.
 */
export function formatJson(value: unknown): string {
  const replacer = (_key: string, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? encodeMetricValue(v) : v
  return `${JSON.stringify(value, replacer, 2)}\n`
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

/** A size in bytes for people: `512 B`, `1.5 MiB`, `2.0 GiB`. */
export function formatBytes(sizeBytes: number): string {
  let value = sizeBytes
  let unit = 0
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`
}
