import type { ColumnType } from '@provena/contract'
import { formatNumber } from '../../components/format'

/** A statistic of a numeric column: date and time (UTC, to the second) for timestamps (epoch milliseconds), else a number. */
export function formatColumnValue(value: number, type: ColumnType): string {
  return type === 'timestamp' ? new Date(value).toISOString().slice(0, 19).replace('T', ' ') : formatNumber(value)
}

/** A value on a histogram's axis: the day for timestamps, else the number to 4 significant digits. */
export function formatAxisValue(value: number, type: ColumnType): string {
  if (type === 'timestamp') return new Date(value).toISOString().slice(0, 10)
  return formatNumber(Number(value.toPrecision(4)))
}
