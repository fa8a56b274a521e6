import { describe, expect, it } from 'vitest'
import { decodeSegments, emptyColumns, encodeSegment, mergeColumns, type PointColumns } from './metric-segments.js'

function columnsOf(points: [step: number, timestamp: number, value: number][]): PointColumns {
  const columns = emptyColumns(points.length)
  points.forEach(([step, timestamp, value], i) => {
    columns.steps[i] = step
    columns.timestamps[i] = timestamp
    columns.values[i] = value
  })
  return columns
}

const rows = (c: PointColumns) => Array.from(c.steps, (step, i) => [step, c.timestamps[i], c.values[i]])

describe('metric segments', () => {
  const points: [number, number, number][] = [
    [0, 5, 0.5],
    [1, 5, Number.NaN],
    [2, 6, Number.POSITIVE_INFINITY],
    [-3, 2 ** 53 - 1, Number.NEGATIVE_INFINITY],
    [2 ** 53 - 1, 0, -0.25],
  ]

  it('stores steps, then timestamps, then values, as little-endian float64', () => {
    const segment = encodeSegment(columnsOf(points), 1, 3)
    expect(segment.length).toBe(2 * 24)
    expect([0, 1, 2, 3, 4, 5].map((i) => segment.readDoubleLE(8 * i))).toEqual([1, 2, 5, 6, Number.NaN, Infinity])
  })

  it('reads back what it wrote, also from a buffer that does not start on an 8-byte boundary', () => {
    const segment = encodeSegment(columnsOf(points), 0, points.length)
    const shifted = Buffer.alloc(segment.length + 3)
    segment.copy(shifted, 3)
    for (const buffer of [segment, shifted.subarray(3)]) {
      expect(rows(decodeSegments([buffer, encodeSegment(columnsOf(points), 0, 2)]))).toEqual([
        ...points,
        ...points.slice(0, 2),
      ])
    }
  })

  it('merges in history order, stored points first on a tie, whether or not the added ones come after', () => {
    const stored = columnsOf([
      [1, 0, 10],
      [3, 0, 30],
    ])
    expect(
      rows(
        mergeColumns(
          stored,
          columnsOf([
            [3, 0, 31],
            [4, 0, 40],
          ]),
        ),
      ),
    ).toEqual([
      [1, 0, 10],
      [3, 0, 30],
      [3, 0, 31],
      [4, 0, 40],
    ])
    expect(
      rows(
        mergeColumns(
          stored,
          columnsOf([
            [0, 0, 0],
            [2, 0, 20],
            [5, 0, 50],
          ]),
        ),
      ),
    ).toEqual([
      [0, 0, 0],
      [1, 0, 10],
      [2, 0, 20],
      [3, 0, 30],
      [5, 0, 50],
    ])
  })
})
