import { describe, expect, it } from 'vitest'
import { diffManifests } from './manifest-diff.js'

const file = (path: string, sizeBytes: number, digit: string) => ({ path, sizeBytes, sha256: digit.repeat(64) })

describe('diffManifests', () => {
  it('names the added, removed and changed paths, each sorted by UTF-8 bytes', () => {
    const expected = [file('b.csv', 1, 'a'), file('a.csv', 1, 'a'), file('c.csv', 1, 'a'), file('same', 5, 'f')]
    const actual = [
      file('same', 5, 'f'),
      file('c.csv', 2, 'a'), // size differs
      file('a.csv', 1, 'b'), // content differs
      file('\u{1F600}.csv', 1, 'c'),
      file('\uFF21.csv', 1, 'c'),
      file('0.csv', 1, 'c'),
    ]
    expect(diffManifests(expected, actual)).toEqual({
      added: ['0.csv', '\uFF21.csv', '\u{1F600}.csv'],
      removed: ['b.csv'],
      changed: ['a.csv', 'c.csv'],
    })
  })

  it('finds nothing between a manifest and itself in another order', () => {
    const files = [file('x/1', 1, 'a'), file('x/2', 2, 'b'), file('y', 3, 'c')]
    expect(diffManifests(files, [...files].reverse())).toEqual({ added: [], removed: [], changed: [] })
  })
})
