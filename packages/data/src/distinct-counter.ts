/**
 * Counts distinct values: exactly (a Set) while there are at most EXACT_LIMIT of them and they
 * are short, then with a HyperLogLog of 2^14 registers (standard error about 0.8%, with linear
 * counting for small cardinalities). Numbers are told apart by value, strings by content.
 */
export interface DistinctCounter {
  addNumber(value: number): void
  addString(value: string): void
  estimate(): { distinctCount: number; isExact: boolean }
}

const EXACT_LIMIT = 4096
const EXACT_MAX_CHARS = 1 << 20
const PRECISION = 14
const REGISTERS = 1 << PRECISION
const ALPHA = 0.7213 / (1 + 1.079 / REGISTERS)

const float64 = new Float64Array(1)
const float64Words = new Uint32Array(float64.buffer)

/** The murmur3 32-bit finaliser: spreads every input bit over the whole word. */
function mix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

function numberKey(value: number): number {
  float64[0] = value === 0 ? 0 : value
  return mix32(float64Words[0] ^ mix32(float64Words[1] + 0x9e3779b9))
}

/** FNV-1a over UTF-16 code units, then the finaliser (FNV alone leaves the high bits weak). */
function stringKey(value: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193)
  return mix32(h ^ 0x5bd1e995)
}

export function createDistinctCounter(): DistinctCounter {
  let exact: Set<number | string> | undefined = new Set()
  let exactChars = 0
  let registers: Uint8Array | undefined

  function addKey(key: number): void {
    const index = key >>> (32 - PRECISION)
    const rank = Math.min(Math.clz32((key << PRECISION) | ((1 << PRECISION) - 1)) + 1, 32 - PRECISION + 1)
    if (registers !== undefined && rank > registers[index]) registers[index] = rank
  }

  function leaveExact(set: Set<number | string>): void {
    exact = undefined
    registers = new Uint8Array(REGISTERS)
    for (const value of set) addKey(typeof value === 'number' ? numberKey(value) : stringKey(value))
  }

  return {
    addNumber(value) {
      if (exact === undefined) return addKey(numberKey(value))
      exact.add(value === 0 ? 0 : value)
      if (exact.size > EXACT_LIMIT) leaveExact(exact)
    },
    addString(value) {
      if (exact === undefined) return addKey(stringKey(value))
      if (exact.has(value)) return
      exact.add(value)
      exactChars += value.length
      if (exact.size > EXACT_LIMIT || exactChars > EXACT_MAX_CHARS) leaveExact(exact)
    },
    estimate() {
      if (exact !== undefined) return { distinctCount: exact.size, isExact: true }
      const held = registers ?? new Uint8Array(REGISTERS)
      let sum = 0
      let zeros = 0
      for (let i = 0; i < REGISTERS; i++) {
        sum += 2 ** -held[i]
        if (held[i] === 0) zeros++
      }
      let estimate = (ALPHA * REGISTERS * REGISTERS) / sum
      if (estimate <= 2.5 * REGISTERS && zeros > 0) estimate = REGISTERS * Math.log(REGISTERS / zeros)
      return { distinctCount: Math.round(estimate), isExact: false }
    },
  }
}
