/**
 * Orders strings by the bytes of their UTF-8 encoding, the order manifests and the dataset digest
 * use (Python's `sorted()` on `str` and `bytes` agree with it). JavaScript's `<` compares UTF-16 code
 * units instead, which puts characters above U+FFFF (surrogate pairs) before U+E000–U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    // Code point order is UTF-8 byte order; a surrogate starts a code point above every BMP character.
    if (x >= 0xd800 && y >= 0xd800) return liftSurrogate(x) - liftSurrogate(y)
    return x - y
  }
  return a.length - b.length
}

function liftSurrogate(codeUnit: number): number {
  return codeUnit >= 0xd800 && codeUnit <= 0xdfff ? codeUnit + 0x10000 : codeUnit
}
