import { describe, expect, it } from 'vitest'
import { canonicalJson } from './canonical-json.js'

/** The double whose IEEE 754 bits are `hex`, as RFC 8785 Appendix B lists its test values. */
function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8))
  view.setBigUint64(0, BigInt(`0x${hex}`))
  return view.getFloat64(0)
}

describe('canonicalJson', () => {
  it('canonicalises the RFC 8785 §3.2.2 example byte for byte', () => {
    const input = String.raw`{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
      "literals": [null, true, false]
    }`

    expect(canonicalJson(JSON.parse(input))).toBe(
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    )
  })

  it('sorts keys by UTF-16 code units as in the RFC 8785 §3.2.3 example', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    }

    // Object.values would move the integer-like key "1" first, so the expected text is spelled out.
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    )
  })

  it('orders keys by code unit, not by code point: an emoji sorts before U+FB33', () => {
    expect(canonicalJson({ '\ufb33': 1, '\ud83d\ude00': 2 })).toBe('{"\ud83d\ude00":2,"\ufb33":1}')
  })

  it('serialises the numbers of the brief and of RFC 8785 §3.2.2.3', () => {
    const cases: [number, string][] = [
      [1e30, '1e+30'],
      [4.5, '4.5'],
      [2e-3, '0.002'],
      [0.000001, '0.000001'],
      [1e-7, '1e-7'],
      // Parsed from text because the RFC's literal has more digits than a double keeps.
      [Number('333333333.33333329'), '333333333.3333333'],
      [-0, '0'],
      [1e21, '1e+21'],
      [1e20, '100000000000000000000'],
    ]

    expect(cases.map(([n]) => canonicalJson(n))).toEqual(cases.map(([, text]) => text))
  })

  it('serialises the IEEE 754 values of RFC 8785 Appendix B', () => {
    const cases: [string, string][] = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
      ['41b3de4355555553', '333333333.3333332'],
      ['41b3de4355555554', '333333333.33333325'],
      ['41b3de4355555555', '333333333.3333333'],
      ['41b3de4355555556', '333333333.3333334'],
      ['41b3de4355555557', '333333333.33333343'],
      ['becbf647612f3696', '-0.0000033333333333333333'],
      ['43143ff3c1cb0959', '1424953923781206.2'],
    ]

    expect(cases.map(([bits]) => canonicalJson(fromBits(bits)))).toEqual(cases.map(([, text]) => text))
  })

  it('rejects NaN and infinities, also when nested', () => {
    for (const bits of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
      expect(() => canonicalJson({ a: [fromBits(bits)] })).toThrow(TypeError)
    }
  })

  it('escapes strings as JSON.stringify does, with lowercase hex and short forms', () => {
    expect(canonicalJson('\u0000\b\t\n\f\r\u001f"\\/\u007f\u2028é')).toBe(
      '"\\u0000\\b\\t\\n\\f\\r\\u001f\\"\\\\/\u007f\u2028é"',
    )
  })

  it('writes nested structures without whitespace', () => {
    expect(canonicalJson({ b: [1, { d: null, c: true }], a: {}, e: [] })).toBe(
      '{"a":{},"b":[1,{"c":true,"d":null}],"e":[]}',
    )
  })

  it('leaves out undefined members and writes undefined array elements and holes as null', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point of the test
    expect(canonicalJson({ a: undefined, b: [undefined, , 1] })).toBe('{"b":[null,null,1]}')
  })

  it('gives the same text for a value and its JSON round trip', () => {
    const value = {
      when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)),
      gone: undefined,
      list: [undefined, -0, 1.5, 'x'],
      nested: { z: 1, a: { toJSON: () => 'custom' } },
    }

    expect(canonicalJson(value)).toBe(canonicalJson(JSON.parse(JSON.stringify(value))))
  })

  it('uses toJSON like JSON.stringify, so a Date becomes its ISO string', () => {
    expect(canonicalJson({ at: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)) })).toBe('{"at":"2024-01-02T03:04:05.006Z"}')
  })

  it('accepts objects without a prototype and a literal __proto__ key', () => {
    const bare = Object.assign(Object.create(null) as object, { b: 2, a: 1 })

    expect(canonicalJson([bare, JSON.parse('{"__proto__":1}')])).toBe('[{"a":1,"b":2},{"__proto__":1}]')
  })

  it('throws a TypeError for a top-level undefined', () => {
    expect(() => canonicalJson(undefined)).toThrow(TypeError)
  })

  it('throws a TypeError for functions, symbols and bigints anywhere', () => {
    const bad: unknown[] = [() => 1, Symbol('s'), 1n, { f: () => 1 }, [Symbol('s')], { n: 2n }]
    for (const value of bad) expect(() => canonicalJson(value)).toThrow(TypeError)
  })

  it('throws a TypeError for strings and keys with unpaired surrogates', () => {
    for (const value of ['\ud800', 'a\udc00', '\ude00\ud83d', { '\ud800': 1 }]) {
      expect(() => canonicalJson(value)).toThrow(TypeError)
    }
  })

  it('throws a TypeError for objects that are not plain, which would lose their content', () => {
    for (const value of [new Map([['a', 1]]), new Set([1]), new Uint8Array(2), new (class Point {})()]) {
      expect(() => canonicalJson({ value })).toThrow(TypeError)
    }
  })

  it('throws a TypeError for cycles but accepts shared references', () => {
    const shared = { x: 1 }
    const cyclic: Record<string, unknown> = {}
    cyclic.self = { back: cyclic }

    expect(canonicalJson([shared, shared])).toBe('[{"x":1},{"x":1}]')
    expect(() => canonicalJson(cyclic)).toThrow(TypeError)
  })
})
