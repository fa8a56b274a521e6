/** Where the typed values of one column go; the readers call it once per non-null value. */
export interface ValueSink {
  addInteger(value: number): void
  addFloat(value: number): void
  addBoolean(value: boolean): void
  /** Epoch milliseconds. */
  addTimestamp(epochMs: number): void
  addString(value: string): void
}

const PLUS = 43
const MINUS = 45
const DOT = 46
const ZERO = 48
const NINE = 57
const COLON = 58
const SPACE = 32
const UPPER_T = 84
const UPPER_Z = 90
const LOWER_T = 116
const LOWER_F = 102
const LOWER_Z = 122
const LOWER_E = 101
const UPPER_E = 69

/** Integers of up to 15 digits are summed digit by digit; longer ones go through Number(). */
const MAX_FAST_DIGITS = 15

/**
 * Infers the type of a text value (a CSV/TSV field or a JSON string) from `text[start, end)`
 * and hands it to `sink`: integer, float (with exponent), boolean (true/false, any case),
 * timestamp (ISO 8601 date or date-time), else string. The caller treats an empty value as
 * null. Character tests instead of regular expressions: this runs for every cell.
 */
export function inferTextValue(text: string, start: number, end: number, sink: ValueSink): void {
  const first = text.charCodeAt(start)
  if ((first >= ZERO && first <= NINE) || first === MINUS || first === PLUS || first === DOT) {
    if (inferNumberOrTimestamp(text, start, end, sink)) return
  } else if (end - start === 4 || end - start === 5) {
    const lower = first | 0x20
    if (lower === LOWER_T && end - start === 4 && matchesLower(text, start, 'true')) {
      sink.addBoolean(true)
      return
    }
    if (lower === LOWER_F && end - start === 5 && matchesLower(text, start, 'false')) {
      sink.addBoolean(false)
      return
    }
  }
  sink.addString(text.slice(start, end))
}

function matchesLower(text: string, start: number, word: string): boolean {
  for (let i = 0; i < word.length; i++) if ((text.charCodeAt(start + i) | 0x20) !== word.charCodeAt(i)) return false
  return true
}

function inferNumberOrTimestamp(text: string, start: number, end: number, sink: ValueSink): boolean {
  let i = start
  let c = text.charCodeAt(i)
  const isNegative = c === MINUS
  if (c === MINUS || c === PLUS) c = text.charCodeAt(++i)
  const digitsStart = i
  let value = 0
  while (i < end && c >= ZERO && c <= NINE) {
    value = value * 10 + (c - ZERO)
    c = text.charCodeAt(++i)
  }
  const intDigits = i - digitsStart
  if (i === end) {
    if (intDigits === 0) return false
    if (intDigits <= MAX_FAST_DIGITS) sink.addInteger(isNegative ? -value : value)
    else sink.addInteger(Number(text.slice(start, end)))
    return true
  }
  if (c === MINUS && intDigits === 4 && digitsStart === start) {
    const epochMs = parseIsoTimestamp(text, start, end)
    if (Number.isNaN(epochMs)) return false
    sink.addTimestamp(epochMs)
    return true
  }
  let fractionDigits = 0
  if (c === DOT) {
    c = text.charCodeAt(++i)
    while (i < end && c >= ZERO && c <= NINE) {
      value = value * 10 + (c - ZERO)
      fractionDigits++
      c = text.charCodeAt(++i)
    }
  }
  if (intDigits + fractionDigits === 0) return false
  let hasExponent = false
  if (i < end && (c === LOWER_E || c === UPPER_E)) {
    hasExponent = true
    c = text.charCodeAt(++i)
    if (c === MINUS || c === PLUS) c = text.charCodeAt(++i)
    const exponentStart = i
    while (i < end && c >= ZERO && c <= NINE) c = text.charCodeAt(++i)
    if (i === exponentStart) return false
  }
  if (i !== end) return false
  if (!hasExponent && intDigits + fractionDigits <= MAX_FAST_DIGITS) {
    // Clinger's fast path: an exact integer mantissa (< 2^53) divided by an exact power of ten
    // (<= 10^22) is correctly rounded, so this equals Number(text) without making a string.
    const magnitude = value / POWERS_OF_TEN[fractionDigits]
    sink.addFloat(isNegative ? -magnitude : magnitude)
    return true
  }
  const parsed = Number(text.slice(start, end))
  if (!Number.isFinite(parsed)) return false
  sink.addFloat(parsed)
  return true
}

const POWERS_OF_TEN = Array.from({ length: MAX_FAST_DIGITS + 1 }, (_, i) => 10 ** i)

function digitsAt(text: string, at: number, count: number): number {
  let value = 0
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i)
    if (!(c >= ZERO && c <= NINE)) return -1
    value = value * 10 + (c - ZERO)
  }
  return value
}

/**
 * Epoch milliseconds of a proleptic Gregorian UTC date-time, by Howard Hinnant's
 * days-from-civil arithmetic: Date.UTC costs a call into the runtime per cell and takes
 * years 0–99 as 1900–1999.
 */
function utcMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millisecond = 0): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear
  const days = era * 146_097 + dayOfEra - 719_468
  return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millisecond
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/**
 * Parses an ISO 8601 date (`2024-03-01`) or date-time (`2024-03-01T12:30`, seconds and a
 * fraction optional, `T` or a space between, `Z` or `±hh:mm`/`±hhmm`/`±hh` zone optional;
 * without a zone the time is taken as UTC) into epoch milliseconds; NaN when it is not one.
 */
export function parseIsoTimestamp(text: string, start: number, end: number): number {
  const length = end - start
  if (length < 10 || text.charCodeAt(start + 4) !== MINUS || text.charCodeAt(start + 7) !== MINUS) return Number.NaN
  const year = digitsAt(text, start, 4)
  const month = digitsAt(text, start + 5, 2)
  const day = digitsAt(text, start + 8, 2)
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]) return Number.NaN
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return Number.NaN
  if (length === 10) return utcMs(year, month, day)
  const separator = text.charCodeAt(start + 10)
  if ((separator !== UPPER_T && separator !== LOWER_T && separator !== SPACE) || length < 16) return Number.NaN
  if (text.charCodeAt(start + 13) !== COLON) return Number.NaN
  const hour = digitsAt(text, start + 11, 2)
  const minute = digitsAt(text, start + 14, 2)
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return Number.NaN
  let i = start + 16
  let second = 0
  let millisecond = 0
  if (i < end && text.charCodeAt(i) === COLON) {
    second = digitsAt(text, i + 1, 2)
    if (i + 3 > end || second < 0 || second > 59) return Number.NaN
    i += 3
    if (i < end && text.charCodeAt(i) === DOT) {
      i++
      const fractionStart = i
      let scale = 100
      for (let c = text.charCodeAt(i); i < end && c >= ZERO && c <= NINE; c = text.charCodeAt(++i)) {
        millisecond += (c - ZERO) * scale
        scale /= 10
      }
      if (i === fractionStart) return Number.NaN
      millisecond = Math.floor(millisecond)
    }
  }
  const offsetMinutes = parseZone(text, i, end)
  if (Number.isNaN(offsetMinutes)) return Number.NaN
  return utcMs(year, month, day, hour, minute, second, millisecond) - offsetMinutes * 60_000
}

/** A zone suffix as minutes east of UTC: none or `Z` is 0; NaN when malformed. */
function parseZone(text: string, at: number, end: number): number {
  if (at === end) return 0
  const c = text.charCodeAt(at)
  if ((c === UPPER_Z || c === LOWER_Z) && at + 1 === end) return 0
  if (c !== PLUS && c !== MINUS) return Number.NaN
  const sign = c === MINUS ? -1 : 1
  const hours = digitsAt(text, at + 1, 2)
  if (at + 3 > end || hours < 0 || hours > 23) return Number.NaN
  let minuteAt = at + 3
  if (minuteAt === end) return sign * hours * 60
  if (text.charCodeAt(minuteAt) === COLON) minuteAt++
  const minutes = digitsAt(text, minuteAt, 2)
  if (minuteAt + 2 !== end || minutes < 0 || minutes > 59) return Number.NaN
  return sign * (hours * 60 + minutes)
}
