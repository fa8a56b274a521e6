import { hasLoneSurrogate } from './has-lone-surrogate.js'

// A character that JSON.stringify escapes (a control character, '"' or '\\') or a surrogate, paired or not.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const NEEDS_CARE = /[\u0000-\u001f"\\\uD800-\uDFFF]/

const SMALL_OBJECT_KEYS = 16

/**
 * The RFC 8785 (JCS) canonical JSON text of `value`: sorted keys, no whitespace, ECMAScript numbers.
 *
 * Follows JSON.stringify where JCS is silent, so that re-canonicalising `JSON.parse(JSON.stringify(v))`
 * gives the same text: `toJSON()` is honoured (a `Date` becomes its ISO string), an `undefined` member
 * is left out and an `undefined` array element becomes `null`. Throws a TypeError for what has no JSON
 * form: a top-level `undefined`, functions, symbols, bigints, NaN, ±Infinity, strings with unpaired
 * surrogates, cycles, and objects that are neither arrays nor plain objects (a `Map` would silently
 * become `{}`).
 */
export function canonicalJson(value: unknown): string {
  const text = serialise(value, [])
  if (text === undefined) throw new TypeError('canonicalJson: undefined has no JSON form')
  return text
}

/** The canonical text of `value`, or undefined when JSON.stringify would leave it out. */
function serialise(value: unknown, ancestors: object[]): string | undefined {
  switch (typeof value) {
    case 'string':
      return serialiseString(value)
    case 'number':
      return serialiseNumber(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'undefined':
      return undefined
    case 'object':
      return value === null ? 'null' : serialiseObject(value, ancestors)
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} has no JSON form`)
  }
}

function serialiseString(value: string): string {
  // Most strings need no escaping; skipping JSON.stringify for them halves the cost of hashing an event.
  if (!NEEDS_CARE.test(value)) return `"${value}"`
  // RFC 8785 §3.1 requires I-JSON input, which forbids unpaired surrogates: they have no UTF-8 encoding.
  if (hasLoneSurrogate(value)) throw new TypeError('canonicalJson: string contains an unpaired surrogate')
  // RFC 8785 §3.2.2.2 prescribes exactly the escaping of ECMAScript's JSON.stringify.
  return JSON.stringify(value)
}

function serialiseNumber(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} has no JSON form`)
  // RFC 8785 §3.2.2.3 prescribes ECMAScript's Number::toString, which also turns -0 into "0".
  return String(value)
}

function serialiseObject(value: object, ancestors: object[]): string | undefined {
  if (hasToJson(value)) return serialise(value.toJSON(), ancestors)
  if (ancestors.includes(value)) throw new TypeError('canonicalJson: value contains a cycle')
  ancestors.push(value)
  const text = Array.isArray(value) ? serialiseArray(value, ancestors) : serialiseMembers(value, ancestors)
  ancestors.pop()
  return text
}

function serialiseArray(value: unknown[], ancestors: object[]): string {
  let text = '['
  for (let i = 0; i < value.length; i++) {
    if (i > 0) text += ','
    text += serialise(value[i], ancestors) ?? 'null'
  }
  return `${text}]`
}

function serialiseMembers(value: object, ancestors: object[]): string {
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) {
    throw new TypeError(`canonicalJson: a ${value.constructor?.name ?? 'non-plain object'} has no JSON form`)
  }
  const record = value as Record<string, unknown>
  const keys = sortedKeys(record)
  let text = '{'
  for (const key of keys) {
    const member = serialise(record[key], ancestors)
    if (member === undefined) continue
    if (text.length > 1) text += ','
    text += `${serialiseString(key)}:${member}`
  }
  return `${text}}`
}

/** The object's keys in the order RFC 8785 §3.2.3 prescribes: by UTF-16 code units, which `<` compares. */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record)
  // Array.prototype.sort costs more than the rest of writing a small object, and audit events are
  // mostly small objects, so those get an insertion sort; large ones keep the O(n log n) sort.
  if (keys.length > SMALL_OBJECT_KEYS) return keys.sort()
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string
    let j = i - 1
    for (; j >= 0 && (keys[j] as string) > key; j--) keys[j + 1] = keys[j] as string
    keys[j + 1] = key
  }
  return keys
}

function hasToJson(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function'
}
