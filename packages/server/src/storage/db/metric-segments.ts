/**
 * A metric series is stored in history order — (step, timestamp), then arrival — packed into
 * segments of SEGMENT_POINTS points: segment n holds positions [64n, 64n + 64). One row per
 * segment instead of one per point is what makes ingestion fast; fixed positions are what let
 * a page or a rollup block be found without counting.
 *
 * Layout of a segment: all steps, then all timestamps, then all values, each a little-endian
 * float64 (steps and timestamps are safe integers, so float64 holds them exactly; NaN and the
 * infinities are values like any other).
 */
export const SEGMENT_POINTS = 64
const BYTES_PER_POINT = 24

/** Points in columns; positions are implied by the index. */
export interface PointColumns {
  steps: Float64Array
  timestamps: Float64Array
  values: Float64Array
}

export function emptyColumns(length: number): PointColumns {
  return { steps: new Float64Array(length), timestamps: new Float64Array(length), values: new Float64Array(length) }
}

export function segmentLength(segment: Uint8Array): number {
  return segment.byteLength / BYTES_PER_POINT
}

// Float64Array uses the machine's byte order; segments are little-endian whatever the machine.
const IS_LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f

export function encodeSegment(columns: PointColumns, from: number, to: number): Buffer {
  const count = to - from
  if (IS_LITTLE_ENDIAN) {
    // Whole columns copied at once into an array of the segment's layout.
    const packed = new Float64Array(3 * count)
    packed.set(columns.steps.subarray(from, to), 0)
    packed.set(columns.timestamps.subarray(from, to), count)
    packed.set(columns.values.subarray(from, to), 2 * count)
    return Buffer.from(packed.buffer, 0, count * BYTES_PER_POINT)
  }
  const buffer = Buffer.allocUnsafe(count * BYTES_PER_POINT)
  for (let i = 0; i < count; i++) {
    buffer.writeDoubleLE(columns.steps[from + i] as number, i * 8)
    buffer.writeDoubleLE(columns.timestamps[from + i] as number, (count + i) * 8)
    buffer.writeDoubleLE(columns.values[from + i] as number, (2 * count + i) * 8)
  }
  return buffer
}

/** Decodes a segment into `into`, starting at index `at`; returns the number of points. */
function decodeSegment(segment: Buffer, into: PointColumns, at: number): number {
  const count = segmentLength(segment)
  if (IS_LITTLE_ENDIAN) {
    // A Float64Array view needs an offset that is a multiple of 8, which a driver's buffer may not have.
    const aligned =
      segment.byteOffset % 8 === 0
        ? new Float64Array(segment.buffer, segment.byteOffset, 3 * count)
        : new Float64Array(new Uint8Array(segment).buffer, 0, 3 * count)
    into.steps.set(aligned.subarray(0, count), at)
    into.timestamps.set(aligned.subarray(count, 2 * count), at)
    into.values.set(aligned.subarray(2 * count, 3 * count), at)
    return count
  }
  for (let i = 0; i < count; i++) {
    into.steps[at + i] = segment.readDoubleLE(i * 8)
    into.timestamps[at + i] = segment.readDoubleLE((count + i) * 8)
    into.values[at + i] = segment.readDoubleLE((2 * count + i) * 8)
  }
  return count
}

/** Decodes consecutive segments into one set of columns. */
export function decodeSegments(segments: Buffer[]): PointColumns {
  const total = segments.reduce((sum, segment) => sum + segmentLength(segment), 0)
  const columns = emptyColumns(total)
  let at = 0
  for (const segment of segments) at += decodeSegment(segment, columns, at)
  return columns
}

/** Negative when (stepA, timestampA) comes first in history order, 0 when they tie. */
export function compareKeys(stepA: number, timestampA: number, stepB: number, timestampB: number): number {
  return stepA - stepB || timestampA - timestampB
}

/**
 * The points of one key of a batch (its indices into the batch's columns, in arrival order) as
 * columns in history order; a stable sort, so points that tie keep their arrival order. A batch of one key in order is the
 * common case: its columns are used as they are.
 */
export function sortedColumnsOf(batch: PointColumns, indices: Uint32Array | undefined): PointColumns {
  const length = indices === undefined ? batch.steps.length : indices.length
  const at = (i: number) => (indices === undefined ? i : (indices[i] as number))
  let isSorted = true
  for (let i = 1; i < length && isSorted; i++) {
    const [a, b] = [at(i - 1), at(i)]
    isSorted =
      compareKeys(
        batch.steps[a] as number,
        batch.timestamps[a] as number,
        batch.steps[b] as number,
        batch.timestamps[b] as number,
      ) <= 0
  }
  if (isSorted && indices === undefined) return batch
  const order = Array.from({ length }, (_, i) => at(i))
  if (!isSorted) {
    order.sort((a, b) =>
      compareKeys(
        batch.steps[a] as number,
        batch.timestamps[a] as number,
        batch.steps[b] as number,
        batch.timestamps[b] as number,
      ),
    )
  }
  const columns = emptyColumns(length)
  for (let i = 0; i < length; i++) {
    const j = order[i] as number
    columns.steps[i] = batch.steps[j] as number
    columns.timestamps[i] = batch.timestamps[j] as number
    columns.values[i] = batch.values[j] as number
  }
  return columns
}

/** Merges two runs in history order; on a tie the stored point stays first, so arrival order holds. */
export function mergeColumns(stored: PointColumns, added: PointColumns): PointColumns {
  const storedLength = stored.steps.length
  const addedLength = added.steps.length
  const merged = emptyColumns(storedLength + addedLength)
  const isAfter =
    storedLength === 0 ||
    addedLength === 0 ||
    compareKeys(
      stored.steps[storedLength - 1] as number,
      stored.timestamps[storedLength - 1] as number,
      added.steps[0] as number,
      added.timestamps[0] as number,
    ) <= 0
  if (isAfter) {
    // The common case, an append at the end: the two runs one after the other.
    for (const column of ['steps', 'timestamps', 'values'] as const) {
      merged[column].set(stored[column], 0)
      merged[column].set(added[column], storedLength)
    }
    return merged
  }
  let s = 0
  let a = 0
  for (let i = 0; i < merged.steps.length; i++) {
    const takeStored =
      a >= addedLength ||
      (s < storedLength &&
        compareKeys(
          stored.steps[s] as number,
          stored.timestamps[s] as number,
          added.steps[a] as number,
          added.timestamps[a] as number,
        ) <= 0)
    const [from, j] = takeStored ? [stored, s++] : [added, a++]
    merged.steps[i] = from.steps[j] as number
    merged.timestamps[i] = from.timestamps[j] as number
    merged.values[i] = from.values[j] as number
  }
  return merged
}
