import { InvalidArgumentError } from 'commander'

/** Commander parser for a whole number of at least 1; anything else is a usage error. */
export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('must be a whole number of at least 1')
  return Number(value)
}

/** Commander parser for a number of at least 0, fractions allowed. */
export function parseNonNegativeNumber(value: string): number {
  const number = Number(value)
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) {
    throw new InvalidArgumentError('must be a number of at least 0')
  }
  return number
}

/** Commander parser that lets an option be given several times. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

/** Commander parser for a repeatable `--tag key=value`; the value may itself contain `=`. */
export function collectTag(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const separator = value.indexOf('=')
  if (separator < 1) throw new InvalidArgumentError(`expected key=value, got '${value}'`)
  return { ...previous, [value.slice(0, separator)]: value.slice(separator + 1) }
}

/** Commander parser for a point in time: an ISO 8601 date or time, or milliseconds since the epoch. */
export function parseTime(value: string): number {
  const timeMs = /^\d+$/.test(value) ? Number(value) : Date.parse(value)
  if (!Number.isSafeInteger(timeMs) || timeMs < 0) {
    throw new InvalidArgumentError(
      'expected an ISO 8601 time such as 2025-01-31 or 2025-01-31T12:00:00Z, or epoch milliseconds',
    )
  }
  return timeMs
}
