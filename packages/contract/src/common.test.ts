import { describe, expect, it } from 'vitest'
import { Key } from './common.js'
import { Step, TimestampMs } from './metrics.js'

describe('Key', () => {
  it.each(['loss', 'train/loss', 'a..b', '...', 'x/.../y', 'with space:1'])('accepts %j', (key) => {
    expect(Key.safeParse(key).success).toBe(true)
  })

  it.each(['..', '../a', 'a/..', 'a/../b'])('rejects %j, which holds a ".." path segment', (key) => {
    expect(Key.safeParse(key).error?.issues.map((i) => i.message)).toEqual(['may not contain a ".." path segment'])
  })

  it('rejects empty, overlong and oddly spelled keys', () => {
    expect([Key.safeParse('').success, Key.safeParse('k'.repeat(251)).success, Key.safeParse('a$b').success]).toEqual([
      false,
      false,
      false,
    ])
  })
})

describe('Step and TimestampMs', () => {
  it('accept exactly the safe integers (timestamps from 0)', () => {
    const accepted = (schema: typeof Step) =>
      [0, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 1.5, Number.NaN].map((v) => schema.safeParse(v).success)
    expect({ step: accepted(Step), timestampMs: accepted(TimestampMs) }).toEqual({
      step: [true, true, true, true, false, false, false],
      timestampMs: [true, false, true, false, false, false, false],
    })
  })
})
