import { createHash } from 'node:crypto'
import { createInterface } from 'node:readline'
import { InvalidInputError, Key } from '@provena/contract'
import type { BlobStore } from '../../storage/artifacts/blob-store.js'
import type { StoredPoint } from '../../storage/db/metrics-repository.js'

const SPECIAL_VALUES: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
}

function parseLine(line: string, lineNo: number, checkedKeys: Set<string>): StoredPoint {
  const refuse = (why: string) => new InvalidInputError(`metric history line ${lineNo}: ${why}`)
  let tuple: unknown
  try {
    tuple = JSON.parse(line)
  } catch {
    throw refuse('is not JSON')
  }
  if (!Array.isArray(tuple) || tuple.length !== 4) throw refuse('is not [key, value, step, timestampMs]')
  const [key, rawValue, step, timestampMs] = tuple as unknown[]
  if (typeof key !== 'string') throw refuse('the key is not a string')
  if (!checkedKeys.has(key)) {
    const parsed = Key.safeParse(key)
    if (!parsed.success) throw refuse(`key '${key}' ${parsed.error.issues[0]?.message ?? 'is invalid'}`)
    checkedKeys.add(key)
  }
  const value = typeof rawValue === 'number' ? rawValue : SPECIAL_VALUES[String(rawValue)]
  if (value === undefined) throw refuse('the value is not a number, "NaN", "Infinity" or "-Infinity"')
  if (!Number.isSafeInteger(step)) throw refuse('the step is not an integer')
  if (!Number.isSafeInteger(timestampMs) || (timestampMs as number) < 0) throw refuse('the timestamp is not valid')
  return { key, value, step: step as number, timestampMs: timestampMs as number }
}

/**
 * Every point of an uploaded metric history (JSON Lines of `[key, value, step, timestampMs]`),
 * hashed as it is read: bytes that are not the blob named, or a count that differs from what the
 * importer announced, are refused before anything is written.
 */
export async function readImportedMetrics(
  blobs: BlobStore,
  blob: { sha256: string; pointCount: number },
): Promise<StoredPoint[]> {
  const stream = await blobs.get(blob.sha256)
  if (!stream) throw new InvalidInputError(`the metric history (sha256 ${blob.sha256}) was not uploaded first`)
  const hash = createHash('sha256')
  stream.on('data', (chunk: Buffer) => hash.update(chunk))
  const points: StoredPoint[] = []
  const checkedKeys = new Set<string>()
  let lineNo = 0
  for await (const line of createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNo++
    if (line.trim() === '') continue
    points.push(parseLine(line, lineNo, checkedKeys))
  }
  if (hash.digest('hex') !== blob.sha256) {
    throw new InvalidInputError(`the stored metric history does not match its digest ${blob.sha256}`)
  }
  if (points.length !== blob.pointCount) {
    throw new InvalidInputError(`the metric history has ${points.length} points, not ${blob.pointCount}`)
  }
  return points
}

/** History order, and among points of the same step and time, by value (NaN last): one order for equal histories. */
function comparePoints(a: StoredPoint, b: StoredPoint): number {
  if (a.step !== b.step) return a.step - b.step
  if (a.timestampMs !== b.timestampMs) return a.timestampMs - b.timestampMs
  if (Number.isNaN(a.value) || Number.isNaN(b.value))
    return Number(Number.isNaN(a.value)) - Number(Number.isNaN(b.value))
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0
}

/**
 * Whether two histories hold the same points (NaN equal to NaN), key by key. Both arrive nearly
 * in history order, so sorting them is cheap and no per-point text is built.
 */
export function isSameHistory(here: Map<string, StoredPoint[]>, there: Map<string, StoredPoint[]>): boolean {
  if (here.size !== there.size) return false
  for (const [key, mine] of here) {
    const theirs = there.get(key)
    if (theirs === undefined || theirs.length !== mine.length) return false
    const [a, b] = [[...mine].sort(comparePoints), [...theirs].sort(comparePoints)]
    for (let i = 0; i < a.length; i++) {
      const [p, q] = [a[i] as StoredPoint, b[i] as StoredPoint]
      if (comparePoints(p, q) !== 0 || Number.isNaN(p.value) !== Number.isNaN(q.value)) return false
    }
  }
  return true
}

/** The points of one key in history order (step, then timestamp), as they are appended. */
export function groupByKey(points: readonly StoredPoint[]): Map<string, StoredPoint[]> {
  const byKey = new Map<string, StoredPoint[]>()
  for (const p of points) {
    const group = byKey.get(p.key)
    if (group) group.push(p)
    else byKey.set(p.key, [p])
  }
  for (const group of byKey.values()) group.sort((a, b) => a.step - b.step || a.timestampMs - b.timestampMs)
  return byKey
}
