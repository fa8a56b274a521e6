import { describe, expect, it } from 'vitest'
import { hasLoneSurrogate } from './has-lone-surrogate.js'

describe('hasLoneSurrogate', () => {
  it('accepts text whose surrogates all come in pairs', () => {
    expect(['', 'plain', 'é€', '\ud83d\ude00', 'a\ud83d\ude00b\ud83d\ude00'].map(hasLoneSurrogate)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ])
  })

  it('finds a high or low surrogate standing alone anywhere', () => {
    expect(
      ['\ud800', 'a\ud800b', '\udc00', 'a\udc00', '\ude00\ud83d', '\ud83d\ude00\ud83d'].map(hasLoneSurrogate),
    ).toEqual([true, true, true, true, true, true])
  })
})
