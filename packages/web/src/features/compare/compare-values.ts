import { formatNumber } from '../../components/format'

/** What the compare page needs of a run. */
export interface ComparedRun {
  id: string
  name: string
  params: Record<string, string>
  metrics: { key: string; value: number }[]
}

export interface CompareRow {
  /** `params.<key>` or `metrics.<key>`. */
  column: string
  /** One per run, in the order of the runs; '' where the run lacks the key. */
  values: string[]
  isDifferent: boolean
}

/** Every param and latest metric of the runs, one row per key (params first, each sorted), marking rows whose values differ. */
export function compareRows(runs: ComparedRun[]): CompareRow[] {
  const paramKeys = [...new Set(runs.flatMap((run) => Object.keys(run.params)))].sort()
  const metricKeys = [...new Set(runs.flatMap((run) => run.metrics.map((m) => m.key)))].sort()
  const rows: CompareRow[] = []
  for (const key of paramKeys) {
    const values = runs.map((run) => run.params[key] ?? '')
    rows.push({ column: `params.${key}`, values, isDifferent: new Set(values).size > 1 })
  }
  for (const key of metricKeys) {
    const values = runs.map((run) => {
      const metric = run.metrics.find((m) => m.key === key)
      return metric ? formatNumber(metric.value) : ''
    })
    rows.push({ column: `metrics.${key}`, values, isDifferent: new Set(values).size > 1 })
  }
  return rows
}

/** A column's value for one run as a number when it is one (params are strings that may hold numbers). */
function numericValue(run: ComparedRun, column: string): number | undefined {
  const dot = column.indexOf('.')
  const key = column.slice(dot + 1)
  if (column.startsWith('metrics.')) {
    const value = run.metrics.find((m) => m.key === key)?.value
    return value !== undefined && Number.isFinite(value) ? value : undefined
  }
  const text = run.params[key]
  if (text === undefined || text.trim() === '') return undefined
  const value = Number(text)
  return Number.isFinite(value) ? value : undefined
}

/** A column's value for one run as text ('' when absent). */
function textValue(run: ComparedRun, column: string): string {
  const key = column.slice(column.indexOf('.') + 1)
  if (column.startsWith('metrics.')) {
    const value = run.metrics.find((m) => m.key === key)?.value
    return value === undefined ? '' : formatNumber(value)
  }
  return run.params[key] ?? ''
}

/** Where each run sits on one axis (0 = bottom/left, 1 = top/right, undefined = no value), and its tick labels. */
export interface Axis {
  column: string
  positions: (number | undefined)[]
  ticks: { position: number; label: string }[]
}

/**
 * Lays out one column's values on an axis: numerically from min to max when every present
 * value is a number, else as evenly spaced categories in sorted order.
 */
export function layoutAxis(runs: ComparedRun[], column: string): Axis {
  const texts = runs.map((run) => textValue(run, column))
  const numbers = runs.map((run) => numericValue(run, column))
  const isNumeric = texts.every((text, i) => text === '' || numbers[i] !== undefined)
  if (isNumeric) {
    const present = numbers.filter((n): n is number => n !== undefined)
    const min = Math.min(...present)
    const max = Math.max(...present)
    const span = max - min
    const at = (n: number) => (span === 0 ? 0.5 : (n - min) / span)
    const ticks =
      present.length === 0
        ? []
        : span === 0
          ? [{ position: 0.5, label: formatNumber(min) }]
          : [0, 0.5, 1].map((f) => ({ position: f, label: formatNumber(min + f * span) }))
    return { column, positions: numbers.map((n) => (n === undefined ? undefined : at(n))), ticks }
  }
  const categories = [...new Set(texts.filter((t) => t !== ''))].sort()
  const at = (text: string) => (categories.length === 1 ? 0.5 : categories.indexOf(text) / (categories.length - 1))
  return {
    column,
    positions: texts.map((t) => (t === '' ? undefined : at(t))),
    ticks: categories.map((c) => ({ position: at(c), label: c })),
  }
}
