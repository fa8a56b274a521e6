import { describe, expect, it } from 'vitest'
import { type ChartPoint, downsampleMinMax, planDownsampling } from './downsample.js'

function series(values: number[]): ChartPoint[] {
  return values.map((value, step) => ({ value, step, timestampMs: 1000 + step }))
}

describe('downsampleMinMax', () => {
  it('returns a series that fits as it is, NaN included', () => {
    const points = series([1, Number.NaN, 3])
    expect(downsampleMinMax(points, 3)).toEqual(points)
  })

  it('keeps the first and last points and the global minimum and maximum', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 100))
    values[1234] = -50
    values[8765] = 50
    const kept = downsampleMinMax(series(values), 100)

    expect(kept.length).toBeLessThanOrEqual(100)
    expect(kept[0]).toEqual({ value: 0, step: 0, timestampMs: 1000 })
    expect(kept[kept.length - 1]?.step).toBe(9999)
    expect(kept.map((p) => p.step)).toEqual(expect.arrayContaining([1234, 8765]))
    expect(kept.map((p) => p.step)).toEqual([...kept.map((p) => p.step)].sort((a, b) => a - b))
  })

  it('keeps the lowest and highest point of each bucket, the earlier one on a tie', () => {
    const values = [5, 1, 1, 9, 9, 2, 3, 7, 3, 3, 0, 4]
    // 12 points into 6 → buckets of 3: [5,1,1] [9,9,2] [3,7,3] [3,0,4] → first + extremes + last
    expect(downsampleMinMax(series(values), 10).map((p) => p.step)).toEqual([0, 1, 3, 5, 6, 7, 10, 11])
  })

  it('drops NaN points when it downsamples, and answers nothing for a series of NaN only', () => {
    const values = [Number.NaN, 2, Number.NaN, 8, 1, Number.NaN, 5, Number.NaN]
    expect(downsampleMinMax(series(values), 6).map((p) => p.value)).toEqual([2, 8, 1, 5])
    expect(downsampleMinMax(series(Array(10).fill(Number.NaN)), 4)).toEqual([])
  })

  it('keeps only the first and last points when maxPoints leaves no room for a bucket', () => {
    expect(downsampleMinMax(series([3, 1, 4, 1, 5]), 3).map((p) => p.step)).toEqual([0, 4])
  })
})

describe('planDownsampling', () => {
  it('reads a rollup level whose blocks are at most half a bucket once the series is long', () => {
    expect(planDownsampling(1_000_000, 1000)).toEqual({ bucketWidth: 2048, bucketCount: 489, blockSize: 512 })
  })

  it('cuts a short series into buckets of the exact width, from its points', () => {
    expect(planDownsampling(5000, 1000)).toEqual({ bucketWidth: 11, bucketCount: 455, blockSize: undefined })
  })
})
