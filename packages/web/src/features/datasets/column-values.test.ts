import { describe, expect, it } from 'vitest'
import { formatAxisValue, formatColumnValue } from './column-values'

describe('values of numeric columns in words', () => {
  it('spells timestamps (epoch milliseconds) as dates', () => {
    const ms = Date.UTC(2025, 5, 30, 12, 30)
    expect(formatColumnValue(ms, 'timestamp')).toBe('2025-06-30 12:30:00')
    expect(formatAxisValue(ms, 'timestamp')).toBe('2025-06-30')
  })

  it('keeps numbers as numbers, rounded on an axis', () => {
    expect(formatColumnValue(52122.94, 'float')).toBe('52122.9')
    expect(formatAxisValue(87330.31, 'float')).toBe('87330')
    expect(formatAxisValue(77, 'integer')).toBe('77')
  })
})
