import { LogBatchBody } from '@provena/contract'
import { describe, expect, it } from 'vitest'
import { readPlainMetricPoints, readPlainSeries } from './plain-metric-points.js'

// Values a point's fields take in the cases below: well-formed ones and every kind of bad one.
const KEYS: unknown[] = ['loss', 'a/b.c:d e-f_g', 'bad key!', '', 'k'.repeat(250), 'k'.repeat(251), '../x', 'a/../b', 7]
const VALUES: unknown[] = [0, -1.5, 1e308, 'NaN', 'Infinity', '-Infinity', 'nan', '1', null, true, undefined]
const TIMESTAMPS: unknown[] = [undefined, 0, 1_700_000_000_000, -1, 1.5, 2 ** 53, '5', null]
const STEPS: unknown[] = [undefined, 0, -3, 2 ** 53 - 1, 2 ** 53, 0.5, '1', null]

function* points(): Generator<unknown> {
  for (const key of KEYS)
    for (const value of VALUES)
      for (const timestampMs of TIMESTAMPS)
        for (const step of STEPS) {
          const point: Record<string, unknown> = { key, value, timestampMs, step }
          for (const field of Object.keys(point)) if (point[field] === undefined) delete point[field]
          yield point
        }
  yield null
  yield [1, 2]
  yield 'loss'
  yield { key: 'loss', value: 1, extra: 'ignored' }
}

describe('readPlainMetricPoints', () => {
  it('accepts exactly the points the batch schema accepts, and reads them as it does', () => {
    let accepted = 0
    for (const point of points()) {
      const fast = readPlainMetricPoints([{ key: 'first', value: 1 }, point], 'timestampMs')
      const schema = LogBatchBody.safeParse({ metrics: [{ key: 'first', value: 1 }, point] })
      expect(fast !== undefined, JSON.stringify(point)).toBe(schema.success)
      if (fast !== undefined && schema.success) {
        expect(fast).toEqual(schema.data.metrics)
        accepted++
      }
    }
    // The cases hold both kinds in numbers: neither answer is a foregone conclusion.
    expect(accepted).toBeGreaterThan(100)
  })

  it('reads the timestamp from the field it is told (MLflow calls it `timestamp`)', () => {
    expect(readPlainMetricPoints([{ key: 'k', value: 2, timestamp: 9, step: 1 }], 'timestamp')).toEqual([
      { key: 'k', value: 2, timestampMs: 9, step: 1 },
    ])
    expect(readPlainMetricPoints([{ key: 'k', value: 2, timestamp: -9 }], 'timestamp')).toBeUndefined()
  })

  it('checks a key again when it comes back after another one', () => {
    expect(
      readPlainMetricPoints(
        [
          { key: 'a', value: 1 },
          { key: 'b', value: 1 },
          { key: 'a', value: 2 },
        ],
        'timestampMs',
      ),
    ).toHaveLength(3)
  })
})

describe('readPlainSeries', () => {
  function* seriesCases(): Generator<unknown> {
    const columns: unknown[] = [undefined, [], [1, 2], [1.5, 2], [-1, 2 ** 53], ['1', 2], [null, 2], [0]]
    for (const key of KEYS)
      for (const values of [[1, 'NaN'], [], ['-Infinity', 2], ['x', 1], [null, 1], 'NaN', undefined])
        for (const steps of columns)
          for (const timestampsMs of columns) {
            const series: Record<string, unknown> = { key, values, steps, timestampsMs }
            for (const field of Object.keys(series)) if (series[field] === undefined) delete series[field]
            yield series
          }
    yield null
    yield [1]
    yield { key: 'loss', values: [1], extra: true }
  }

  it('accepts exactly the series the batch schema accepts, and reads them as it does', () => {
    let accepted = 0
    for (const series of seriesCases()) {
      const fast = readPlainSeries([series])
      const schema = LogBatchBody.safeParse({ series: [series] })
      expect(fast !== undefined, JSON.stringify(series)).toBe(schema.success)
      if (fast !== undefined && schema.success) {
        expect(fast).toEqual(schema.data.series)
        accepted++
      }
    }
    expect(accepted).toBeGreaterThan(30)
  })
})
