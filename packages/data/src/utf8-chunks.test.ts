import { describe, expect, it } from 'vitest'
import { firstInvalidOffset } from './utf8-chunks.js'

describe('firstInvalidOffset', () => {
  it.each([
    ['ASCII', [0x61, 0x62], 2],
    ['a 4-byte character', [0x61, 0xf0, 0x9f, 0x98, 0x80], 5],
    ['a stray continuation byte', [0x61, 0x80, 0x62], 1],
    ['an overlong encoding', [0x61, 0xc0, 0xaf], 1],
    ['an encoded surrogate', [0x61, 0x62, 0xed, 0xa0, 0x80], 2],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a truncated sequence', [0x61, 0xe2, 0x82], 1],
  ])('finds %s', (_case, bytes, offset) => {
    expect(firstInvalidOffset(Uint8Array.from(bytes))).toBe(offset)
  })
})
