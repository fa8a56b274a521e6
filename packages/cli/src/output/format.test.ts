import { describe, expect, it } from 'vitest'
import { formatDuration, formatJson, formatMetricValue, formatRunDuration, formatTimestamp } from './format.js'

describe('formatTimestamp', () => {
  it('shows local time as YYYY-MM-DD HH:MM:SS', () => {
    expect(formatTimestamp(new Date(2024, 0, 2, 3, 4, 5).getTime())).toBe('2024-01-02 03:04:05')
  })

  it('shows a missing time as a dash', () => {
    expect(formatTimestamp(null)).toBe('-')
  })
})

describe('formatDuration', () => {
  it.each([
    [850, '850ms'],
    [42_000, '42s'],
    [63_000, '1m 3s'],
    [120_000, '2m'],
    [2 * 3_600_000 + 5 * 60_000 + 9_000, '2h 5m'],
    [3 * 86_400_000 + 4 * 3_600_000, '3d 4h'],
  ])('shows %i ms as %s', (durationMs, expected) => {
    expect(formatDuration(durationMs)).toBe(expected)
  })
})

describe('formatRunDuration', () => {
  it('counts a running run up to now and shows a dash for a run that stopped without an end time', () => {
    const running = formatRunDuration({ status: 'RUNNING', startTimeMs: 0, endTimeMs: null }, 5_000)
    const killed = formatRunDuration({ status: 'KILLED', startTimeMs: 0, endTimeMs: null }, 5_000)

    expect([running, killed]).toEqual(['5s', '-'])
  })
})

describe('formatMetricValue', () => {
  it.each([
    [0.95, '0.95'],
    [0.123456789, '0.123457'],
    [42, '42'],
    [Number.NaN, 'NaN'],
    [Number.NEGATIVE_INFINITY, '-Infinity'],
    ['Infinity', 'Infinity'],
  ])('shows %s as %s', (value, expected) => {
    expect(formatMetricValue(value)).toBe(expected)
  })
})

describe('formatJson', () => {
  it('writes NaN and the infinities in their wire form instead of null', () => {
    const text = formatJson([{ value: Number.NaN }, { value: Number.POSITIVE_INFINITY }, { value: 1 }])

    expect(JSON.parse(text)).toEqual([{ value: 'NaN' }, { value: 'Infinity' }, { value: 1 }])
  })
})
